package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsNeedNoConfiguration(t *testing.T) {
	cfg, err := loadConfig(envOf(nil))
	require.NoError(t, err)
	assert.Equal(t, ":3000", cfg.HTTPAddr)
	assert.Empty(t, cfg.DatabaseURL, "no DATABASE_URL means the managed local server")
	assert.True(t, strings.HasSuffix(cfg.DataDir, "/var"))
	assert.Equal(t, "http://localhost:3000", cfg.PublicURL)
}

func TestInvalidConfigurationNamesTheVariable(t *testing.T) {
	cases := map[string]string{
		"HTTP_ADDR":        "no-port",
		"DATABASE_URL":     "mysql://x",
		"LOG_LEVEL":        "loud",
		"SHUTDOWN_TIMEOUT": "soon",
		"DB_MAX_CONNS":     "1",
		"TRUST_PROXY":      "maybe",
		"PUBLIC_URL":       "ftp://x",
		"HTTP_BODY_LIMIT":  "lots",
	}
	for name, value := range cases {
		_, err := loadConfig(envOf(map[string]string{name: value}))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name, "the message must name the variable")
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"200MB": 200 << 20, "1K": 1024, "5": 5, "2g": 2 << 30} {
		got, err := parseBytes(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}
