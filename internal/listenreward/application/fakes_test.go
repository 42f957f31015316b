package application

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// fakeStore keeps sessions, rewards and claims in memory; events are recorded per call.
type fakeStore struct {
	mu       sync.Mutex
	sessions map[uuid.UUID]*domain.Session
	rewards  map[uuid.UUID]*domain.Reward
	claims   map[uuid.UUID]domain.Claim
	events   []any
	poolLock int
}

func newFakeStore() *fakeStore {
	return &fakeStore{sessions: map[uuid.UUID]*domain.Session{}, rewards: map[uuid.UUID]*domain.Reward{}, claims: map[uuid.UUID]domain.Claim{}}
}

func (f *fakeStore) Begin(_ context.Context, s *domain.Session, end func(*domain.Session, domain.History) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.sessions {
		if o.ListenerID() == s.ListenerID() && !o.Status().Terminal() {
			if err := end(o, domain.History{}); err != nil {
				return err
			}
			f.events = append(f.events, o.PullEvents()...)
		}
	}
	f.sessions[s.ID()] = s
	f.events = append(f.events, s.PullEvents()...)
	return nil
}

func (f *fakeStore) Get(_ context.Context, id uuid.UUID) (*domain.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok {
		return nil, domain.ErrSessionNotFound
	}
	return s, nil
}

func (f *fakeStore) Update(_ context.Context, id uuid.UUID, fn func(*domain.Session) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok {
		return domain.ErrSessionNotFound
	}
	if err := fn(s); err != nil {
		return err
	}
	f.events = append(f.events, s.PullEvents()...)
	return nil
}

func (f *fakeStore) Decide(ctx context.Context, id uuid.UUID, _ time.Time, fn func(*domain.Session, domain.History) error) error {
	return f.Update(ctx, id, func(s *domain.Session) error { return fn(s, domain.History{}) })
}

func (f *fakeStore) Open(_ context.Context, listenerID uuid.UUID) ([]*domain.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*domain.Session
	for _, s := range f.sessions {
		if s.ListenerID() == listenerID && !s.Status().Terminal() {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeStore) List(context.Context, uuid.UUID, domain.Cursor, int) ([]*domain.Session, error) {
	return nil, errors.New("not used")
}

func (f *fakeStore) Due(_ context.Context, now, stalledBefore time.Time, _ int) ([]uuid.UUID, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []uuid.UUID
	for id, s := range f.sessions {
		if (s.Status() == domain.StatusActive && s.ExpiresAt().Before(now)) || (s.Starting() && s.StartedAt().Before(stalledBefore)) {
			out = append(out, id)
		}
	}
	return out, nil
}

func (f *fakeStore) Earnings(context.Context, uuid.UUID, time.Time, time.Time) ([]domain.SongEarnings, error) {
	return nil, nil
}

func (f *fakeStore) BeginReward(_ context.Context, sessionID, _ uuid.UUID, _ time.Time,
	decide func(*domain.Reward, money.Amount) (*domain.Reward, error)) (*domain.Reward, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	earned := money.Zero(money.VIBE)
	for _, r := range f.rewards {
		if r.Status() != domain.RewardUnfunded {
			earned, _ = earned.Add(r.Amount())
		}
	}
	r, err := decide(f.rewards[sessionID], earned)
	if err != nil {
		return nil, err
	}
	f.rewards[sessionID] = r
	f.events = append(f.events, r.PullEvents()...)
	return r, nil
}

func (f *fakeStore) UpdateReward(_ context.Context, sessionID uuid.UUID, fn func(*domain.Reward) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.rewards[sessionID]
	if err := fn(r); err != nil {
		return err
	}
	f.events = append(f.events, r.PullEvents()...)
	return nil
}

func (f *fakeStore) GetReward(_ context.Context, sessionID uuid.UUID) (*domain.Reward, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rewards[sessionID], nil
}

func (f *fakeStore) Earned(context.Context, uuid.UUID, time.Time) (money.Amount, error) {
	return money.Zero(money.VIBE), nil
}

func (f *fakeStore) Recent(context.Context, uuid.UUID, int) ([]*domain.Reward, error) {
	return nil, nil
}

func (f *fakeStore) WithPoolLock(ctx context.Context, fn func(context.Context) error) error {
	f.mu.Lock()
	f.poolLock++
	f.mu.Unlock()
	return fn(ctx)
}

func (f *fakeStore) Add(_ context.Context, c domain.Claim) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.claims[c.ID]; !ok {
		f.claims[c.ID] = c
	}
	return nil
}

func (f *fakeStore) GetClaim(_ context.Context, id uuid.UUID) (*domain.Claim, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.claims[id]
	if !ok {
		return nil, nil
	}
	return &c, nil
}

func (f *fakeStore) SaveClaim(_ context.Context, c domain.Claim) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.claims[c.ID] = c
	return nil
}

