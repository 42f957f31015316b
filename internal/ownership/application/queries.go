package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/domain"
)

// Queries answers the read endpoints.
type Queries struct {
	reader  Reader
	catalog Catalog
	now     Clock
}

// NewQueries builds the read side.
func NewQueries(reader Reader, catalog Catalog, now Clock) (*Queries, error) {
	if reader == nil || catalog == nil || now == nil {
		return nil, errNilDependency
	}
	return &Queries{reader: reader, catalog: catalog, now: now}, nil
}

// ShareholderBPS answers listenreward's RoyaltyShares port: 0 until the song has an offering.
func (q *Queries) ShareholderBPS(ctx context.Context, songID uuid.UUID) (int, error) {
	s, err := q.reader.Song(ctx, songID)
	if errors.Is(err, domain.ErrSongNotOffered) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return s.ShareholderBPS(), nil
}

// Offering returns an offering.
func (q *Queries) Offering(ctx context.Context, id uuid.UUID) (OfferingView, error) {
	o, err := q.reader.Offering(ctx, id)
	if err != nil {
		return OfferingView{}, err
	}
	title := ""
	if s, err := q.catalog.Song(ctx, o.SongID()); err == nil {
		title = s.Title
	}
	return offeringView(o, title, q.now()), nil
}

// Offerings lists the market: the newest offerings of every status (songs with shares), newest
// first, with their song titles.
func (q *Queries) Offerings(ctx context.Context, limit int) ([]OfferingView, error) {
	os, err := q.reader.Offerings(ctx, limit)
	if err != nil {
		return nil, err
	}
	now := q.now()
	out := make([]OfferingView, 0, len(os))
	for _, o := range os {
		title := ""
		if s, err := q.catalog.Song(ctx, o.SongID()); err == nil {
			title = s.Title
		}
		out = append(out, offeringView(o, title, now))
	}
	return out, nil
}

// Orders lists the caller's orders (status "" for all), newest first, a page of limit after
// the cursor; next is nil on the last page.
func (q *Queries) Orders(ctx context.Context, owner uuid.UUID, status string, after *OrderCursor, limit int) ([]OrderView, *OrderCursor, error) {
	var st domain.OrderStatus
	if status != "" {
		var err error
		if st, err = domain.ParseOrderStatus(status); err != nil {
			return nil, nil, err
		}
	}
	orders, err := q.reader.OrdersOf(ctx, owner, st, after, limit+1)
	if err != nil {
		return nil, nil, err
	}
	var next *OrderCursor
	if len(orders) > limit {
		orders = orders[:limit]
		last := orders[limit-1]
		next = &OrderCursor{CreatedAt: last.CreatedAt(), ID: last.ID()}
	}
	ids := make([]uuid.UUID, len(orders))
	for i, o := range orders {
		ids[i] = o.ID()
	}
	trades, err := q.reader.TradesOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out := make([]OrderView, 0, len(orders))
	for _, o := range orders {
		out = append(out, orderView(o, trades[o.ID()]))
	}
	return out, next, nil
}

// Book returns a song's depth (levels per side).
func (q *Queries) Book(ctx context.Context, songID uuid.UUID, levels int) (BookView, error) {
	s, err := q.reader.Song(ctx, songID)
	if err != nil {
		return BookView{}, err
	}
	bids, err := q.reader.Depth(ctx, songID, domain.Buy, levels)
	if err != nil {
		return BookView{}, err
	}
	asks, err := q.reader.Depth(ctx, songID, domain.Sell, levels)
	if err != nil {
		return BookView{}, err
	}
	return BookView{SongID: songID, Bids: bids, Asks: asks, LastPrice: s.LastPrice()}, nil
}

// Trades lists a song's recent trades, newest first.
func (q *Queries) Trades(ctx context.Context, songID uuid.UUID, limit int) ([]TradeView, error) {
	if _, err := q.reader.Song(ctx, songID); err != nil {
		return nil, err
	}
	ts, err := q.reader.RecentTrades(ctx, songID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]TradeView, 0, len(ts))
	for _, t := range ts {
		out = append(out, tradeView(t))
	}
	return out, nil
}

// Portfolio lists a user's holdings with their value and royalties.
func (q *Queries) Portfolio(ctx context.Context, user uuid.UUID) (PortfolioView, error) {
	held, err := q.reader.HoldingsOf(ctx, user)
	if err != nil {
		return PortfolioView{}, err
	}
	open, err := q.reader.OpenOrders(ctx, user)
	if err != nil {
		return PortfolioView{}, err
	}
	out := PortfolioView{Holdings: []HoldingView{}}
	for _, h := range held {
		s, err := q.reader.Song(ctx, h.SongID())
		if err != nil {
			return PortfolioView{}, err
		}
		if err := h.Settle(s.Accumulator()); err != nil { // a copy: the read side never saves
			return PortfolioView{}, err
		}
		title := ""
		if song, err := q.catalog.Song(ctx, h.SongID()); err == nil {
			title = song.Title
		}
		r := h.Royalty()
		v := HoldingView{SongID: h.SongID(), Title: title, Shares: h.Shares(), PoolBPS: h.Shares(), LastPrice: s.LastPrice(),
			MarketValue: h.Shares() * s.LastPrice(), RoyaltiesClaimable: r.Claimable(), OpenOrders: open[h.SongID()]}
		v.RoyaltiesEarned = r.Claimed + v.RoyaltiesClaimable
		if h.Shares() > 0 {
			v.AverageCost = h.CostBasis() / h.Shares()
		}
		out.Holdings = append(out.Holdings, v)
		out.MarketValue += v.MarketValue
		out.RoyaltiesEarned += v.RoyaltiesEarned
		out.RoyaltiesClaimable += v.RoyaltiesClaimable
	}
	return out, nil
}

// Register summarises a song's shares: offering, holders, last price, 24 h volume, royalties.
func (q *Queries) Register(ctx context.Context, songID uuid.UUID) (RegisterView, error) {
	s, err := q.reader.Song(ctx, songID)
	if err != nil {
		return RegisterView{}, err
	}
	now := q.now()
	st, err := q.reader.Stats(ctx, songID, now.Add(-24*time.Hour))
	if err != nil {
		return RegisterView{}, err
	}
	v := RegisterView{SongID: songID, Holders: st.Holders, LastPrice: s.LastPrice(), Volume24h: st.Volume24h, Shares24h: st.Shares24h,
		Trades24h: st.Trades24h, RoyaltiesIn: s.Accumulator().Entered, RoyaltiesPaid: s.RoyaltiesClaimed(), ShareholderBPS: s.ShareholderBPS()}
	if song, err := q.catalog.Song(ctx, songID); err == nil {
		v.Title = song.Title
	}
	if o, err := q.reader.OfferingBySong(ctx, songID); err == nil {
		ov := offeringView(o, v.Title, now)
		v.Offering = &ov
	}
	return v, nil
}

// Watch subscribes a user to a song's book over the WebSocket.
func (q *Queries) Watch(ctx context.Context, songID, user uuid.UUID) error {
	if _, err := q.reader.Song(ctx, songID); err != nil {
		return err
	}
	return q.reader.Watch(ctx, songID, user, q.now())
}

// Unwatch stops it.
func (q *Queries) Unwatch(ctx context.Context, songID, user uuid.UUID) error {
	return q.reader.Unwatch(ctx, songID, user)
}
