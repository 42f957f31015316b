package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// recordingBus records what is published and proves it was given the posting's transaction by
// running a statement in it; fail makes the publish (and so the posting) fail.
type recordingBus struct {
	mu   sync.Mutex
	envs []events.Envelope
	fail bool
}

func (b *recordingBus) Publish(ctx context.Context, tx pgx.Tx, envs ...events.Envelope) error {
	if b.fail {
		return errors.New("outbox unavailable")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM payment.journal_entries`).Scan(&n); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.envs = append(b.envs, envs...)
	return nil
}

func (b *recordingBus) balanceEvents(t *testing.T) []contracts.BalanceChanged {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []contracts.BalanceChanged
	for _, e := range b.envs {
		require.Equal(t, contracts.BalanceChangedV1, e.Type)
		var p contracts.BalanceChanged
		require.NoError(t, e.Decode(&p))
		require.Equal(t, []any{p.UserID}, []any{e.UserIDs[0]}, "pushed to the owner")
		out = append(out, p)
	}
	return out
}

func TestPostingsThatTouchAUserWriteBalanceChangedInTheirTransaction(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	bus := &recordingBus{}
	l, err := application.NewLedger(paymentpg.NewLedgerStore(pool, paymentpg.WithBalanceEvents(bus)), nil, nil)
	require.NoError(t, err)
	ctx := context.Background()

	alice := fund(t, l, usd(t, "10"))
	bob := fund(t, l, money.Zero(money.USD))
	got := bus.balanceEvents(t)
	require.Len(t, got, 1, "funding alice touched only her")
	assert.Equal(t, alice, got[0].UserID)
	assert.Equal(t, []contracts.AccountBalance{{Kind: contracts.KindWallet, Change: "10.000000", Balance: "10.000000"}}, got[0].Accounts)

	req := contracts.TransferRequest{IdempotencyKey: "t1", From: contracts.Wallet(alice, money.USD),
		To: []contracts.Credit{{To: contracts.Wallet(bob, money.USD), Amount: usd(t, "2.5")}}, Details: contracts.Details{Reason: "tip"}}
	r, err := l.Transfer(ctx, req)
	require.NoError(t, err)
	got = bus.balanceEvents(t)[1:]
	require.Len(t, got, 2, "one event per user touched")
	byUser := map[any]contracts.BalanceChanged{got[0].UserID: got[0], got[1].UserID: got[1]}
	assert.Equal(t, "-2.500000", byUser[alice].Accounts[0].Change)
	assert.Equal(t, "7.500000", byUser[alice].Accounts[0].Balance)
	assert.Equal(t, "2.500000", byUser[bob].Accounts[0].Balance)
	assert.Equal(t, r.EntryID, byUser[bob].EntryID)
	assert.Equal(t, "tip", byUser[bob].Reason)

	// A replay moves nothing and says nothing.
	_, err = l.Transfer(ctx, req)
	require.NoError(t, err)
	assert.Len(t, bus.balanceEvents(t), 3)

	// A hold touches the wallet and the held account of one user: one event with both.
	h, err := l.Hold(ctx, contracts.HoldRequest{IdempotencyKey: "h1", Owner: alice, Amount: usd(t, "1"), Details: contracts.Details{Reason: "stream"}})
	require.NoError(t, err)
	got = bus.balanceEvents(t)[3:]
	require.Len(t, got, 1)
	assert.ElementsMatch(t, []contracts.AccountBalance{{Kind: contracts.KindWallet, Change: "-1.000000", Balance: "6.500000"},
		{Kind: contracts.KindHeld, Change: "1.000000", Balance: "1.000000"}}, got[0].Accounts)
	_, err = l.Release(ctx, contracts.ReleaseRequest{IdempotencyKey: "r1", HoldID: h.HoldID, Details: contracts.Details{Reason: "stream_cancelled"}})
	require.NoError(t, err)
	assert.Len(t, bus.balanceEvents(t), 5)

	// The event is part of the posting's transaction: when it cannot be written, nothing moves.
	bus.fail = true
	_, err = l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "t2", From: contracts.Wallet(alice, money.USD),
		To: []contracts.Credit{{To: contracts.Wallet(bob, money.USD), Amount: usd(t, "1")}}, Details: contracts.Details{Reason: "tip"}})
	require.Error(t, err)
	assert.Equal(t, "7.500000", balance(t, l, contracts.Wallet(alice, money.USD)))
	assert.Equal(t, "2.500000", balance(t, l, contracts.Wallet(bob, money.USD)))
}
