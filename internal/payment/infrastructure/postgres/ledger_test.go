package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func newLedger(t *testing.T) (*application.Ledger, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewDB(t)
	l, err := application.NewLedger(paymentpg.NewLedgerStore(pool), nil, nil)
	require.NoError(t, err)
	return l, pool
}

func usd(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(money.USD, s)
	require.NoError(t, err)
	return a
}

// fund opens a user's accounts and mints amount into the wallet from the treasury.
func fund(t testing.TB, l *application.Ledger, amount money.Amount) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	u := uuid.New()
	require.NoError(t, l.OpenUserAccounts(ctx, u))
	if amount.IsPositive() {
		_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "fund:" + u.String(),
			From: contracts.System(contracts.KindTreasury, amount.Asset()),
			To:   []contracts.Credit{{To: contracts.Wallet(u, amount.Asset()), Amount: amount}}, Details: contracts.Details{Reason: "test_funding"}})
		require.NoError(t, err)
	}
	return u
}

func balance(t testing.TB, l *application.Ledger, ref contracts.AccountRef) string {
	t.Helper()
	b, err := l.Balance(context.Background(), ref)
	require.NoError(t, err)
	return b.String()
}

func TestTransferMovesMoneyAndSplits(t *testing.T) {
	t.Parallel()
	l, pool := newLedger(t)
	ctx := context.Background()
	listener := fund(t, l, usd(t, "1"))
	artist := fund(t, l, usd(t, "0"))
	r, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "stream:1", From: contracts.Wallet(listener, money.USD),
		To: []contracts.Credit{
			{To: contracts.UserAccount(artist, money.USD, contracts.KindEarnings), Amount: usd(t, "0.0034")},
			{To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: usd(t, "0.0006")},
		},
		Details: contracts.Details{Reason: "stream_payment", ExternalRef: "session-1", Metadata: map[string]string{"song_id": "s1"}}})
	require.NoError(t, err)
	assert.False(t, r.Replayed)
	assert.Equal(t, "0.996000", balance(t, l, contracts.Wallet(listener, money.USD)))
	assert.Equal(t, "0.003400", balance(t, l, contracts.UserAccount(artist, money.USD, contracts.KindEarnings)))
	assert.Equal(t, "0.000600", balance(t, l, contracts.System(contracts.KindPlatformFees, money.USD)))
	rep := paymenttest.RequireLedgerConsistent(t, pool)
	assert.Equal(t, int64(2), rep.Entries, "the funding and the stream payment")
}

func TestTransferRefusals(t *testing.T) {
	t.Parallel()
	l, pool := newLedger(t)
	ctx := context.Background()
	a := fund(t, l, usd(t, "5"))
	b := fund(t, l, usd(t, "0"))
	cases := []struct {
		name string
		req  contracts.TransferRequest
		err  error
	}{
		{"insufficient", contracts.TransferRequest{IdempotencyKey: "k1", From: contracts.Wallet(a, money.USD),
			To: []contracts.Credit{{To: contracts.Wallet(b, money.USD), Amount: usd(t, "5.000001")}}}, contracts.ErrInsufficientFunds},
		{"unknown account", contracts.TransferRequest{IdempotencyKey: "k2", From: contracts.Wallet(a, money.USD),
			To: []contracts.Credit{{To: contracts.Wallet(uuid.New(), money.USD), Amount: usd(t, "1")}}}, contracts.ErrAccountNotFound},
		{"mixed assets", contracts.TransferRequest{IdempotencyKey: "k3", From: contracts.Wallet(a, money.USD),
			To: []contracts.Credit{{To: contracts.Wallet(b, money.VIBE), Amount: money.MustNew(money.VIBE, 1)}}}, money.ErrAssetMismatch},
		{"to itself", contracts.TransferRequest{IdempotencyKey: "k4", From: contracts.Wallet(a, money.USD),
			To: []contracts.Credit{{To: contracts.Wallet(a, money.USD), Amount: usd(t, "1")}}}, domain.ErrSelfTransfer},
		{"zero", contracts.TransferRequest{IdempotencyKey: "k5", From: contracts.Wallet(a, money.USD),
			To: []contracts.Credit{{To: contracts.Wallet(b, money.USD), Amount: usd(t, "0")}}}, domain.ErrNonPositiveAmount},
		{"no key", contracts.TransferRequest{From: contracts.Wallet(a, money.USD),
			To: []contracts.Credit{{To: contracts.Wallet(b, money.USD), Amount: usd(t, "1")}}}, domain.ErrMissingKey},
		{"user-owned system kind", contracts.TransferRequest{IdempotencyKey: "k6", From: contracts.UserAccount(a, money.USD, contracts.KindTreasury),
			To: []contracts.Credit{{To: contracts.Wallet(b, money.USD), Amount: usd(t, "1")}}}, contracts.ErrAccountNotFound},
	}
	for _, tc := range cases {
		_, err := l.Transfer(ctx, tc.req)
		assert.ErrorIs(t, err, tc.err, tc.name)
	}
	assert.Equal(t, "5.000000", balance(t, l, contracts.Wallet(a, money.USD)))
	assert.Equal(t, "0.000000", balance(t, l, contracts.Wallet(b, money.USD)))
	paymenttest.RequireLedgerConsistent(t, pool)
}

