package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
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

// fakeGateway answers GetIntent from a map; the reconciliation test needs an intent that has
// succeeded, which stripe-mock (stateless) cannot produce.
type fakeGateway struct {
	status map[string]string
	n      int
}

func (g *fakeGateway) CreateIntent(_ context.Context, in application.CreateIntent) (application.Intent, error) {
	g.n++
	return application.Intent{ID: "pi_" + in.PaymentID.String(), ClientSecret: "secret", Status: "requires_payment_method"}, nil
}

func (g *fakeGateway) GetIntent(_ context.Context, id string) (application.Intent, error) {
	st := g.status[id]
	in := application.Intent{ID: id, Status: st}
	if st == application.IntentSucceeded {
		in.AmountReceived, _ = money.FromCents(4200)
	}
	return in, nil
}

func (g *fakeGateway) Refund(context.Context, string, money.Amount, string) (string, error) {
	return "re_1", nil
}

// A lost webhook loses no money: reconciliation asks the provider and credits the payment once.
func TestReconciliationSettlesPaymentsWhoseWebhookWasLost(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	ledgerStore := paymentpg.NewLedgerStore(pool)
	ledger, err := application.NewLedger(ledgerStore, nil, nil)
	require.NoError(t, err)
	store := paymentpg.NewPaymentStore(pool, ledgerStore, nil, nil)
	gw := &fakeGateway{status: map[string]string{}}
	clock := time.Now().UTC()
	now := func() time.Time { return clock }
	topUps, err := application.NewTopUpHandler(store, ledger, gw, now, uuid.New)
	require.NoError(t, err)

	u := uuid.New()
	paid, err := topUps.Handle(ctx, application.TopUp{UserID: u, AmountCents: 4200, Currency: "usd", IdempotencyKey: "a"})
	require.NoError(t, err)
	canceled, err := topUps.Handle(ctx, application.TopUp{UserID: u, AmountCents: 1000, Currency: "usd", IdempotencyKey: "b"})
	require.NoError(t, err)
	waiting, err := topUps.Handle(ctx, application.TopUp{UserID: u, AmountCents: 1000, Currency: "usd", IdempotencyKey: "c"})
	require.NoError(t, err)
	again, err := topUps.Handle(ctx, application.TopUp{UserID: u, AmountCents: 4200, Currency: "usd", IdempotencyKey: "a"})
	require.NoError(t, err)
	assert.Equal(t, paid.ID(), again.ID())
	assert.Equal(t, 3, gw.n, "a retried top-up does not ask the provider again")
	gw.status[paid.ProviderPaymentID()] = application.IntentSucceeded
	gw.status[canceled.ProviderPaymentID()] = application.IntentCanceled
	gw.status[waiting.ProviderPaymentID()] = "requires_payment_method"

	r, err := application.NewReconciler(store, gw, func() time.Time { return clock.Add(time.Hour) }, nil, nil)
	require.NoError(t, err)
	res, err := r.Run(ctx, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 3, res.Checked)
	assert.Equal(t, 1, res.Succeeded)
	assert.Equal(t, 1, res.Failed)
	res, err = r.Run(ctx, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Checked, "only the one still waiting for the customer")
	assert.Equal(t, 0, res.Succeeded)

	b, err := ledger.Balance(ctx, contracts.Wallet(u, money.USD))
	require.NoError(t, err)
	assert.Equal(t, "42.000000", b.String())
	for id, want := range map[uuid.UUID]domain.PaymentStatus{paid.ID(): domain.PaymentSucceeded, canceled.ID(): domain.PaymentFailed, waiting.ID(): domain.PaymentProcessing} {
		p, err := store.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, want, p.Status())
	}

	// A day later the unpaid one is given up.
	late, err := application.NewReconciler(store, gw, func() time.Time { return clock.Add(25 * time.Hour) }, nil, nil)
	require.NoError(t, err)
	_, err = late.Run(ctx, time.Minute)
	require.NoError(t, err)
	p, err := store.Get(ctx, waiting.ID())
	require.NoError(t, err)
	assert.Equal(t, domain.PaymentFailed, p.Status())
	paymenttest.RequireLedgerConsistent(t, pool)
}
