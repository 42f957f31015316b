package postgres_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

func newGroupLedger(t testing.TB, pool *pgxpool.Pool, opts ...paymentpg.LedgerOption) (*application.Ledger, *paymentpg.LedgerStore) {
	t.Helper()
	store := paymentpg.NewLedgerStore(pool, append([]paymentpg.LedgerOption{paymentpg.WithGroupCommit(paymentpg.GroupCommit{MaxWait: 2 * time.Millisecond})}, opts...)...)
	l, err := application.NewLedger(store, nil, nil)
	require.NoError(t, err)
	return l, store
}

// Many concurrent callers through group commit: each gets its own outcome. A wallet that covers
// ten of fifty spends pays exactly ten (the forty refused fail alone, in batches that commit
// the others), one key sent twenty times posts once, a key reused for another request is
// refused, and every balance is exact.
func TestGroupCommitGivesEachCallerItsOwnOutcome(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	l, store := newGroupLedger(t, pool)
	ctx := context.Background()
	poor := fund(t, l, usd(t, "10"))
	rich := fund(t, l, usd(t, "1000"))
	sink := fund(t, l, usd(t, "0"))
	others := make([]uuid.UUID, 20)
	for i := range others {
		others[i] = fund(t, l, usd(t, "5"))
	}

	var wg sync.WaitGroup
	var spent, refused, richOK, otherOK atomic.Int64
	sameIDs := make([]uuid.UUID, 20)
	sameErrs := make([]error, 20)
	var reusedRefused atomic.Int64
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("poor:%d", i), From: contracts.Wallet(poor, money.USD),
				To: []contracts.Credit{
					{To: contracts.Wallet(sink, money.USD), Amount: usd(t, "0.9")},
					{To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: usd(t, "0.1")},
				}})
			switch {
			case err == nil:
				spent.Add(1)
			case assert.ErrorIs(t, err, contracts.ErrInsufficientFunds):
				refused.Add(1)
			}
		}()
	}
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("rich:%d", i), From: contracts.Wallet(rich, money.USD),
				To: []contracts.Credit{{To: contracts.Wallet(sink, money.USD), Amount: usd(t, "1")}}})
			if assert.NoError(t, err) {
				richOK.Add(1)
			}
		}()
	}
	for i, o := range others {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// each of the others pays the next one: credits and debits of one batch chain
			_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("ring:%d", i), From: contracts.Wallet(o, money.USD),
				To: []contracts.Credit{{To: contracts.Wallet(others[(i+1)%len(others)], money.USD), Amount: usd(t, "5")}}})
			if assert.NoError(t, err) {
				otherOK.Add(1)
			}
		}()
	}
	same := contracts.TransferRequest{IdempotencyKey: "same", From: contracts.Wallet(rich, money.USD),
		To: []contracts.Credit{{To: contracts.Wallet(sink, money.USD), Amount: usd(t, "3")}}}
	for i := range sameIDs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := l.Transfer(ctx, same)
			sameIDs[i], sameErrs[i] = r.EntryID, err
		}()
	}
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// the same key as "same", another amount: refused (or, if it came first, the
			// others are refused; the test below tells which)
			_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "same-reused", From: contracts.Wallet(rich, money.USD),
				To: []contracts.Credit{{To: contracts.Wallet(sink, money.USD), Amount: usd(t, fmt.Sprintf("0.%02d", i+1))}}})
			if err != nil {
				assert.ErrorIs(t, err, contracts.ErrIdempotencyKeyReused)
				reusedRefused.Add(1)
			}
		}()
	}
	wg.Wait()

	assert.Equal(t, int64(10), spent.Load())
	assert.Equal(t, int64(40), refused.Load())
	assert.Equal(t, int64(100), richOK.Load())
	assert.Equal(t, int64(20), otherOK.Load())
	assert.Equal(t, int64(9), reusedRefused.Load(), "one request owns the key, nine are refused")
	for i := range sameIDs {
		require.NoError(t, sameErrs[i])
		assert.Equal(t, sameIDs[0], sameIDs[i], "one key posts once")
	}
	var reusedAmount int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT p.amount FROM payment.postings p JOIN payment.journal_entries e ON e.id = p.entry_id
		WHERE e.idempotency_key = 'same-reused' AND p.amount > 0`).Scan(&reusedAmount))
	assert.Equal(t, "0.000000", balance(t, l, contracts.Wallet(poor, money.USD)))
	assert.Equal(t, money.MustNew(money.USD, 1000_000_000-100_000_000-3_000_000-reusedAmount).String(), balance(t, l, contracts.Wallet(rich, money.USD)))
	assert.Equal(t, money.MustNew(money.USD, 9_000_000+100_000_000+3_000_000+reusedAmount).String(), balance(t, l, contracts.Wallet(sink, money.USD)))
	for _, o := range others {
		assert.Equal(t, "5.000000", balance(t, l, contracts.Wallet(o, money.USD)))
	}
	st := store.GroupCommitStats()
	t.Logf("group commit: %+v", st)
	assert.Positive(t, st.Batches, "concurrent callers shared transactions")
	assert.Greater(t, st.Entries, st.Batches, "a batch holds more than one entry on average")
	assert.Positive(t, st.Rejected, "refused spends were refused inside batches")
	assert.Zero(t, st.Fallbacks, "no batch fell back to single postings")
	paymenttest.RequireLedgerConsistent(t, pool)
}

// Holds go through the batch too: the hold row is written with its entry, a replayed hold
// names the first hold, and holds never exceed the balance.
func TestGroupCommitHolds(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	l, store := newGroupLedger(t, pool, paymentpg.WithBalanceEvents(&recordingBus{}))
	ctx := context.Background()
	u := fund(t, l, usd(t, "1"))
	var wg sync.WaitGroup
	var held, short atomic.Int64
	holds := make([]uuid.UUID, 30)
	for i := range holds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := l.Hold(ctx, contracts.HoldRequest{IdempotencyKey: fmt.Sprintf("hold:%d", i%15), Owner: u, Amount: usd(t, "0.1")})
			switch {
			case err == nil:
				held.Add(1)
				holds[i] = r.HoldID
			case assert.ErrorIs(t, err, contracts.ErrInsufficientFunds):
				short.Add(1)
			}
		}()
	}
	wg.Wait()
	// 15 keys, each sent twice; ten fit in the balance: 20 callers see a hold, 10 are short
	assert.Equal(t, int64(20), held.Load())
	assert.Equal(t, int64(10), short.Load())
	for i := range 15 {
		if holds[i] != uuid.Nil && holds[i+15] != uuid.Nil {
			assert.Equal(t, holds[i], holds[i+15], "the replay names the first hold")
		}
	}
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM payment.holds WHERE owner_id = $1`, u).Scan(&n))
	assert.Equal(t, 10, n)
	assert.Equal(t, "0.000000", balance(t, l, contracts.Wallet(u, money.USD)))
	assert.Zero(t, store.GroupCommitStats().Fallbacks, "no batch fell back to single postings")
	paymenttest.RequireLedgerConsistent(t, pool)
}

