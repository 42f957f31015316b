package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListenConfiguration(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig(envOf(nil))
	require.NoError(t, err)
	l := cfg.Listen
	assert.Equal(t, -1, l.PlatformFeeBPS, "unset: the phases by registered users")
	assert.Equal(t, 30*time.Second, l.Policy.MinListen)
	assert.Equal(t, 2*time.Hour, l.Policy.MaxSession)
	assert.Equal(t, []int{10, 30, 500}, []int{l.Policy.MaxPerSongPerDay, l.Policy.MaxPerIPSongHour, l.Policy.MaxPerUserPerDay})
	assert.Equal(t, "1.000000000", l.Rewards.Base.String())
	assert.Equal(t, "100.000000000", l.Rewards.DailyCap.String())
	assert.Equal(t, "1000.000000000", l.Rewards.SessionCap.String())
	assert.Equal(t, "1.000000000", l.Rewards.MinClaim.String())

	cfg, err = loadConfig(envOf(map[string]string{"STREAM_PLATFORM_FEE_BPS": "1500", "REWARD_BASE": "2.5",
		"FRAUD_MAX_LISTENS_PER_SONG_PER_DAY": "3", "LISTEN_EXPIRY_INTERVAL": "10s"}))
	require.NoError(t, err)
	assert.Equal(t, 1500, cfg.Listen.PlatformFeeBPS)
	assert.Equal(t, "2.500000000", cfg.Listen.Rewards.Base.String())
	assert.Equal(t, 3, cfg.Listen.Policy.MaxPerSongPerDay)
	assert.Equal(t, 10*time.Second, cfg.Listen.ExpireEvery)

	for name, value := range map[string]string{
		"STREAM_PLATFORM_FEE_BPS":            "10001",
		"REWARD_BASE":                        "0.0000000001",
		"REWARD_MIN_CLAIM":                   "0",
		"FRAUD_MAX_LISTENS_PER_USER_PER_DAY": "0",
		"LISTEN_SESSION_GRACE":               "later",
	} {
		_, err := loadConfig(envOf(map[string]string{name: value}))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name)
	}
}

func TestZKProversConfiguration(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig(envOf(nil))
	require.NoError(t, err)
	assert.Equal(t, 1, cfg.ZK.Provers, "one proof at a time by default")
	cfg, err = loadConfig(envOf(map[string]string{"ZK_PROVERS": "2"}))
	require.NoError(t, err)
	assert.Equal(t, 2, cfg.ZK.Provers)
	_, err = loadConfig(envOf(map[string]string{"ZK_PROVERS": "0"}))
	require.Error(t, err)
}
