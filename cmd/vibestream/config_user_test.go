package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
)

func TestUserConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(envOf(map[string]string{"DATA_DIR": "/srv/vs"}))
	require.NoError(t, err)
	u := cfg.User
	assert.Equal(t, "/srv/vs/keys/jwt-ed25519.pem", u.JWTKeyFile)
	assert.True(t, u.JWTKeyGenerate)
	assert.Equal(t, "http://localhost:3000", u.JWTIssuer, "the issuer defaults to PUBLIC_URL")
	assert.Equal(t, "vibestream", u.JWTAudience)
	assert.Equal(t, 15*time.Minute, u.AccessTokenTTL)
	assert.Equal(t, 30*24*time.Hour, u.RefreshTokenTTL)
	assert.Equal(t, 19*1024, u.Argon2MemoryKiB)
	assert.Equal(t, "31337", u.EthereumChainID, "sign-in names the local anvil chain by default")

	cfg, err = loadConfig(envOf(map[string]string{"ETH_CHAIN_ID": "11155111"}))
	require.NoError(t, err)
	assert.Equal(t, "11155111", cfg.User.EthereumChainID, "sign-in follows the configured chain")

	cfg, err = loadConfig(envOf(map[string]string{"JWT_PRIVATE_KEY_FILE": "/etc/vs/key.pem", "JWT_VERIFY_KEY_FILES": "/a.pem, /b.pem"}))
	require.NoError(t, err)
	assert.False(t, cfg.User.JWTKeyGenerate, "an explicit key file is never generated")
	assert.Equal(t, []string{"/a.pem", "/b.pem"}, cfg.User.JWTVerifyKeyFiles)
}

func TestInvalidUserConfigurationNamesTheVariable(t *testing.T) {
	for name, value := range map[string]string{
		"ACCESS_TOKEN_TTL":               "1s",
		"REFRESH_TOKEN_TTL":              "1m",
		"PASSWORD_ARGON2_MEMORY_KIB":     "16",
		"PASSWORD_ARGON2_TIME":           "0",
		"LOGIN_MAX_FAILURES_PER_ACCOUNT": "0",
		"LOGIN_LOCKOUT":                  "forever",
		"WALLET_ETHEREUM_CHAIN_ID":       "mainnet",
		"WALLET_SOLANA_CHAIN_ID":         "two words",
		"WALLET_CHALLENGE_TTL":           "-1m",
	} {
		_, err := loadConfig(envOf(map[string]string{name: value}))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name, "the message must name the variable")
	}
}

func TestSigningKeyIsGeneratedOnceAndSurvivesRestarts(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, tok := registerUser(t, ta, "listener")
	keyFile := filepath.Join(ta.app.cfg.DataDir, "keys", "jwt-ed25519.pem")
	st, err := os.Stat(keyFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	// A second instance on the same DATA_DIR (a restart) uses the same key: tokens stay valid.
	again, err := newApp(ta.app.cfg, ta.app.pool, observability.DiscardLogger(), jobs.Options{})
	require.NoError(t, err)
	assert.Equal(t, ta.app.users.KeyID(), again.users.KeyID())
	_, err = again.users.Authenticator().Authenticate(t.Context(), tok)
	assert.NoError(t, err)
}

func TestConfiguredKeysAndRotation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeKey := func(name string) string {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		require.NoError(t, err)
		der, err := x509.MarshalPKCS8PrivateKey(k)
		require.NoError(t, err)
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
		return p
	}
	oldKey, newKey := writeKey("old.pem"), writeKey("new.pem")
	before := newTestApp(t, func(c *Config) { c.User.JWTKeyFile, c.User.JWTKeyGenerate = oldKey, false })
	_, tok := registerUser(t, before, "listener")

	after := newTestApp(t, func(c *Config) {
		c.User.JWTKeyFile, c.User.JWTKeyGenerate = newKey, false
		c.User.JWTVerifyKeyFiles = []string{oldKey}
	})
	_, err := after.app.users.Authenticator().Authenticate(t.Context(), tok)
	assert.NoError(t, err, "tokens of the previous key verify during the rotation")
	res := after.do(http.MethodGet, "/.well-known/jwks.json", nil)
	require.Equal(t, http.StatusOK, res.Status)
	assert.Equal(t, 2, strings.Count(string(res.Body), `"kid"`), "both keys are published")

	cfg := testConfig(t)
	cfg.User.JWTKeyFile, cfg.User.JWTKeyGenerate = filepath.Join(dir, "missing.pem"), false
	_, err = newApp(cfg, before.app.pool, observability.DiscardLogger(), jobs.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "JWT_PRIVATE_KEY_FILE")
}