func TestTransferIsIdempotent(t *testing.T) {
	t.Parallel()
	l, pool := newLedger(t)
	ctx := context.Background()
	a := fund(t, l, usd(t, "10"))
	b := fund(t, l, usd(t, "0"))
	req := contracts.TransferRequest{IdempotencyKey: "pay:1", From: contracts.Wallet(a, money.USD),
		To: []contracts.Credit{{To: contracts.Wallet(b, money.USD), Amount: usd(t, "10")}}}
	first, err := l.Transfer(ctx, req)
	require.NoError(t, err)
	// A retry replays, even though the balance no longer covers the amount.
	again, err := l.Transfer(ctx, req)
	require.NoError(t, err)
	assert.True(t, again.Replayed)
	assert.Equal(t, first.EntryID, again.EntryID)
	assert.Equal(t, "10.000000", balance(t, l, contracts.Wallet(b, money.USD)))

	other := req
	other.To = []contracts.Credit{{To: contracts.Wallet(b, money.USD), Amount: usd(t, "1")}}
	_, err = l.Transfer(ctx, other)
	assert.ErrorIs(t, err, contracts.ErrIdempotencyKeyReused)
	paymenttest.RequireLedgerConsistent(t, pool)
}

func TestConcurrentRetriesWithOneKeyPostOnce(t *testing.T) {
	t.Parallel()
	l, pool := newLedger(t)
	a := fund(t, l, usd(t, "100"))
	b := fund(t, l, usd(t, "0"))
	req := contracts.TransferRequest{IdempotencyKey: "same", From: contracts.Wallet(a, money.USD),
		To: []contracts.Credit{{To: contracts.Wallet(b, money.USD), Amount: usd(t, "3")}}}
	var wg sync.WaitGroup
	ids := make([]uuid.UUID, 20)
	errs := make([]error, 20)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := l.Transfer(context.Background(), req)
			ids[i], errs[i] = r.EntryID, err
		}()
	}
	wg.Wait()
	for i := range ids {
		require.NoError(t, errs[i])
		assert.Equal(t, ids[0], ids[i])
	}
	assert.Equal(t, "3.000000", balance(t, l, contracts.Wallet(b, money.USD)))
	paymenttest.RequireLedgerConsistent(t, pool)
}

