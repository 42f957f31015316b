package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// BalanceRow is one account's balance.
type BalanceRow struct {
	Asset money.Asset
	Kind  string
	Units int64
}

// LedgerLine is one posting on one of a user's accounts, with its entry.
type LedgerLine struct {
	PostingID   int64
	EntryID     uuid.UUID
	EntryKind   string
	Reason      string
	ExternalRef string
	AccountKind string
	Amount      money.Amount
	CreatedAt   time.Time
}

// LedgerReader answers the read side of balances and history.
type LedgerReader interface {
	UserBalances(ctx context.Context, owner uuid.UUID) ([]BalanceRow, error)
	// UserLedger lists postings newest first, strictly before beforeID when it is > 0.
	UserLedger(ctx context.Context, owner uuid.UUID, asset money.Asset, beforeID int64, limit int) ([]LedgerLine, error)
}

// Balance is a user's position in one asset.
type Balance struct {
	Asset     money.Asset
	Available money.Amount
	Held      money.Amount
	Earnings  money.Amount
}

// Queries are the payment context's reads.
type Queries struct {
	reader   LedgerReader
	payments PaymentRepository
}

// NewQueries builds the reads.
func NewQueries(reader LedgerReader, payments PaymentRepository) (*Queries, error) {
	if reader == nil || payments == nil {
		return nil, errors.New("payment: query dependencies are required")
	}
	return &Queries{reader: reader, payments: payments}, nil
}

// Balances lists available, held and earnings per asset (every asset, zero when unopened).
func (q *Queries) Balances(ctx context.Context, owner uuid.UUID) ([]Balance, error) {
	rows, err := q.reader.UserBalances(ctx, owner)
	if err != nil {
		return nil, err
	}
	out := make([]Balance, 0, len(money.Assets()))
	for _, a := range money.Assets() {
		b := Balance{Asset: a, Available: money.Zero(a), Held: money.Zero(a), Earnings: money.Zero(a)}
		for _, r := range rows {
			if r.Asset != a {
				continue
			}
			v := money.MustNew(a, r.Units)
			switch contracts.AccountKind(r.Kind) {
			case contracts.KindWallet:
				b.Available = v
			case contracts.KindHeld:
				b.Held = v
			case contracts.KindEarnings:
				b.Earnings = v
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// History lists a user's postings in one asset, newest first.
func (q *Queries) History(ctx context.Context, owner uuid.UUID, asset money.Asset, beforeID int64, limit int) ([]LedgerLine, error) {
	return q.reader.UserLedger(ctx, owner, asset, beforeID, limit)
}

// Payment returns a payment its owner or an administrator may see; others get not found.
func (q *Queries) Payment(ctx context.Context, id, viewer uuid.UUID, admin bool) (*domain.Payment, []Refund, error) {
	p, err := q.payments.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if p.UserID() != viewer && !admin {
		return nil, nil, domain.ErrPaymentNotFound
	}
	refunds, err := q.payments.Refunds(ctx, id)
	return p, refunds, err
}
