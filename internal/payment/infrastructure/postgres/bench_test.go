package postgres_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// benchWorkers is the number of concurrent callers (LEDGER_BENCH_WORKERS, default 16).
var benchWorkers = func() int {
	if n, err := strconv.Atoi(os.Getenv("LEDGER_BENCH_WORKERS")); err == nil && n > 0 {
		return n
	}
	return 16
}()

// runTransfers spreads b.N transfers over benchWorkers goroutines; transfer(w, i) performs the
// i-th transfer of worker w. It reports transfers/s and latency percentiles.
func runTransfers(b *testing.B, transfer func(w, i int) error) {
	b.Helper()
	lat := make([][]time.Duration, benchWorkers)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0 := pgtest.TreeCPU()
	start := time.Now()
	for w := range benchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := transfer(w, i); err != nil {
					b.Error(err)
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := pgtest.TreeCPU() - cpu0
	b.StopTimer()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "transfers/s")
	// CPU of the benchmark and its Postgres per transfer: what a quiet machine would divide
	b.ReportMetric(float64(cpu.Microseconds())/float64(len(all)), "cpu-us/transfer")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func benchLedger(b *testing.B) (*application.Ledger, *pgxpool.Pool) {
	b.Helper()
	pool := pgtest.NewDB(b)
	l, err := application.NewLedger(paymentpg.NewLedgerStore(pool), nil, nil)
	require.NoError(b, err)
	return l, pool
}

func funded(b *testing.B, l *application.Ledger, n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = fund(b, l, money.MustNew(money.USD, 1_000_000_000_000))
	}
	return ids
}

// Transfers between distinct accounts: each worker pays between its own two users.
func BenchmarkLedgerTransferDistinctAccounts(b *testing.B) {
	l, pool := benchLedger(b)
	users := funded(b, l, 2*benchWorkers)
	amount := money.MustNew(money.USD, 4_000)
	ctx := context.Background()
	runTransfers(b, func(w, i int) error {
		from, to := users[2*w], users[2*w+1]
		if i%2 == 1 {
			from, to = to, from
		}
		_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("d:%d", i), From: contracts.Wallet(from, money.USD),
			To: []contracts.Credit{{To: contracts.Wallet(to, money.USD), Amount: amount}}})
		return err
	})
	paymenttest.RequireLedgerConsistent(b, pool)
}

// A three-way split with no shared account (each worker's own "fee" user): the control for the
// hot-account benchmarks, which do the same work plus contention on one account.
func BenchmarkLedgerTransferSplitDistinctAccounts(b *testing.B) {
	l, pool := benchLedger(b)
	ctx := context.Background()
	listeners, artists, fees := funded(b, l, benchWorkers), funded(b, l, benchWorkers), funded(b, l, benchWorkers)
	artistCut, fee := money.MustNew(money.USD, 3_400), money.MustNew(money.USD, 600)
	runTransfers(b, func(w, i int) error {
		_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("s:%d", i), From: contracts.Wallet(listeners[w], money.USD),
			To: []contracts.Credit{
				{To: contracts.UserAccount(artists[w], money.USD, contracts.KindEarnings), Amount: artistCut},
				{To: contracts.UserAccount(fees[w], money.USD, contracts.KindEarnings), Amount: fee},
			}, Details: contracts.Details{Reason: "stream_payment"}})
		return err
	})
	paymenttest.RequireLedgerConsistent(b, pool)
}

// The per-stream payment: every transfer also credits the one platform fee account.
func BenchmarkLedgerTransferHotFeeAccount(b *testing.B) {
	benchHot(b, false)
}

// The same with the fee account kept in a single balance row (no sharding), for comparison.
func BenchmarkLedgerTransferHotFeeAccountUnsharded(b *testing.B) {
	benchHot(b, true)
}

func benchHot(b *testing.B, unsharded bool) {
	l, pool := benchLedger(b)
	ctx := context.Background()
	if unsharded {
		_, err := pool.Exec(ctx, `DELETE FROM payment.balances b USING payment.accounts a WHERE a.id = b.account_id AND a.kind = 'platform_fees' AND b.shard > 0`)
		require.NoError(b, err)
		_, err = pool.Exec(ctx, `UPDATE payment.accounts SET shards = 1 WHERE kind = 'platform_fees'`)
		require.NoError(b, err)
	}
	listeners := funded(b, l, benchWorkers)
	artists := funded(b, l, benchWorkers)
	artistCut, fee := money.MustNew(money.USD, 3_400), money.MustNew(money.USD, 600)
	runTransfers(b, func(w, i int) error {
		_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("h:%d", i), From: contracts.Wallet(listeners[w], money.USD),
			To: []contracts.Credit{
				{To: contracts.UserAccount(artists[w], money.USD, contracts.KindEarnings), Amount: artistCut},
				{To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: fee},
			}, Details: contracts.Details{Reason: "stream_payment"}})
		return err
	})
	paymenttest.RequireLedgerConsistent(b, pool)
}

// Durable commits (fsync and synchronous_commit on, as the managed server runs), one transfer
// per transaction against group commit (many transfers per transaction), for distinct accounts
// and for the hot platform fee account:
//
//	go test -run '^$' -bench LedgerDurable -benchtime 20000x ./internal/payment/infrastructure/postgres/
func BenchmarkLedgerDurable(b *testing.B) {
	for _, mode := range []string{"single", "group"} {
		for _, scenario := range []string{"distinct", "hotfee"} {
			b.Run(mode+"/"+scenario, func(b *testing.B) {
				pool := pgtest.NewDurableDB(b)
				if os.Getenv("LEDGER_BENCH_FAST") != "" {
					pool = pgtest.NewDB(b) // the fsync-off server, to separate CPU from flushes
				}
				var opts []paymentpg.LedgerOption
				if mode == "group" {
					committers, _ := strconv.Atoi(os.Getenv("LEDGER_BENCH_COMMITTERS"))
					opts = append(opts, paymentpg.WithGroupCommit(paymentpg.GroupCommit{Committers: committers}))
				}
				store := paymentpg.NewLedgerStore(pool, opts...)
				l, err := application.NewLedger(store, nil, nil)
				require.NoError(b, err)
				ctx := context.Background()
				from, to := funded(b, l, benchWorkers), funded(b, l, benchWorkers)
				amount, fee := money.MustNew(money.USD, 3_400), money.MustNew(money.USD, 600)
				runTransfers(b, func(w, i int) error {
					req := contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("%s:%d", scenario, i), From: contracts.Wallet(from[w], money.USD),
						To: []contracts.Credit{{To: contracts.Wallet(to[w], money.USD), Amount: amount}}}
					if scenario == "hotfee" {
						req.To = []contracts.Credit{
							{To: contracts.UserAccount(to[w], money.USD, contracts.KindEarnings), Amount: amount},
							{To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: fee},
						}
						req.Details = contracts.Details{Reason: "stream_payment"}
					}
					_, err := l.Transfer(ctx, req)
					return err
				})
				if st := store.GroupCommitStats(); st.Batches > 0 {
					b.ReportMetric(float64(st.Entries)/float64(st.Batches), "entries/batch")
				}
				paymenttest.RequireLedgerConsistent(b, pool)
			})
		}
	}
}
