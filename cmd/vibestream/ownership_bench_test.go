package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestOwnershipOrderPlacementBenchmark measures POST /api/v1/ownership/orders through the whole
// application (JWT, idempotency key, USD hold, matching under the song's lock, trades,
// settlement, outbox) with concurrent traders on one or several songs. Opt in:
//
//	OWNERSHIP_BENCH=1 OWNERSHIP_BENCH_DURATION=5s OWNERSHIP_BENCH_SONGS=1 OWNERSHIP_BENCH_CLIENTS=16 \
//	  go test -count=1 -run TestOwnershipOrderPlacementBenchmark -v ./cmd/vibestream/
func TestOwnershipOrderPlacementBenchmark(t *testing.T) {
	if os.Getenv("OWNERSHIP_BENCH") == "" {
		t.Skip("set OWNERSHIP_BENCH=1")
	}
	dur, err := time.ParseDuration(envOr("OWNERSHIP_BENCH_DURATION", "5s"))
	require.NoError(t, err)
	var songs, clients int
	_, err = fmt.Sscan(envOr("OWNERSHIP_BENCH_SONGS", "1"), &songs)
	require.NoError(t, err)
	_, err = fmt.Sscan(envOr("OWNERSHIP_BENCH_CLIENTS", "16"), &clients)
	require.NoError(t, err)

	ta := newTestApp(t)
	_, artistTok := registerUser(t, ta, "artist")
	type trader struct{ tok string }
	traders := make([]trader, 8)
	songIDs := make([]string, songs)
	for i := range songIDs {
		s := createSong(t, ta, artistTok, fmt.Sprintf("Bench %d", i))
		songIDs[i] = s.ID
		res := ta.do(http.MethodPost, "/api/v1/ownership/offerings", map[string]any{"song_id": s.ID, "shareholder_bps": 1000,
			"shares_for_sale": 8000, "price_per_share": "1"}, withToken(artistTok))
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	}
	for i := range traders {
		id, tok := registerUser(t, ta, "listener")
		fundUSD(t, ta, id, "1000000")
		traders[i] = trader{tok: tok}
		for _, s := range songIDs {
			var off struct {
				Offering struct {
					ID string `json:"id"`
				} `json:"offering"`
			}
			ta.do(http.MethodGet, "/api/v1/ownership/songs/"+s, nil).JSON(t, &off)
			res := ta.do(http.MethodPost, "/api/v1/ownership/offerings/"+off.Offering.ID+"/purchases", map[string]any{"shares": 1000},
				withToken(tok), idem())
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	c := ta.srv.Client()
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = clients
	var (
		mu        sync.Mutex
		latencies []time.Duration
		statuses  = map[int]int{}
	)
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			var local []time.Duration
			st := map[int]int{}
			for time.Now().Before(deadline) {
				tr := traders[rng.IntN(len(traders))]
				side := "buy"
				if rng.IntN(2) == 0 {
					side = "sell"
				}
				tif := "GTC"
				if rng.IntN(2) == 0 {
					tif = "IOC"
				}
				body, _ := json.Marshal(map[string]any{"song_id": songIDs[rng.IntN(len(songIDs))], "side": side, "shares": 1 + rng.IntN(10),
					"limit_price": fmt.Sprintf("0.%02d", 95+rng.IntN(10)), "time_in_force": tif})
				if rng.IntN(100) < 5 { // a few prices a cent above a dollar
					body, _ = json.Marshal(map[string]any{"song_id": songIDs[rng.IntN(len(songIDs))], "side": side, "shares": 1 + rng.IntN(10),
						"limit_price": "1.01", "time_in_force": tif})
				}
				req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+"/api/v1/ownership/orders", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tr.tok)
				req.Header.Set("Idempotency-Key", uuid.NewString())
				t0 := time.Now()
				res, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = bytes.NewBuffer(nil).ReadFrom(res.Body)
				res.Body.Close()
				local = append(local, time.Since(t0))
				st[res.StatusCode]++
			}
			mu.Lock()
			latencies = append(latencies, local...)
			for k, v := range st {
				statuses[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) time.Duration { return latencies[int(float64(len(latencies)-1)*p)] }
	var trades int
	require.NoError(t, ta.app.pool.QueryRow(t.Context(), `SELECT count(*) FROM ownership.trades`).Scan(&trades))
	var unsettled int
	require.NoError(t, ta.app.pool.QueryRow(t.Context(), `SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`).Scan(&unsettled))
	t.Logf("songs=%d clients=%d duration=%s load at start: %s", songs, clients, dur, bytes.TrimSpace(load))
	t.Logf("orders=%d (%.0f/s) statuses=%v trades=%d unsettled=%d p50=%s p90=%s p99=%s max=%s",
		len(latencies), float64(len(latencies))/elapsed.Seconds(), statuses, trades, unsettled, pct(0.5), pct(0.9), pct(0.99), latencies[len(latencies)-1])
	require.Zero(t, statuses[http.StatusInternalServerError], "no server errors")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