// Fifty concurrent spends of a balance that covers ten: exactly ten succeed.
func TestFiftyConcurrentSpendsOfTen(t *testing.T) {
	t.Parallel()
	l, pool := newLedger(t)
	a := fund(t, l, usd(t, "10"))
	b := fund(t, l, usd(t, "0"))
	var ok, insufficient atomic.Int64
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Transfer(context.Background(), contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("spend:%d", i),
				From: contracts.Wallet(a, money.USD),
				To: []contracts.Credit{
					{To: contracts.Wallet(b, money.USD), Amount: usd(t, "0.9")},
					{To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: usd(t, "0.1")},
				}})
			switch {
			case err == nil:
				ok.Add(1)
			case assert.ErrorIs(t, err, contracts.ErrInsufficientFunds):
				insufficient.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(10), ok.Load())
	assert.Equal(t, int64(40), insufficient.Load())
	assert.Equal(t, "0.000000", balance(t, l, contracts.Wallet(a, money.USD)))
	assert.Equal(t, "9.000000", balance(t, l, contracts.Wallet(b, money.USD)))
	paymenttest.RequireLedgerConsistent(t, pool)
}

func TestHoldSettleRelease(t *testing.T) {
	t.Parallel()
	l, pool := newLedger(t)
	ctx := context.Background()
	u := fund(t, l, usd(t, "10"))
	artist := fund(t, l, usd(t, "0"))
	h, err := l.Hold(ctx, contracts.HoldRequest{IdempotencyKey: "hold:1", Owner: u, Amount: usd(t, "6"), Details: contracts.Details{Reason: "ticket"}})
	require.NoError(t, err)
	again, err := l.Hold(ctx, contracts.HoldRequest{IdempotencyKey: "hold:1", Owner: u, Amount: usd(t, "6"), Details: contracts.Details{Reason: "ticket"}})
	require.NoError(t, err)
	assert.True(t, again.Replayed)
	assert.Equal(t, h.HoldID, again.HoldID, "a replayed hold names the first hold")
	assert.Equal(t, "4.000000", balance(t, l, contracts.Wallet(u, money.USD)))
	assert.Equal(t, "6.000000", balance(t, l, contracts.UserAccount(u, money.USD, contracts.KindHeld)))

	_, err = l.Hold(ctx, contracts.HoldRequest{IdempotencyKey: "hold:2", Owner: u, Amount: usd(t, "5")})
	assert.ErrorIs(t, err, contracts.ErrInsufficientFunds)

	settle := contracts.SettleRequest{IdempotencyKey: "settle:1", HoldID: h.HoldID,
		To: []contracts.Credit{{To: contracts.UserAccount(artist, money.USD, contracts.KindEarnings), Amount: usd(t, "2.5")}}}
	_, err = l.Settle(ctx, settle)
	require.NoError(t, err)
	r, err := l.Settle(ctx, settle)
	require.NoError(t, err)
	assert.True(t, r.Replayed, "a settle retried with its key settles once")
	reused := settle
	reused.To = []contracts.Credit{{To: contracts.UserAccount(artist, money.USD, contracts.KindEarnings), Amount: usd(t, "1")}}
	_, err = l.Settle(ctx, reused)
	assert.ErrorIs(t, err, contracts.ErrIdempotencyKeyReused, "a settle key reused for another amount is refused")
	_, err = l.Release(ctx, contracts.ReleaseRequest{IdempotencyKey: "settle:1", HoldID: h.HoldID})
	assert.ErrorIs(t, err, contracts.ErrIdempotencyKeyReused, "and for a release")
	over := settle
	over.IdempotencyKey = "settle:2"
	over.To = []contracts.Credit{{To: contracts.UserAccount(artist, money.USD, contracts.KindEarnings), Amount: usd(t, "3.6")}}
	_, err = l.Settle(ctx, over)
	assert.ErrorIs(t, err, domain.ErrHoldExceeded)
	paymenttest.RequireLedgerConsistent(t, pool)

	_, err = l.Release(ctx, contracts.ReleaseRequest{IdempotencyKey: "release:1", HoldID: h.HoldID})
	require.NoError(t, err)
	_, err = l.Release(ctx, contracts.ReleaseRequest{IdempotencyKey: "release:2", HoldID: h.HoldID})
	assert.ErrorIs(t, err, domain.ErrHoldClosed)
	_, err = l.Release(ctx, contracts.ReleaseRequest{IdempotencyKey: "release:3", HoldID: uuid.New()})
	assert.ErrorIs(t, err, contracts.ErrHoldNotFound)
	assert.Equal(t, "7.500000", balance(t, l, contracts.Wallet(u, money.USD)))
	assert.Equal(t, "0.000000", balance(t, l, contracts.UserAccount(u, money.USD, contracts.KindHeld)))
	assert.Equal(t, "2.500000", balance(t, l, contracts.UserAccount(artist, money.USD, contracts.KindEarnings)))

	// Settle with ReleaseRest closes the hold in one entry.
	h2, err := l.Hold(ctx, contracts.HoldRequest{IdempotencyKey: "hold:3", Owner: u, Amount: usd(t, "7.5")})
	require.NoError(t, err)
	_, err = l.Settle(ctx, contracts.SettleRequest{IdempotencyKey: "settle:3", HoldID: h2.HoldID, ReleaseRest: true,
		To: []contracts.Credit{{To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: usd(t, "0.5")}}})
	require.NoError(t, err)
	assert.Equal(t, "7.000000", balance(t, l, contracts.Wallet(u, money.USD)))
	paymenttest.RequireLedgerConsistent(t, pool)
}

