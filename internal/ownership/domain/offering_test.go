package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/ownership/domain"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func offering(t *testing.T, mut func(*domain.OfferingParams)) *domain.Offering {
	t.Helper()
	p := domain.OfferingParams{ID: uuid.New(), SongID: uuid.New(), ArtistUserID: alice, ShareholderBPS: 1000, SharesForSale: 4000,
		PricePerShare: 10_000, MinPurchaseShares: 10, MaxSharesPerHolder: 2000, FeeBPS: 100, OpensAt: t0, Now: t0}
	if mut != nil {
		mut(&p)
	}
	o, err := domain.NewOffering(p)
	require.NoError(t, err)
	return o
}

func TestNewOfferingRules(t *testing.T) {
	t.Parallel()
	past := t0.Add(-time.Hour)
	for _, tc := range []struct {
		name string
		mut  func(*domain.OfferingParams)
		want error
	}{
		{"bps 0", func(p *domain.OfferingParams) { p.ShareholderBPS = 0 }, domain.ErrInvalidOffering},
		{"bps 5001", func(p *domain.OfferingParams) { p.ShareholderBPS = 5001 }, domain.ErrInvalidOffering},
		{"artist keeps 99.01%", func(p *domain.OfferingParams) { p.SharesForSale = 99 }, domain.ErrInvalidOffering},
		{"artist keeps 0.99%", func(p *domain.OfferingParams) { p.SharesForSale = 9901 }, domain.ErrInvalidOffering},
		{"free shares", func(p *domain.OfferingParams) { p.PricePerShare = 0 }, domain.ErrInvalidPrice},
		{"minimum above the sale", func(p *domain.OfferingParams) { p.MinPurchaseShares = 4001 }, domain.ErrInvalidOffering},
		{"cap below the minimum", func(p *domain.OfferingParams) { p.MaxSharesPerHolder = 5 }, domain.ErrInvalidOffering},
		{"closes in the past", func(p *domain.OfferingParams) { p.OpensAt = past.Add(-time.Hour); p.ClosesAt = &past }, domain.ErrInvalidOffering},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := domain.OfferingParams{ID: uuid.New(), SongID: uuid.New(), ArtistUserID: alice, ShareholderBPS: 1000, SharesForSale: 4000,
				PricePerShare: 10_000, MinPurchaseShares: 10, MaxSharesPerHolder: 2000, OpensAt: t0, Now: t0}
			tc.mut(&p)
			_, err := domain.NewOffering(p)
			require.ErrorIs(t, err, tc.want)
		})
	}
	o := offering(t, func(p *domain.OfferingParams) { p.SharesForSale = 9900 })
	assert.Equal(t, int64(100), o.ArtistKeeps(), "the artist may keep exactly 1%")
	assert.Len(t, o.PullEvents(), 1)
	assert.Empty(t, o.PullEvents())
}

func TestReserveRules(t *testing.T) {
	t.Parallel()
	o := offering(t, nil)
	require.ErrorIs(t, o.Reserve(alice, 100, 0, t0), domain.ErrOwnOffering)
	require.ErrorIs(t, o.Reserve(bob, 9, 0, t0), domain.ErrBelowMinimum)
	require.ErrorIs(t, o.Reserve(bob, 0, 0, t0), domain.ErrInvalidShares)
	require.ErrorIs(t, o.Reserve(bob, 1500, 600, t0), domain.ErrHolderCapExceeded)
	require.ErrorIs(t, o.Reserve(bob, 100, 0, t0.Add(-time.Second)), domain.ErrOfferingNotOpen, "before opens_at")
	require.NoError(t, o.Reserve(bob, 2000, 0, t0))
	require.NoError(t, o.Reserve(carol, 1995, 0, t0))
	require.ErrorIs(t, o.Reserve(uuid.New(), 10, 0, t0), domain.ErrOfferingSoldOut, "5 left, 10 asked")
	require.NoError(t, o.Reserve(uuid.New(), 5, 0, t0), "the last shares may be fewer than the minimum")
	assert.Equal(t, "sold_out", o.Status(t0))
	require.ErrorIs(t, o.Reserve(uuid.New(), 10, 0, t0), domain.ErrOfferingSoldOut)
	o.Unreserve(5)
	assert.Equal(t, int64(5), o.SharesLeft())
}

