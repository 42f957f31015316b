package application_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

var fixed = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return fixed }

// fakeStore records what the ledger asked of it.
type fakeStore struct {
	accounts map[string]domain.Account
	posted   []*domain.Entry
	opened   []uuid.UUID
}

func (s *fakeStore) Account(_ context.Context, owner uuid.UUID, asset money.Asset, kind string) (domain.Account, error) {
	a, ok := s.accounts[owner.String()+string(asset)+kind]
	if !ok {
		return domain.Account{}, contracts.ErrAccountNotFound
	}
	return a, nil
}

func (s *fakeStore) open(owner uuid.UUID, kinds ...string) {
	for _, asset := range money.Assets() {
		for _, k := range kinds {
			s.accounts[owner.String()+string(asset)+k] = domain.Account{ID: uuid.New(), Owner: owner, Asset: asset, Kind: k, Shards: 1}
		}
	}
}

func (s *fakeStore) OpenAccounts(_ context.Context, owner uuid.UUID, kinds []string) error {
	s.opened = append(s.opened, owner)
	s.open(owner, kinds...)
	return nil
}

func (s *fakeStore) Post(_ context.Context, e *domain.Entry) (application.PostResult, error) {
	s.posted = append(s.posted, e)
	return application.PostResult{EntryID: e.ID(), CreatedAt: e.CreatedAt()}, nil
}

func (s *fakeStore) CreateHold(_ context.Context, h *domain.Hold, e *domain.Entry) (application.PostResult, error) {
	s.posted = append(s.posted, e)
	return application.PostResult{EntryID: e.ID(), HoldID: h.ID()}, nil
}

func (s *fakeStore) UpdateHold(context.Context, uuid.UUID, string, []byte, func(*domain.Hold) (*domain.Entry, error)) (application.PostResult, error) {
	return application.PostResult{}, errors.New("not used")
}

func (s *fakeStore) Balance(context.Context, uuid.UUID) (int64, error) { return 0, nil }

func TestLedgerBuildsBalancedEntriesAndRefusesBadRequestsBeforeTheStore(t *testing.T) {
	t.Parallel()
	store := &fakeStore{accounts: map[string]domain.Account{}}
	l, err := application.NewLedger(store, clock, uuid.New)
	require.NoError(t, err)
	a, b := uuid.New(), uuid.New()
	store.open(a, "user_wallet")
	store.open(b, "user_wallet", "user_earnings")
	store.open(contracts.PlatformOwner, "platform_fees")
	price, _ := money.Parse(money.USD, "0.004")
	fee, _ := price.MulDiv(15, 100)
	artist, _ := price.Sub(fee)
	_, err = l.Transfer(context.Background(), contracts.TransferRequest{IdempotencyKey: "s1", From: contracts.Wallet(a, money.USD),
		To: []contracts.Credit{{To: contracts.UserAccount(b, money.USD, contracts.KindEarnings), Amount: artist},
			{To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: fee}},
		Details: contracts.Details{Reason: "stream_payment", ExternalRef: "session-9"}})
	require.NoError(t, err)
	require.Len(t, store.posted, 1)
	e := store.posted[0]
	assert.Equal(t, "stream_payment", e.Reason())
	assert.Equal(t, "session-9", e.ExternalRef())
	assert.Equal(t, fixed, e.CreatedAt())
	var sum int64
	for _, p := range e.Postings() {
		sum += p.Amount.Units()
	}
	assert.Zero(t, sum)
	assert.Equal(t, int64(-4_000), e.Postings()[2].Amount.Units(), "the payer is debited the total")

	bad := []contracts.TransferRequest{
		{IdempotencyKey: "x", From: contracts.Wallet(a, money.USD), To: nil},
		{IdempotencyKey: "x", From: contracts.Wallet(a, money.USD), To: []contracts.Credit{{To: contracts.Wallet(a, money.USD), Amount: price}}},
		{IdempotencyKey: "x", From: contracts.Wallet(a, money.USD), To: []contracts.Credit{{To: contracts.Wallet(b, money.VIBE), Amount: price}}},
		{IdempotencyKey: "x", From: contracts.AccountRef{Owner: a, Asset: money.USD, Kind: "savings"}, To: []contracts.Credit{{To: contracts.Wallet(b, money.USD), Amount: price}}},
		{IdempotencyKey: "x", From: contracts.System(contracts.KindPlatformFees, money.USD), To: []contracts.Credit{{To: contracts.Wallet(uuid.New(), money.USD), Amount: price}}},
	}
	for i, req := range bad {
		_, err := l.Transfer(context.Background(), req)
		assert.Error(t, err, "case %d", i)
	}
	assert.Len(t, store.posted, 1, "refused requests never reach the store")
	assert.Error(t, l.OpenUserAccounts(context.Background(), contracts.PlatformOwner))
}

