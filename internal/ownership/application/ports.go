// Package application holds the ownership context's use cases, one per file, and the ports
// it needs from outside: the payment ledger, the music catalog and a read model.
package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// Ledger is the part of the payment ledger ownership moves money with.
type Ledger interface {
	Transfer(ctx context.Context, req paycontracts.TransferRequest) (paycontracts.Receipt, error)
	Hold(ctx context.Context, req paycontracts.HoldRequest) (paycontracts.HoldReceipt, error)
	Settle(ctx context.Context, req paycontracts.SettleRequest) (paycontracts.Receipt, error)
	Release(ctx context.Context, req paycontracts.ReleaseRequest) (paycontracts.Receipt, error)
}

// Catalog tells who made a song and what it is called.
type Catalog interface {
	Song(ctx context.Context, id uuid.UUID) (musiccontracts.SongSummary, error)
}

// RegisterStats are a song register's aggregates.
type RegisterStats struct {
	Holders   int
	Volume24h int64 // micro-dollars traded
	Shares24h int64
	Trades24h int
}

// OrderCursor is a position in a user's order list (newest first).
type OrderCursor struct {
	CreatedAt time.Time `json:"t"`
	ID        uuid.UUID `json:"id"`
}

// Reader is the read side (no locks).
type Reader interface {
	Song(ctx context.Context, songID uuid.UUID) (*domain.Song, error)
	Offering(ctx context.Context, id uuid.UUID) (*domain.Offering, error)
	OfferingBySong(ctx context.Context, songID uuid.UUID) (*domain.Offering, error)
	// Offerings lists the newest offerings (every status), newest first.
	Offerings(ctx context.Context, limit int) ([]*domain.Offering, error)
	Order(ctx context.Context, id uuid.UUID) (*domain.Order, error)
	// OrdersOf lists a user's orders, newest first, after the position before (nil: from the
	// newest); an empty status lists every visible one.
	OrdersOf(ctx context.Context, owner uuid.UUID, status domain.OrderStatus, before *OrderCursor, limit int) ([]*domain.Order, error)
	TradesOf(ctx context.Context, orderIDs []uuid.UUID) (map[uuid.UUID][]domain.Trade, error)
	Depth(ctx context.Context, songID uuid.UUID, side domain.Side, levels int) ([]domain.Level, error)
	RecentTrades(ctx context.Context, songID uuid.UUID, limit int) ([]domain.Trade, error)
	HoldingsOf(ctx context.Context, userID uuid.UUID) ([]*domain.Holding, error)
	OpenOrders(ctx context.Context, userID uuid.UUID) (map[uuid.UUID]int, error)
	Stats(ctx context.Context, songID uuid.UUID, since time.Time) (RegisterStats, error)
	Watch(ctx context.Context, songID, userID uuid.UUID, at time.Time) error
	Unwatch(ctx context.Context, songID, userID uuid.UUID) error
}

// Metrics counts what the market does.
type Metrics interface {
	OrderPlaced(side string)
	Trade(shares, gross int64)
	RoyaltyAccrued(amount int64)
	RoyaltyClaimed(amount int64)
}

type noMetrics struct{}

func (noMetrics) OrderPlaced(string)   {}
func (noMetrics) Trade(int64, int64)   {}
func (noMetrics) RoyaltyAccrued(int64) {}
func (noMetrics) RoyaltyClaimed(int64) {}

// Clock tells the time; NewID makes ids. Tests pass fixed ones.
type (
	Clock func() time.Time
	NewID func() uuid.UUID
)

// Config holds the market's terms.
type Config struct {
	// FeeBPS is the platform fee on ownership trades (default 100 = 1%).
	FeeBPS int
}

var errNilDependency = errors.New("ownership application: a required dependency is nil")

func usd(units int64) money.Amount { return money.MustNew(money.USD, units) }

// ParsePrice reads a USD price per share (at most 6 decimals, above zero).
func ParsePrice(s string) (int64, error) {
	a, err := money.Parse(money.USD, s)
	if err != nil || !a.IsPositive() {
		return 0, domain.ErrInvalidPrice
	}
	return a.Units(), nil
}

// isRefusal reports a ledger error that will not go away by retrying (insufficient funds, a
// missing account...), as opposed to a transient failure.
func isRefusal(err error) bool {
	e, ok := errs.As(err)
	return ok && e.Kind() != errs.Internal && e.Kind() != errs.Unavailable
}

func credits(to ...paycontracts.Credit) []paycontracts.Credit {
	out := to[:0]
	for _, c := range to {
		if c.Amount.IsPositive() {
			out = append(out, c)
		}
	}
	return out
}
