package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
)

func TestPaymentConfiguration(t *testing.T) {
	cfg, err := loadConfig(envOf(map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1",
		"STRIPE_API_URL": "http://127.0.0.1:12111", "PAYMENT_RECONCILE_INTERVAL": "1m"}))
	require.NoError(t, err)
	assert.Equal(t, "sk_test_1", cfg.Payment.StripeSecretKey)
	assert.Equal(t, "whsec_1", cfg.Payment.StripeWebhookSecret)
	assert.Equal(t, "http://127.0.0.1:12111", cfg.Payment.StripeAPIURL)
	for name, value := range map[string]string{"STRIPE_API_URL": "not a url", "PAYMENT_RECONCILE_INTERVAL": "often", "STRIPE_TIMEOUT": "-1s"} {
		_, err := loadConfig(envOf(map[string]string{name: value}))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name)
	}
	def, err := loadConfig(envOf(nil))
	require.NoError(t, err)
	assert.Empty(t, def.Payment.StripeSecretKey, "no key by default: top-ups answer 503")
}

func TestLedgerVerifyCommand(t *testing.T) {
	ta := newTestApp(t)
	ctx := context.Background()
	u := uuid.New()
	l := ta.app.payment.Ledger()
	require.NoError(t, l.OpenUserAccounts(ctx, u))
	_, err := l.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "grant", From: contracts.System(contracts.KindTreasury, money.VIBE),
		To: []contracts.Credit{{To: contracts.Wallet(u, money.VIBE), Amount: money.MustNew(money.VIBE, 5)}}})
	require.NoError(t, err)

	var out bytes.Buffer
	require.NoError(t, runLedger(ctx, ta.app.pool, &out, []string{"verify"}))
	assert.Contains(t, out.String(), "checked 1 journal entries, 2 postings")
	assert.Contains(t, out.String(), "ok:")

	_, err = ta.app.pool.Exec(ctx, `UPDATE payment.balances SET balance = balance + 7 WHERE account_id =
		(SELECT id FROM payment.accounts WHERE owner_id = $1 AND asset = 'VIBE' AND kind = 'user_wallet')`, u)
	require.NoError(t, err)
	out.Reset()
	err = runLedger(ctx, ta.app.pool, &out, []string{"verify"})
	require.Error(t, err)
	assert.Contains(t, out.String(), "BROKEN:")
	assert.Error(t, runLedger(ctx, ta.app.pool, &out, []string{"nope"}))
}

func TestPaymentRoutesAreServedAndTopUpsNeedStripe(t *testing.T) {
	ta := newTestApp(t)
	res := ta.do(http.MethodPost, "/api/v1/payments/top-ups", map[string]any{"amount_cents": 500, "currency": "usd"}, withHeader("Idempotency-Key", "k"))
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	res = ta.do(http.MethodPost, "/api/v1/payments/webhooks/stripe", []byte(`{}`), withHeader("Stripe-Signature", "t=1,v1=00"))
	assert.Equal(t, http.StatusServiceUnavailable, res.Status)
	assert.Equal(t, "payment.webhooks_unavailable", res.ErrorCode(t))
	res = ta.do(http.MethodGet, "/health", nil)
	assert.Contains(t, string(res.Body), `"card_payments":"unavailable: STRIPE_SECRET_KEY is not set"`)
	res = ta.do(http.MethodGet, "/metrics", nil)
	assert.Contains(t, string(res.Body), `payment_payments{status="succeeded"} 0`)
}
