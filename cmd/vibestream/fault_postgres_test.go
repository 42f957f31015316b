package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// Postgres restarted under load (issue 14): the real binary on its own Postgres server, 8
// clients reading and writing without pause. The server is stopped (every connection gone),
// kept down for 3 s and started again on the same data directory. While it is down
// /health/ready answers 503 and /health stays 200; the API recovers by itself (no restart of
// vibestream); every request during the whole run either succeeded or failed in the one error
// shape with a 503 (never a 500, never a dropped connection); and every song creation that
// was answered 201 exists exactly once, every one that failed at most once.
func TestFaultPostgresRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs its own Postgres")
	}
	t.Parallel()
	bin := testBinary(t)
	dir, err := os.MkdirTemp("", "vibestream-pgfault-") // the postgres user must traverse it
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { os.RemoveAll(dir) })
	pgDir := filepath.Join(dir, "pg")
	ctx := context.Background()
	var pg *postgres.LocalServer
	pg, err = postgres.StartLocal(ctx, pgDir, postgres.LocalOptions{Fast: true})
	require.NoError(t, err)
	t.Cleanup(func() { pg.Stop() })
	require.NoError(t, pg.EnsureDatabase(ctx, "vibestream"))
	dbURL := pg.URL("vibestream")

	p := startBinary(t, bin, dbURL, filepath.Join(dir, "var"))
	artist := p.register(t, "pgartist", "artist")
	listener := p.register(t, "pglistener", "listener")

	type outcome struct {
		status int
		title  string // song creations
		err    string
	}
	var (
		mu       sync.Mutex
		outcomes []outcome
		stop     atomic.Bool
		seq      atomic.Int64
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second}
	do := func(method, path, tok string, body any) (int, []byte, error) {
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, p.base+path, r)
		req.Header.Set("Authorization", "Bearer "+tok)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode >= 400 {
			if prob := errorShapeProblem(res.Header.Get("Content-Type"), raw); prob != "" {
				return res.StatusCode, raw, fmt.Errorf("error shape: %s", prob)
			}
		}
		return res.StatusCode, raw, err
	}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				o := outcome{}
				var err error
				switch w % 3 {
				case 0:
					o.title = fmt.Sprintf("pg-%d", seq.Add(1))
					o.status, _, err = do(http.MethodPost, "/api/v1/music/songs", artist, map[string]any{"title": o.title, "genre": "Ambient"})
				case 1:
					o.status, _, err = do(http.MethodGet, "/api/v1/users/me", listener, nil)
				default:
					o.status, _, err = do(http.MethodGet, "/api/v1/music/songs?limit=5", listener, nil)
				}
				if err != nil {
					o.err = err.Error()
				}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
			}
		}()
	}
	status := func(path string) int {
		res, err := http.Get(p.base + path)
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(outcomes) }
	eventually(t, 20*time.Second, func() bool { return count() > 50 }, "load to run")

	pg.Stop()
	downAt := time.Now()
	eventually(t, 10*time.Second, func() bool { return status("/health/ready") == http.StatusServiceUnavailable }, "readiness 503 while Postgres is down")
	assert.Equal(t, http.StatusOK, status("/health"), "the process itself stays alive")
	time.Sleep(3*time.Second - time.Since(downAt)) // the outage lasts 3 s: what the test injects, not a synchronisation
	before := count()

	pg2, err := postgres.StartLocal(ctx, pgDir, postgres.LocalOptions{Fast: true})
	require.NoError(t, err)
	t.Cleanup(func() { pg2.Stop() })
	upAt := time.Now()
	eventually(t, 30*time.Second, func() bool { return status("/health/ready") == http.StatusOK }, "readiness back by itself")
	t.Logf("ready again %s after Postgres restarted", time.Since(upAt).Round(time.Millisecond))
	// requests succeed again
	eventually(t, 30*time.Second, func() bool {
		st, _, err := do(http.MethodGet, "/api/v1/users/me", listener, nil)
		return err == nil && st == http.StatusOK
	}, "the API to answer again")
	eventually(t, 30*time.Second, func() bool { return count() > before+50 }, "load to flow again")
	stop.Store(true)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	statuses := map[int]int{}
	created := map[string]bool{}
	failedCreates := map[string]bool{}
	for _, o := range outcomes {
		statuses[o.status]++
		if o.err != "" {
			t.Errorf("request failed uncleanly (status %d): %s", o.status, o.err)
			continue
		}
		if o.status >= 300 && o.status != http.StatusServiceUnavailable {
			t.Errorf("status %d (only 2xx or 503 expected)", o.status)
		}
		if o.title != "" {
			if o.status == http.StatusCreated {
				created[o.title] = true
			} else {
				failedCreates[o.title] = true
			}
		}
	}
	t.Logf("%d requests: %v", len(outcomes), statuses)
	require.Positive(t, statuses[http.StatusServiceUnavailable], "some requests met the outage")

	pool, err := postgres.Connect(ctx, pg2.URL("vibestream"), 2)
	require.NoError(t, err)
	defer pool.Close()
	rows, err := pool.Query(ctx, `SELECT title, count(*) FROM music.songs WHERE title LIKE 'pg-%' GROUP BY title`)
	require.NoError(t, err)
	inDB := map[string]int{}
	for rows.Next() {
		var title string
		var n int
		require.NoError(t, rows.Scan(&title, &n))
		inDB[title] = n
	}
	require.NoError(t, rows.Err())
	for title := range created {
		assert.Equal(t, 1, inDB[title], "%s was answered 201: it exists exactly once", title)
	}
	for title, n := range inDB {
		assert.LessOrEqual(t, n, 1, "%s created twice", title)
		if !created[title] {
			assert.True(t, failedCreates[title], "%s exists without having been asked", title)
		}
	}
}
