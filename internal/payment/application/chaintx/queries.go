package chaintx

import (
	"context"

	"github.com/google/uuid"
)

// Queries read transactions and quotes.
type Queries struct {
	chains Chains
	store  Store
}

// NewQueries refuses nil dependencies.
func NewQueries(c Chains, s Store) *Queries {
	if c == nil || s == nil {
		panic("chaintx: nil dependency")
	}
	return &Queries{chains: c, store: s}
}

// Get returns a transaction its owner (or an admin) may see; others get not found.
func (q *Queries) Get(ctx context.Context, id, viewer uuid.UUID, admin bool) (Transaction, error) {
	t, err := q.store.Get(ctx, id)
	if err != nil {
		return Transaction{}, err
	}
	if !admin && (t.UserID == nil || *t.UserID != viewer) {
		return Transaction{}, ErrNotFound
	}
	return t, nil
}

// List returns a user's transactions, newest first.
func (q *Queries) List(ctx context.Context, user uuid.UUID, after *Cursor, limit int) ([]Transaction, *Cursor, error) {
	items, err := q.store.ListByUser(ctx, user, after, limit+1)
	if err != nil {
		return nil, nil, err
	}
	var next *Cursor
	if len(items) > limit {
		items = items[:limit]
		last := items[len(items)-1]
		next = &Cursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	return items, next, nil
}

// Estimate quotes a withdrawal's network fee (paid by the platform).
func (q *Queries) Estimate(ctx context.Context, blockchain, to, amount string) (Fee, error) {
	chain, err := parseBlockchain(blockchain)
	if err != nil {
		return Fee{}, err
	}
	a, err := parseVIBE(amount)
	if err != nil {
		return Fee{}, err
	}
	if !q.chains.Enabled(chain) {
		return Fee{}, ErrChainUnavailable
	}
	if to != "" {
		if _, err := q.chains.NormalizeAddress(chain, to); err != nil {
			return Fee{}, ErrInvalidAddress.WithMessage(err.Error())
		}
	}
	return q.chains.EstimateFee(ctx, chain, to, a.Units())
}