// fakePayments is an in-memory PaymentRepository.
type fakePayments struct {
	byID    map[uuid.UUID]*domain.Payment
	claimed map[string]bool
	updates int
}

func newFakePayments() *fakePayments {
	return &fakePayments{byID: map[uuid.UUID]*domain.Payment{}, claimed: map[string]bool{}}
}

func (f *fakePayments) Create(_ context.Context, p *domain.Payment) (*domain.Payment, bool, error) {
	for _, q := range f.byID {
		if q.UserID() == p.UserID() && q.IdempotencyKey() == p.IdempotencyKey() {
			return q, false, nil
		}
	}
	f.byID[p.ID()] = p
	return p, true, nil
}

func (f *fakePayments) Get(_ context.Context, id uuid.UUID) (*domain.Payment, error) {
	if p, ok := f.byID[id]; ok {
		return p, nil
	}
	return nil, domain.ErrPaymentNotFound
}

func (f *fakePayments) IDByProviderID(_ context.Context, _, pid string) (uuid.UUID, error) {
	for id, p := range f.byID {
		if p.ProviderPaymentID() == pid {
			return id, nil
		}
	}
	return uuid.Nil, domain.ErrPaymentNotFound
}

func (f *fakePayments) Update(_ context.Context, id uuid.UUID, claim *application.EventClaim, fn func(*domain.Payment) error) (*domain.Payment, error) {
	p, ok := f.byID[id]
	if !ok {
		return nil, domain.ErrPaymentNotFound
	}
	if claim != nil {
		if f.claimed[claim.EventID] {
			return nil, application.ErrEventAlreadyHandled
		}
		f.claimed[claim.EventID] = true
	}
	f.updates++
	return p, fn(p)
}

func (f *fakePayments) ClaimEvent(_ context.Context, c application.EventClaim) (bool, error) {
	seen := f.claimed[c.EventID]
	f.claimed[c.EventID] = true
	return !seen, nil
}

func (f *fakePayments) Stale(context.Context, time.Time, int) ([]uuid.UUID, error) { return nil, nil }
func (f *fakePayments) StartRefund(context.Context, uuid.UUID, application.Refund, time.Time) (application.Refund, error) {
	return application.Refund{}, nil
}
func (f *fakePayments) FinishRefund(context.Context, uuid.UUID, string, bool, time.Time) (application.Refund, error) {
	return application.Refund{}, nil
}
func (f *fakePayments) PendingRefunds(context.Context, time.Time, int) ([]application.Refund, error) {
	return nil, nil
}
func (f *fakePayments) Refunds(context.Context, uuid.UUID) ([]application.Refund, error) {
	return nil, nil
}

type fakeGateway struct {
	err  error
	keys []string
}

func (g *fakeGateway) CreateIntent(_ context.Context, in application.CreateIntent) (application.Intent, error) {
	g.keys = append(g.keys, in.IdempotencyKey)
	if g.err != nil {
		return application.Intent{}, g.err
	}
	return application.Intent{ID: "pi_" + in.IdempotencyKey, ClientSecret: "cs"}, nil
}
func (g *fakeGateway) GetIntent(context.Context, string) (application.Intent, error) {
	return application.Intent{}, nil
}
func (g *fakeGateway) Refund(context.Context, string, money.Amount, string) (string, error) {
	return "", nil
}

type noLedger struct{ contracts.Ledger }

func (noLedger) OpenUserAccounts(context.Context, uuid.UUID) error { return nil }

func TestTopUpOutcomes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := uuid.New()
	cmd := application.TopUp{UserID: u, AmountCents: 1000, Currency: "usd", IdempotencyKey: "k"}

	none, err := application.NewTopUpHandler(newFakePayments(), noLedger{}, nil, clock, uuid.New)
	require.NoError(t, err)
	_, err = none.Handle(ctx, cmd)
	assert.ErrorIs(t, err, application.ErrTopUpsUnavailable)

	repo := newFakePayments()
	gw := &fakeGateway{err: application.ErrGatewayFailed}
	h, err := application.NewTopUpHandler(repo, noLedger{}, gw, clock, uuid.New)
	require.NoError(t, err)
	_, err = h.Handle(ctx, cmd)
	assert.ErrorIs(t, err, application.ErrGatewayFailed)
	require.Len(t, repo.byID, 1)
	for _, p := range repo.byID {
		assert.Equal(t, domain.PaymentPending, p.Status(), "an outage leaves the payment pending")
	}
	gw.err = nil
	p, err := h.Handle(ctx, cmd)
	require.NoError(t, err)
	assert.Equal(t, domain.PaymentProcessing, p.Status())
	assert.Len(t, repo.byID, 1, "the retry reuses the payment")
	assert.Equal(t, gw.keys[0], gw.keys[1], "and the same provider idempotency key")
	assert.Equal(t, application.StripeIdempotencyKey(u, "k"), gw.keys[0])

	refused := &fakeGateway{err: application.ErrGatewayRefused}
	repo2 := newFakePayments()
	h2, _ := application.NewTopUpHandler(repo2, noLedger{}, refused, clock, uuid.New)
	_, err = h2.Handle(ctx, cmd)
	assert.ErrorIs(t, err, application.ErrGatewayRefused)
	for _, p := range repo2.byID {
		assert.Equal(t, domain.PaymentFailed, p.Status())
	}
}

