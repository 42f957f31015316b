package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
)

// openedAccounts waits until the registration workflow has opened a user's accounts.
func openedAccounts(t *testing.T, ta *testApp, id uuid.UUID) {
	t.Helper()
	eventually(t, 10*time.Second, func() bool {
		_, err := ta.app.payment.Ledger().Balance(context.Background(), contracts.UserAccount(id, money.VIBE, contracts.KindRewards))
		return err == nil
	}, "the user's accounts (rewards included) to be opened")
}

// wsEvents connects a user's WebSocket replaying what followed the event since.
func wsEvents(t *testing.T, ta *testApp, tok string, since uuid.UUID) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(ta.srv.URL, "http") + "/api/v1/ws?since=" + since.String()
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
	require.NoError(t, err)
	defer conn.CloseNow()
	var out []map[string]any
	for {
		_, b, err := conn.Read(ctx)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		if m["type"] == contracts.StreamPaidV1 {
			return append(out, m)
		}
		out = append(out, m)
	}
}

func TestStreamPaidReachesTheListenerAndTheArtistAndTheLedgerStaysGreen(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	listenerID, listenerTok := registerUser(t, ta, "listener")
	artistID, artistTok := registerUser(t, ta, "artist")
	listener, artist := mustUUID(t, listenerID), mustUUID(t, artistID)
	openedAccounts(t, ta, listener)
	openedAccounts(t, ta, artist)
	ctx := context.Background()
	ledger := ta.app.payment.Ledger()
	price := money.MustNew(money.USD, 4000)
	_, err := ledger.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "test_fund:" + listenerID, From: contracts.System(contracts.KindTreasury, money.USD),
		To: []contracts.Credit{{To: contracts.Wallet(listener, money.USD), Amount: money.MustNew(money.USD, 8000)}}, Details: contracts.Details{Reason: "test"}})
	require.NoError(t, err)

	song := uuid.New()
	pay := func() (uuid.UUID, contracts.Receipt) {
		session := uuid.New()
		h, err := ledger.Hold(ctx, contracts.HoldRequest{IdempotencyKey: "listen_hold:" + session.String(), Owner: listener, Amount: price,
			Details: contracts.Details{Reason: "listen_session"}})
		require.NoError(t, err)
		r, err := ta.app.payment.StreamPayments().PayStream(ctx, contracts.StreamPayment{SessionID: session, HoldID: h.HoldID, SongID: song,
			ListenerID: listener, ArtistUserID: artist, Price: price, PlatformFee: money.MustNew(money.USD, 200), Artist: money.MustNew(money.USD, 3800),
			QualifiedAt: time.Now()})
		require.NoError(t, err)
		return session, r
	}
	first, _ := pay()
	var firstEvent uuid.UUID
	require.NoError(t, ta.app.pool.QueryRow(ctx, `SELECT id FROM platform.events WHERE type = $1 AND payload->>'session_id' = $2`,
		contracts.StreamPaidV1, first.String()).Scan(&firstEvent))
	second, receipt := pay()

	for name, tok := range map[string]string{"listener": listenerTok, "artist": artistTok} {
		evs := wsEvents(t, ta, tok, firstEvent)
		last := evs[len(evs)-1]
		require.Equal(t, contracts.StreamPaidV1, last["type"], name)
		p := last["payload"].(map[string]any)
		assert.Equal(t, second.String(), p["session_id"], name)
		assert.Equal(t, receipt.EntryID.String(), p["entry_id"], name)
		assert.Equal(t, "0.004000", p["gross"], name)
		assert.Equal(t, "0.003800", p["net"], name)
	}

	// the artist sees the earnings in the balances endpoint
	res := ta.do(http.MethodGet, "/api/v1/payments/balances", nil, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	assert.Contains(t, string(res.Body), `"earnings":"0.007600"`)
	totals, err := ta.app.payment.StreamTotals(ctx, artist)
	require.NoError(t, err)
	assert.Equal(t, int64(2), totals.Payments)
	assert.Equal(t, "0.000400", totals.PlatformFee.String())

	metrics := string(ta.do(http.MethodGet, "/metrics", nil).Body)
	assert.Contains(t, metrics, "payment_stream_payments_total 2")
	assert.Contains(t, metrics, `payment_stream_volume_micro_usd_total{part="gross"} 8000`)
	assert.Contains(t, metrics, `payment_stream_volume_micro_usd_total{part="artist"} 7600`)

	report, err := ta.app.payment.Verify(ctx)
	require.NoError(t, err)
	assert.True(t, report.OK(), "%v", report.Problems)
}