func TestMilestonesAndClose(t *testing.T) {
	t.Parallel()
	o := offering(t, nil)
	o.PullEvents()
	o.Completed(999, t0)
	assert.Empty(t, o.PullEvents())
	o.Completed(2001, t0) // 3000 of 4000: 25, 50 and 75% at once
	var pct []int
	for _, e := range o.PullEvents() {
		pct = append(pct, e.(domain.OfferingMilestone).Percent)
	}
	assert.Equal(t, []int{25, 50, 75}, pct)
	o.Completed(1000, t0)
	ev := o.PullEvents()
	require.Len(t, ev, 1)
	assert.Equal(t, 100, ev[0].(domain.OfferingMilestone).Percent)
	require.ErrorIs(t, o.Close(bob, t0), domain.ErrNotSongArtist)
	require.NoError(t, o.Close(alice, t0))
	require.ErrorIs(t, o.Close(alice, t0), domain.ErrOfferingNotOpen)
	assert.Equal(t, "closed", o.Status(t0))
}

func TestHoldingLocksAndMoves(t *testing.T) {
	t.Parallel()
	var acc domain.Accumulator
	song := uuid.New()
	a := domain.RehydrateHolding(song, alice, 1000, 0, 10_000_000, domain.Royalty{})
	b := domain.NewHolding(song, bob, acc)
	require.ErrorIs(t, a.Lock(1001), domain.ErrInsufficientShares)
	require.ErrorIs(t, a.Lock(0), domain.ErrInvalidShares)
	require.NoError(t, a.Lock(400))
	require.ErrorIs(t, a.Lock(601), domain.ErrInsufficientShares, "locked shares are not available")
	require.ErrorIs(t, domain.MoveShares(a, b, 401, 1, acc), domain.ErrInsufficientShares, "only locked shares move")
	require.NoError(t, acc.Accrue(10_000))
	require.NoError(t, domain.MoveShares(a, b, 400, 8_000_000, acc))
	assert.Equal(t, int64(600), a.Shares())
	assert.Zero(t, a.Locked())
	assert.Equal(t, int64(6_000_000), a.CostBasis(), "the cost basis drops in proportion")
	assert.Equal(t, int64(400), b.Shares())
	assert.Equal(t, int64(8_000_000), b.CostBasis())
	assert.Equal(t, int64(1000), a.Royalty().Claimable(), "alice earned on 1000 shares before the move")
	assert.Zero(t, b.Royalty().Claimable())
	require.Error(t, domain.MoveShares(a, a, 1, 1, acc))
}

func TestOrderTransitions(t *testing.T) {
	t.Parallel()
	o, err := domain.NewOrder(domain.OrderParams{ID: uuid.New(), SongID: uuid.New(), Owner: bob, Side: domain.Buy, TIF: domain.GTC,
		Price: 1_200_000, Shares: 150, FeeBPS: 100, Now: t0})
	require.NoError(t, err)
	assert.Equal(t, domain.OrderPending, o.Status())
	assert.Equal(t, int64(181_800_000), o.HoldAmount(), "150 x 1.20 + 1%")
	require.NoError(t, o.Activate(uuid.New(), 1, t0))
	require.ErrorIs(t, o.Activate(uuid.New(), 2, t0), domain.ErrOrderClosed)
	o.Fill(100, 111_100_000, t0)
	assert.Equal(t, domain.OrderPartiallyFilled, o.Status())
	assert.Equal(t, int64(70_700_000), o.Unspent())
	require.NoError(t, o.Cancel("cancelled", t0))
	require.ErrorIs(t, o.Cancel("cancelled", t0), domain.ErrOrderClosed)
	s, err := domain.NewOrder(domain.OrderParams{ID: uuid.New(), Owner: bob, Side: domain.Sell, TIF: domain.IOC, Price: 1, Shares: 1, Now: t0})
	require.NoError(t, err)
	assert.Equal(t, domain.OrderOpen, s.Status())
	assert.Zero(t, s.HoldAmount())
	_, err = domain.ParseOrderStatus("pending")
	require.ErrorIs(t, err, domain.ErrInvalidStatus, "pending orders are not listed")
	assert.Equal(t, int64(1), domain.Fee(100, 100))
	assert.Equal(t, int64(0), domain.Fee(99, 100))
	assert.Equal(t, int64(1_000_000), domain.Fee(100_000_000, 100))
}
