package domain_test

import (
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/ownership/domain"
)

var (
	alice = uuid.MustParse("00000000-0000-0000-0000-00000000000a")
	bob   = uuid.MustParse("00000000-0000-0000-0000-00000000000b")
	carol = uuid.MustParse("00000000-0000-0000-0000-00000000000c")
)

func id(n int) uuid.UUID { return uuid.UUID{15: byte(n), 14: byte(n >> 8), 13: byte(n >> 16)} }

func place(t *testing.T, b *domain.Book, n int, owner uuid.UUID, side domain.Side, price, shares int64, tif domain.TimeInForce) domain.Outcome {
	t.Helper()
	out, err := b.Place(domain.Incoming{ID: id(n), Owner: owner, Side: side, Price: price, Shares: shares, TIF: tif})
	require.NoError(t, err)
	require.False(t, b.Crossed())
	return out
}

func TestPriceThenTimePriority(t *testing.T) {
	t.Parallel()
	b := domain.NewBook()
	place(t, b, 1, alice, domain.Sell, 105, 10, domain.GTC)
	place(t, b, 2, bob, domain.Sell, 100, 10, domain.GTC)   // better price, later
	place(t, b, 3, alice, domain.Sell, 100, 10, domain.GTC) // same price, later than 2
	out := place(t, b, 4, carol, domain.Buy, 110, 25, domain.GTC)
	require.Len(t, out.Fills, 3)
	assert.Equal(t, id(2), out.Fills[0].MakerID, "best price first")
	assert.Equal(t, id(3), out.Fills[1].MakerID, "then the earlier order at that price")
	assert.Equal(t, id(1), out.Fills[2].MakerID)
	// trades execute at the resting order's price, not the taker's limit
	assert.Equal(t, []int64{100, 100, 105}, []int64{out.Fills[0].Price, out.Fills[1].Price, out.Fills[2].Price})
	assert.Equal(t, []int64{10, 10, 5}, []int64{out.Fills[0].Shares, out.Fills[1].Shares, out.Fills[2].Shares})
	assert.Equal(t, int64(5), out.Fills[2].MakerRemaining)
	assert.Equal(t, int64(25), out.Filled)
	assert.False(t, out.Rested)
	assert.Equal(t, []domain.Level{{Price: 105, Shares: 5, Orders: 1}}, b.Depth(domain.Sell, 0))
	assert.Empty(t, b.Depth(domain.Buy, 0))
}

func TestPartialFillRestsTheRemainder(t *testing.T) {
	t.Parallel()
	b := domain.NewBook()
	place(t, b, 1, alice, domain.Sell, 100, 4, domain.GTC)
	out := place(t, b, 2, bob, domain.Buy, 101, 10, domain.GTC)
	assert.Equal(t, int64(4), out.Filled)
	assert.Equal(t, int64(6), out.Remaining)
	assert.True(t, out.Rested)
	o, ok := b.Order(id(2))
	require.True(t, ok)
	assert.Equal(t, int64(6), o.Remaining)
	assert.Equal(t, int64(101), o.Price)
	bid, _ := b.Best(domain.Buy)
	assert.Equal(t, int64(101), bid)
	_, hasAsk := b.Best(domain.Sell)
	assert.False(t, hasAsk)
}

func TestIOCCancelsTheRemainder(t *testing.T) {
	t.Parallel()
	b := domain.NewBook()
	place(t, b, 1, alice, domain.Buy, 100, 3, domain.GTC)
	out := place(t, b, 2, bob, domain.Sell, 99, 5, domain.IOC)
	assert.Equal(t, int64(3), out.Filled)
	assert.Equal(t, int64(2), out.Remaining)
	assert.False(t, out.Rested)
	assert.Equal(t, 0, b.Len())
	// an IOC that does not cross at all trades nothing and leaves nothing
	out = place(t, b, 3, bob, domain.Sell, 99, 5, domain.IOC)
	assert.Zero(t, out.Filled)
	assert.False(t, out.Rested)
	assert.Equal(t, 0, b.Len())
}

