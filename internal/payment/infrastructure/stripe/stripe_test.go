package stripe_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/stripe"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
)

func TestGatewayAgainstStripeMock(t *testing.T) {
	t.Parallel()
	g := stripe.NewGateway("sk_test_123", paymenttest.StripeMock(t), 5*time.Second)
	ctx := context.Background()
	amount, _ := money.FromCents(2500)
	in, err := g.CreateIntent(ctx, application.CreateIntent{PaymentID: uuid.New(), UserID: uuid.New(), Amount: amount, Currency: "usd", IdempotencyKey: "k-" + uuid.NewString()})
	require.NoError(t, err)
	assert.NotEmpty(t, in.ID)
	assert.NotEmpty(t, in.ClientSecret)
	got, err := g.GetIntent(ctx, in.ID)
	require.NoError(t, err)
	assert.NotEmpty(t, got.Status)
	rid, err := g.Refund(ctx, in.ID, amount, "r-"+uuid.NewString())
	require.NoError(t, err)
	assert.NotEmpty(t, rid)
	_, err = g.CreateIntent(ctx, application.CreateIntent{Amount: money.MustNew(money.USD, 1), Currency: "usd", IdempotencyKey: "x"})
	assert.ErrorIs(t, err, money.ErrInvalidAmount, "fractions of a cent never reach Stripe")
}

func TestGatewayUnreachable(t *testing.T) {
	t.Parallel()
	g := stripe.NewGateway("sk_test_123", "http://127.0.0.1:1", time.Second)
	amount, _ := money.FromCents(100)
	_, err := g.CreateIntent(context.Background(), application.CreateIntent{Amount: amount, Currency: "usd", IdempotencyKey: "k"})
	assert.ErrorIs(t, err, application.ErrGatewayFailed)
}

func TestVerifierChecksSignatures(t *testing.T) {
	t.Parallel()
	const secret = "whsec_test"
	v := stripe.NewVerifier(secret)
	payload, _ := json.Marshal(map[string]any{"id": "evt_1", "object": "event", "type": "payment_intent.succeeded", "api_version": "2020-08-27",
		"data": map[string]any{"object": map[string]any{"id": "pi_1", "object": "payment_intent", "amount": 2500, "amount_received": 2500, "status": "succeeded"}}})
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret})
	ev, err := v.Verify(signed.Payload, signed.Header)
	require.NoError(t, err)
	assert.Equal(t, "evt_1", ev.ID)
	require.NotNil(t, ev.Intent)
	assert.Equal(t, "pi_1", ev.Intent.ID)
	assert.Equal(t, "25.000000", ev.Intent.AmountReceived.String())

	wrong := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: "whsec_other"})
	_, err = v.Verify(wrong.Payload, wrong.Header)
	assert.ErrorIs(t, err, application.ErrBadSignature)
	// the tolerance applies both ways: a signature dated in the future is refused too
	future := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now().Add(time.Hour)})
	_, err = v.Verify(future.Payload, future.Header)
	assert.ErrorIs(t, err, application.ErrBadSignature, "future timestamp")
	soon := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now().Add(time.Minute)})
	_, err = v.Verify(soon.Payload, soon.Header)
	assert.NoError(t, err, "a minute of clock skew is tolerated")
	old := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now().Add(-time.Hour)})
	_, err = v.Verify(old.Payload, old.Header)
	assert.ErrorIs(t, err, application.ErrBadSignature, "replayed old deliveries are refused")
}

// The local setup's test event is signed the way Stripe signs: the real verifier accepts it
// with the right secret only, and reads the intent and amount from it.
func TestSignTestSucceededPassesTheRealVerifier(t *testing.T) {
	now := time.Now()
	payload, header, err := stripe.SignTestSucceeded("whsec_local", "evt_local_1", "pi_123", 1500, now)
	require.NoError(t, err)
	ev, err := stripe.NewVerifier("whsec_local").Verify(payload, header)
	require.NoError(t, err)
	assert.Equal(t, "payment_intent.succeeded", ev.Type)
	require.NotNil(t, ev.Intent)
	assert.Equal(t, "pi_123", ev.Intent.ID)
	assert.Equal(t, "15.000000", ev.Intent.AmountReceived.String())
	_, err = stripe.NewVerifier("whsec_other").Verify(payload, header)
	assert.Error(t, err)
}
