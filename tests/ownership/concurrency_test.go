package ownership_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// TestConcurrentTradingConservesSharesAndCash: traders place random orders at once on one
// book; afterwards the book is not crossed, the song still has exactly 10,000 shares, no
// holding locks more than it has, every trade settled, and the USD of the traders, their
// holds, the artist and the fee account add up to what was there before, to the micro-dollar.
func TestConcurrentTradingConservesSharesAndCash(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	artist := v.user("0")
	song := v.song(artist, "Busy")
	off := v.offering(artist, song, 6000, "1", nil)
	traders := make([]uuid.UUID, 6)
	for i := range traders {
		traders[i] = v.user("5000")
		require.Equal(t, http.StatusCreated, v.buy(off, traders[i], 1000).Code)
	}
	usdOf := func(ref paycontracts.AccountRef) int64 {
		b, err := v.ledger.Balance(context.Background(), ref)
		require.NoError(t, err)
		return b.Units()
	}
	total := func() int64 {
		n := usdOf(paycontracts.Wallet(artist, money.USD)) + usdOf(paycontracts.System(paycontracts.KindPlatformFees, money.USD))
		for _, u := range traders {
			n += usdOf(paycontracts.Wallet(u, money.USD)) + usdOf(paycontracts.UserAccount(u, money.USD, paycontracts.KindHeld))
		}
		return n
	}
	before := total()
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 5))
			for i := 0; i < 25; i++ {
				u := traders[rng.IntN(len(traders))]
				side := []string{"buy", "sell"}[rng.IntN(2)]
				tif := []string{"GTC", "IOC"}[rng.IntN(2)]
				r := v.order(u, song, side, int64(1+rng.IntN(30)), fmt.Sprintf("0.%02d", 90+rng.IntN(20)), tif)
				mu.Lock()
				codes[fmt.Sprint(r.Code, r.errCode())]++
				mu.Unlock()
				if r.Code >= 500 {
					t.Errorf("server error: %s", r.Raw)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("answers: %v", codes)
	require.Greater(t, v.count(`SELECT count(*) FROM ownership.trades WHERE song_id = $1`, song), 0)
	assert.Equal(t, 10000, v.count(`SELECT sum(shares)::int FROM ownership.holdings WHERE song_id = $1`, song))
	// every sell's remainder is locked in its holding, and nothing else is (the offering sold out)
	assert.Equal(t, v.count(`SELECT COALESCE(sum(shares - filled), 0)::int FROM ownership.orders WHERE song_id = $1 AND side = 'sell'
		AND status IN ('open', 'partially_filled')`, song), v.count(`SELECT sum(locked)::int FROM ownership.holdings WHERE song_id = $1`, song))
	r := v.do(http.MethodGet, "/api/v1/ownership/songs/"+song.String()+"/book?levels=1", uuid.Nil, nil)
	bids, asks := r.Body["bids"].([]any), r.Body["asks"].([]any)
	if len(bids) > 0 && len(asks) > 0 {
		bid, _ := money.Parse(money.USD, bids[0].(map[string]any)["price"].(string))
		ask, _ := money.Parse(money.USD, asks[0].(map[string]any)["price"].(string))
		assert.Less(t, bid.Units(), ask.Units(), "the book is never crossed")
	}
	assert.Equal(t, 0, v.count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`))
	assert.Equal(t, before, total(), "cash is conserved")
	// a buy filled by concurrent takers is released by whichever settles last: no sweep needed
	assert.Equal(t, 0, v.count(`SELECT count(*) FROM ownership.orders WHERE side = 'buy' AND status IN ('filled', 'cancelled') AND NOT released`))
	// what is still held is exactly the unspent part of the resting buys
	var held int64
	for _, u := range traders {
		held += usdOf(paycontracts.UserAccount(u, money.USD, paycontracts.KindHeld))
	}
	assert.Equal(t, int64(v.count(`SELECT COALESCE(sum(hold_amount - spent), 0)::int FROM ownership.orders WHERE song_id = $1 AND side = 'buy'
		AND status IN ('open', 'partially_filled')`, song)), held)
	paymenttest.RequireLedgerConsistent(t, v.pool)
}

// TestOrderBatchIsolatesRefusedOrders: good and bad orders of one song arrive at once and are
// sequenced into shared transactions; sells of shares the seller does not have and buys above
// the holder cap are refused alone (with their codes), every good order lands, trades and
// cash add up, and the ledger stays consistent.
func TestOrderBatchIsolatesRefusedOrders(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	artist := v.user("0")
	song := v.song(artist, "Rush")
	off := v.offering(artist, song, 5000, "1", map[string]any{"max_shares_per_holder": 1500})
	seller, buyer := v.user("2000"), v.user("5000")
	require.Equal(t, http.StatusCreated, v.buy(off, seller, 1000).Code)
	require.Equal(t, http.StatusCreated, v.buy(off, buyer, 1400).Code)
	broke := make([]uuid.UUID, 10)
	for i := range broke {
		broke[i] = v.user("100")
	}
	type want struct {
		code int
		err  string
	}
	type call struct {
		user        uuid.UUID
		side        string
		shares      int64
		price, tif  string
		want        want
		description string
	}
	var calls []call
	for i := 0; i < 10; i++ {
		calls = append(calls, call{seller, "sell", 10, "2", "GTC", want{http.StatusCreated, ""}, "seller's sell"})
		calls = append(calls, call{broke[i], "sell", 10, "2", "GTC", want{http.StatusConflict, "ownership.insufficient_shares"}, "sell without shares"})
	}
	for i := 0; i < 3; i++ {
		calls = append(calls, call{buyer, "buy", 200, "1", "GTC", want{http.StatusConflict, "ownership.holder_cap_exceeded"}, "buy above the cap"})
	}
	outs := make([]resp, len(calls))
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = v.order(c.user, song, c.side, c.shares, c.price, c.tif)
		}()
	}
	wg.Wait()
	for i, c := range calls {
		assert.Equal(t, c.want.code, outs[i].Code, "%d %s: %s", i, c.description, outs[i].Raw)
		assert.Equal(t, c.want.err, outs[i].errCode(), "%d %s", i, c.description)
	}
	sh, locked := v.holding(song, seller)
	assert.Equal(t, int64(1000), sh)
	assert.Equal(t, int64(100), locked, "the ten good sells locked their shares, nothing else did")
	// a buyer within the cap takes them all in one go
	r := v.order(buyer, song, "buy", 100, "2", "IOC")
	require.Equal(t, http.StatusCreated, r.Code, r.Raw)
	assert.Equal(t, "filled", r.Body["status"])
	assert.Equal(t, 10000, v.count(`SELECT sum(shares)::int FROM ownership.holdings WHERE song_id = $1`, song))
	assert.Equal(t, 0, v.count(`SELECT count(*) FROM ownership.orders WHERE song_id = $1 AND status = 'pending'`, song), "refused buys left no pending row")
	assert.Equal(t, 0, v.count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`))
	assert.Equal(t, "3398.000000", v.wallet(buyer), "5000 - 1400 - 100 x 2 x 1.01 (fee); nothing held for the refused buys")
	paymenttest.RequireLedgerConsistent(t, v.pool)
}