func TestNoMatchAcrossLimit(t *testing.T) {
	t.Parallel()
	b := domain.NewBook()
	place(t, b, 1, alice, domain.Sell, 101, 5, domain.GTC)
	out := place(t, b, 2, bob, domain.Buy, 100, 5, domain.GTC)
	assert.Empty(t, out.Fills)
	assert.True(t, out.Rested)
	assert.Equal(t, []domain.Level{{Price: 100, Shares: 5, Orders: 1}}, b.Depth(domain.Buy, 0))
	assert.Equal(t, []domain.Level{{Price: 101, Shares: 5, Orders: 1}}, b.Depth(domain.Sell, 0))
}

func TestCancel(t *testing.T) {
	t.Parallel()
	b := domain.NewBook()
	place(t, b, 1, alice, domain.Sell, 100, 5, domain.GTC)
	place(t, b, 2, bob, domain.Sell, 100, 7, domain.GTC)
	o, err := b.Cancel(id(1))
	require.NoError(t, err)
	assert.Equal(t, int64(5), o.Remaining)
	_, err = b.Cancel(id(1))
	require.ErrorIs(t, err, domain.ErrOrderNotFound)
	assert.Equal(t, []domain.Level{{Price: 100, Shares: 7, Orders: 1}}, b.Depth(domain.Sell, 0))
	out := place(t, b, 3, carol, domain.Buy, 100, 10, domain.GTC)
	require.Len(t, out.Fills, 1)
	assert.Equal(t, id(2), out.Fills[0].MakerID, "a cancelled order never trades")
	_, err = b.Cancel(id(2))
	require.ErrorIs(t, err, domain.ErrOrderNotFound, "a filled order is off the book")
	_, err = b.Cancel(id(3))
	require.NoError(t, err)
	assert.Equal(t, 0, b.Len())
	assert.Empty(t, b.Depth(domain.Buy, 0))
}

func TestNoSelfTradeCancelsTheOlderOrder(t *testing.T) {
	t.Parallel()
	b := domain.NewBook()
	place(t, b, 1, alice, domain.Sell, 100, 5, domain.GTC)
	place(t, b, 2, bob, domain.Sell, 101, 5, domain.GTC)
	out := place(t, b, 3, alice, domain.Buy, 101, 8, domain.GTC)
	require.Len(t, out.SelfTrades, 1)
	assert.Equal(t, id(1), out.SelfTrades[0].ID)
	assert.Equal(t, int64(5), out.SelfTrades[0].Remaining)
	require.Len(t, out.Fills, 1)
	assert.Equal(t, bob, out.Fills[0].MakerOwner)
	assert.Equal(t, int64(5), out.Fills[0].Shares)
	assert.True(t, out.Rested)
	_, ok := b.Order(id(1))
	assert.False(t, ok)
	o, _ := b.Order(id(3))
	assert.Equal(t, int64(3), o.Remaining)
}

