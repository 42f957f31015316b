package postgres_test

import (
	"context"
	"sync"
	"testing"

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
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// knownUsers is a user directory that knows a fixed set of ids (the user context's answer).
type knownUsers struct {
	mu    sync.Mutex
	ids   map[uuid.UUID]bool
	calls int
}

func (k *knownUsers) add() uuid.UUID {
	k.mu.Lock()
	defer k.mu.Unlock()
	id := uuid.New()
	k.ids[id] = true
	return id
}

func (k *knownUsers) User(_ context.Context, id uuid.UUID) (usercontracts.UserSummary, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls++
	if !k.ids[id] {
		return usercontracts.UserSummary{}, usercontracts.ErrUserNotFound
	}
	return usercontracts.UserSummary{ID: id, Username: "u" + id.String()[:8]}, nil
}
func (k *knownUsers) Wallets(context.Context, uuid.UUID) ([]usercontracts.Wallet, error) {
	return nil, nil
}
func (k *knownUsers) WalletOwner(context.Context, string, string) (uuid.UUID, error) {
	return uuid.Nil, usercontracts.ErrUserNotFound
}
func (k *knownUsers) RegisteredUsers(context.Context) (int64, error) { return int64(len(k.ids)), nil }

func newOnDemandLedger(t *testing.T) (*application.Ledger, *knownUsers, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewDB(t)
	users := &knownUsers{ids: map[uuid.UUID]bool{}}
	l, err := application.NewLedger(paymentpg.NewLedgerStore(pool), nil, nil, application.WithUserDirectory(users))
	require.NoError(t, err)
	return l, users, pool
}

func accountsOf(t *testing.T, pool *pgxpool.Pool, owner uuid.UUID) map[string]int {
	t.Helper()
	rows, err := pool.Query(context.Background(),
		`SELECT asset || '/' || kind, count(*) FROM payment.accounts WHERE owner_id = $1 GROUP BY 1`, owner)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		require.NoError(t, rows.Scan(&k, &n))
		out[k] = n
	}
	require.NoError(t, rows.Err())
	return out
}

func grantRequest(key string, to uuid.UUID, amount money.Amount) contracts.TransferRequest {
	return contracts.TransferRequest{IdempotencyKey: key, From: contracts.System(contracts.KindTreasury, amount.Asset()),
		To: []contracts.Credit{{To: contracts.Wallet(to, amount.Asset()), Amount: amount}}, Details: contracts.Details{Reason: "grant"}}
}

// A user the registration subscriber has not seen yet: credits, holds and balances open the
// user's accounts on first use instead of answering payment.account_not_found.
func TestOnDemandAccountsForAConfirmedUser(t *testing.T) {
	l, users, pool := newOnDemandLedger(t)
	ctx := context.Background()
	u := users.add()
	require.Empty(t, accountsOf(t, pool, u))

	_, err := l.Transfer(ctx, grantRequest("grant:1", u, usd(t, "5.00")))
	require.NoError(t, err)
	assert.Equal(t, usd(t, "5.00").String(), balance(t, l, contracts.Wallet(u, money.USD)))

	// VIBE never touched before: reading the balance opens and answers zero
	assert.Equal(t, money.Zero(money.VIBE).String(), balance(t, l, contracts.Wallet(u, money.VIBE)))

	h, err := l.Hold(ctx, contracts.HoldRequest{IdempotencyKey: "hold:1", Owner: u, Amount: usd(t, "2.00"), Details: contracts.Details{Reason: "stream"}})
	require.NoError(t, err)
	assert.NotEqual(t, uuid.Nil, h.HoldID)
	assert.Equal(t, usd(t, "3.00").String(), balance(t, l, contracts.Wallet(u, money.USD)))

	got := accountsOf(t, pool, u)
	want := map[string]int{}
	for _, a := range money.Assets() {
		for _, k := range contracts.UserKinds() {
			want[string(a)+"/"+string(k)] = 1
		}
	}
	assert.Equal(t, want, got)
	paymenttest.RequireLedgerConsistent(t, pool)
}

// Many parallel first operations for one new user open exactly one account of each kind, and
// every one of them posts.
func TestOnDemandAccountsConcurrentFirstUse(t *testing.T) {
	l, users, pool := newOnDemandLedger(t)
	ctx := context.Background()
	u := users.add()
	const n = 24
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			asset, amt := money.USD, "1.00"
			if i%2 == 1 {
				asset, amt = money.VIBE, "1"
			}
			a, err := money.Parse(asset, amt)
			if err != nil {
				errs[i] = err
				return
			}
			_, errs[i] = l.Transfer(ctx, grantRequest("grant:c:"+uuid.NewString(), u, a))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "operation %d", i)
	}
	got := accountsOf(t, pool, u)
	assert.Len(t, got, len(money.Assets())*len(contracts.UserKinds()))
	for k, c := range got {
		assert.Equal(t, 1, c, k)
	}
	var balances int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM payment.balances b JOIN payment.accounts a ON a.id = b.account_id WHERE a.owner_id = $1`, u).Scan(&balances))
	assert.Equal(t, len(got), balances, "one balance row per account")
	assert.Equal(t, usd(t, "12.00").String(), balance(t, l, contracts.Wallet(u, money.USD)))
	paymenttest.RequireLedgerConsistent(t, pool)
}

// An id the user context does not know gets a clear 404 and no accounts.
func TestOnDemandAccountsRefuseUnknownUsers(t *testing.T) {
	l, _, pool := newOnDemandLedger(t)
	ctx := context.Background()
	ghost := uuid.New()
	_, err := l.Transfer(ctx, grantRequest("grant:ghost", ghost, usd(t, "5.00")))
	require.ErrorIs(t, err, contracts.ErrAccountNotFound)
	assert.Contains(t, err.Error(), "no such user")
	_, err = l.Hold(ctx, contracts.HoldRequest{IdempotencyKey: "hold:ghost", Owner: ghost, Amount: usd(t, "1.00"), Details: contracts.Details{Reason: "stream"}})
	require.ErrorIs(t, err, contracts.ErrAccountNotFound)
	_, err = l.Balance(ctx, contracts.Wallet(ghost, money.USD))
	require.ErrorIs(t, err, contracts.ErrAccountNotFound)
	assert.Empty(t, accountsOf(t, pool, ghost))
	paymenttest.RequireLedgerConsistent(t, pool)
}

// Without a directory the ledger keeps refusing accounts nobody opened.
func TestNoDirectoryNoOnDemandAccounts(t *testing.T) {
	l, pool := newLedger(t)
	u := uuid.New()
	_, err := l.Transfer(context.Background(), grantRequest("grant:nodir", u, usd(t, "5.00")))
	require.ErrorIs(t, err, contracts.ErrAccountNotFound)
	assert.Empty(t, accountsOf(t, pool, u))
}
