package main

import (
	"context"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// fastClock runs the listen-reward context's clock Speed times faster than real time, so a
// listen of 21 seconds of audio is played in 210 ms with every rule still applied to it.
type fastClock struct {
	start time.Time
	speed time.Duration
}

func (c fastClock) Now() time.Time { return c.start.Add(time.Since(c.start) * c.speed) }

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestListenThroughputBenchmark measures whole listens per second through the HTTP API (start,
// stream the qualifying bytes, complete) until every listen is paid and rewarded, with many
// listeners and a few hot songs (hot artist earnings, platform fee and reward pool accounts).
// Run it on purpose:
//
//	LISTEN_BENCH=1 go test -count=1 -run TestListenThroughputBenchmark -v ./cmd/vibestream
//
// LISTEN_BENCH_LISTENERS (default 300), LISTEN_BENCH_LISTENS per listener (5), LISTEN_BENCH_SONGS (3);
// LISTEN_BENCH_GROUP_COMMIT=0 turns ledger group commit off; PGTEST_STAT_STATEMENTS=1 logs the
// statements that took the most time.
func TestListenThroughputBenchmark(t *testing.T) {
	if os.Getenv("LISTEN_BENCH") == "" {
		t.Skip("set LISTEN_BENCH=1 to run the listen throughput benchmark")
	}
	listeners, perListener, songs := envInt("LISTEN_BENCH_LISTENERS", 300), envInt("LISTEN_BENCH_LISTENS", 5), envInt("LISTEN_BENCH_SONGS", 3)
	clock := fastClock{start: time.Now(), speed: 100}
	ta := newTestAppOn(t, pgtest.NewURL(t), func(c *Config) {
		c.Music.TranscodeRetryDelay = 20 * time.Millisecond
		c.Listen.Clock = clock.Now
		c.Listen.PlatformFeeBPS = 1_500
		// every simulated listener shares the loopback address
		c.Listen.Policy.MaxPerIPSongHour = 1_000_000
		c.User.Argon2MemoryKiB, c.User.Argon2Time = 8*1024, 1
		// LISTEN_BENCH_GROUP_COMMIT=0 measures without ledger group commit, for comparison
		c.Payment.LedgerGroupCommit = os.Getenv("LISTEN_BENCH_GROUP_COMMIT") != "0"
	})
	longTone(t)
	var songList []songResp
	for range songs {
		_, artistTok := registerUser(t, ta, "artist")
		songList = append(songList, listenSong(t, ta, artistTok))
	}
	bps := bytesPerSecond(songList[0])
	fundRewardPool(t, ta, "100000000")
	type listener struct{ id, tok string }
	ls := make([]listener, listeners)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range ls {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ls[i].id, ls[i].tok = registerUser(t, ta, "listener")
			fund(t, ta, ls[i].id, money.USD, "10.000000")
		}()
	}
	wg.Wait()

	// Each listener plays perListener listens back to back, on the hot songs in turn.
	var (
		mu              sync.Mutex
		qualifiedT      = map[string]time.Time{}
		rejected        atomic.Int64
		starts, streams []time.Duration
		completes       []time.Duration
	)
	ctx := context.Background()
	statStatements := os.Getenv("PGTEST_STAT_STATEMENTS") != ""
	if statStatements {
		_, err := ta.app.pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`)
		require.NoError(t, err)
		_, err = ta.app.pool.Exec(ctx, `SELECT pg_stat_statements_reset()`)
		require.NoError(t, err)
	}
	begin := time.Now()
	cpu0 := pgtest.TreeCPU()
	for i := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range perListener {
				song := songList[(i+k)%len(songList)]
				t0 := time.Now()
				s := startListen(t, ta, ls[i].tok, song.ID)
				t1 := time.Now()
				secs := int64(s.QualifiesAfterSeconds) + 1
				streamBytes(t, ta, ls[i].tok, s.StreamURL, (secs+1)*bps)
				t2 := time.Now()
				// wait until the (fast) clock has played the listen
				wait := time.Duration(secs+1) * time.Second / clock.speed
				time.Sleep(wait) //nolint:forbidigo // the listener listening, not synchronisation
				sent := time.Now()
				res, done := completeListen(t, ta, ls[i].tok, s.ID, secs)
				require.Equal(t, http.StatusOK, res.Status, string(res.Body))
				mu.Lock()
				starts, streams, completes = append(starts, t1.Sub(t0)), append(streams, t2.Sub(t1)), append(completes, time.Since(sent))
				mu.Unlock()
				if done.Status != "qualified" {
					rejected.Add(1)
					t.Logf("rejected: %v", done.Reasons)
					continue
				}
				mu.Lock()
				qualifiedT[s.ID] = sent
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	played := time.Since(begin)
	total := len(qualifiedT)
	eventually(t, 5*time.Minute, func() bool {
		var n int
		require.NoError(t, ta.app.pool.QueryRow(ctx, `SELECT count(*) FROM listenreward.rewards WHERE status <> 'pending'`).Scan(&n))
		return n == total
	}, "every listen paid and rewarded")
	elapsed := time.Since(begin)
	cpu := pgtest.TreeCPU() - cpu0

	rows, err := ta.app.pool.Query(ctx, `SELECT session_id, paid_at FROM payment.stream_payments`)
	require.NoError(t, err)
	var lat []time.Duration
	for rows.Next() {
		var id uuid.UUID
		var paid time.Time
		require.NoError(t, rows.Scan(&id, &paid))
		if q, ok := qualifiedT[id.String()]; ok {
			lat = append(lat, paid.Sub(q))
		}
	}
	require.NoError(t, rows.Err())
	rows.Close()
	require.Len(t, lat, total)
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	var load string
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = string(b)
	}
	t.Logf("listeners=%d listens=%d (rejected %d) songs=%d GOMAXPROCS=%d", listeners, total, rejected.Load(), songs, runtime.GOMAXPROCS(0))
	t.Logf("played in %s: %.0f qualified listens/s through the API; all paid and rewarded after %s: %.0f listens/s end to end",
		played.Round(time.Millisecond), float64(total)/played.Seconds(), elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	t.Logf("qualification (complete sent) to paid: p50 %s p90 %s p99 %s max %s", pct(0.5).Round(time.Millisecond),
		pct(0.9).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	for _, x := range []struct {
		name string
		d    []time.Duration
	}{{"start", starts}, {"stream", streams}, {"complete", completes}} {
		sort.Slice(x.d, func(a, b int) bool { return x.d[a] < x.d[b] })
		t.Logf("%s: p50 %s p99 %s", x.name, x.d[len(x.d)/2].Round(time.Millisecond), x.d[min(len(x.d)-1, len(x.d)*99/100)].Round(time.Millisecond))
	}
	var proved int
	_ = ta.app.pool.QueryRow(ctx, `SELECT count(*) FROM listenreward.listen_proofs WHERE status = 'proved'`).Scan(&proved)
	// CPU of the process and its Postgres per listen (everything: HTTP, streaming, flow, proofs
	// made meanwhile): what a quiet machine divides its cores by
	t.Logf("cpu: %s for %d listens = %s per listen (listen proofs made meanwhile: %d)", cpu.Round(time.Millisecond), total,
		(cpu / time.Duration(max(total, 1))).Round(time.Microsecond), proved)
	t.Logf("load average: %s", load)
	if statStatements {
		rows, err := ta.app.pool.Query(ctx, `SELECT calls, round(total_exec_time)::bigint, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
			FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
			ORDER BY total_exec_time DESC LIMIT 30`)
		require.NoError(t, err)
		var calls, totalCalls int64
		for rows.Next() {
			var ms int64
			var q string
			require.NoError(t, rows.Scan(&calls, &ms, &q))
			t.Logf("pg: %7d calls %6d ms  %s", calls, ms, q)
		}
		rows.Close()
		require.NoError(t, ta.app.pool.QueryRow(ctx, `SELECT sum(calls)::bigint FROM pg_stat_statements
			WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel`).Scan(&totalCalls))
		t.Logf("pg: %d top-level statements = %.1f per listen", totalCalls, float64(totalCalls)/float64(max(total, 1)))
	}
	ledgerOK(t, ta)
}
