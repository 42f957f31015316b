package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/vibestream/vibestream/internal/ownership/application"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

var _ application.Reader = (*Store)(nil)

// Song implements application.Reader.
func (s *Store) Song(ctx context.Context, songID uuid.UUID) (*domain.Song, error) {
	var (
		artist                           uuid.UUID
		bps                              int
		acc, carry                       string
		entered, claimed, lastPrice, seq int64
		createdAt                        time.Time
	)
	err := s.pool.QueryRow(ctx, `SELECT artist_user_id, shareholder_bps, acc_per_share::text, acc_carry::text, royalty_entered,
		royalty_claimed, last_price, order_seq, created_at FROM ownership.songs WHERE song_id = $1`, songID).
		Scan(&artist, &bps, &acc, &carry, &entered, &claimed, &lastPrice, &seq, &createdAt)
	if pg.IsNoRows(err) {
		return nil, domain.ErrSongNotOffered
	}
	if err != nil {
		return nil, err
	}
	a, err := parseAcc(acc, carry, entered)
	if err != nil {
		return nil, err
	}
	return domain.RehydrateSong(songID, artist, bps, a, claimed, lastPrice, seq, createdAt), nil
}

// Offering implements application.Reader.
func (s *Store) Offering(ctx context.Context, id uuid.UUID) (*domain.Offering, error) {
	return scanOffering(s.pool.QueryRow(ctx, `SELECT `+offeringCols+` FROM ownership.offerings WHERE id = $1`, id))
}

// OfferingBySong implements application.Reader.
func (s *Store) OfferingBySong(ctx context.Context, songID uuid.UUID) (*domain.Offering, error) {
	return scanOffering(s.pool.QueryRow(ctx, `SELECT `+offeringCols+` FROM ownership.offerings WHERE song_id = $1`, songID))
}

// Order implements application.Reader.
func (s *Store) Order(ctx context.Context, id uuid.UUID) (*domain.Order, error) {
	return scanOrder(s.pool.QueryRow(ctx, `SELECT `+orderCols+` FROM ownership.orders WHERE id = $1`, id))
}

// OrdersOf implements application.Reader.
func (s *Store) OrdersOf(ctx context.Context, owner uuid.UUID, status domain.OrderStatus, before *application.OrderCursor, limit int) ([]*domain.Order, error) {
	var at *time.Time
	var id uuid.UUID
	if before != nil {
		at, id = &before.CreatedAt, before.ID
	}
	return scanOrders(s.pool.Query(ctx, `SELECT `+orderCols+` FROM ownership.orders WHERE owner_id = $1 AND status <> 'pending'
		AND ($2 = '' OR status = $2) AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
		ORDER BY created_at DESC, id DESC LIMIT $3`, owner, string(status), limit, at, id))
}

func scanTrade(r pgx.CollectableRow) (domain.Trade, error) {
	var t domain.Trade
	err := r.Scan(&t.ID, &t.SongID, &t.BuyOrderID, &t.SellOrderID, &t.BuyerID, &t.SellerID, &t.BuyHoldID, &t.Shares, &t.Price,
		&t.Gross, &t.Fee, &t.At)
	return t, err
}

const tradeCols = `id, song_id, buy_order_id, sell_order_id, buyer_id, seller_id, buy_hold_id, shares, price, gross, fee, created_at`

// TradesOf implements application.Reader.
func (s *Store) TradesOf(ctx context.Context, orderIDs []uuid.UUID) (map[uuid.UUID][]domain.Trade, error) {
	out := map[uuid.UUID][]domain.Trade{}
	if len(orderIDs) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+tradeCols+` FROM ownership.trades WHERE buy_order_id = ANY($1) OR sell_order_id = ANY($1)
		ORDER BY created_at, id`, orderIDs)
	if err != nil {
		return nil, err
	}
	ts, err := pgx.CollectRows(rows, scanTrade)
	if err != nil {
		return nil, err
	}
	want := map[uuid.UUID]bool{}
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
	order := "price"
	if side == domain.Buy {
		order = "price DESC"
	}
	rows, err := s.pool.Query(ctx, `SELECT price, sum(shares - filled)::bigint, count(*)::int FROM ownership.orders
		WHERE song_id = $1 AND side = $2 AND status IN ('open', 'partially_filled') GROUP BY price ORDER BY `+order+` LIMIT $3`,
		songID, side.String(), levels)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Level, error) {
		var l domain.Level
		err := r.Scan(&l.Price, &l.Shares, &l.Orders)
		return l, err
	})
}

// RecentTrades implements application.Reader.
func (s *Store) RecentTrades(ctx context.Context, songID uuid.UUID, limit int) ([]domain.Trade, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tradeCols+` FROM ownership.trades WHERE song_id = $1 ORDER BY created_at DESC, id LIMIT $2`, songID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanTrade)
}

// HoldingsOf implements application.Reader.
func (s *Store) HoldingsOf(ctx context.Context, userID uuid.UUID) ([]*domain.Holding, error) {
	rows, err := s.pool.Query(ctx, `SELECT song_id, shares, locked, cost_basis, checkpoint::text, owed::text, claimed FROM ownership.holdings
		WHERE user_id = $1 AND (shares > 0 OR owed > 0 OR claimed > 0) ORDER BY song_id`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*domain.Holding, error) {
		var (
			song                          uuid.UUID
			shares, locked, cost, claimed int64
			cp, owed                      string
		)
		if err := r.Scan(&song, &shares, &locked, &cost, &cp, &owed, &claimed); err != nil {
			return nil, err
		}
		c, err := domain.ParseU128(cp)
		if err != nil {
			return nil, err
		}
		o, err := domain.ParseU128(owed)
		if err != nil {
			return nil, err
		}
		return domain.RehydrateHolding(song, userID, shares, locked, cost, domain.Royalty{Checkpoint: c, Owed: o, Claimed: claimed}), nil
	})
}

// OpenOrders implements application.Reader.
func (s *Store) OpenOrders(ctx context.Context, userID uuid.UUID) (map[uuid.UUID]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT song_id, count(*)::int FROM ownership.orders WHERE owner_id = $1
		AND status IN ('open', 'partially_filled') GROUP BY song_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uuid.UUID]int{}
	for rows.Next() {
		var id uuid.UUID
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// Stats implements application.Reader.
func (s *Store) Stats(ctx context.Context, songID uuid.UUID, since time.Time) (application.RegisterStats, error) {
	var st application.RegisterStats
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM ownership.holdings WHERE song_id = $1 AND shares > 0)::int,
		COALESCE(sum(gross), 0)::bigint, COALESCE(sum(shares), 0)::bigint, count(*)::int
		FROM ownership.trades WHERE song_id = $1 AND created_at >= $2`, songID, since).Scan(&st.Holders, &st.Volume24h, &st.Shares24h, &st.Trades24h)
	return st, err
}

// Watch implements application.Reader.
func (s *Store) Watch(ctx context.Context, songID, userID uuid.UUID, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO ownership.watchers (song_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, songID, userID, at)
	return err
}

// Unwatch implements application.Reader.
func (s *Store) Unwatch(ctx context.Context, songID, userID uuid.UUID) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM ownership.watchers WHERE song_id = $1 AND user_id = $2`, songID, userID)
	return err
}
