package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/vibestream/vibestream/internal/ownership/domain"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

// UnsettledTrades implements domain.Settlements.
func (s *Store) UnsettledTrades(ctx context.Context, before time.Time, limit int) ([]domain.Trade, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, song_id, buy_order_id, sell_order_id, buyer_id, seller_id, buy_hold_id, shares, price,
		gross, fee, created_at FROM ownership.trades WHERE settled_at IS NULL AND created_at < $1 ORDER BY created_at, id LIMIT $2`, before, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Trade, error) {
		var t domain.Trade
		err := r.Scan(&t.ID, &t.SongID, &t.BuyOrderID, &t.SellOrderID, &t.BuyerID, &t.SellerID, &t.BuyHoldID, &t.Shares, &t.Price,
			&t.Gross, &t.Fee, &t.At)
		return t, err
	})
}

// MarkTradeSettled implements domain.Settlements.
func (s *Store) MarkTradeSettled(ctx context.Context, id uuid.UUID, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE ownership.trades SET settled_at = $2 WHERE id = $1 AND settled_at IS NULL`, id, at)
	return err
}

// Unreleased implements domain.Settlements.
func (s *Store) Unreleased(ctx context.Context, before time.Time, limit int) ([]*domain.Order, error) {
	return scanOrders(s.pool.Query(ctx, `SELECT `+orderCols+` FROM ownership.orders o WHERE side = 'buy'
		AND status IN ('filled', 'cancelled') AND NOT released AND hold_id IS NOT NULL AND updated_at < $1
		AND NOT EXISTS (SELECT 1 FROM ownership.trades t WHERE t.buy_order_id = o.id AND t.settled_at IS NULL)
		ORDER BY updated_at LIMIT $2`, before, limit))
}

// MarkReleased implements domain.Settlements.
func (s *Store) MarkReleased(ctx context.Context, orderID uuid.UUID, _ time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE ownership.orders SET released = true WHERE id = $1`, orderID)
	return err
}

// PendingOrders implements domain.Settlements.
func (s *Store) PendingOrders(ctx context.Context, before time.Time, limit int) ([]*domain.Order, error) {
	return scanOrders(s.pool.Query(ctx, `SELECT `+orderCols+` FROM ownership.orders WHERE status = 'pending' AND created_at < $1
		ORDER BY created_at LIMIT $2`, before, limit))
}

// DeleteOrder implements domain.Settlements.
func (s *Store) DeleteOrder(ctx context.Context, id uuid.UUID) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM ownership.orders WHERE id = $1 AND status = 'pending'`, id)
	return err
}

// AddPendingOrder implements domain.Settlements.
func (s *Store) AddPendingOrder(ctx context.Context, o *domain.Order) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error { return insertOrder(ctx, tx, o) })
}

// PendingPurchases implements domain.Settlements.
func (s *Store) PendingPurchases(ctx context.Context, before time.Time, limit int) ([]domain.Purchase, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+purchaseCols+` FROM ownership.purchases WHERE status = 'pending' AND created_at < $1
		ORDER BY created_at LIMIT $2`, before, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Purchase, error) { return scanPurchase(r) })
}

// PendingClaims implements domain.Settlements.
func (s *Store) PendingClaims(ctx context.Context, before time.Time, limit int) ([]domain.Claim, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, user_id, song_id, amount, created_at FROM ownership.claims
		WHERE completed_at IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2`, before, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Claim, error) {
		var c domain.Claim
		err := r.Scan(&c.ID, &c.UserID, &c.SongID, &c.Amount, &c.CreatedAt)
		return c, err
	})
}

// MarkClaimed implements domain.Settlements: the claim completes and its event is written once.
func (s *Store) MarkClaimed(ctx context.Context, c domain.Claim, at time.Time) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE ownership.claims SET completed_at = $2 WHERE id = $1 AND completed_at IS NULL`, c.ID, at)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		c.Completed = true
		return s.publish(ctx, tx, []any{domain.RoyaltiesClaimed{Claim: c, At: at}})
	})
}

// HasUnsettledTrades implements domain.Settlements.
func (s *Store) HasUnsettledTrades(ctx context.Context, buyOrderID uuid.UUID) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ownership.trades WHERE buy_order_id = $1 AND settled_at IS NULL)`, buyOrderID).Scan(&ok)
	return ok, err
}
