package ownership_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
)

// market is a song with an offering, a seller holding 1,000 shares and a funded buyer.
type market struct {
	*env
	artist, seller, buyer, song, offering uuid.UUID
}

func newMarket(t *testing.T, opts ...envOpts) *market {
	v := newEnv(t, opts...)
	m := &market{env: v, artist: v.user("0"), seller: v.user("2000"), buyer: v.user("1000")}
	m.song = v.song(m.artist, "Book")
	m.offering = v.offering(m.artist, m.song, 5000, "1", nil)
	require.Equal(t, http.StatusCreated, v.buy(m.offering, m.seller, 1000).Code)
	return m
}

func trades(r resp) []map[string]any {
	var out []map[string]any
	ts, _ := r.Body["trades"].([]any)
	for _, x := range ts {
		out = append(out, x.(map[string]any))
	}
	return out
}

func TestOrderBookTradeSettlesCashAndShares(t *testing.T) {
	t.Parallel()
	m := newMarket(t)
	// seller: 2000 - 1000 paid for the shares; buyer 1000
	r := m.order(m.seller, m.song, "sell", 100, "1.10", "GTC")
	require.Equal(t, http.StatusCreated, r.Code, string(r.Raw))
	sellID := r.Body["id"].(string)
	assert.Equal(t, "open", r.Body["status"])
	_, locked := m.holding(m.song, m.seller)
	assert.Equal(t, int64(100), locked)

	r = m.order(m.buyer, m.song, "buy", 150, "1.20", "GTC")
	require.Equal(t, http.StatusCreated, r.Code, string(r.Raw))
	assert.Equal(t, "partially_filled", r.Body["status"])
	assert.EqualValues(t, 100, r.Body["filled_shares"])
	ts := trades(r)
	require.Len(t, ts, 1)
	assert.EqualValues(t, 100, ts[0]["shares"])
	assert.Equal(t, "1.100000", ts[0]["price"], "the resting order's price")
	buyID := r.Body["id"].(string)

	// cash: the buyer held 150 x 1.20 x 1.01 = 181.80 and paid 110 + 1.10 fee for 100 shares;
	// what those 100 held above that (121.20 - 111.10 = 10.10) came back as they filled, and
	// 50 x 1.20 x 1.01 = 60.60 stays held for the rest
	assert.Equal(t, "1110.000000", m.wallet(m.seller))
	assert.Equal(t, "828.300000", m.wallet(m.buyer))
	assert.Equal(t, "60.600000", m.held(m.buyer))
	sh, _ := m.holding(m.song, m.buyer)
	assert.Equal(t, int64(100), sh)
	sh, locked = m.holding(m.song, m.seller)
	assert.Equal(t, int64(900), sh)
	assert.Zero(t, locked)

	// the book shows the resting buy; the trades list the trade
	r = m.do(http.MethodGet, "/api/v1/ownership/songs/"+m.song.String()+"/book", uuid.Nil, nil)
	require.Equal(t, http.StatusOK, r.Code)
	assert.Equal(t, []any{map[string]any{"price": "1.200000", "shares": float64(50), "orders": float64(1)}}, r.Body["bids"])
	assert.Equal(t, []any{}, r.Body["asks"])
	assert.Equal(t, "1.100000", r.Body["last_price"])
	r = m.do(http.MethodGet, "/api/v1/ownership/songs/"+m.song.String()+"/trades", uuid.Nil, nil)
	assert.Len(t, trades(r), 1)

	// the seller's order is filled; cancelling it is refused
	r = m.do(http.MethodGet, "/api/v1/ownership/orders?status=filled", m.seller, nil)
	require.Equal(t, http.StatusOK, r.Code)
	os := r.Body["orders"].([]any)
	require.Len(t, os, 1)
	assert.Equal(t, sellID, os[0].(map[string]any)["id"])
	r = m.do(http.MethodDelete, "/api/v1/ownership/orders/"+sellID, m.seller, nil)
	assert.Equal(t, http.StatusConflict, r.Code)
	assert.Equal(t, "ownership.order_closed", r.errCode())
	// someone else's order is not found
	r = m.do(http.MethodDelete, "/api/v1/ownership/orders/"+buyID, m.seller, nil)
	assert.Equal(t, http.StatusNotFound, r.Code)

	// cancel the rest: the hold is released
	r = m.do(http.MethodDelete, "/api/v1/ownership/orders/"+buyID, m.buyer, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	assert.Equal(t, "cancelled", r.Body["status"])
	assert.Equal(t, "888.900000", m.wallet(m.buyer))
	assert.Equal(t, "0.000000", m.held(m.buyer))
	assert.Equal(t, "11.100000", m.balance(paycontracts.System(paycontracts.KindPlatformFees, money.USD)), "10 from the purchase + 1.10")
	paymenttest.RequireLedgerConsistent(t, m.pool)
}

func TestIOCAndSelfTradeOverHTTP(t *testing.T) {
	t.Parallel()
	m := newMarket(t)
	// IOC with nothing to match is cancelled at once and its hold released
	r := m.order(m.buyer, m.song, "buy", 10, "1", "IOC")
	require.Equal(t, http.StatusCreated, r.Code, string(r.Raw))
	assert.Equal(t, "cancelled", r.Body["status"])
	assert.Equal(t, "ioc_remainder", r.Body["cancel_reason"])
	assert.Equal(t, "1000.000000", m.wallet(m.buyer))
	assert.Equal(t, "0.000000", m.held(m.buyer))

	// an IOC sell's remainder is unlocked at once
	r = m.order(m.seller, m.song, "sell", 10, "5", "IOC")
	require.Equal(t, http.StatusCreated, r.Code, string(r.Raw))
	assert.Equal(t, "cancelled", r.Body["status"])
	_, locked0 := m.holding(m.song, m.seller)
	assert.Zero(t, locked0)

	// the seller's own buy would cross their sell: the older sell is cancelled, its shares unlocked
	r = m.order(m.seller, m.song, "sell", 10, "1", "GTC")
	require.Equal(t, http.StatusCreated, r.Code)
	sell := r.Body["id"].(string)
	r = m.order(m.seller, m.song, "buy", 5, "1", "GTC")
	require.Equal(t, http.StatusCreated, r.Code, string(r.Raw))
	assert.Equal(t, "open", r.Body["status"])
	assert.Empty(t, trades(r))
	r = m.do(http.MethodGet, "/api/v1/ownership/orders?status=cancelled", m.seller, nil)
	os := r.Body["orders"].([]any)
	require.Len(t, os, 2, "the IOC sell and the self-trade")
	assert.Equal(t, sell, os[0].(map[string]any)["id"], "newest first")
	assert.Equal(t, "self_trade", os[0].(map[string]any)["cancel_reason"])
	_, locked := m.holding(m.song, m.seller)
	assert.Zero(t, locked)
	paymenttest.RequireLedgerConsistent(t, m.pool)
}

func TestOrderBadInput(t *testing.T) {
	t.Parallel()
	m := newMarket(t)
	noOffer := m.song
	other := m.env.song(m.artist, "No offering")
	for _, tc := range []struct {
		name   string
		user   uuid.UUID
		song   uuid.UUID
		side   string
		shares int64
		price  string
		tif    string
		code   string
	}{
		{"zero shares", m.buyer, noOffer, "buy", 0, "1", "GTC", "ownership.invalid_shares"},
		{"negative shares", m.buyer, noOffer, "buy", -1, "1", "GTC", "ownership.invalid_shares"},
		{"seven decimals", m.buyer, noOffer, "buy", 1, "1.0000001", "GTC", "ownership.invalid_price"},
		{"zero price", m.buyer, noOffer, "buy", 1, "0", "GTC", "ownership.invalid_price"},
		{"bad side", m.buyer, noOffer, "short", 1, "1", "GTC", "ownership.invalid_side"},
		{"bad tif", m.buyer, noOffer, "buy", 1, "1", "FOK", "ownership.invalid_time_in_force"},
		{"selling shares one does not have", m.buyer, noOffer, "sell", 1, "1", "GTC", "ownership.insufficient_shares"},
		{"selling more than one has", m.seller, noOffer, "sell", 1001, "1", "GTC", "ownership.insufficient_shares"},
		{"song without an offering", m.buyer, other, "buy", 1, "1", "GTC", "ownership.song_not_offered"},
		{"buy without the money", m.buyer, noOffer, "buy", 1000, "1", "GTC", "payment.insufficient_funds"},
		{"above the holder cap", m.seller, noOffer, "buy", 1001, "0.01", "GTC", "ownership.holder_cap_exceeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.order(tc.user, tc.song, tc.side, tc.shares, tc.price, tc.tif)
			assert.GreaterOrEqual(t, r.Code, 400, string(r.Raw))
			assert.Less(t, r.Code, 500, string(r.Raw))
			assert.Equal(t, tc.code, r.errCode(), string(r.Raw))
		})
	}
	assert.Equal(t, 0, m.count(`SELECT count(*) FROM ownership.orders`), "nothing half-written")
	assert.Equal(t, "1000.000000", m.wallet(m.buyer))
	assert.Equal(t, "0.000000", m.held(m.buyer))
	assert.Equal(t, "0.000000", m.held(m.seller))
	r := m.do(http.MethodGet, "/api/v1/ownership/orders?status=bogus", m.buyer, nil)
	assert.Equal(t, "ownership.invalid_status", r.errCode())
}