func TestInvalidOrders(t *testing.T) {
	t.Parallel()
	b := domain.NewBook()
	place(t, b, 1, alice, domain.Sell, 100, 5, domain.GTC)
	for _, tc := range []struct {
		name string
		in   domain.Incoming
		want error
	}{
		{"zero shares", domain.Incoming{ID: id(9), Owner: bob, Side: domain.Buy, Price: 1, Shares: 0, TIF: domain.GTC}, domain.ErrInvalidShares},
		{"negative shares", domain.Incoming{ID: id(9), Owner: bob, Side: domain.Buy, Price: 1, Shares: -1, TIF: domain.GTC}, domain.ErrInvalidShares},
		{"more than a song has", domain.Incoming{ID: id(9), Owner: bob, Side: domain.Buy, Price: 1, Shares: 10_001, TIF: domain.GTC}, domain.ErrInvalidShares},
		{"zero price", domain.Incoming{ID: id(9), Owner: bob, Side: domain.Buy, Price: 0, Shares: 1, TIF: domain.GTC}, domain.ErrInvalidPrice},
		{"no side", domain.Incoming{ID: id(9), Owner: bob, Price: 1, Shares: 1, TIF: domain.GTC}, domain.ErrInvalidSide},
		{"no tif", domain.Incoming{ID: id(9), Owner: bob, Side: domain.Buy, Price: 1, Shares: 1}, domain.ErrInvalidTimeInForce},
		{"duplicate id", domain.Incoming{ID: id(1), Owner: bob, Side: domain.Buy, Price: 100, Shares: 1, TIF: domain.GTC}, domain.ErrDuplicateOrder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.Place(tc.in)
			require.ErrorIs(t, err, tc.want)
			assert.Equal(t, 1, b.Len(), "a refused order changes nothing")
		})
	}
	require.ErrorIs(t, b.Rest(domain.RestingOrder{ID: id(8), Owner: bob, Side: domain.Buy, Price: 100, Remaining: 1}), domain.ErrWouldCross)
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want domain.Side
		err  error
	}{{"buy", domain.Buy, nil}, {" SELL ", domain.Sell, nil}, {"hold", 0, domain.ErrInvalidSide}} {
		t.Run(tc.in, func(t *testing.T) {
			s, err := domain.ParseSide(tc.in)
			assert.Equal(t, tc.want, s)
			assert.ErrorIs(t, err, tc.err)
		})
	}
	tif, err := domain.ParseTimeInForce("ioc")
	require.NoError(t, err)
	assert.Equal(t, domain.IOC, tif)
	_, err = domain.ParseTimeInForce("FOK")
	assert.ErrorIs(t, err, domain.ErrInvalidTimeInForce)
}

