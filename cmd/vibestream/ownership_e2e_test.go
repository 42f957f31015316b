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
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

func idem() reqOpt { return withHeader("Idempotency-Key", uuid.NewString()) }

// TestOwnershipWalkThrough is the README's walk-through against the whole application: an
// artist opens an offering, two fans buy, streams pay them, one sells to the other on the
// book (the watcher sees it over the WebSocket), portfolios show it.
func TestOwnershipWalkThrough(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	artistID, artistTok := registerUser(t, ta, "artist")
	aliceID, aliceTok := registerUser(t, ta, "listener")
	bobID, bobTok := registerUser(t, ta, "listener")
	fundUSD(t, ta, aliceID, "100")
	fundUSD(t, ta, bobID, "100")
	song := createSong(t, ta, artistTok, "Shared Song")

	// the artist offers 30% of the song's royalty pool, shareholders get 20% of each stream
	res := ta.do(http.MethodPost, "/api/v1/ownership/offerings", map[string]any{"song_id": song.ID, "shareholder_bps": 2000,
		"shares_for_sale": 3000, "price_per_share": "0.01", "min_purchase_shares": 100}, withToken(artistTok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var off struct {
		ID string `json:"id"`
	}
	res.JSON(t, &off)
	bps, err := ta.app.ownership.RoyaltyShares().ShareholderBPS(ctx, mustUUID(t, song.ID))
	require.NoError(t, err)
	assert.Equal(t, 2000, bps)

	// two fans buy: 1,000 and 500 shares at $0.01
	res = ta.do(http.MethodPost, "/api/v1/ownership/offerings/"+off.ID+"/purchases", map[string]any{"shares": 1000}, withToken(aliceTok), idem())
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	res = ta.do(http.MethodPost, "/api/v1/ownership/offerings/"+off.ID+"/purchases", map[string]any{"shares": 500}, withToken(bobTok), idem())
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))

	// streams pay the pool (payment publishes stream_paid; here we publish it as it would)
	for i := 0; i < 10; i++ {
		env, err := events.New(ctx, paycontracts.StreamPaidV1, paycontracts.Source, paycontracts.StreamPaid{SessionID: uuid.New(),
			SongID: mustUUID(t, song.ID), ArtistUserID: mustUUID(t, artistID), Shareholders: "0.001", PaidAt: time.Now()})
		require.NoError(t, err)
		require.NoError(t, postgres.InTx(ctx, ta.app.pool, func(tx pgx.Tx) error { return ta.app.bus.Publish(ctx, tx, env) }))
	}
	type holding struct {
		SongID             string `json:"song_id"`
		Title              string `json:"title"`
		Shares             int64  `json:"shares"`
		PoolPercent        string `json:"pool_percent"`
		MarketValue        string `json:"market_value"`
		RoyaltiesClaimable string `json:"royalties_claimable"`
		OpenOrders         int    `json:"open_orders"`
	}
	portfolio := func(tok string) []holding {
		res := ta.do(http.MethodGet, "/api/v1/user/portfolio", nil, withToken(tok))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var p struct {
			Holdings []holding `json:"holdings"`
		}
		res.JSON(t, &p)
		return p.Holdings
	}
	eventually(t, 10*time.Second, func() bool {
		h := portfolio(aliceTok)
		return len(h) == 1 && h[0].RoyaltiesClaimable == "0.001000"
	}, "alice earns 10% of 10 x $0.001")
	assert.Equal(t, "0.000500", portfolio(bobTok)[0].RoyaltiesClaimable)

	// bob watches the book over the WebSocket
	url := "ws" + strings.TrimPrefix(ta.srv.URL, "http") + "/api/v1/ws"
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + bobTok}}})
	require.NoError(t, err)
	defer c.CloseNow()
	msgs := make(chan map[string]any, 64)
	go func() {
		for {
			_, b, err := c.Read(context.Background())
			if err != nil {
				close(msgs)
				return
			}
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			msgs <- m
		}
	}()
	res = ta.do(http.MethodPut, "/api/v1/ownership/songs/"+song.ID+"/watch", nil, withToken(bobTok))
	require.Equal(t, http.StatusNoContent, res.Status, string(res.Body))
	// wait until the socket is live (the listener may still be starting)
	eventually(t, 10*time.Second, func() bool {
		env, _ := events.New(ctx, "test.ping.v1", "test", map[string]string{}, events.ForUsers(mustUUID(t, bobID)))
		require.NoError(t, postgres.InTx(ctx, ta.app.pool, func(tx pgx.Tx) error { return ta.app.bus.Publish(ctx, tx, env) }))
		for {
			select {
			case m := <-msgs:
				if m["type"] == "test.ping.v1" {
					return true
				}
			case <-time.After(100 * time.Millisecond):
				return false
			}
		}
	}, "the WebSocket is live")

	// alice sells 200 to bob on the book
	res = ta.do(http.MethodPost, "/api/v1/ownership/orders", map[string]any{"song_id": song.ID, "side": "sell", "shares": 200,
		"limit_price": "0.02", "time_in_force": "GTC"}, withToken(aliceTok), idem())
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	res = ta.do(http.MethodPost, "/api/v1/ownership/orders", map[string]any{"song_id": song.ID, "side": "buy", "shares": 200,
		"limit_price": "0.025", "time_in_force": "IOC"}, withToken(bobTok), idem())
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var order struct {
		Status string `json:"status"`
		Trades []struct {
			Shares int64  `json:"shares"`
			Price  string `json:"price"`
		} `json:"trades"`
	}
	res.JSON(t, &order)
	assert.Equal(t, "filled", order.Status)
	require.Len(t, order.Trades, 1)
	assert.Equal(t, "0.020000", order.Trades[0].Price)

	seen := map[string]bool{}
	eventually(t, 10*time.Second, func() bool {
		for {
			select {
			case m := <-msgs:
				seen[m["type"].(string)] = true
				if p, _ := m["payload"].(map[string]any); m["type"] == "ownership.book_changed.v1" && p["best_ask"] == "0.020000" {
					seen["top of book: alice's ask"] = p["ask_shares"] == float64(200)
				}
			case <-time.After(50 * time.Millisecond):
				return seen["ownership.trade_executed.v1"] && seen["top of book: alice's ask"] && seen["ownership.order_updated.v1"]
			}
		}
	}, "the trade, the book change and bob's order pushed to bob")

	a, b := portfolio(aliceTok), portfolio(bobTok)
	assert.Equal(t, int64(800), a[0].Shares)
	assert.Equal(t, "8.00", a[0].PoolPercent)
	assert.Equal(t, int64(700), b[0].Shares)
	assert.Equal(t, "14.000000", b[0].MarketValue, "700 x the last price $0.02")
	assert.Equal(t, "Shared Song", b[0].Title)
	// shares carry only future income: the royalties earned before the trade stay alice's
	assert.Equal(t, "0.001000", a[0].RoyaltiesClaimable)

	// the wallets: alice paid 10, received 4 for 200 shares; bob paid 5, then 4 + 0.04 fee
	bal := func(user string) string {
		v, err := ta.app.payment.Ledger().Balance(ctx, paycontracts.Wallet(mustUUID(t, user), money.USD))
		require.NoError(t, err)
		return v.String()
	}
	eventually(t, 5*time.Second, func() bool { return bal(aliceID) == "94.000000" }, "alice is paid for her shares")
	assert.Equal(t, "90.960000", bal(bobID))

	res = ta.do(http.MethodGet, "/api/v1/ownership/songs/"+song.ID, nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var reg struct {
		Holders   int    `json:"holders"`
		Volume24h string `json:"volume_24h"`
		LastPrice string `json:"last_price"`
	}
	res.JSON(t, &reg)
	assert.Equal(t, 3, reg.Holders)

	res = ta.do(http.MethodGet, "/metrics", nil)
	require.Equal(t, http.StatusOK, res.Status)
	for _, line := range []string{`vibestream_ownership_orders_total{side="buy"} 1`, `vibestream_ownership_orders_total{side="sell"} 1`,
		"vibestream_ownership_trades_total 1", "vibestream_ownership_traded_shares_total 200",
		"vibestream_ownership_trade_volume_usd_micros_total 4e+06", "vibestream_ownership_royalties_accrued_usd_micros_total 10000"} {
		assert.Contains(t, string(res.Body), line)
	}
	assert.Equal(t, "4.000000", reg.Volume24h)
	assert.Equal(t, "0.020000", reg.LastPrice)
}

