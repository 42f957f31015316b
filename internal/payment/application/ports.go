// Package application holds the payment context's use cases: the ledger commands other contexts
// call through contracts.Ledger, top-ups, webhooks, refunds, reconciliation and queries.
package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// PostResult is what the store answers for a posted (or replayed) entry.
type PostResult struct {
	EntryID   uuid.UUID
	CreatedAt time.Time
	Replayed  bool
	HoldID    uuid.UUID
}

// LedgerStore keeps accounts, entries, balances and holds. Every method is atomic.
type LedgerStore interface {
	// Account resolves an opened account or fails with contracts.ErrAccountNotFound.
	Account(ctx context.Context, owner uuid.UUID, asset money.Asset, kind string) (domain.Account, error)
	// OpenAccounts opens the given kinds for every asset; existing accounts are kept.
	OpenAccounts(ctx context.Context, owner uuid.UUID, kinds []string) error
	// Post applies an entry; a key already used replays (same request) or fails with
	// contracts.ErrIdempotencyKeyReused; a balance that would go negative fails with
	// contracts.ErrInsufficientFunds.
	Post(ctx context.Context, e *domain.Entry) (PostResult, error)
	// CreateHold posts e (wallet -> held) and stores h, atomically.
	CreateHold(ctx context.Context, h *domain.Hold, e *domain.Entry) (PostResult, error)
	// UpdateHold locks the hold; if key was already used it replays (same digest) or fails with
	// contracts.ErrIdempotencyKeyReused; otherwise it runs fn, stores the hold and posts the
	// entry fn returns (which must carry digest), atomically.
	UpdateHold(ctx context.Context, holdID uuid.UUID, key string, digest []byte, fn func(h *domain.Hold) (*domain.Entry, error)) (PostResult, error)
	// Balance sums an account's balance rows.
	Balance(ctx context.Context, accountID uuid.UUID) (int64, error)
}

// Clock and IDs are injected so tests can pin them.
type Clock func() time.Time

// NewID makes identifiers.
type NewID func() uuid.UUID
