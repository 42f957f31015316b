package ownership_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
)

func TestOfferingAndPurchase(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	artist, fan := v.user("0"), v.user("100000")
	song := v.song(artist, "Night Drive")
	off := v.offering(artist, song, 4000, "0.50", map[string]any{"min_purchase_shares": 10})

	r := v.do(http.MethodGet, "/api/v1/ownership/offerings/"+off.String(), uuid.Nil, nil)
	require.Equal(t, http.StatusOK, r.Code)
	assert.Equal(t, "open", r.Body["status"])
	assert.Equal(t, "Night Drive", r.Body["song_title"])
	assert.EqualValues(t, 6000, r.Body["artist_shares"])
	assert.EqualValues(t, 2000, r.Body["max_shares_per_holder"], "the default cap is 20%")

	r = v.buy(off, fan, 1000)
	require.Equal(t, http.StatusCreated, r.Code, string(r.Raw))
	assert.Equal(t, "completed", r.Body["status"])
	assert.Equal(t, "500.000000", r.Body["total"])
	assert.Equal(t, "5.000000", r.Body["fee"])
	assert.Equal(t, "0.500000", r.Body["price_per_share"])

	// the buyer paid 500, the artist got 495 and the platform the 1% fee
	assert.Equal(t, "99500.000000", v.wallet(fan))
	assert.Equal(t, "495.000000", v.wallet(artist))
	assert.Equal(t, "5.000000", v.balance(paycontracts.System(paycontracts.KindPlatformFees, money.USD)))
	sh, locked := v.holding(song, fan)
	assert.Equal(t, int64(1000), sh)
	assert.Zero(t, locked)
	sh, locked = v.holding(song, artist)
	assert.Equal(t, int64(9000), sh, "the artist's shares move to the buyer")
	assert.Equal(t, int64(3000), locked, "what is still for sale stays locked")
	// milestone 25% of 4000 reached
	assert.Equal(t, 1, v.count(`SELECT count(*) FROM platform.events WHERE type = 'ownership.offering_milestone.v1'`))
	assert.Equal(t, 1, v.count(`SELECT count(*) FROM platform.events WHERE type = 'ownership.shares_purchased.v1'`))

	// the register summary
	r = v.do(http.MethodGet, "/api/v1/ownership/songs/"+song.String(), uuid.Nil, nil)
	require.Equal(t, http.StatusOK, r.Code)
	assert.EqualValues(t, 2, r.Body["holders"])
	assert.EqualValues(t, 2000, r.Body["shareholder_bps"])
	assert.Equal(t, "0.500000", r.Body["last_price"])

	// the artist closes early: the unsold shares are unlocked
	r = v.do(http.MethodPost, "/api/v1/ownership/offerings/"+off.String()+"/close", fan, nil)
	assert.Equal(t, http.StatusForbidden, r.Code)
	assert.Equal(t, "ownership.not_song_artist", r.errCode())
	r = v.do(http.MethodPost, "/api/v1/ownership/offerings/"+off.String()+"/close", artist, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	assert.Equal(t, "closed", r.Body["status"])
	_, locked = v.holding(song, artist)
	assert.Zero(t, locked)
	r = v.buy(off, fan, 10)
	assert.Equal(t, http.StatusConflict, r.Code)
	assert.Equal(t, "ownership.offering_not_open", r.errCode())
	paymenttest.RequireLedgerConsistent(t, v.pool)
}

func TestPurchaseRules(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	artist, fan, poor := v.user("0"), v.user("10000"), v.user("1")
	song := v.song(artist, "Rules")
	off := v.offering(artist, song, 5000, "1", map[string]any{"min_purchase_shares": 50, "max_shares_per_holder": 1000})
	later := v.offering(artist, v.song(artist, "Later"), 1000, "1", map[string]any{"opens_at": time.Now().Add(time.Hour)})
	for _, tc := range []struct {
		name   string
		offer  uuid.UUID
		user   uuid.UUID
		shares int64
		status int
		code   string
	}{
		{"zero shares", off, fan, 0, http.StatusUnprocessableEntity, "ownership.invalid_shares"},
		{"negative shares", off, fan, -5, http.StatusUnprocessableEntity, "ownership.invalid_shares"},
		{"below the minimum", off, fan, 49, http.StatusUnprocessableEntity, "ownership.below_minimum_purchase"},
		{"above the cap", off, fan, 1001, http.StatusConflict, "ownership.holder_cap_exceeded"},
		{"own offering", off, artist, 100, http.StatusConflict, "ownership.own_offering"},
		{"not enough money", off, poor, 100, http.StatusConflict, "payment.insufficient_funds"},
		{"not open yet", later, fan, 100, http.StatusConflict, "ownership.offering_not_open"},
		{"no such offering", uuid.New(), fan, 100, http.StatusNotFound, "ownership.offering_not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := v.buy(tc.offer, tc.user, tc.shares)
			assert.Equal(t, tc.status, r.Code, string(r.Raw))
			assert.Equal(t, tc.code, r.errCode())
		})
	}
	// nothing half-written: the refused payment left no shares reserved and no holding
	r := v.do(http.MethodGet, "/api/v1/ownership/offerings/"+off.String(), uuid.Nil, nil)
	assert.EqualValues(t, 5000, r.Body["shares_left"])
	sh, _ := v.holding(song, poor)
	assert.Zero(t, sh)
	assert.Equal(t, "1.000000", v.wallet(poor))
	assert.Equal(t, 0, v.count(`SELECT count(*) FROM ownership.purchases WHERE status = 'pending'`))

	// the cap counts what the holder already has
	require.Equal(t, http.StatusCreated, v.buy(off, fan, 600).Code)
	r = v.buy(off, fan, 401)
	assert.Equal(t, "ownership.holder_cap_exceeded", r.errCode())
	require.Equal(t, http.StatusCreated, v.buy(off, fan, 400).Code)
}

