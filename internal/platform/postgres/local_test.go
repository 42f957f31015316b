package postgres_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/postgres"
)

func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vibestream-local-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// The managed server keeps its data across restarts and recovers from a stale pid file left
// by a process that was killed.
func TestLocalServerKeepsDataAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	data := filepath.Join(tempDir(t), "var", "postgres")
	s, err := postgres.StartLocal(ctx, data, postgres.LocalOptions{Fast: true})
	require.NoError(t, err)
	require.NoError(t, s.EnsureDatabase(ctx, "app"))
	require.NoError(t, s.EnsureDatabase(ctx, "app"), "idempotent")
	conn, err := pgx.Connect(ctx, s.URL("app"))
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")
	require.NoError(t, err)
	conn.Close(ctx)
	s.Stop()
	_, err = os.Stat(filepath.Join(data, "postmaster.pid"))
	assert.True(t, os.IsNotExist(err), "a clean stop removes the pid file")

	// Simulate a crash's leftover: a pid file naming a process that does not exist.
	require.NoError(t, os.WriteFile(filepath.Join(data, "postmaster.pid"), []byte("999999\n"), 0o600))
	s, err = postgres.StartLocal(ctx, data, postgres.LocalOptions{Fast: true})
	require.NoError(t, err)
	defer s.Stop()
	conn, err = pgx.Connect(ctx, s.URL("app"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var v int
	require.NoError(t, conn.QueryRow(ctx, "SELECT v FROM kept").Scan(&v))
	assert.Equal(t, 42, v)
}

func TestMissingBinariesNameThePackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := postgres.FindBinary("definitely-not-a-postgres-binary")
	require.ErrorIs(t, err, postgres.ErrBinariesMissing)
	assert.Contains(t, err.Error(), "apt-get install postgresql")
}
