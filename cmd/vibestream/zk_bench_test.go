package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	lzk "github.com/vibestream/vibestream/internal/listenreward/infrastructure/zk"
	"github.com/vibestream/vibestream/internal/platform/zk"
)

// TestZKBenchmark measures the figures of docs/PERFORMANCE.md (ZK section). It runs only with
// VIBESTREAM_ZK_BENCH=1 (about 30 s): go test -run TestZKBenchmark -v ./cmd/vibestream
func TestZKBenchmark(t *testing.T) {
	if os.Getenv("VIBESTREAM_ZK_BENCH") != "1" {
		t.Skip("set VIBESTREAM_ZK_BENCH=1")
	}
	ta := newTestApp(t)
	dir := ta.app.cfg.ZK.KeysDir

	var loads []time.Duration
	for i := 0; i < 5; i++ {
		start := time.Now()
		for _, c := range zkCircuits() {
			_, err := zk.Load(dir, c)
			require.NoError(t, err)
		}
		loads = append(loads, time.Since(start))
	}
	for _, c := range zkCircuits() {
		start := time.Now()
		s, err := zk.Load(dir, c)
		require.NoError(t, err)
		t.Logf("circuit %-8s constraints %5d, key load %s", c.Name(), s.Constraints(), time.Since(start).Round(100*time.Microsecond))
	}
	t.Logf("all three keys load in p50 %s", p50(loads))

	sys := ta.app.zk.listen
	w := benchWitness(t)
	a, err := w.Assignment()
	require.NoError(t, err)
	var proves []time.Duration
	var proof zk.Proof
	cpu0 := cpuTime()
	for i := 0; i < 20; i++ {
		proof, err = sys.Prove(a)
		require.NoError(t, err)
		proves = append(proves, proof.Elapsed)
	}
	// CPU time per proof does not depend on how many other processes share the cores: on an
	// idle machine the wall time of one proof is about this divided by the cores it spreads over.
	cpuPer := (cpuTime() - cpu0) / 20
	t.Logf("listen proof (depth 20), one at a time: p50 %s, p90 %s, CPU %s per proof, proof %d bytes", p50(proves), pct(proves, 0.9),
		cpuPer.Round(time.Millisecond), len(proof.Bytes))

	var verifies []time.Duration
	for i := 0; i < 200; i++ {
		start := time.Now()
		require.NoError(t, sys.Verify(proof.Bytes, proof.Public))
		verifies = append(verifies, time.Since(start))
	}
	t.Logf("verify: p50 %s, p90 %s", p50(verifies), pct(verifies, 0.9))

	// Sustained: as many provers as cores for 10 s while a client keeps GET /api/v1/zk/keys/listen busy.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var proofs, requests atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < runtime.NumCPU(); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := sys.Prove(a); err == nil {
					proofs.Add(1)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			res, err := http.Get(ta.srv.URL + "/api/v1/zk/keys/listen")
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				requests.Add(1)
			}
		}
	}()
	start := time.Now()
	wg.Wait()
	el := time.Since(start).Seconds()
	t.Logf("sustained on %d cores for %.0f s: %.1f listen proofs/s while the API answered %.0f requests/s", runtime.NumCPU(), el,
		float64(proofs.Load())/el, float64(requests.Load())/el)
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		t.Logf("load average: %s", b)
	}
}

func benchWitness(t *testing.T) lzk.Witness {
	t.Helper()
	catalog, users := zk.NewMemTree(), zk.NewMemTree()
	song := uuid.New()
	secret := zk.U64(424242)
	var err error
	_, err = zk.Insert(catalog, lzk.Depth, 0, lzk.SongLeaf(song))
	require.NoError(t, err)
	_, err = zk.Insert(users, lzk.Depth, 0, lzk.IdentityCommitment(secret))
	require.NoError(t, err)
	sp, err := zk.PathOf(catalog, lzk.Depth, 0)
	require.NoError(t, err)
	up, err := zk.PathOf(users, lzk.Depth, 0)
	require.NoError(t, err)
	var salt fr.Element
	_, _ = salt.SetRandom()
	return lzk.Witness{Secret: secret, Song: song, Session: uuid.New(), Seconds: 60, MinSeconds: 30, Salt: salt, SongPath: sp, UserPath: up}
}

func p50(d []time.Duration) time.Duration { return pct(d, 0.5) }

func pct(d []time.Duration, q float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*q)].Round(10 * time.Microsecond)
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