// Thousands of random transfers, holds, settlements and releases from concurrent goroutines,
// including a hot system account: afterwards every invariant holds and value is conserved.
func TestLedgerPropertyConcurrentRandomOperations(t *testing.T) {
	t.Parallel()
	l, pool := newLedger(t)
	ctx := context.Background()
	const users, workers, opsPerWorker = 12, 16, 150
	ids := make([]uuid.UUID, users)
	for i := range ids {
		ids[i] = fund(t, l, usd(t, "20"))
	}
	var done, refused atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var holds []uuid.UUID
			for i := range opsPerWorker {
				key := fmt.Sprintf("w%d-op%d", w, i)
				from, to := ids[rng.IntN(users)], ids[rng.IntN(users)]
				amt := money.MustNew(money.USD, int64(1+rng.IntN(800_000)))
				var err error
				switch op := rng.IntN(10); {
				case op < 5:
					if from == to {
						continue
					}
					fee, _ := amt.MulDiv(1, 10)
					dest := contracts.Wallet(to, money.USD)
					if rng.IntN(4) == 0 {
						dest = contracts.UserAccount(to, money.USD, contracts.KindEarnings)
					}
					credits := []contracts.Credit{{To: dest, Amount: amt}}
					if fee.IsPositive() {
						credits = append(credits, contracts.Credit{To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: fee})
					}
					_, err = l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: key, From: contracts.Wallet(from, money.USD), To: credits})
				case op < 7:
					var h contracts.HoldReceipt
					h, err = l.Hold(ctx, contracts.HoldRequest{IdempotencyKey: key, Owner: from, Amount: amt})
					if err == nil {
						holds = append(holds, h.HoldID)
					}
				case op < 9 && len(holds) > 0:
					hid := holds[rng.IntN(len(holds))]
					part := money.MustNew(money.USD, int64(1+rng.IntN(1_000_000)))
					_, err = l.Settle(ctx, contracts.SettleRequest{IdempotencyKey: key, HoldID: hid, ReleaseRest: rng.IntN(2) == 0,
						To: []contracts.Credit{{To: contracts.Wallet(to, money.USD), Amount: part}}})
				case len(holds) > 0:
					_, err = l.Release(ctx, contracts.ReleaseRequest{IdempotencyKey: key, HoldID: holds[rng.IntN(len(holds))]})
				default:
					continue
				}
				switch {
				case err == nil:
					done.Add(1)
				case isRefusal(err):
					refused.Add(1)
				default:
					t.Errorf("unexpected error: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	rep := paymenttest.RequireLedgerConsistent(t, pool)
	t.Logf("%d operations applied, %d refused by the rules; %d entries, %d postings", done.Load(), refused.Load(), rep.Entries, rep.Postings)
	assert.Greater(t, done.Load(), int64(1000))
	assert.Greater(t, refused.Load(), int64(0), "some operations should hit the rules")

	// Value is conserved: the users hold exactly what the treasury issued minus the fees.
	var userTotal, fees, treasury int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT
		COALESCE(sum(b.balance) FILTER (WHERE a.owner_id <> '00000000-0000-0000-0000-000000000000'), 0)::bigint,
		COALESCE(sum(b.balance) FILTER (WHERE a.kind = 'platform_fees'), 0)::bigint,
		COALESCE(sum(b.balance) FILTER (WHERE a.kind = 'treasury'), 0)::bigint
		FROM payment.balances b JOIN payment.accounts a ON a.id = b.account_id WHERE a.asset = 'USD'`).Scan(&userTotal, &fees, &treasury))
	assert.Equal(t, int64(0), userTotal+fees+treasury)
	assert.Equal(t, int64(users*20_000_000), -treasury)
}

func isRefusal(err error) bool {
	for _, e := range []error{contracts.ErrInsufficientFunds, domain.ErrHoldClosed, domain.ErrHoldExceeded} {
		if assert.ObjectsAreEqual(true, errorIs(err, e)) {
			return true
		}
	}
	return false
}

func TestDatabaseRefusesBrokenEntries(t *testing.T) {
	t.Parallel()
	l, pool := newLedger(t)
	ctx := context.Background()
	a := fund(t, l, usd(t, "1"))
	var acc uuid.UUID
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM payment.accounts WHERE owner_id = $1 AND asset = 'USD' AND kind = 'user_wallet'`, a).Scan(&acc))
	entry := uuid.New()
	_, err := pool.Exec(ctx, `INSERT INTO payment.journal_entries (id, idempotency_key, fingerprint, kind, reason, created_at) VALUES ($1, 'x', '', 'transfer', 'x', now())`, entry)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO payment.postings (entry_id, account_id, asset, amount, created_at) VALUES ($1, $2, 'USD', 5, now())`, entry, acc)
	require.Error(t, err, "an unbalanced posting is refused by the database")
	_, err = pool.Exec(ctx, `UPDATE payment.postings SET amount = amount * 2`)
	require.Error(t, err, "postings are append-only")
	_, err = pool.Exec(ctx, `UPDATE payment.balances SET balance = -1 WHERE account_id = $1`, acc)
	require.Error(t, err, "a user balance cannot be negative")

	// Verify notices a balance that drifted from its postings.
	_, err = pool.Exec(ctx, `UPDATE payment.balances SET balance = balance + 1 WHERE account_id = $1`, acc)
	require.NoError(t, err)
	rep, err := paymentpg.VerifyLedger(ctx, pool)
	require.NoError(t, err)
	assert.False(t, rep.OK())
	assert.Len(t, rep.Problems, 2, "the drifted wallet and the empty entry: %v", rep.Problems)
}

// Transfers in both directions between the same accounts, plus the hot fee account, from many
// goroutines: the classic deadlock shape. Locks are taken in one global order, so no attempt
// ever needs the deadlock retry, and no update is lost.
func TestOppositeTransfersNeverDeadlock(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	store := paymentpg.NewLedgerStore(pool)
	l, err := application.NewLedger(store, nil, nil)
	require.NoError(t, err)
	ctx := context.Background()
	a := fund(t, l, usd(t, "1000"))
	b := fund(t, l, usd(t, "1000"))
	one, fee := usd(t, "1"), usd(t, "0.01")
	var wg sync.WaitGroup
	for w := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				from, to := a, b
				if (w+i)%2 == 0 {
					from, to = b, a
				}
				_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("x:%d:%d", w, i), From: contracts.Wallet(from, money.USD),
					To: []contracts.Credit{{To: contracts.Wallet(to, money.USD), Amount: one}, {To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: fee}}})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, store.Retried(), "no posting hit a deadlock")
	assert.Equal(t, "1990.400000", func() string {
		x, _ := money.Parse(money.USD, balance(t, l, contracts.Wallet(a, money.USD)))
		y, _ := money.Parse(money.USD, balance(t, l, contracts.Wallet(b, money.USD)))
		s, _ := x.Add(y)
		return s.String()
	}(), "960 transfers each paid a 0.01 fee out of the 2000")
	paymenttest.RequireLedgerConsistent(t, pool)
}
