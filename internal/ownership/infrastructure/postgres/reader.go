package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/application"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	"github.com/vibestream/vibestream/internal/ownership/infrastructure/postgres/ownershipdb"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

var _ application.Reader = (*Store)(nil)

// Song implements application.Reader.
func (s *Store) Song(ctx context.Context, songID uuid.UUID) (*domain.Song, error) {
	r, err := s.q.GetSong(ctx, songID)
	if pg.IsNoRows(err) {
		return nil, domain.ErrSongNotOffered
	}
	if err != nil {
		return nil, err
	}
	return toSong(r)
}

// Offering implements application.Reader.
func (s *Store) Offering(ctx context.Context, id uuid.UUID) (*domain.Offering, error) {
	r, err := s.q.GetOffering(ctx, id)
	if err != nil {
		return nil, offeringNotFound(err)
	}
	return toOffering(r), nil
}

// OfferingBySong implements application.Reader.
func (s *Store) OfferingBySong(ctx context.Context, songID uuid.UUID) (*domain.Offering, error) {
	r, err := s.q.GetOfferingBySong(ctx, songID)
	if err != nil {
		return nil, offeringNotFound(err)
	}
	return toOffering(r), nil
}

// Offerings implements application.Reader.
func (s *Store) Offerings(ctx context.Context, limit int) ([]*domain.Offering, error) {
	rs, err := s.q.ListOfferings(ctx, limit32(limit))
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Offering, 0, len(rs))
	for _, r := range rs {
		out = append(out, toOffering(r))
	}
	return out, nil
}

// Order implements application.Reader.
func (s *Store) Order(ctx context.Context, id uuid.UUID) (*domain.Order, error) {
	r, err := s.q.GetOrder(ctx, id)
	if pg.IsNoRows(err) {
		return nil, domain.ErrOrderNotFound
	}
	if err != nil {
		return nil, err
	}
	return toOrder(r), nil
}

// OrdersOf implements application.Reader.
func (s *Store) OrdersOf(ctx context.Context, owner uuid.UUID, status domain.OrderStatus, before *application.OrderCursor, limit int) ([]*domain.Order, error) {
	p := ownershipdb.OrdersOfParams{OwnerID: owner, MaxOrders: limit32(limit)}
	if status != "" {
		st := string(status)
		p.Status = &st
	}
	if before != nil {
		p.BeforeAt, p.BeforeID = &before.CreatedAt, &before.ID
	}
	return toOrders(s.q.OrdersOf(ctx, p))
}

// TradesOf implements application.Reader.
func (s *Store) TradesOf(ctx context.Context, orderIDs []uuid.UUID) (map[uuid.UUID][]domain.Trade, error) {
	out := map[uuid.UUID][]domain.Trade{}
	if len(orderIDs) == 0 {
		return out, nil
	}
	ts, err := toTrades(s.q.TradesOfOrders(ctx, orderIDs))
	if err != nil {
		return nil, err
	}
	want := make(map[uuid.UUID]bool, len(orderIDs))
	for _, id := range orderIDs {
		want[id] = true
	}
	for _, t := range ts {
		if want[t.BuyOrderID] {
			out[t.BuyOrderID] = append(out[t.BuyOrderID], t)
		}
		if want[t.SellOrderID] {
			out[t.SellOrderID] = append(out[t.SellOrderID], t)
		}
	}
	return out, nil
}

// Depth implements application.Reader.
func (s *Store) Depth(ctx context.Context, songID uuid.UUID, side domain.Side, levels int) ([]domain.Level, error) {
	var out []domain.Level
	if side == domain.Buy {
		rows, err := s.q.DepthBids(ctx, ownershipdb.DepthBidsParams{SongID: songID, Levels: limit32(levels)})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out = append(out, domain.Level{Price: r.Price, Shares: r.Shares, Orders: int(r.Orders)})
		}
		return out, nil
	}
	rows, err := s.q.DepthAsks(ctx, ownershipdb.DepthAsksParams{SongID: songID, Levels: limit32(levels)})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out = append(out, domain.Level{Price: r.Price, Shares: r.Shares, Orders: int(r.Orders)})
	}
	return out, nil
}

// RecentTrades implements application.Reader.
func (s *Store) RecentTrades(ctx context.Context, songID uuid.UUID, limit int) ([]domain.Trade, error) {
	return toTrades(s.q.RecentTrades(ctx, ownershipdb.RecentTradesParams{SongID: songID, MaxTrades: limit32(limit)}))
}

// HoldingsOf implements application.Reader.
func (s *Store) HoldingsOf(ctx context.Context, userID uuid.UUID) ([]*domain.Holding, error) {
	rows, err := s.q.HoldingsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	return toHoldings(rows)
}

// OpenOrders implements application.Reader.
func (s *Store) OpenOrders(ctx context.Context, userID uuid.UUID) (map[uuid.UUID]int, error) {
	rows, err := s.q.OpenOrderCounts(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]int, len(rows))
	for _, r := range rows {
		out[r.SongID] = int(r.Orders)
	}
	return out, nil
}

// Stats implements application.Reader.
func (s *Store) Stats(ctx context.Context, songID uuid.UUID, since time.Time) (application.RegisterStats, error) {
	r, err := s.q.RegisterStats(ctx, ownershipdb.RegisterStatsParams{SongID: songID, Since: since})
	if err != nil {
		return application.RegisterStats{}, err
	}
	return application.RegisterStats{Holders: int(r.Holders), Volume24h: r.Volume, Shares24h: r.Shares, Trades24h: int(r.Trades)}, nil
}

// Watch implements application.Reader.
func (s *Store) Watch(ctx context.Context, songID, userID uuid.UUID, at time.Time) error {
	return s.q.Watch(ctx, ownershipdb.WatchParams{SongID: songID, UserID: userID, CreatedAt: at})
}

// Unwatch implements application.Reader.
func (s *Store) Unwatch(ctx context.Context, songID, userID uuid.UUID) error {
	return s.q.Unwatch(ctx, ownershipdb.UnwatchParams{SongID: songID, UserID: userID})
}
