package chaintx_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

type fakeLedger struct {
	contracts.Ledger
	mu        sync.Mutex
	balance   int64
	holds     map[string]contracts.HoldReceipt
	settled   []contracts.SettleRequest
	released  []contracts.ReleaseRequest
	transfers []contracts.TransferRequest
}

// PrepareHold checks and reserves at once (the real ledger reserves when the store commits
// the hold with its transfer); a replayed key returns the first hold.
func (l *fakeLedger) PrepareHold(_ context.Context, r contracts.HoldRequest) (application.PreparedHold, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.holds[r.IdempotencyKey]
	if !ok {
		if r.Amount.Units() > l.balance {
			return application.PreparedHold{}, contracts.ErrInsufficientFunds
		}
		l.balance -= r.Amount.Units()
		h = contracts.HoldReceipt{HoldID: uuid.New()}
		l.holds[r.IdempotencyKey] = h
	}
	hold, err := domain.NewHold(h.HoldID, r.Owner, r.Amount, r.Reason, r.ExternalRef, time.Unix(0, 0))
	return application.PreparedHold{Hold: hold}, err
}

func (l *fakeLedger) Settle(_ context.Context, r contracts.SettleRequest) (contracts.Receipt, error) {
	l.settled = append(l.settled, r)
	return contracts.Receipt{}, nil
}

func (l *fakeLedger) Release(_ context.Context, r contracts.ReleaseRequest) (contracts.Receipt, error) {
	l.released = append(l.released, r)
	return contracts.Receipt{}, nil
}

func (l *fakeLedger) Transfer(_ context.Context, r contracts.TransferRequest) (contracts.Receipt, error) {
	l.transfers = append(l.transfers, r)
	return contracts.Receipt{}, nil
}

type fakeUsers struct {
	usercontracts.Directory
	wallets []usercontracts.Wallet
}

func (u fakeUsers) Wallets(context.Context, uuid.UUID) ([]usercontracts.Wallet, error) {
	return u.wallets, nil
}

type fakeChains struct{ chaintx.Chains }

func (fakeChains) Enabled(b string) bool              { return b == "ethereum" || b == "solana" }
func (fakeChains) IsPlatformAddress(_, a string) bool { return a == "0xHotWallet" }
func (fakeChains) NormalizeAddress(_, a string) (string, error) {
	if a == "bad" {
		return "", errors.New("not an address")
	}
	return a, nil
}

type fakeStore struct {
	mu sync.Mutex
	m  map[uuid.UUID]chaintx.Transaction
}

func (s *fakeStore) Create(_ context.Context, d *domain.Transfer) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[d.ID()]; ok {
		return false, nil
	}
	t := chaintx.Transaction{ID: d.ID(), Kind: string(d.Kind()), Blockchain: d.Blockchain(), To: d.To(), Amount: d.Amount(), Status: string(d.Status())}
	if u := d.UserID(); u != uuid.Nil {
		t.UserID = &u
	}
	if h := d.HoldID(); h != uuid.Nil {
		t.HoldID = &h
	}
	s.m[t.ID] = t
	return true, nil
}

func (s *fakeStore) CreateWithdrawal(ctx context.Context, t *domain.Transfer, _ application.PreparedHold) (bool, error) {
	return s.Create(ctx, t)
}

func (s *fakeStore) Get(_ context.Context, id uuid.UUID) (chaintx.Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[id]
	if !ok {
		return chaintx.Transaction{}, chaintx.ErrNotFound
	}
	return t, nil
}

func (s *fakeStore) ListByUser(context.Context, uuid.UUID, *chaintx.Cursor, int) ([]chaintx.Transaction, error) {
	return nil, nil
}

func setup(balance int64, wallets ...usercontracts.Wallet) (*chaintx.WithdrawHandler, *fakeLedger, *fakeStore) {
	l := &fakeLedger{balance: balance, holds: map[string]contracts.HoldReceipt{}}
	s := &fakeStore{m: map[uuid.UUID]chaintx.Transaction{}}
	return chaintx.NewWithdrawHandler(l, fakeUsers{wallets: wallets}, fakeChains{}, s), l, s
}