func (f *fakeStore) Total(context.Context, uuid.UUID) (money.Amount, error) {
	return money.Zero(money.VIBE), nil
}

type fakeSongs struct{ song musiccontracts.SongSummary }

func (f fakeSongs) Song(_ context.Context, id uuid.UUID) (musiccontracts.SongSummary, error) {
	if id != f.song.ID {
		return musiccontracts.SongSummary{}, errors.New("music.song_not_found")
	}
	return f.song, nil
}

type fakeStreams struct {
	served musiccontracts.SessionStreamed
	err    error
}

func (f *fakeStreams) OpenSessionStream(_ context.Context, req musiccontracts.SessionStreamRequest) (musiccontracts.SessionStream, error) {
	if f.err != nil {
		return musiccontracts.SessionStream{}, f.err
	}
	s := musiccontracts.SessionStream{URL: "/stream/" + req.SessionID.String(), Quality: "high", SizeBytes: 3_200_000, BytesPerSecond: 16_000}
	if req.PreviewSeconds > 0 {
		s.MaxBytes = int64(req.PreviewSeconds) * 16_000
	}
	return s, nil
}

func (f *fakeStreams) SessionStreamed(context.Context, uuid.UUID) (musiccontracts.SessionStreamed, error) {
	return f.served, nil
}

// fakeLedger keeps balances per account reference and records every call.
type fakeLedger struct {
	mu        sync.Mutex
	balances  map[paymentcontracts.AccountRef]int64
	holds     map[string]uuid.UUID // idempotency key -> hold
	transfers []paymentcontracts.TransferRequest
	holdErr   error
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{balances: map[paymentcontracts.AccountRef]int64{}, holds: map[string]uuid.UUID{}}
}

func (f *fakeLedger) OpenUserAccounts(context.Context, uuid.UUID) error { return nil }

func (f *fakeLedger) Hold(_ context.Context, req paymentcontracts.HoldRequest) (paymentcontracts.HoldReceipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if h, ok := f.holds[req.IdempotencyKey]; ok {
		return paymentcontracts.HoldReceipt{HoldID: h, Receipt: paymentcontracts.Receipt{Replayed: true}}, nil
	}
	if f.holdErr != nil {
		return paymentcontracts.HoldReceipt{}, f.holdErr
	}
	w := paymentcontracts.Wallet(req.Owner, money.USD)
	if f.balances[w] < req.Amount.Units() {
		return paymentcontracts.HoldReceipt{}, paymentcontracts.ErrInsufficientFunds
	}
	f.balances[w] -= req.Amount.Units()
	h := uuid.New()
	f.holds[req.IdempotencyKey] = h
	return paymentcontracts.HoldReceipt{HoldID: h}, nil
}

func (f *fakeLedger) Transfer(_ context.Context, req paymentcontracts.TransferRequest) (paymentcontracts.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.transfers {
		if t.IdempotencyKey == req.IdempotencyKey {
			return paymentcontracts.Receipt{Replayed: true}, nil
		}
	}
	total := int64(0)
	for _, c := range req.To {
		total += c.Amount.Units()
	}
	if !req.From.Kind.IsSystem() && f.balances[req.From] < total {
		return paymentcontracts.Receipt{}, paymentcontracts.ErrInsufficientFunds
	}
	f.balances[req.From] -= total
	for _, c := range req.To {
		f.balances[c.To] += c.Amount.Units()
	}
	f.transfers = append(f.transfers, req)
	return paymentcontracts.Receipt{}, nil
}

func (f *fakeLedger) Balance(_ context.Context, ref paymentcontracts.AccountRef) (money.Amount, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return money.New(ref.Asset, f.balances[ref])
}

type fakeWithdrawals struct {
	err   error
	calls int
}

func (f *fakeWithdrawals) Withdraw(_ context.Context, req paymentcontracts.WithdrawalRequest) (paymentcontracts.Withdrawal, error) {
	f.calls++
	if f.err != nil {
		return paymentcontracts.Withdrawal{}, f.err
	}
	return paymentcontracts.Withdrawal{ID: uuid.New(), Chain: req.Chain, Status: "pending", ToAddress: "0xabc", Amount: req.Amount}, nil
}

type fakeUsers struct {
	count   int64
	wallets []usercontracts.Wallet
}

func (f fakeUsers) RegisteredUsers(context.Context) (int64, error) { return f.count, nil }
func (f fakeUsers) Wallets(context.Context, uuid.UUID) ([]usercontracts.Wallet, error) {
	return f.wallets, nil
}
