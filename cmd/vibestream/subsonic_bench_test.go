package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// TestSubsonicFigures measures /rest/ in process (client and server in one Go process, the
// app on its throwaway Postgres): requests/s and latency of ping (authentication alone: one
// account lookup, the user's sealed app passwords opened, md5 compared), getAlbum, search3 and
// a 64 KB stream range continuing one listen session. It runs only with SUBSONIC_FIGURES=1
// (see docs/PERFORMANCE.md).
func TestSubsonicFigures(t *testing.T) {
	if os.Getenv("SUBSONIC_FIGURES") == "" {
		t.Skip("set SUBSONIC_FIGURES=1 to measure the Subsonic API")
	}
	clock := &listenClock{}
	ta := listenApp(t, clock)
	cat := newSubsonicCatalog(t, ta)
	listenerID, tok := registerUser(t, ta, "listener")
	fund(t, ta, listenerID, money.USD, "1.000000")
	_, secret := createAppPassword(t, ta, tok, "bench")
	for i := range 4 { // a user with several app passwords: each token check opens them all
		createAppPassword(t, ta, tok, fmt.Sprint("spare ", i))
	}
	sc := subsonicClient{t: t, ta: ta, user: usernameOf(t, ta, tok), secret: secret}
	const conc, dur = 8, 5 * time.Second
	for _, c := range []struct {
		name   string
		method string
		params map[string]string
		rng    string
	}{
		{"ping (token auth)", "ping", nil, ""},
		{"getAlbum", "getAlbum", map[string]string{"id": "al-" + cat.album}, ""},
		{"search3", "search3", map[string]string{"query": "forty"}, ""},
		{"stream 64 KB range", "stream", map[string]string{"id": cat.song.ID}, "bytes=0-65535"},
	} {
		var (
			mu   sync.Mutex
			lats []time.Duration
			errs int
			wg   sync.WaitGroup
		)
		end := time.Now().Add(dur)
		for range conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(end) {
					q := sc.query(c.params, "json")
					req, _ := http.NewRequest(http.MethodGet, ta.srv.URL+"/rest/"+c.method+"?"+q.Encode(), nil)
					if c.rng != "" {
						req.Header.Set("Range", c.rng)
					}
					start := time.Now()
					res, err := ta.srv.Client().Do(req)
					ok := err == nil
					if ok {
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						ok = res.StatusCode < 300
					}
					mu.Lock()
					lats = append(lats, time.Since(start))
					if !ok {
						errs++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		require.NotEmpty(t, lats)
		sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
		pct := func(p float64) time.Duration { return lats[int(float64(len(lats)-1)*p)] }
		fmt.Printf("subsonic %-20s %6.0f req/s  p50 %6.1f ms  p99 %6.1f ms  errors %d of %d\n", c.name,
			float64(len(lats))/dur.Seconds(), float64(pct(0.5).Microseconds())/1000, float64(pct(0.99).Microseconds())/1000, errs, len(lats))
	}
}