// TestOwnershipRealListensPayShareholders: with the listen economy wired, a song's offering
// makes every real paid listen put the shareholders' part into its royalty pool; ownership
// accrues it seconds later and a fan's claim takes their share out of the pool.
func TestOwnershipRealListensPayShareholders(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock)
	_, artistTok := registerUser(t, ta, "artist")
	fanID, fanTok := registerUser(t, ta, "listener")
	listenerID, listenerTok := registerUser(t, ta, "listener")
	song := listenSong(t, ta, artistTok)
	bps := bytesPerSecond(song)
	require.Positive(t, bps)
	fund(t, ta, fanID, money.USD, "100")
	fund(t, ta, listenerID, money.USD, "1")

	res := ta.do(http.MethodPost, "/api/v1/ownership/offerings", map[string]any{"song_id": song.ID, "shareholder_bps": 2000,
		"shares_for_sale": 2500, "price_per_share": "0.01"}, withToken(artistTok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var off struct {
		ID string `json:"id"`
	}
	res.JSON(t, &off)
	res = ta.do(http.MethodPost, "/api/v1/ownership/offerings/"+off.ID+"/purchases", map[string]any{"shares": 2000}, withToken(fanTok), idem())
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))

	s := startListen(t, ta, listenerTok, song.ID)
	require.EqualValues(t, 32*bps, streamBytes(t, ta, listenerTok, s.StreamURL, 32*bps))
	clock.Advance(31 * time.Second)
	r, done := completeListen(t, ta, listenerTok, s.ID, 31)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "qualified", done.Status, "reasons %v", done.Reasons)
	require.NotNil(t, done.Payment)
	// 20% of the price after the platform fee goes to the shareholders
	assert.Equal(t, "0.000680", done.Payment.Shareholders, "20% of 0.004 - 15%")
	pool := paycontracts.RoyaltyPool(mustUUID(t, song.ID))
	eventually(t, 15*time.Second, func() bool {
		res := ta.do(http.MethodGet, "/api/v1/user/portfolio", nil, withToken(fanTok))
		var p struct {
			Holdings []struct {
				RoyaltiesClaimable string `json:"royalties_claimable"`
			} `json:"holdings"`
		}
		res.JSON(t, &p)
		return len(p.Holdings) == 1 && p.Holdings[0].RoyaltiesClaimable == "0.000136"
	}, "the fan's 20% of the pool part accrues")
	assert.EqualValues(t, 680, balance(t, ta, pool))

	before := balance(t, ta, paycontracts.Wallet(mustUUID(t, fanID), money.USD))
	res = ta.do(http.MethodPost, "/api/v1/ownership/royalties/claim", nil, withToken(fanTok), idem())
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	assert.EqualValues(t, 136, balance(t, ta, paycontracts.Wallet(mustUUID(t, fanID), money.USD))-before)
	assert.EqualValues(t, 544, balance(t, ta, pool), "the artist's 80% stays in the pool until claimed")
	ledgerOK(t, ta)
}
