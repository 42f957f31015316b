package application

import (
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/ownership/domain"
)

var usdAsset = money.USD

// Amounts in views are micro-dollars; the HTTP layer writes them as decimal strings.

// OfferingView is an offering as clients see it.
type OfferingView struct {
	ID, SongID, ArtistUserID uuid.UUID
	SongTitle                string
	Status                   string
	ShareholderBPS           int
	SharesForSale            int64
	SharesSold               int64
	SharesLeft               int64
	ArtistShares             int64
	PricePerShare            int64
	MinPurchaseShares        int64
	MaxSharesPerHolder       int64
	FeeBPS                   int
	OpensAt                  time.Time
	ClosesAt, ClosedAt       *time.Time
	CreatedAt                time.Time
}

func offeringView(o *domain.Offering, title string, now time.Time) OfferingView {
	return OfferingView{ID: o.ID(), SongID: o.SongID(), ArtistUserID: o.ArtistUserID(), SongTitle: title, Status: o.Status(now),
		ShareholderBPS: o.ShareholderBPS(), SharesForSale: o.SharesForSale(), SharesSold: o.SharesPaid(),
		SharesLeft: o.SharesLeft(), ArtistShares: o.ArtistKeeps(), PricePerShare: o.PricePerShare(),
		MinPurchaseShares: o.MinPurchaseShares(), MaxSharesPerHolder: o.MaxSharesPerHolder(), FeeBPS: o.FeeBPS(),
		OpensAt: o.OpensAt(), ClosesAt: o.ClosesAt(), ClosedAt: o.ClosedAt(), CreatedAt: o.CreatedAt()}
}

// PurchaseView is a completed (or failed) purchase.
type PurchaseView struct {
	ID, OfferingID, SongID, BuyerID uuid.UUID
	Shares, PricePerShare           int64
	Gross, Fee                      int64
	Status                          string
	CreatedAt                       time.Time
}

func purchaseView(p domain.Purchase) PurchaseView {
	return PurchaseView{ID: p.ID, OfferingID: p.OfferingID, SongID: p.SongID, BuyerID: p.BuyerID, Shares: p.Shares,
		PricePerShare: p.Price, Gross: p.Gross, Fee: p.Fee, Status: string(p.Status), CreatedAt: p.CreatedAt}
}

// TradeView is one trade.
type TradeView struct {
	ID            uuid.UUID
	SongID        uuid.UUID
	Shares, Price int64
	At            time.Time
}

func tradeView(t domain.Trade) TradeView {
	return TradeView{ID: t.ID, SongID: t.SongID, Shares: t.Shares, Price: t.Price, At: t.At}
}

// OrderView is an order with its trades.
type OrderView struct {
	ID, SongID   uuid.UUID
	Side, TIF    string
	Status       string
	Shares       int64
	FilledShares int64
	LimitPrice   int64
	CancelReason string
	Trades       []TradeView
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func orderView(o *domain.Order, trades []domain.Trade) OrderView {
	v := OrderView{ID: o.ID(), SongID: o.SongID(), Side: o.Side().String(), TIF: o.TIF().String(), Status: string(o.Status()),
		Shares: o.Shares(), FilledShares: o.Filled(), LimitPrice: o.Price(), CancelReason: o.CancelReason(),
		Trades: make([]TradeView, 0, len(trades)), CreatedAt: o.CreatedAt(), UpdatedAt: o.UpdatedAt()}
	for _, t := range trades {
		v.Trades = append(v.Trades, tradeView(t))
	}
	return v
}

// BookView is a song's depth.
type BookView struct {
	SongID     uuid.UUID
	Bids, Asks []domain.Level
	LastPrice  int64
}

// HoldingView is one line of a portfolio.
type HoldingView struct {
	SongID             uuid.UUID
	Title              string
	Shares             int64
	PoolBPS            int64 // shares of 10,000 = hundredths of a percent of the pool
	AverageCost        int64
	LastPrice          int64
	MarketValue        int64
	RoyaltiesEarned    int64
	RoyaltiesClaimable int64
	OpenOrders         int
}

// PortfolioView is a user's holdings and totals.
type PortfolioView struct {
	Holdings                                         []HoldingView
	MarketValue, RoyaltiesEarned, RoyaltiesClaimable int64
}

// RegisterView is a song's share register summary.
type RegisterView struct {
	SongID         uuid.UUID
	Title          string
	Offering       *OfferingView
	Holders        int
	LastPrice      int64
	Volume24h      int64
	Shares24h      int64
	Trades24h      int
	RoyaltiesIn    int64
	RoyaltiesPaid  int64
	ShareholderBPS int
}

// ClaimView is what a claim paid.
type ClaimView struct {
	Total  int64
	Claims []ClaimLine
}

// ClaimLine is one song's part of a claim.
type ClaimLine struct {
	ClaimID, SongID uuid.UUID
	Amount          int64
	// Pending: stored but not yet in the wallet (the ledger failed; the sweeper pays it).
	Pending bool
}