// TestTwoInstancesTradeOneBookExactly: two instances (two modules, each with its own order
// batches) on one database trade one song at once. Each instance's batches run under the
// song register's row lock, so Postgres serialises them: the book is never crossed, the song
// keeps 10,000 shares, locks match open sells, every trade settles once and cash is conserved.
func TestTwoInstancesTradeOneBookExactly(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	a, b := newEnv(t, envOpts{url: url}), newEnv(t, envOpts{url: url})
	artist := a.user("0")
	song := a.song(artist, "Shared")
	b.cat.mu.Lock()
	b.cat.songs[song] = a.cat.songs[song]
	b.cat.mu.Unlock()
	off := a.offering(artist, song, 6000, "1", nil)
	traders := make([]uuid.UUID, 6)
	for i := range traders {
		traders[i] = a.user("5000")
		require.Equal(t, http.StatusCreated, a.buy(off, traders[i], 1000).Code)
	}
	usdOf := func(ref paycontracts.AccountRef) int64 {
		bal, err := a.ledger.Balance(context.Background(), ref)
		require.NoError(t, err)
		return bal.Units()
	}
	total := func() int64 {
		n := usdOf(paycontracts.Wallet(artist, money.USD)) + usdOf(paycontracts.System(paycontracts.KindPlatformFees, money.USD))
		for _, u := range traders {
			n += usdOf(paycontracts.Wallet(u, money.USD)) + usdOf(paycontracts.UserAccount(u, money.USD, paycontracts.KindHeld))
		}
		return n
	}
	before := total()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := []*env{a, b}[w%2]
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			for i := 0; i < 20; i++ {
				r := v.order(traders[rng.IntN(len(traders))], song, []string{"buy", "sell"}[rng.IntN(2)], int64(1+rng.IntN(30)),
					fmt.Sprintf("0.%02d", 90+rng.IntN(20)), []string{"GTC", "IOC"}[rng.IntN(2)])
				if r.Code >= 500 {
					t.Errorf("server error: %s", r.Raw)
				}
			}
		}()
	}
	wg.Wait()
	require.Greater(t, a.count(`SELECT count(*) FROM ownership.trades WHERE song_id = $1`, song), 0)
	assert.Equal(t, 10000, a.count(`SELECT sum(shares)::int FROM ownership.holdings WHERE song_id = $1`, song))
	assert.Equal(t, a.count(`SELECT COALESCE(sum(shares - filled), 0)::int FROM ownership.orders WHERE song_id = $1 AND side = 'sell'
		AND status IN ('open', 'partially_filled')`, song), a.count(`SELECT sum(locked)::int FROM ownership.holdings WHERE song_id = $1`, song))
	assert.Zero(t, a.count(`SELECT count(*) FROM ownership.orders b JOIN ownership.orders s ON s.song_id = b.song_id
		WHERE b.song_id = $1 AND b.side = 'buy' AND s.side = 'sell' AND b.status IN ('open', 'partially_filled')
		AND s.status IN ('open', 'partially_filled') AND b.price >= s.price`, song), "the book is never crossed")
	// settlements interrupted by the other instance's overlap are the sweeper's: run it on both
	for _, v := range []*env{a, b} {
		_, err := v.mod.Sweep(context.Background())
		require.NoError(t, err)
	}
	assert.Zero(t, a.count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`))
	assert.Equal(t, before, total(), "cash is conserved")
	paymenttest.RequireLedgerConsistent(t, a.pool)
}