// A batched posting that touches a user writes that user's balance event in the batch's
// transaction, with the balance right after its own entry.
func TestGroupCommitWritesBalanceEvents(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	bus := &recordingBus{}
	l, store := newGroupLedger(t, pool, paymentpg.WithBalanceEvents(bus))
	ctx := context.Background()
	a := fund(t, l, usd(t, "10"))
	b := fund(t, l, usd(t, "0"))
	bus.mu.Lock()
	bus.envs = nil
	bus.mu.Unlock()
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("t:%d", i), From: contracts.Wallet(a, money.USD),
				To: []contracts.Credit{{To: contracts.Wallet(b, money.USD), Amount: usd(t, "1")}}})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, ev := range bus.balanceEvents(t) {
		if ev.UserID != b {
			continue
		}
		require.Len(t, ev.Accounts, 1)
		assert.Equal(t, "1.000000", ev.Accounts[0].Change)
		seen[ev.Accounts[0].Balance] = true
	}
	// b's ten events carry the ten successive balances 1..10, whatever the batches were
	for i := 1; i <= 10; i++ {
		assert.True(t, seen[fmt.Sprintf("%d.000000", i)], "balance %d seen", i)
	}
	st := store.GroupCommitStats()
	assert.Positive(t, st.Batches, "the transfers were batched")
	assert.Zero(t, st.Fallbacks, "no batch fell back to single postings")
	paymenttest.RequireLedgerConsistent(t, pool)
}