// TestBookPropertiesOverRandomSequences places and cancels random orders and checks after
// every step that the book is never crossed, that shares and cash are conserved (what buyers
// got equals what sellers gave; what a buy order held covers what it paid plus what it
// releases), that every fill respects both limits, and that a replayed model agrees.
func TestBookPropertiesOverRandomSequences(t *testing.T) {
	t.Parallel()
	owners := []uuid.UUID{alice, bob, carol, uuid.New(), uuid.New()}
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, seed*7919))
		b := domain.NewBook()
		type ord struct {
			side          domain.Side
			owner         uuid.UUID
			price, shares int64
			filled        int64
			paid          int64 // buys: cash spent; sells: cash received
			done          bool
		}
		orders := map[uuid.UUID]*ord{}
		var live []uuid.UUID
		var bought, sold int64
		for step := 0; step < 300; step++ {
			if len(live) > 0 && rng.IntN(5) == 0 {
				k := rng.IntN(len(live))
				oid := live[k]
				live = append(live[:k], live[k+1:]...)
				o := orders[oid]
				if r, err := b.Cancel(oid); err == nil {
					require.Equal(t, o.shares-o.filled, r.Remaining, "seed %d: cancel returns the remainder", seed)
					o.done = true
				} else {
					require.True(t, o.done, "seed %d: only closed orders are off the book", seed)
				}
				continue
			}
			in := domain.Incoming{ID: uuid.New(), Owner: owners[rng.IntN(len(owners))], Side: domain.Side(1 + rng.IntN(2)),
				Price: 90 + rng.Int64N(21), Shares: 1 + rng.Int64N(50), TIF: domain.TimeInForce(1 + rng.IntN(2))}
			bestOpp, hadOpp := b.Best(in.Side.Opposite())
			out, err := b.Place(in)
			require.NoError(t, err)
			require.False(t, b.Crossed(), "seed %d step %d: crossed book", seed, step)
			o := &ord{side: in.Side, owner: in.Owner, price: in.Price, shares: in.Shares}
			orders[in.ID] = o
			require.Equal(t, in.Shares, out.Filled+out.Remaining)
			for _, st := range out.SelfTrades {
				require.Equal(t, in.Owner, st.Owner)
				so := orders[st.ID]
				require.Equal(t, so.shares-so.filled, st.Remaining)
				so.done = true
			}
			for i, f := range out.Fills {
				require.NotEqual(t, in.Owner, f.MakerOwner, "seed %d: self trade", seed)
				mk := orders[f.MakerID]
				require.NotNil(t, mk)
				require.Equal(t, f.Price, mk.price, "trades execute at the maker's price")
				if in.Side == domain.Buy {
					require.LessOrEqual(t, f.Price, in.Price)
				} else {
					require.GreaterOrEqual(t, f.Price, in.Price)
				}
				if i == 0 && hadOpp && len(out.SelfTrades) == 0 {
					require.Equal(t, bestOpp, f.Price, "the first fill is at the best opposite price")
				}
				mk.filled += f.Shares
				o.filled += f.Shares
				require.Equal(t, mk.shares-mk.filled, f.MakerRemaining)
				cash := f.Shares * f.Price
				mk.paid += cash
				o.paid += cash
				bought += f.Shares
				sold += f.Shares
				if mk.filled == mk.shares {
					mk.done = true
				}
			}
			if out.Rested {
				live = append(live, in.ID)
			} else {
				o.done = true
			}
		}
		// conservation: shares bought = shares sold; each buy order's hold (shares x limit)
		// = what it paid + what is still held for its remainder on the book + what is
		// released (cancelled or unused because it traded below its limit)
		require.Equal(t, bought, sold)
		var buyerPaid, sellerGot, restingShares int64
		for oid, o := range orders {
			if o.side == domain.Buy {
				buyerPaid += o.paid
				held := o.shares * o.price
				stillHeld := int64(0)
				if r, ok := b.Order(oid); ok {
					require.False(t, o.done)
					stillHeld = r.Remaining * o.price
					restingShares += r.Remaining
				}
				released := held - o.paid - stillHeld
				require.GreaterOrEqual(t, released, int64(0), "seed %d: a buy paid more than it held", seed)
			} else {
				sellerGot += o.paid
				if r, ok := b.Order(oid); ok {
					restingShares += r.Remaining
				}
			}
		}
		require.Equal(t, buyerPaid, sellerGot, "seed %d: cash is conserved", seed)
		var depthShares int64
		for _, s := range []domain.Side{domain.Buy, domain.Sell} {
			for _, l := range b.Depth(s, 0) {
				depthShares += l.Shares
			}
		}
		require.Equal(t, restingShares, depthShares, "seed %d: depth sums the resting orders", seed)
	}
}

func BenchmarkBookPlace(b *testing.B) {
	// A realistic mix on one book: prices around a mid, both sides, 10% cancels, some IOC.
	const n = 1 << 16
	type op struct {
		in     domain.Incoming
		cancel int // index of an earlier order to cancel, or -1
	}
	rng := rand.New(rand.NewPCG(1, 2))
	owners := make([]uuid.UUID, 64)
	for i := range owners {
		owners[i] = uuid.New()
	}
	ops := make([]op, n)
	for i := range ops {
		ops[i] = op{cancel: -1, in: domain.Incoming{ID: uuid.New(), Owner: owners[rng.IntN(len(owners))],
			Side: domain.Side(1 + rng.IntN(2)), Price: 1_000_000 + rng.Int64N(200)*1000 - 100_000, Shares: 1 + rng.Int64N(20), TIF: domain.GTC}}
		if rng.IntN(10) == 0 {
			ops[i].in.TIF = domain.IOC
		}
		if i > 0 && rng.IntN(10) == 0 {
			ops[i].cancel = rng.IntN(i)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	book := domain.NewBook()
	for i := 0; i < b.N; i++ {
		k := i % n
		if k == 0 && i > 0 {
			b.StopTimer()
			book = domain.NewBook()
			b.StartTimer()
		}
		o := ops[k]
		if o.cancel >= 0 {
			_, _ = book.Cancel(ops[o.cancel].in.ID)
		}
		if _, err := book.Place(o.in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}