func TestOfferingValidation(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	artist, other := v.user("0"), v.user("0")
	song := v.song(artist, "Valid")
	base := func(k string, x any) map[string]any {
		b := map[string]any{"song_id": song, "shareholder_bps": 1000, "shares_for_sale": 1000, "price_per_share": "1"}
		if k != "" {
			b[k] = x
		}
		return b
	}
	for _, tc := range []struct {
		name string
		user uuid.UUID
		body map[string]any
		code string
	}{
		{"bps zero", artist, base("shareholder_bps", 0), "ownership.invalid_offering"},
		{"bps above 50%", artist, base("shareholder_bps", 5001), "ownership.invalid_offering"},
		{"artist keeps less than 1%", artist, base("shares_for_sale", 9901), "ownership.invalid_offering"},
		{"artist keeps more than 99%", artist, base("shares_for_sale", 99), "ownership.invalid_offering"},
		{"seven decimals", artist, base("price_per_share", "0.0000001"), "ownership.invalid_price"},
		{"zero price", artist, base("price_per_share", "0"), "ownership.invalid_price"},
		{"negative price", artist, base("price_per_share", "-1"), "ownership.invalid_price"},
		{"not the artist", other, base("", nil), "ownership.not_song_artist"},
		{"unknown song", artist, map[string]any{"song_id": uuid.New(), "shareholder_bps": 1000, "shares_for_sale": 1000, "price_per_share": "1"}, "music.song_not_found_test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := v.do(http.MethodPost, "/api/v1/ownership/offerings", tc.user, tc.body)
			assert.GreaterOrEqual(t, r.Code, 400)
			assert.Less(t, r.Code, 500)
			assert.Equal(t, tc.code, r.errCode(), string(r.Raw))
		})
	}
	assert.Equal(t, 0, v.count(`SELECT count(*) FROM ownership.songs`), "nothing half-written")
	v.offering(artist, song, 1000, "1", nil)
	r := v.do(http.MethodPost, "/api/v1/ownership/offerings", artist, base("", nil))
	assert.Equal(t, http.StatusConflict, r.Code)
	assert.Equal(t, "ownership.offering_exists", r.errCode())
}