// flaky fails the ledger call it is told to, before or after the real call went through: a
// crash between the trade's commit and its settlement, or between the settlement and its mark.
type flaky struct {
	paycontracts.Ledger
	failSettle atomic.Int32 // 1: fail before calling through; 2: call through, then fail
}

var errCrash = errors.New("simulated crash")

func (f *flaky) Settle(ctx context.Context, req paycontracts.SettleRequest) (paycontracts.Receipt, error) {
	switch f.failSettle.Load() {
	case 1:
		return paycontracts.Receipt{}, errCrash
	case 2:
		if _, err := f.Ledger.Settle(ctx, req); err != nil {
			return paycontracts.Receipt{}, err
		}
		return paycontracts.Receipt{}, errCrash
	}
	return f.Ledger.Settle(ctx, req)
}

// TestSettlementIsExactlyOnceAcrossCrashes: a trade committed without its cash settled, or
// settled without being marked, is finished by the sweeper exactly once.
func TestSettlementIsExactlyOnceAcrossCrashes(t *testing.T) {
	t.Parallel()
	for _, mode := range []int32{1, 2} {
		t.Run(map[int32]string{1: "crash before the ledger", 2: "crash after the ledger"}[mode], func(t *testing.T) {
			t.Parallel()
			f := &flaky{}
			m := newMarket(t, envOpts{ledger: func(l paycontracts.Ledger) paycontracts.Ledger { f.Ledger = l; return f }})
			require.Equal(t, http.StatusCreated, m.order(m.seller, m.song, "sell", 100, "2", "GTC").Code)
			f.failSettle.Store(mode)
			r := m.order(m.buyer, m.song, "buy", 100, "2", "GTC")
			require.Equal(t, http.StatusCreated, r.Code, string(r.Raw))
			assert.Equal(t, "filled", r.Body["status"], "the trade is committed whatever the ledger does next")
			sh, _ := m.holding(m.song, m.buyer)
			assert.Equal(t, int64(100), sh)
			assert.Equal(t, 1, m.count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`))
			if mode == 1 {
				assert.Equal(t, "1000.000000", m.wallet(m.seller), "nothing paid yet")
			}
			// the process restarts: the sweeper settles (a second sweep changes nothing)
			f.failSettle.Store(0)
			for i := 0; i < 2; i++ {
				_, err := m.mod.Sweep(context.Background())
				require.NoError(t, err)
			}
			assert.Equal(t, 0, m.count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`))
			assert.Equal(t, "1200.000000", m.wallet(m.seller), "paid exactly once")
			assert.Equal(t, "798.000000", m.wallet(m.buyer), "1000 - 200 - 2 fee")
			assert.Equal(t, "0.000000", m.held(m.buyer))
			assert.Equal(t, 1, m.count(`SELECT count(*) FROM payment.journal_entries WHERE reason = 'share_trade'`))
			paymenttest.RequireLedgerConsistent(t, m.pool)
		})
	}
}

