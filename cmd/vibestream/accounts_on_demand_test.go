package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/paymenttest"
)

func accountCount(t *testing.T, ta *testApp, userID string) int {
	t.Helper()
	var n int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM payment.accounts WHERE owner_id = $1`, mustUUID(t, userID)).Scan(&n))
	return n
}

func adminGrant(ta *testApp, adminTok, userID, asset, amount, key string) response {
	return ta.do(http.MethodPost, "/api/v1/admin/grants", map[string]any{"user_id": userID, "asset": asset, "amount": amount, "reason": "welcome"},
		withToken(adminTok), withHeader("Idempotency-Key", key))
}

// The user.registered.v1 subscriber opens a new user's ledger accounts through the events
// queue; with the queue stopped (as when it lags under load), grants and top-ups for a user who
// registered a moment ago still succeed: the ledger opens the accounts of a user the user
// context confirms, once, and refuses ids it does not know.
func TestGrantAndTopUpBeforeTheAccountsSubscriberRan(t *testing.T) {
	ta := newPaymentApp(t)
	_, adminTok := registerAdmin(t, ta)
	ta.stopBackground() // no job runs any more: the registration event stays queued
	userID, tok := registerUser(t, ta, "listener")
	require.Zero(t, accountCount(t, ta, userID), "the subscriber has not run")

	res := adminGrant(ta, adminTok, userID, "USD", "2.50", "g-1")
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	res = ta.do(http.MethodGet, "/api/v1/payments/balances", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `{"asset":"USD","available":"2.500000"`)
	assert.Equal(t, 8, accountCount(t, ta, userID), "wallet, held, earnings and rewards in USD and VIBE")

	res = ta.do(http.MethodPost, "/api/v1/payments/top-ups", map[string]any{"amount_cents": 500, "currency": "usd"}, withToken(tok), withHeader("Idempotency-Key", "t-1"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))

	// many first operations at once for another new user: every grant posts, one account each
	otherID, _ := registerUser(t, ta, "listener")
	var wg sync.WaitGroup
	statuses := make([]int, 12)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = adminGrant(ta, adminTok, otherID, "USD", "1.00", fmt.Sprintf("c-%d", i)).Status
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		assert.Equal(t, http.StatusCreated, s, "grant %d", i)
	}
	assert.Equal(t, 8, accountCount(t, ta, otherID))

	ghost := uuid.NewString()
	res = adminGrant(ta, adminTok, ghost, "USD", "1.00", "g-ghost")
	assert.Equal(t, http.StatusNotFound, res.Status, string(res.Body))
	assert.Equal(t, "payment.account_not_found", res.ErrorCode(t))
	assert.Zero(t, accountCount(t, ta, ghost), "no accounts for an id the user context does not know")
	paymenttest.RequireLedgerConsistent(t, ta.app.pool)
}

// A listener who registered seconds ago and was granted credit gets a paid session, not a
// preview, although the accounts subscriber has not run.
func TestListenBeforeTheAccountsSubscriberRan(t *testing.T) {
	clock := &listenClock{}
	ta := listenApp(t, clock)
	_, artistTok := registerUser(t, ta, "artist")
	song := listenSong(t, ta, artistTok) // transcoding needs the job runner
	_, adminTok := registerAdmin(t, ta)
	ta.stopBackground()
	listenerID, tok := registerUser(t, ta, "listener")
	require.Zero(t, accountCount(t, ta, listenerID))

	res := adminGrant(ta, adminTok, listenerID, "USD", "1.00", "l-1")
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	s := startListen(t, ta, tok, song.ID)
	assert.Equal(t, "active", s.Status)
	assert.False(t, s.PreviewOnly, "the price is held from the granted credit")
	paymenttest.RequireLedgerConsistent(t, ta.app.pool)
}
