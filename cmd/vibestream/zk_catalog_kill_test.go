package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// The catalog back-fill killed with SIGKILL halfway through resumes from its cursor at the next
// start and ends with every published song in the tree exactly once.
func TestCatalogBackfillResumesAfterKill9(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir, err := os.MkdirTemp("", "vibestream-backfill-kill-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "vibestream")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	dbURL, dataDir := pgtest.NewURL(t), filepath.Join(dir, "var")
	ctx := context.Background()
	db, err := postgres.Connect(ctx, dbURL, 4)
	require.NoError(t, err)
	t.Cleanup(db.Close)

	// First start: migrates and back-fills an empty catalog.
	a := startBinary(t, bin, dbURL, dataDir)
	backfill := func() (gen int64, after uuid.UUID, finished bool) {
		require.NoError(t, db.QueryRow(ctx, `SELECT generation, after_id, finished_at IS NOT NULL FROM listenreward.catalog_backfill`).Scan(&gen, &after, &finished))
		return
	}
	eventually(t, 30*time.Second, func() bool { _, _, f := backfill(); return f }, "the first back-fill to finish")
	require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
	_ = a.cmd.Wait()

	// An older catalog appears (published before the subscriber existed), and the tree is to be
	// rebuilt, as after migration 00170.
	artist := uuid.New()
	_, err = db.Exec(ctx, `INSERT INTO music.artists (id, user_id, name, created_at, updated_at) VALUES ($1, $2, 'Old Catalog', now(), now())`, artist, uuid.New())
	require.NoError(t, err)
	const songs = 4_000
	_, err = db.Exec(ctx, `INSERT INTO music.songs (id, artist_id, artist_name, title, duration_ms, status, published, created_at, updated_at)
		SELECT gen_random_uuid(), $1, 'Old Catalog', 'Old ' || i, 180000, 'ready', true, now(), now() FROM generate_series(1, $2) AS i`, artist, songs)
	require.NoError(t, err)
	_, err = db.Exec(ctx, `UPDATE listenreward.catalog_backfill SET finished_at = NULL, after_id = '00000000-0000-0000-0000-000000000000'`)
	require.NoError(t, err)

	// Second start: killed once the back-fill has saved its cursor, well before the end.
	b := startBinary(t, bin, dbURL, dataDir)
	eventually(t, 2*time.Minute, func() bool { _, after, _ := backfill(); return after != uuid.Nil }, "a first page of the back-fill")
	require.NoError(t, b.cmd.Process.Signal(syscall.SIGKILL))
	_ = b.cmd.Wait()
	gen, _, finished := backfill()
	require.False(t, finished, "killed halfway (make the catalog larger if this machine is faster)")
	var atKill int
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM zk.tree_leaves WHERE tree = 'catalog'`).Scan(&atKill))
	require.Less(t, atKill, songs)

	// Third start: a new generation of the job (the killed one is still "running" in River)
	// resumes from the cursor and finishes.
	startBinary(t, bin, dbURL, dataDir)
	eventually(t, 3*time.Minute, func() bool { _, _, f := backfill(); return f }, "the resumed back-fill to finish")
	again, _, _ := backfill()
	require.Greater(t, again, gen)
	var leaves, distinct int
	require.NoError(t, db.QueryRow(ctx, `SELECT leaves FROM zk.trees WHERE name = 'catalog'`).Scan(&leaves))
	require.NoError(t, db.QueryRow(ctx, `SELECT count(DISTINCT key) FROM zk.tree_leaves WHERE tree = 'catalog'`).Scan(&distinct))
	require.Equal(t, songs, leaves)
	require.Equal(t, songs, distinct)
	// (That the run resumes from the cursor rather than from the start is asserted with the
	// pages it reads in TestCatalogBackfillResumesAfterAnInterruption.)
}