func TestOrdersArePaginated(t *testing.T) {
	t.Parallel()
	m := newMarket(t)
	var ids []string
	for _, p := range []string{"3", "4", "5"} {
		r := m.order(m.seller, m.song, "sell", 1, p, "GTC")
		require.Equal(t, http.StatusCreated, r.Code)
		ids = append(ids, r.Body["id"].(string))
	}
	seen := map[string]bool{}
	r := m.do(http.MethodGet, "/api/v1/ownership/orders?limit=2", m.seller, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	page := r.Body["orders"].([]any)
	require.Len(t, page, 2)
	cur, _ := r.Body["next_cursor"].(string)
	require.NotEmpty(t, cur)
	for _, o := range page {
		seen[o.(map[string]any)["id"].(string)] = true
	}
	r = m.do(http.MethodGet, "/api/v1/ownership/orders?limit=2&cursor="+cur, m.seller, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	page = r.Body["orders"].([]any)
	require.Len(t, page, 1)
	assert.Nil(t, r.Body["next_cursor"])
	seen[page[0].(map[string]any)["id"].(string)] = true
	for _, id := range ids {
		assert.True(t, seen[id], "every order once")
	}
	assert.Equal(t, "http.invalid_cursor", m.do(http.MethodGet, "/api/v1/ownership/orders?cursor=zzz", m.seller, nil).errCode())
}