func TestWithdrawValidation(t *testing.T) {
	t.Parallel()
	h, l, _ := setup(10_000_000_000)
	user := uuid.New()
	tests := []struct {
		name string
		cmd  chaintx.Withdraw
		want error
	}{
		{"no key", chaintx.Withdraw{UserID: user, Blockchain: "ethereum", To: "0xabc", Amount: "1"}, chaintx.ErrIdempotencyKey},
		{"unknown chain", chaintx.Withdraw{UserID: user, IdempotencyKey: "k1", Blockchain: "bitcoin", To: "x", Amount: "1"}, errs.ErrValidation},
		{"other token", chaintx.Withdraw{UserID: user, IdempotencyKey: "k2", Blockchain: "ethereum", To: "x", Amount: "1", Token: "USDC"}, errs.ErrValidation},
		{"too many decimals", chaintx.Withdraw{UserID: user, IdempotencyKey: "k3", Blockchain: "ethereum", To: "x", Amount: "0.0000000001"}, errs.ErrValidation},
		{"zero", chaintx.Withdraw{UserID: user, IdempotencyKey: "k4", Blockchain: "ethereum", To: "x", Amount: "0"}, errs.ErrValidation},
		{"no wallet linked", chaintx.Withdraw{UserID: user, IdempotencyKey: "k5", Blockchain: "solana", Amount: "1"}, chaintx.ErrNoLinkedWallet},
		{"bad address", chaintx.Withdraw{UserID: user, IdempotencyKey: "k6", Blockchain: "ethereum", To: "bad", Amount: "1"}, chaintx.ErrInvalidAddress},
		{"platform destination", chaintx.Withdraw{UserID: user, IdempotencyKey: "k8", Blockchain: "ethereum", To: "0xHotWallet", Amount: "1"}, chaintx.ErrPlatformDestination},
		{"insufficient", chaintx.Withdraw{UserID: user, IdempotencyKey: "k7", Blockchain: "ethereum", To: "0xabc", Amount: "10.000000001"}, contracts.ErrInsufficientFunds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.Handle(context.Background(), tt.cmd)
			assert.ErrorIs(t, err, tt.want)
		})
	}
	assert.Empty(t, l.holds, "nothing held for a refused request")
}

func TestWithdrawHoldsAtOnceDefaultsToTheLinkedWalletAndIsIdempotent(t *testing.T) {
	t.Parallel()
	h, l, s := setup(10_000_000_000, usercontracts.Wallet{Chain: "solana", Address: "SoLWallet"})
	user := uuid.New()
	cmd := chaintx.Withdraw{UserID: user, IdempotencyKey: "k", Blockchain: "solana", Amount: "2.5"}
	tx, err := h.Handle(context.Background(), cmd)
	require.NoError(t, err)
	assert.Equal(t, "SoLWallet", tx.To)
	assert.Equal(t, "pending", tx.Status)
	assert.Equal(t, int64(2_500_000_000), tx.Amount.Units())
	assert.Equal(t, int64(7_500_000_000), l.balance)
	require.NotNil(t, tx.HoldID)

	again, err := h.Handle(context.Background(), cmd)
	require.NoError(t, err)
	assert.Equal(t, tx.ID, again.ID)
	assert.Equal(t, int64(7_500_000_000), l.balance, "held once")
	assert.Len(t, s.m, 1)

	// Another user with the same key is another transaction.
	other, err := h.Handle(context.Background(), chaintx.Withdraw{UserID: uuid.New(), IdempotencyKey: "k", Blockchain: "ethereum", To: "0xabc", Amount: "1"})
	require.NoError(t, err)
	assert.NotEqual(t, tx.ID, other.ID)
}

// fakeTransfers is the transfer repository over the fake store's transactions.
type fakeTransfers struct {
	mu  sync.Mutex
	m   map[uuid.UUID]*domain.Transfer
	evs []domain.TransferChanged
}

func (f *fakeTransfers) GetTransfer(_ context.Context, id uuid.UUID) (*domain.Transfer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.m[id]
	if !ok {
		return nil, domain.ErrTransferNotFound
	}
	cp := *t
	return &cp, nil
}

func (f *fakeTransfers) UpdateTransfer(_ context.Context, id uuid.UUID, fn func(*domain.Transfer) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.m[id]
	if !ok {
		return domain.ErrTransferNotFound
	}
	cp := *t
	if err := fn(&cp); err != nil {
		return err
	}
	f.evs = append(f.evs, cp.PullEvents()...)
	f.m[id] = &cp
	return nil
}

