package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
)

// withLocalCards runs the default local card setup: no STRIPE_SECRET_KEY, stripe-mock started
// by the app itself.
func withLocalCards(c *Config) {
	c.Payment.StripeSecretKey, c.Payment.StripeWebhookSecret, c.Payment.StripeLocal = "", "", true
}

// Without a Stripe key the app starts stripe-mock itself, /health says "local", and
// test-confirm credits the balance through the real (signed) webhook path, once.
func TestLocalCardsTopUpAndTestConfirm(t *testing.T) {
	ta := newTestApp(t, withLocalCards)
	res := ta.do(http.MethodGet, "/health", nil)
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `"card_payments":"local"`)

	userID, tok := registerUser(t, ta, "listener")
	eventually(t, 10*time.Second, func() bool {
		_, err := ta.app.payment.Ledger().Balance(context.Background(), contracts.Wallet(uuid.MustParse(userID), money.USD))
		return err == nil
	}, "the registration opens the user's accounts")
	res = ta.do(http.MethodPost, "/api/v1/payments/top-ups", map[string]any{"amount_cents": 1500, "currency": "usd"}, withToken(tok), withHeader("Idempotency-Key", "local-1"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var top struct {
		PaymentID string `json:"payment_id"`
		Status    string `json:"status"`
	}
	res.JSON(t, &top)
	assert.Equal(t, "processing", top.Status)

	_, otherTok := registerUser(t, ta, "listener")
	res = ta.do(http.MethodPost, "/api/v1/payments/"+top.PaymentID+"/test-confirm", nil, withToken(otherTok))
	assert.Equal(t, http.StatusNotFound, res.Status, "another user's payment is not theirs to confirm")
	assert.Contains(t, string(res.Body), "payment.not_found")

	for range 2 {
		res = ta.do(http.MethodPost, "/api/v1/payments/"+top.PaymentID+"/test-confirm", nil, withToken(tok))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		assert.Contains(t, string(res.Body), `"status":"succeeded"`)
	}
	res = ta.do(http.MethodGet, "/api/v1/payments/balances", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `{"asset":"USD","available":"15.000000"`, "credited once although confirmed twice")
	paymenttest.RequireLedgerConsistent(t, ta.app.pool)
}

// With a real key configured the test confirmation does not exist.
func TestTestConfirmIsNotFoundWithARealKey(t *testing.T) {
	ta := newPaymentApp(t)
	res := ta.do(http.MethodGet, "/health", nil)
	assert.Contains(t, string(res.Body), `"card_payments":"available"`)
	_, tok := registerUser(t, ta, "listener")
	res = ta.do(http.MethodPost, "/api/v1/payments/top-ups", map[string]any{"amount_cents": 1000, "currency": "usd"}, withToken(tok), withHeader("Idempotency-Key", "real-1"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var top struct {
		PaymentID string `json:"payment_id"`
	}
	res.JSON(t, &top)
	res = ta.do(http.MethodPost, "/api/v1/payments/"+top.PaymentID+"/test-confirm", nil, withToken(tok))
	assert.Equal(t, http.StatusNotFound, res.Status)
	assert.Contains(t, string(res.Body), "payment.test_confirm_unavailable")
	res = ta.do(http.MethodGet, "/api/v1/payments/"+top.PaymentID, nil, withToken(tok))
	assert.Contains(t, string(res.Body), `"status":"processing"`, "nothing was credited")
}

// With STRIPE_LOCAL=false and no key, card payments stay unavailable and test-confirm is 404.
func TestTestConfirmIsNotFoundWithoutLocalCards(t *testing.T) {
	ta := newTestApp(t)
	_, tok := registerUser(t, ta, "listener")
	res := ta.do(http.MethodPost, "/api/v1/payments/"+uuid.NewString()+"/test-confirm", nil, withToken(tok))
	assert.Equal(t, http.StatusNotFound, res.Status)
	assert.Contains(t, string(res.Body), "payment.test_confirm_unavailable")
}
