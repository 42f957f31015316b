package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/vibestream/vibestream/internal/ownership/domain"
	"github.com/vibestream/vibestream/internal/ownership/infrastructure/postgres/ownershipdb"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

// UnsettledTrades implements domain.Settlements.
func (s *Store) UnsettledTrades(ctx context.Context, before time.Time, limit int) ([]domain.Trade, error) {
	return toTrades(s.q.UnsettledTrades(ctx, ownershipdb.UnsettledTradesParams{Before: before, MaxTrades: limit32(limit)}))
}

// MarkTradeSettled implements domain.Settlements.
func (s *Store) MarkTradeSettled(ctx context.Context, id uuid.UUID, at time.Time) error {
	return s.q.MarkTradeSettled(ctx, ownershipdb.MarkTradeSettledParams{ID: id, SettledAt: &at})
}

// Unreleased implements domain.Settlements.
func (s *Store) Unreleased(ctx context.Context, before time.Time, limit int) ([]*domain.Order, error) {
	return toOrders(s.q.Unreleased(ctx, ownershipdb.UnreleasedParams{Before: before, MaxOrders: limit32(limit)}))
}

// MarkReleased implements domain.Settlements.
func (s *Store) MarkReleased(ctx context.Context, orderID uuid.UUID, _ time.Time) error {
	return s.q.MarkReleased(ctx, orderID)
}

// HasUnsettledTrades implements domain.Settlements.
func (s *Store) HasUnsettledTrades(ctx context.Context, buyOrderID uuid.UUID) (bool, error) {
	return s.q.HasUnsettledTrades(ctx, buyOrderID)
}

// PendingOrders implements domain.Settlements.
func (s *Store) PendingOrders(ctx context.Context, before time.Time, limit int) ([]*domain.Order, error) {
	return toOrders(s.q.PendingOrders(ctx, ownershipdb.PendingOrdersParams{Before: before, MaxOrders: limit32(limit)}))
}

// DeleteOrder implements domain.Settlements.
func (s *Store) DeleteOrder(ctx context.Context, id uuid.UUID) error {
	return s.q.DeletePendingOrder(ctx, id)
}

// AddPendingOrder implements domain.Settlements.
func (s *Store) AddPendingOrder(ctx context.Context, o *domain.Order) error {
	return insertOrder(ctx, s.q, o)
}

// PendingPurchases implements domain.Settlements.
func (s *Store) PendingPurchases(ctx context.Context, before time.Time, limit int) ([]domain.Purchase, error) {
	rows, err := s.q.PendingPurchases(ctx, ownershipdb.PendingPurchasesParams{Before: before, MaxPurchases: limit32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]domain.Purchase, 0, len(rows))
	for _, r := range rows {
		out = append(out, toPurchase(r))
	}
	return out, nil
}

// PendingClaims implements domain.Settlements.
func (s *Store) PendingClaims(ctx context.Context, before time.Time, limit int) ([]domain.Claim, error) {
	rows, err := s.q.PendingClaims(ctx, ownershipdb.PendingClaimsParams{Before: before, MaxClaims: limit32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]domain.Claim, 0, len(rows))
	for _, r := range rows {
		out = append(out, toClaim(r))
	}
	return out, nil
}

// MarkClaimed implements domain.Settlements: the claim completes and its event is written once.
func (s *Store) MarkClaimed(ctx context.Context, c domain.Claim, at time.Time) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		n, err := q.CompleteClaim(ctx, ownershipdb.CompleteClaimParams{ID: c.ID, CompletedAt: &at})
		if err != nil || n == 0 {
			return err
		}
		c.Completed = true
		return s.publish(ctx, q, tx, []any{domain.RoyaltiesClaimed{Claim: c, At: at}})
	})
}
