package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
)

const e2eWebhookSecret = "whsec_e2e"

func newPaymentApp(t *testing.T) *testApp {
	stripeURL := paymenttest.StripeMock(t)
	return newTestApp(t, func(c *Config) {
		c.Payment.StripeSecretKey = "sk_test_123"
		c.Payment.StripeWebhookSecret = e2eWebhookSecret
		c.Payment.StripeAPIURL = stripeURL
	})
}

// The whole flow over HTTP with real tokens: registration opens the accounts, a top-up creates
// one PaymentIntent per key, the signed webhook credits once, an administrator refunds.
func TestPaymentTopUpWebhookAndRefundEndToEnd(t *testing.T) {
	ta := newPaymentApp(t)
	ctx := context.Background()
	userID, tok := registerUser(t, ta, "listener")
	uid := uuid.MustParse(userID)
	eventually(t, 10*time.Second, func() bool {
		_, err := ta.app.payment.Ledger().Balance(ctx, contracts.Wallet(uid, money.USD))
		return err == nil
	}, "the registration opens the user's ledger accounts")

	body := map[string]any{"amount_cents": 2500, "currency": "usd"}
	res := ta.do(http.MethodPost, "/api/v1/payments/top-ups", body, withToken(tok), withHeader("Idempotency-Key", "topup-1"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var top struct {
		PaymentID string `json:"payment_id"`
		IntentID  string `json:"stripe_payment_intent_id"`
		Status    string `json:"status"`
	}
	res.JSON(t, &top)
	assert.Equal(t, "processing", top.Status)
	again := ta.do(http.MethodPost, "/api/v1/payments/top-ups", body, withToken(tok), withHeader("Idempotency-Key", "topup-1"))
	assert.Equal(t, string(res.Body), string(again.Body), "the retry answers the first response")
	reused := ta.do(http.MethodPost, "/api/v1/payments/top-ups", map[string]any{"amount_cents": 900, "currency": "usd"}, withToken(tok), withHeader("Idempotency-Key", "topup-1"))
	assert.Equal(t, http.StatusUnprocessableEntity, reused.Status)

	payload, _ := json.Marshal(map[string]any{"id": "evt_e2e", "object": "event", "type": "payment_intent.succeeded", "api_version": "2023-10-16",
		"data": map[string]any{"object": map[string]any{"id": top.IntentID, "object": "payment_intent", "amount": 2500, "amount_received": 2500, "status": "succeeded"}}})
	bad := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: "whsec_wrong"})
	res = ta.do(http.MethodPost, "/api/v1/payments/webhooks/stripe", bad.Payload, withHeader("Stripe-Signature", bad.Header), withHeader("Content-Type", "application/json"))
	assert.Equal(t, http.StatusBadRequest, res.Status)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: e2eWebhookSecret})
	for range 2 {
		res = ta.do(http.MethodPost, "/api/v1/payments/webhooks/stripe", signed.Payload, withHeader("Stripe-Signature", signed.Header), withHeader("Content-Type", "application/json"))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	}

	res = ta.do(http.MethodGet, "/api/v1/payments/balances", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `{"asset":"USD","available":"25.000000","held":"0.000000","earnings":"0.000000"}`)
	res = ta.do(http.MethodGet, "/api/v1/payments/ledger?asset=USD", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `"amount":"25.000000"`)
	res = ta.do(http.MethodGet, "/api/v1/payments/"+top.PaymentID, nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `"status":"succeeded"`)

	refundPath := "/api/v1/payments/" + top.PaymentID + "/refunds"
	res = ta.do(http.MethodPost, refundPath, map[string]any{"reason": "mine"}, withToken(tok), withHeader("Idempotency-Key", "r"))
	assert.Equal(t, http.StatusForbidden, res.Status, "refunds need admin:payments")
	_, adminTok := registerAdmin(t, ta)
	res = ta.do(http.MethodPost, refundPath, map[string]any{"amount_cents": 1000, "reason": "support"}, withToken(adminTok), withHeader("Idempotency-Key", "r"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	assert.Contains(t, string(res.Body), `"reversed_in_ledger":"10.000000"`)
	res = ta.do(http.MethodGet, "/api/v1/payments/"+top.PaymentID, nil, withToken(adminTok))
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `"refunded":"10.000000"`)

	res = ta.do(http.MethodGet, "/metrics", nil)
	assert.Contains(t, string(res.Body), `payment_volume_minor_units_total{asset="USD",flow="top_up"} 2.5e+07`)
	assert.Contains(t, string(res.Body), `payment_payments{status="succeeded"} 1`)
	paymenttest.RequireLedgerConsistent(t, ta.app.pool)
}

func TestPaymentRoutesNeedPermissions(t *testing.T) {
	ta := newPaymentApp(t)
	for _, path := range []string{"/api/v1/payments/balances", "/api/v1/payments/ledger", "/api/v1/payments/" + uuid.NewString()} {
		res := ta.do(http.MethodGet, path, nil)
		assert.Equal(t, http.StatusUnauthorized, res.Status, path)
	}
	_, tok := registerUser(t, ta, "listener")
	res := ta.do(http.MethodGet, "/api/v1/payments/"+uuid.NewString(), nil, withToken(tok))
	assert.Equal(t, http.StatusNotFound, res.Status)
	assert.Equal(t, "payment.not_found", res.ErrorCode(t))
	res = ta.do(http.MethodGet, "/api/v1/payments/ledger?asset=EUR", nil, withToken(tok))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)
}
