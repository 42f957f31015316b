package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// catalogRoot reads the catalog tree's published root and size from GET /api/v1/zk/roots.
func catalogRoot(t *testing.T, ta *testApp) (root string, leaves int64) {
	t.Helper()
	res := ta.do(http.MethodGet, "/api/v1/zk/roots", nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var roots struct {
		Trees []struct {
			Tree   string `json:"tree"`
			Root   string `json:"root"`
			Leaves int64  `json:"leaves"`
		} `json:"trees"`
	}
	res.JSON(t, &roots)
	for _, tr := range roots.Trees {
		if tr.Tree == "catalog" {
			return tr.Root, tr.Leaves
		}
	}
	t.Fatal("no catalog tree in GET /zk/roots")
	return "", 0
}

// The catalog tree holds every published song, whether it was published through the API
// (music.song_published.v1) or before the tree's subscriber existed (the back-fill job), and
// nothing else; a listen of a song never proved before proves against the published root.
func TestCatalogTreeHoldsEveryPublishedSong(t *testing.T) {
	ta := musicApp(t)
	ctx := context.Background()
	db := ta.app.pool
	artistUser, artist := registerUser(t, ta, "artist")
	viaAPI := readySong(t, ta, artist, "Published Live", "tone.mp3", true)
	draft := readySong(t, ta, artist, "Never Published", "tone.mp3", false)
	var artistID uuid.UUID
	var artistName string
	require.NoError(t, db.QueryRow(ctx, `SELECT id, name FROM music.artists WHERE user_id = $1`, artistUser).Scan(&artistID, &artistName))

	// 1,200 songs of an older catalog, published before the subscriber existed: no event
	// announced them. 40 are unpublished and 20 deleted.
	var old []uuid.UUID
	for i := range 1_200 {
		id := uuid.New()
		old = append(old, id)
		_, err := db.Exec(ctx, `INSERT INTO music.songs (id, artist_id, artist_name, title, duration_ms, status, published, deleted, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 180000, 'ready', $5, $6, now(), now())`, id, artistID, artistName, "Old "+id.String()[:8], i%30 != 0, i%60 == 1)
		require.NoError(t, err)
	}
	// What migration 00170 leaves behind on such a database: the back-fill not done.
	_, err := db.Exec(ctx, `UPDATE listenreward.catalog_backfill SET finished_at = NULL, after_id = '00000000-0000-0000-0000-000000000000'`)
	require.NoError(t, err)
	ta.app.listenProofs.StartCatalogBackfill(ctx)

	var published int64
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM music.songs WHERE published AND NOT deleted`).Scan(&published))
	require.Equal(t, int64(1+1_200-40-20), published)
	defer func() {
		if t.Failed() {
			rows, _ := db.Query(ctx, `SELECT state, args::text, attempt, coalesce(errors::text, '') FROM river_job WHERE kind = 'listenreward.catalog_backfill'`)
			for rows.Next() {
				var st, args, errs string
				var att int
				_ = rows.Scan(&st, &args, &att, &errs)
				t.Logf("job %s %s attempt %d errors %s", st, args, att, errs)
			}
			rows.Close()
			var gen int64
			var after string
			var fin bool
			_ = db.QueryRow(ctx, `SELECT generation, after_id::text, finished_at IS NOT NULL FROM listenreward.catalog_backfill`).Scan(&gen, &after, &fin)
			t.Logf("backfill gen %d after %s finished %v", gen, after, fin)
		}
	}()
	eventually(t, 2*time.Minute, func() bool {
		var finished bool
		require.NoError(t, db.QueryRow(ctx, `SELECT finished_at IS NOT NULL FROM listenreward.catalog_backfill`).Scan(&finished))
		return finished
	}, "the back-fill job to finish")
	_, leaves := catalogRoot(t, ta)
	require.Equal(t, published, leaves)
	var missing, extra int
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM music.songs s WHERE s.published AND NOT s.deleted
		AND NOT EXISTS (SELECT 1 FROM zk.tree_leaves l WHERE l.tree = 'catalog' AND l.key = s.id::text)`).Scan(&missing))
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM zk.tree_leaves l WHERE l.tree = 'catalog'
		AND NOT EXISTS (SELECT 1 FROM music.songs s WHERE s.id::text = l.key AND s.published AND NOT s.deleted)`).Scan(&extra))
	require.Zero(t, missing, "published songs missing from the catalog tree")
	require.Zero(t, extra, "leaves of songs that are not published")
	require.Zero(t, leafCount(t, ta, draft.ID))
	require.Equal(t, 1, leafCount(t, ta, viaAPI.ID))

	// Publishing one of the old unpublished songs through the API appends it at once.
	res := ta.do(http.MethodPatch, "/api/v1/music/songs/"+old[30].String(), map[string]any{"published": true}, withToken(artist))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	eventually(t, 30*time.Second, func() bool { return leafCount(t, ta, old[30].String()) == 1 }, "the published song's leaf")
	root, leaves := catalogRoot(t, ta)
	require.Equal(t, published+1, leaves)

	// A listen of an old song whose listens were never proved: the proof states the root
	// already published (the song's leaf was there; proving appended nothing) and verifies.
	listenerID, listener := registerUser(t, ta, "listener")
	session := uuid.New()
	qualify(t, ta, session, mustUUID(t, listenerID), old[2], 42)
	res = waitProof(t, ta, listener, session, http.StatusOK)
	var p proofBody
	res.JSON(t, &p)
	require.Equal(t, root, p.PublicInputs[0], "the proof's catalog_root is the root published before it")
	_, after := catalogRoot(t, ta)
	require.Equal(t, leaves, after, "proving appended no leaf")
	res = ta.verify(map[string]any{"circuit": "listen", "proof": p.Proof, "public_inputs": p.PublicInputs})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var v verifyBody
	res.JSON(t, &v)
	require.True(t, v.Valid, v.Reasons)

	// A later start finds the back-fill finished and enqueues nothing.
	var gen int64
	require.NoError(t, db.QueryRow(ctx, `SELECT generation FROM listenreward.catalog_backfill`).Scan(&gen))
	ta.app.listenProofs.StartCatalogBackfill(ctx)
	var again int64
	require.NoError(t, db.QueryRow(ctx, `SELECT generation FROM listenreward.catalog_backfill`).Scan(&again))
	require.Equal(t, gen, again)
}

func leafCount(t *testing.T, ta *testApp, song string) int {
	t.Helper()
	var n int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM zk.tree_leaves WHERE tree = 'catalog' AND key = $1`, song).Scan(&n))
	return n
}
