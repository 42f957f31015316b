package chains

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func digestDir(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = sha256.Sum256(b)
	}
	return out
}

// Connect never starts chains on another process's state: while an instance runs it talks to
// that instance's chains; when none runs it works on a throwaway copy, leaving DATA_DIR's saved
// state byte for byte as it was.
func TestConnectReadsChainsWithoutTouchingTheirState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dataDir := t.TempDir()
	live, err := Start(ctx, Config{DataDir: dataDir, Ethereum: EthereumConfig{BlockTime: time.Hour}})
	require.NoError(t, err)
	e := (&recorder{}).executor(t, live)
	treasury(t, e, "ethereum", 7_000_000_000)

	c, err := Connect(ctx, Config{DataDir: dataDir})
	require.NoError(t, err)
	assert.Contains(t, c.Source(), "running instance")
	assert.Nil(t, c.EthProc, "no chain started")
	assert.Nil(t, c.SolProc)
	b, err := c.HotWalletBalances(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(7_000_000_000), b["ethereum"].Ledger)
	c.Close()
	assert.True(t, live.EthProc.Alive(), "closing the reader leaves the instance's chains running")

	live.Close()
	stateDir := filepath.Join(dataDir, "chains")
	before := digestDir(t, stateDir)
	c, err = Connect(ctx, Config{DataDir: dataDir})
	require.NoError(t, err)
	assert.Contains(t, c.Source(), "throwaway copy")
	b, err = c.HotWalletBalances(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(7_000_000_000), b["ethereum"].Ledger, "the saved state, read")
	c.Close()
	assert.Equal(t, before, digestDir(t, stateDir), "the saved state is untouched")
}