// TestConcurrentBuyersNeverOversell: 100 buyers race for 1,000 shares, 20 each: exactly 50
// get them, the others are told it sold out, and the ledger agrees to the micro-dollar.
func TestConcurrentBuyersNeverOversell(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	artist := v.user("0")
	song := v.song(artist, "Rush")
	off := v.offering(artist, song, 1000, "2", nil)
	buyers := make([]uuid.UUID, 100)
	for i := range buyers {
		buyers[i] = v.user("100")
	}
	var wg sync.WaitGroup
	codes := make([]string, len(buyers))
	statuses := make([]int, len(buyers))
	for i, b := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := v.buy(off, b, 20)
			statuses[i], codes[i] = r.Code, r.errCode()
		}()
	}
	wg.Wait()
	won := 0
	for i := range buyers {
		switch statuses[i] {
		case http.StatusCreated:
			won++
			assert.Equal(t, "60.000000", v.wallet(buyers[i]))
		default:
			assert.Equal(t, "ownership.offering_sold_out", codes[i], "buyer %d: %d", i, statuses[i])
			assert.Equal(t, "100.000000", v.wallet(buyers[i]))
		}
	}
	assert.Equal(t, 50, won)
	assert.Equal(t, 1000, v.count(`SELECT COALESCE(sum(shares), 0)::int FROM ownership.holdings WHERE song_id = $1 AND user_id <> $2`, song, artist))
	assert.Equal(t, 10000, v.count(`SELECT sum(shares)::int FROM ownership.holdings WHERE song_id = $1`, song))
	assert.Equal(t, "1980.000000", v.wallet(artist))
	assert.Equal(t, 4, v.count(`SELECT count(*) FROM platform.events WHERE type = 'ownership.offering_milestone.v1'`))
	r := v.do(http.MethodGet, "/api/v1/ownership/offerings/"+off.String(), uuid.Nil, nil)
	assert.Equal(t, "sold_out", r.Body["status"])
	paymenttest.RequireLedgerConsistent(t, v.pool)
}

// TestMarketListsOfferingsNewestFirst: GET /ownership/offerings is the market the console shows,
// every offering with its song title and what is left, newest first, anonymous, limited.
func TestMarketListsOfferingsNewestFirst(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	artist, fan := v.user("0"), v.user("1000")
	first := v.offering(artist, v.song(artist, "Old Song"), 1000, "0.10", nil)
	time.Sleep(5 * time.Millisecond) // distinct created_at
	second := v.offering(artist, v.song(artist, "New Song"), 500, "0.20", nil)
	require.Equal(t, http.StatusCreated, v.buy(second, fan, 100).Code)

	r := v.do(http.MethodGet, "/api/v1/ownership/offerings", uuid.Nil, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	items := r.Body["items"].([]any)
	require.Len(t, items, 2)
	newest, oldest := items[0].(map[string]any), items[1].(map[string]any)
	assert.Equal(t, second.String(), newest["id"])
	assert.Equal(t, "New Song", newest["song_title"])
	assert.EqualValues(t, 400, newest["shares_left"])
	assert.EqualValues(t, 100, newest["shares_sold"])
	assert.Equal(t, first.String(), oldest["id"])
	assert.Equal(t, "open", oldest["status"])

	r = v.do(http.MethodGet, "/api/v1/ownership/offerings?limit=1", uuid.Nil, nil)
	require.Equal(t, http.StatusOK, r.Code)
	require.Len(t, r.Body["items"].([]any), 1)
	assert.Equal(t, http.StatusUnprocessableEntity, v.do(http.MethodGet, "/api/v1/ownership/offerings?limit=500", uuid.Nil, nil).Code)
}
