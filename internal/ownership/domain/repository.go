package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// PurchaseStatus is a primary purchase's lifecycle.
type PurchaseStatus string

// Purchase statuses: pending (shares reserved, payment under way), completed, failed.
const (
	PurchasePending   PurchaseStatus = "pending"
	PurchaseCompleted PurchaseStatus = "completed"
	PurchaseFailed    PurchaseStatus = "failed"
)

// Purchase is a buyer's purchase from an offering: reserved first, paid through the ledger
// (idempotent on its id), then completed, so a crash in between is finished by the sweeper.
type Purchase struct {
	ID, OfferingID, SongID uuid.UUID
	BuyerID, ArtistUserID  uuid.UUID
	Shares, Price          int64
	Gross, Fee             int64
	Status                 PurchaseStatus
	CreatedAt, UpdatedAt   time.Time
}

// Claim is royalties taken out of one song's holding, paid from its pool by the ledger.
type Claim struct {
	ID, UserID, SongID uuid.UUID
	Amount             int64
	Completed          bool
	CreatedAt          time.Time
}

// Market is one song's register, book and holdings inside a transaction that holds the song's
// lock: everything it loads and saves commits together with the recorded events.
type Market interface {
	Song() *Song
	// Offering is the song's offering, locked with it.
	Offering(ctx context.Context) (*Offering, error)
	SaveOffering(ctx context.Context, o *Offering) error
	// Holding loads a user's holding for update (a new empty one when absent).
	Holding(ctx context.Context, userID uuid.UUID) (*Holding, error)
	SaveHolding(ctx context.Context, h *Holding) error
	// Crossing lists up to n resting orders of side whose price crosses limit, in priority
	// order (best price, then oldest).
	Crossing(ctx context.Context, side Side, limit int64, n int) ([]*Order, error)
	Order(ctx context.Context, id uuid.UUID) (*Order, error)
	AddOrder(ctx context.Context, o *Order) error
	SaveOrder(ctx context.Context, o *Order) error
	AddTrade(ctx context.Context, t Trade) error
	// Committed shares of a user not yet in the holding: pending purchases and the remainder
	// of open buy orders (for the cap per holder).
	Committed(ctx context.Context, userID uuid.UUID) (int64, error)
	AddPurchase(ctx context.Context, p Purchase) error
	Purchase(ctx context.Context, id uuid.UUID) (Purchase, error)
	SavePurchase(ctx context.Context, p Purchase) error
	// AccrueOnce records a stream by its session id; false when it was already accrued.
	AccrueOnce(ctx context.Context, sessionID uuid.UUID, amount int64, at time.Time) (bool, error)
	AddClaim(ctx context.Context, c Claim) error
	// Record queues domain events written to the outbox on commit.
	Record(events ...any)
}

// Markets opens songs' markets.
type Markets interface {
	// Open stores a new offering with the song's register and the artist's holding of every
	// share (those for sale locked). ErrOfferingExists when the song has one.
	Open(ctx context.Context, o *Offering, s *Song, artist *Holding) error
	// With locks the song's register, runs fn and saves the register and the events in the
	// same transaction; ErrSongNotOffered when the song has no offering.
	With(ctx context.Context, songID uuid.UUID, fn func(ctx context.Context, m Market) error) error
	// WithEach is With for a batch of independent commands of one song in one transaction:
	// each fn that fails is undone alone (its error at its index), the others commit together.
	// err is for the whole batch (the lock, the commit), when nothing committed.
	WithEach(ctx context.Context, songID uuid.UUID, fns []func(ctx context.Context, m Market) error) (failed []error, err error)
}

// Settlements is the durable to-do list of money the ledger still has to move.
type Settlements interface {
	// UnsettledTrades lists trades whose cash has not settled, created before before, oldest
	// first.
	UnsettledTrades(ctx context.Context, before time.Time, limit int) ([]Trade, error)
	MarkTradeSettled(ctx context.Context, id uuid.UUID, at time.Time) error
	// Unreleased lists final buy orders whose hold was not released and whose trades have all
	// settled.
	Unreleased(ctx context.Context, before time.Time, limit int) ([]*Order, error)
	MarkReleased(ctx context.Context, orderID uuid.UUID, at time.Time) error
	// Order reads an order (after commit, without a lock).
	Order(ctx context.Context, id uuid.UUID) (*Order, error)
	// HasUnsettledTrades reports trades of a buy order whose cash has not settled yet.
	HasUnsettledTrades(ctx context.Context, buyOrderID uuid.UUID) (bool, error)
	// PendingOrders lists buy orders still waiting for their hold.
	PendingOrders(ctx context.Context, before time.Time, limit int) ([]*Order, error)
	// DeleteOrder removes a pending order whose hold was refused (nothing else refers to it).
	DeleteOrder(ctx context.Context, id uuid.UUID) error
	PendingPurchases(ctx context.Context, before time.Time, limit int) ([]Purchase, error)
	PendingClaims(ctx context.Context, before time.Time, limit int) ([]Claim, error)
	MarkClaimed(ctx context.Context, c Claim, at time.Time) error
	// AddPendingOrder stores a buy order before its hold is taken.
	AddPendingOrder(ctx context.Context, o *Order) error
}

// Domain events of purchases and claims.
type (
	// SharesPurchased is recorded when a purchase completes.
	SharesPurchased struct{ Purchase Purchase }
	// RoyaltiesClaimed is recorded when a claim is paid.
	RoyaltiesClaimed struct {
		Claim Claim
		At    time.Time
	}
)
