package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/paymenttest"
)

// A USD grant is promotional credit drawn from the promotions account, which goes negative and
// is reported as such by `ledger verify`; a VIBE grant still needs a funded reward pool.
func TestUSDGrantsDrawFromPromotions(t *testing.T) {
	ta := newTestApp(t)
	userID, tok := registerUser(t, ta, "listener")
	_, adminTok := registerAdmin(t, ta)
	waitAccounts(t, ta, userID)

	res := ta.do(http.MethodPost, "/api/v1/admin/grants", map[string]any{"user_id": userID, "asset": "USD", "amount": "12.50", "reason": "welcome credit"},
		withToken(adminTok), withHeader("Idempotency-Key", "promo-1"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	res = ta.do(http.MethodGet, "/api/v1/payments/balances", nil, withToken(tok))
	assert.Contains(t, string(res.Body), `{"asset":"USD","available":"12.500000"`)

	res = ta.do(http.MethodPost, "/api/v1/admin/grants", map[string]any{"user_id": userID, "asset": "VIBE", "amount": "5", "reason": "x"},
		withToken(adminTok), withHeader("Idempotency-Key", "promo-2"))
	assert.Equal(t, http.StatusConflict, res.Status, "VIBE grants still come out of the funded reward pool")
	assert.Contains(t, string(res.Body), "payment.insufficient_funds")

	var out bytes.Buffer
	require.NoError(t, runLedger(context.Background(), ta.app.pool, &out, []string{"verify"}))
	assert.Contains(t, out.String(), "promotions (marketing expense, may be negative): -12.500000 USD")
	paymenttest.RequireLedgerConsistent(t, ta.app.pool)
}

func waitAccounts(t *testing.T, ta *testApp, userID string) {
	t.Helper()
	id := uuid.MustParse(userID)
	eventually(t, 10*time.Second, func() bool {
		var n int
		_ = ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM payment.accounts WHERE owner_id = $1`, id).Scan(&n)
		return n > 0
	}, "the registration opens the user's accounts")
}
