package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

func TestWebSocketNeedsAValidAccessTokenAndPushesTheUsersEvents(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	userID, tok := registerUser(t, ta, "listener")
	url := "ws" + strings.TrimPrefix(ta.srv.URL, "http") + "/api/v1/ws"
	ctx := context.Background()

	_, res, err := websocket.Dial(ctx, url, nil)
	require.Error(t, err)
	require.NotNil(t, res)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	_, res, err = websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer not-a-token"}}})
	require.Error(t, err)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)

	_, res, err = websocket.Dial(ctx, url+"?access_token=not-a-token", nil)
	require.Error(t, err)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	// A browser passes the token in the URL; a header-capable client uses Authorization.
	browser, _, err := websocket.Dial(ctx, url+"?access_token="+tok, nil)
	require.NoError(t, err)
	browser.CloseNow()

	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
	require.NoError(t, err)
	defer c.CloseNow()
	msgs := make(chan []byte, 16)
	go func() {
		for {
			_, b, err := c.Read(context.Background())
			if err != nil {
				close(msgs)
				return
			}
			msgs <- b
		}
	}()
	uid := mustUUID(t, userID)
	// Publish until the first arrives (the LISTEN connection may still be starting).
	var got map[string]any
	eventually(t, 10*time.Second, func() bool {
		env, err := events.New(ctx, "payment.transaction_confirmed.v1", "payment", map[string]string{"status": "confirmed"}, events.ForUsers(uid))
		require.NoError(t, err)
		require.NoError(t, postgres.InTx(ctx, ta.app.pool, func(tx pgx.Tx) error { return ta.app.bus.Publish(ctx, tx, env) }))
		for {
			select {
			case b := <-msgs:
				require.NoError(t, json.Unmarshal(b, &got))
				if got["type"] == "payment.transaction_confirmed.v1" {
					return true
				}
				// the user's own earlier events (user.registered...) may arrive first
			case <-time.After(100 * time.Millisecond):
				return false
			}
		}
	}, "an event pushed over the WebSocket")
	assert.Equal(t, "payment.transaction_confirmed.v1", got["type"])
	assert.Equal(t, map[string]any{"status": "confirmed"}, got["payload"])
}