func TestLifecycleBooksEachOutcomeOnceAndRecordsIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0).UTC()
	l := &fakeLedger{holds: map[string]contracts.HoldReceipt{}}
	vibe := func(u int64) money.Amount { return money.MustNew(money.VIBE, u) }
	ok, err := domain.NewWithdrawal(uuid.New(), uuid.New(), uuid.New(), "ethereum", "0xabc", vibe(1_000_000_000), now)
	require.NoError(t, err)
	bad, err := domain.NewWithdrawal(uuid.New(), uuid.New(), uuid.New(), "ethereum", "0xabc", vibe(2_000_000_000), now)
	require.NoError(t, err)
	mint, err := domain.NewMint(uuid.New(), "solana", vibe(100_000_000_000), now)
	require.NoError(t, err)
	repo := &fakeTransfers{m: map[uuid.UUID]*domain.Transfer{ok.ID(): ok, bad.ID(): bad, mint.ID(): mint}}
	gw := &fakeGateway{landings: map[uuid.UUID]chaintx.Landing{}}
	lc := chaintx.NewLifecycle(repo, l, gw, func() time.Time { return now })

	require.NoError(t, lc.Submitted(ctx, ok.ID(), "0xhash"))
	require.NoError(t, lc.Confirmed(ctx, ok.ID(), "0xhash", 7))
	require.NoError(t, lc.Confirmed(ctx, ok.ID(), "0xhash", 7), "a replay is a no-op")
	require.NoError(t, lc.Failed(ctx, bad.ID(), "reverted"))
	require.NoError(t, lc.Confirmed(ctx, mint.ID(), "sig", 9))
	assert.ErrorIs(t, lc.Failed(ctx, ok.ID(), "late"), domain.ErrAlreadyFinal, "a confirmed transfer never fails")

	require.Len(t, l.settled, 2, "booked on each report (the ledger's key makes the second a replay)")
	assert.Equal(t, ok.HoldID(), l.settled[0].HoldID)
	assert.Equal(t, "chain.withdrawal.settle:"+ok.ID().String(), l.settled[0].IdempotencyKey)
	assert.Equal(t, contracts.System(contracts.KindChainHotWallet, money.VIBE), l.settled[0].To[0].To)
	assert.Equal(t, "0xhash", l.settled[0].ExternalRef)
	require.Len(t, l.released, 1)
	assert.Equal(t, bad.HoldID(), l.released[0].HoldID)
	require.Len(t, l.transfers, 1)
	assert.Equal(t, contracts.System(contracts.KindTreasury, money.VIBE), l.transfers[0].From)
	assert.Equal(t, contracts.System(contracts.KindRewardPool, money.VIBE), l.transfers[0].To[0].To)
	assert.Equal(t, "chain.mint:"+mint.ID().String(), l.transfers[0].IdempotencyKey)

	got, err := repo.GetTransfer(ctx, ok.ID())
	require.NoError(t, err)
	assert.Equal(t, domain.TransferConfirmed, got.Status())
	assert.Equal(t, int64(7), got.BlockNumber())
	var statuses []domain.TransferStatus
	for _, e := range repo.evs {
		statuses = append(statuses, e.Status)
	}
	assert.Equal(t, []domain.TransferStatus{domain.TransferSubmitted, domain.TransferConfirmed, domain.TransferFailed, domain.TransferConfirmed}, statuses)
}

// fakeGateway lands what it is told, after reporting one broadcast.
type fakeGateway struct {
	mu       sync.Mutex
	landings map[uuid.UUID]chaintx.Landing
	err      error
	sends    int
}

func (g *fakeGateway) Send(ctx context.Context, t *domain.Transfer, submitted func(context.Context, string) error) (chaintx.Landing, error) {
	g.mu.Lock()
	g.sends++
	l, err := g.landings[t.ID()], g.err
	g.mu.Unlock()
	if err != nil {
		return chaintx.Landing{}, err
	}
	if err := submitted(ctx, "0xsent"); err != nil {
		return chaintx.Landing{}, err
	}
	return l, nil
}

func TestExecuteSendsThroughTheGatewayAndBooksWhereItLanded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0).UTC()
	l := &fakeLedger{holds: map[string]contracts.HoldReceipt{}}
	vibe := money.MustNew(money.VIBE, 1_000_000_000)
	ok, err := domain.NewWithdrawal(uuid.New(), uuid.New(), uuid.New(), "solana", "wallet", vibe, now)
	require.NoError(t, err)
	bad, err := domain.NewWithdrawal(uuid.New(), uuid.New(), uuid.New(), "solana", "wallet", vibe, now)
	require.NoError(t, err)
	repo := &fakeTransfers{m: map[uuid.UUID]*domain.Transfer{ok.ID(): ok, bad.ID(): bad}}
	gw := &fakeGateway{landings: map[uuid.UUID]chaintx.Landing{ok.ID(): {TxHash: "sig", Block: 3}, bad.ID(): {Failed: true, Reason: "refused"}}}
	lc := chaintx.NewLifecycle(repo, l, gw, func() time.Time { return now })

	gw.err = chaintx.ErrBusy
	assert.ErrorIs(t, lc.Execute(ctx, ok.ID()), chaintx.ErrBusy, "another worker drives it: nothing changes")
	got, err := repo.GetTransfer(ctx, ok.ID())
	require.NoError(t, err)
	assert.Equal(t, domain.TransferPending, got.Status())
	gw.err = nil

	require.NoError(t, lc.Execute(ctx, ok.ID()))
	require.NoError(t, lc.Execute(ctx, bad.ID()))
	got, err = repo.GetTransfer(ctx, ok.ID())
	require.NoError(t, err)
	assert.Equal(t, domain.TransferConfirmed, got.Status())
	assert.Equal(t, "sig", got.TxHash())
	got, err = repo.GetTransfer(ctx, bad.ID())
	require.NoError(t, err)
	assert.Equal(t, domain.TransferFailed, got.Status())
	assert.Equal(t, "refused", got.FailureReason())

	// A final transfer is not sent again; its booking is replayed (the ledger key dedups).
	require.NoError(t, lc.Execute(ctx, ok.ID()))
	assert.Equal(t, 3, gw.sends)
	assert.Len(t, l.settled, 2)
	assert.Len(t, l.released, 1)
	assert.ErrorIs(t, lc.Execute(ctx, uuid.New()), domain.ErrTransferNotFound)
}