// kill -9 in the middle of group-committed transfers: every transfer the child reported as
// committed is in the ledger whole, nothing is half-written, and the ledger verifies.
func TestGroupCommitSurvivesKill9MidBatch(t *testing.T) {
	if os.Getenv("GC_CHILD_DB") != "" {
		t.Skip("child process")
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	url := pgtest.NewURL(t)
	ctx := context.Background()
	pool, err := postgres.Connect(ctx, url, 8)
	require.NoError(t, err)
	defer pool.Close()
	l, err := application.NewLedger(paymentpg.NewLedgerStore(pool), nil, nil)
	require.NoError(t, err)
	from := make([]string, 8)
	for i := range from {
		from[i] = fund(t, l, usd(t, "1000")).String()
	}
	to := fund(t, l, usd(t, "0"))

	cmd := exec.Command(os.Args[0], "-test.run", "^TestGroupCommitKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GC_CHILD_DB="+url, "GC_CHILD_FROM="+strings.Join(from, ","), "GC_CHILD_TO="+to.String())
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	committed := map[string]bool{}
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(2 * time.Minute)
	for sc.Scan() && len(committed) < 400 && time.Now().Before(deadline) {
		if k, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			committed[k] = true
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	// keep reading: lines written before the kill still count
	for sc.Scan() {
		if k, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			committed[k] = true
		}
	}
	_ = cmd.Wait()
	require.GreaterOrEqual(t, len(committed), 400)

	// wait until the killed child's connections are gone (their open batch rolled back)
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'gc-child'`).Scan(&n))
		return n == 0
	}, 30*time.Second, 50*time.Millisecond)

	rows, err := pool.Query(ctx, `SELECT e.idempotency_key, count(p.*), coalesce(sum(p.amount) FILTER (WHERE p.amount > 0), 0)
		FROM payment.journal_entries e LEFT JOIN payment.postings p ON p.entry_id = e.id
		WHERE e.idempotency_key LIKE 'kill:%' GROUP BY e.idempotency_key`)
	require.NoError(t, err)
	inLedger := map[string]bool{}
	var total int64
	for rows.Next() {
		var k string
		var n, credit int64
		require.NoError(t, rows.Scan(&k, &n, &credit))
		assert.Equal(t, int64(2), n, "entry %s has both its postings", k)
		assert.Equal(t, int64(1_000), credit)
		inLedger[k] = true
		total += credit
	}
	require.NoError(t, rows.Err())
	for k := range committed {
		assert.True(t, inLedger[k], "a transfer its caller saw committed is in the ledger: %s", k)
	}
	t.Logf("reported committed %d, in the ledger %d (the rest were in flight at the kill)", len(committed), len(inLedger))
	assert.Equal(t, money.MustNew(money.USD, total).String(), balance(t, l, contracts.Wallet(to, money.USD)))
	paymenttest.RequireLedgerConsistent(t, pool)
}

// TestGroupCommitKillChild is the child of the kill test: it posts transfers through group
// commit from many goroutines until it is killed, printing each one its caller saw committed.
func TestGroupCommitKillChild(t *testing.T) {
	url := os.Getenv("GC_CHILD_DB")
	if url == "" {
		t.Skip("run by TestGroupCommitSurvivesKill9MidBatch")
	}
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["application_name"] = "gc-child"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	l, _ := newGroupLedger(t, pool)
	to, err := uuid.Parse(os.Getenv("GC_CHILD_TO"))
	require.NoError(t, err)
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, f := range strings.Split(os.Getenv("GC_CHILD_FROM"), ",") {
		from := uuid.MustParse(f)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k := fmt.Sprintf("kill:%d", next.Add(1))
					if _, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: k, From: contracts.Wallet(from, money.USD),
						To: []contracts.Credit{{To: contracts.Wallet(to, money.USD), Amount: money.MustNew(money.USD, 1_000)}}}); err != nil {
						fmt.Fprintln(os.Stderr, "child transfer:", err)
						continue
					}
					mu.Lock()
					fmt.Fprintln(w, "committed", k)
					_ = w.Flush()
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
}