type fakeVerifier struct {
	ev  application.WebhookEvent
	err error
}

func (v fakeVerifier) Verify([]byte, string) (application.WebhookEvent, error) { return v.ev, v.err }

func TestWebhookWithBadSignatureTouchesNothing(t *testing.T) {
	t.Parallel()
	repo := newFakePayments()
	h, err := application.NewWebhookHandler(repo, fakeVerifier{err: application.ErrBadSignature}, clock)
	require.NoError(t, err)
	_, err = h.Handle(context.Background(), []byte(`{}`), "sig")
	assert.ErrorIs(t, err, application.ErrBadSignature)
	assert.Empty(t, repo.claimed)
	assert.Zero(t, repo.updates)

	off, _ := application.NewWebhookHandler(repo, nil, clock)
	_, err = off.Handle(context.Background(), nil, "")
	assert.ErrorIs(t, err, application.ErrWebhooksUnavailable)
}

func TestWebhookSucceedsOnceAndIgnoresForeignIntents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := newFakePayments()
	amount, _ := money.FromCents(1000)
	p, _ := domain.NewPayment(uuid.New(), uuid.New(), amount, "usd", domain.ProviderStripe, "k", fixed)
	require.NoError(t, p.StartProcessing("pi_1", "cs", fixed))
	repo.byID[p.ID()] = p
	ev := application.WebhookEvent{ID: "evt_1", Type: application.EventIntentSucceeded, Intent: &application.Intent{ID: "pi_1", Status: "succeeded", AmountReceived: amount}}
	h, _ := application.NewWebhookHandler(repo, fakeVerifier{ev: ev}, clock)
	res, err := h.Handle(ctx, nil, "")
	require.NoError(t, err)
	assert.True(t, res.Handled)
	assert.Equal(t, domain.PaymentSucceeded, p.Status())
	assert.Len(t, p.PullEvents(), 1)
	res, err = h.Handle(ctx, nil, "")
	require.NoError(t, err)
	assert.False(t, res.Handled, "the same event id is handled once")
	assert.Empty(t, p.PullEvents())

	foreign := application.WebhookEvent{ID: "evt_2", Type: application.EventIntentSucceeded, Intent: &application.Intent{ID: "pi_other", AmountReceived: amount}}
	h2, _ := application.NewWebhookHandler(repo, fakeVerifier{ev: foreign}, clock)
	res, err = h2.Handle(ctx, nil, "")
	require.NoError(t, err)
	assert.True(t, res.Handled)
	assert.Equal(t, 1, repo.updates, "an intent that is not ours changes no payment")
}

type refundRepo struct {
	*fakePayments
	started, finished int
}

func (r *refundRepo) StartRefund(_ context.Context, id uuid.UUID, rf application.Refund, now time.Time) (application.Refund, error) {
	r.started++
	rf.Status, rf.PaymentID = application.RefundPending, id
	return rf, nil
}

func (r *refundRepo) FinishRefund(context.Context, uuid.UUID, string, bool, time.Time) (application.Refund, error) {
	r.finished++
	return application.Refund{Status: application.RefundSucceeded}, nil
}

type downGateway struct{ *fakeGateway }

func (downGateway) Refund(context.Context, string, money.Amount, string) (string, error) {
	return "", application.ErrGatewayFailed
}

func TestRefundDuringAStripeOutageStaysPending(t *testing.T) {
	t.Parallel()
	repo := &refundRepo{fakePayments: newFakePayments()}
	amount, _ := money.FromCents(1000)
	p, _ := domain.NewPayment(uuid.New(), uuid.New(), amount, "usd", domain.ProviderStripe, "k", fixed)
	require.NoError(t, p.StartProcessing("pi_1", "cs", fixed))
	require.NoError(t, p.Succeed(amount, fixed))
	repo.byID[p.ID()] = p
	h, err := application.NewRefundHandler(repo, downGateway{&fakeGateway{}}, clock, uuid.New, nil)
	require.NoError(t, err)
	r, err := h.Handle(context.Background(), application.RefundPayment{PaymentID: p.ID(), AdminID: uuid.New(), Reason: "x"})
	require.NoError(t, err, "the refund is recorded; reconciliation completes it")
	assert.Equal(t, application.RefundPending, r.Status)
	assert.Equal(t, 1, repo.started)
	assert.Zero(t, repo.finished)
}
