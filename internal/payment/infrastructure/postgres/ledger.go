// Package postgres is the payment context's persistence: the ledger (accounts, journal,
// balances, holds), payments and refunds, on the payment schema.
package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/postgres/paymentdb"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// SQLSTATEs raised by payment.post_entry.
const (
	codeInsufficientFunds = "VS001"
	codeMissingBalance    = "VS002"
	codeNumericOverflow   = "22003"
)

// LedgerStore implements application.LedgerStore.
type LedgerStore struct {
	pool *pgxpool.Pool
	q    *paymentdb.Queries

	// accounts never change once opened: resolve each (owner, asset, kind) once per process
	mu       sync.RWMutex
	accounts map[accountKey]domain.Account

	retried atomic.Int64

	// bus, when set, receives payment.balance_changed.v1 for every user whose accounts a
	// posting touches, in the posting's transaction.
	bus events.Publisher

	// gc, when set, group-commits Post and CreateHold (WithGroupCommit).
	gc *committer
}

type accountKey struct {
	owner uuid.UUID
	asset money.Asset
	kind  string
}

var _ application.LedgerStore = (*LedgerStore)(nil)

// LedgerOption configures a LedgerStore.
type LedgerOption func(*LedgerStore)

// WithBalanceEvents writes payment.balance_changed.v1 to bus's outbox with every posting that
// touches a user's account.
func WithBalanceEvents(bus events.Publisher) LedgerOption {
	return func(s *LedgerStore) { s.bus = bus }
}

// NewLedgerStore builds the store on pool.
func NewLedgerStore(pool *pgxpool.Pool, opts ...LedgerOption) *LedgerStore {
	s := &LedgerStore{pool: pool, q: paymentdb.New(pool), accounts: map[accountKey]domain.Account{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Account resolves an account, from the cache when it was seen before.
func (s *LedgerStore) Account(ctx context.Context, owner uuid.UUID, asset money.Asset, kind string) (domain.Account, error) {
	k := accountKey{owner, asset, kind}
	s.mu.RLock()
	a, ok := s.accounts[k]
	s.mu.RUnlock()
	if ok {
		return a, nil
	}
	row, err := s.q.AccountByRef(ctx, paymentdb.AccountByRefParams{OwnerID: owner, Asset: string(asset), Kind: kind})
	if err != nil {
		if postgres.IsNoRows(err) {
			return domain.Account{}, contracts.ErrAccountNotFound.WithMessage("no " + kind + " " + string(asset) + " account for " + owner.String())
		}
		return domain.Account{}, err
	}
	a = domain.Account{ID: row.ID, Owner: row.OwnerID, Asset: money.Asset(row.Asset), Kind: row.Kind,
		AllowNegative: row.AllowNegative, Shards: int(row.Shards)}
	s.mu.Lock()
	s.accounts[k] = a
	s.mu.Unlock()
	return a, nil
}

// OpenAccounts opens kinds x assets for owner, idempotently.
func (s *LedgerStore) OpenAccounts(ctx context.Context, owner uuid.UUID, kinds []string) error {
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		for _, asset := range money.Assets() {
			for _, kind := range kinds {
				if err := q.OpenAccount(ctx, paymentdb.OpenAccountParams{ID: uuid.New(), OwnerID: owner, Asset: string(asset), Kind: kind}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Post applies e in one statement (its own transaction; with balance events, one transaction
// holding the posting and its events).
func (s *LedgerStore) Post(ctx context.Context, e *domain.Entry) (application.PostResult, error) {
	if s.gc != nil {
		return s.gc.submit(ctx, e, nil)
	}
	return s.postSingle(ctx, e)
}

// postSingle is Post without group commit.
func (s *LedgerStore) postSingle(ctx context.Context, e *domain.Entry) (application.PostResult, error) {
	for attempt := 0; ; attempt++ {
		var r application.PostResult
		var err error
		if s.bus == nil || !touchesUser(e) {
			r, err = postEntry(ctx, s.pool, e)
		} else {
			err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
				var err error
				r, err = s.PostTx(ctx, tx, e)
				return err
			})
		}
		if err != nil && postgres.IsRetryable(err) && attempt < 4 {
			s.retried.Add(1)
			continue
		}
		return r, err
	}
}

// Retried counts postings retried after a deadlock or serialization failure. The ordered
// locking of post_entry means it should stay zero; tests assert it.
func (s *LedgerStore) Retried() int64 { return s.retried.Load() }

// CreateHold posts the hold entry and stores the hold in one transaction.
func (s *LedgerStore) CreateHold(ctx context.Context, h *domain.Hold, e *domain.Entry) (application.PostResult, error) {
	if s.gc != nil {
		return s.gc.submit(ctx, e, h)
	}
	return s.createHoldSingle(ctx, h, e)
}

func (s *LedgerStore) createHoldSingle(ctx context.Context, h *domain.Hold, e *domain.Entry) (application.PostResult, error) {
	var out application.PostResult
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		r, err := s.CreateHoldTx(ctx, tx, h, e)
		out = r
		return err
	})
	return out, err
}

// CreateHoldTx posts the hold entry and stores the hold inside tx, so that a caller can make
// the hold part of a larger change (a withdrawal's transfer row).
func (s *LedgerStore) CreateHoldTx(ctx context.Context, tx pgx.Tx, h *domain.Hold, e *domain.Entry) (application.PostResult, error) {
	r, err := s.PostTx(ctx, tx, e)
	if err != nil || r.Replayed {
		return r, err
	}
	return r, s.q.WithTx(tx).InsertHold(ctx, holdParams(h))
}

// PostTx applies e inside tx and, for a new entry, writes the balance events of the users it
// touches in the same transaction.
func (s *LedgerStore) PostTx(ctx context.Context, tx pgx.Tx, e *domain.Entry) (application.PostResult, error) {
	r, err := postEntry(ctx, tx, e)
	if err != nil || r.Replayed || s.bus == nil {
		return r, err
	}
	return r, s.publishBalances(ctx, tx, e, r)
}

func touchesUser(e *domain.Entry) bool {
	for _, p := range e.Postings() {
		if isUserAccount(p.Account) {
			return true
		}
	}
	return false
}

// isUserAccount: a user's own account (not the platform's, nor a song's royalty pool).
func isUserAccount(a domain.Account) bool {
	if a.Owner == contracts.PlatformOwner {
		return false
	}
	for _, k := range contracts.UserKinds() {
		if string(k) == a.Kind {
			return true
		}
	}
	return false
}

// publishBalances writes one payment.balance_changed.v1 per (user, asset) the entry touches,
// with each touched account's change and its balance after the posting (read in tx).
func (s *LedgerStore) publishBalances(ctx context.Context, tx pgx.Tx, e *domain.Entry, r application.PostResult) error {
	envs, err := s.balanceEvents(ctx, e, r, s.q.WithTx(tx).AccountBalance)
	if err != nil {
		return err
	}
	return s.bus.Publish(ctx, tx, envs...)
}

// balanceEvents builds the payment.balance_changed.v1 events of entry e, reading each touched
// user account's balance after it through balanceOf.
func (s *LedgerStore) balanceEvents(ctx context.Context, e *domain.Entry, r application.PostResult,
	balanceOf func(context.Context, uuid.UUID) (int64, error)) ([]events.Envelope, error) {
	type key struct {
		owner uuid.UUID
		asset money.Asset
	}
	type touched struct {
		account domain.Account
		change  int64
	}
	var order []key
	byOwner := map[key][]touched{}
	for _, p := range e.Postings() {
		if !isUserAccount(p.Account) {
			continue
		}
		k := key{p.Account.Owner, p.Amount.Asset()}
		if _, ok := byOwner[k]; !ok {
			order = append(order, k)
		}
		list, merged := byOwner[k], false
		for i := range list {
			if list[i].account.ID == p.Account.ID {
				list[i].change += p.Amount.Units()
				merged = true
			}
		}
		if !merged {
			list = append(list, touched{account: p.Account, change: p.Amount.Units()})
		}
		byOwner[k] = list
	}
	envs := make([]events.Envelope, 0, len(order))
	for _, k := range order {
		ev := contracts.BalanceChanged{UserID: k.owner, Asset: string(k.asset), EntryID: r.EntryID, Reason: e.Reason(), At: r.CreatedAt}
		for _, t := range byOwner[k] {
			bal, err := balanceOf(ctx, t.account.ID)
			if err != nil {
				return nil, err
			}
			change, err := money.New(k.asset, t.change)
			if err != nil {
				return nil, err
			}
			balance, err := money.New(k.asset, bal)
			if err != nil {
				return nil, err
			}
			ev.Accounts = append(ev.Accounts, contracts.AccountBalance{Kind: contracts.AccountKind(t.account.Kind), Change: change.String(), Balance: balance.String()})
		}
		env, err := events.New(ctx, contracts.BalanceChangedV1, contracts.Source, ev, events.ForUsers(k.owner), events.At(r.CreatedAt))
		if err != nil {
			return nil, err
		}
		envs = append(envs, env)
	}
	return envs, nil
}

// UpdateHold locks the hold, replays a used key, or runs fn and stores its outcome.
func (s *LedgerStore) UpdateHold(ctx context.Context, holdID uuid.UUID, key string, digest []byte, fn func(h *domain.Hold) (*domain.Entry, error)) (application.PostResult, error) {
	var out application.PostResult
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		row, err := q.HoldForUpdate(ctx, holdID)
		if err != nil {
			if postgres.IsNoRows(err) {
				return contracts.ErrHoldNotFound
			}
			return err
		}
		// Checked after the hold's lock: a concurrent request with the same key has committed
		// by now, so its entry is visible.
		if prev, err := q.EntryByKey(ctx, key); err == nil {
			if prev.HoldID == nil || *prev.HoldID != holdID || !bytes.Equal(prev.Fingerprint, digest) {
				return contracts.ErrIdempotencyKeyReused
			}
			out = application.PostResult{EntryID: prev.ID, CreatedAt: prev.CreatedAt, Replayed: true, HoldID: holdID}
			return nil
		} else if !postgres.IsNoRows(err) {
			return err
		}
		h, err := holdFromRow(row)
		if err != nil {
			return err
		}
		e, err := fn(h)
		if err != nil {
			return err
		}
		r, err := s.PostTx(ctx, tx, e)
		if err != nil {
			return err
		}
		out = r
		if r.Replayed {
			return nil
		}
		return q.UpdateHold(ctx, paymentdb.UpdateHoldParams{ID: h.ID(), Settled: h.Settled().Units(), Released: h.Released().Units(),
			Status: string(h.Status()), UpdatedAt: h.UpdatedAt()})
	})
	return out, err
}

// Balance sums an account's shards.
func (s *LedgerStore) Balance(ctx context.Context, accountID uuid.UUID) (int64, error) {
	return s.q.AccountBalance(ctx, accountID)
}

func holdParams(h *domain.Hold) paymentdb.InsertHoldParams {
	return paymentdb.InsertHoldParams{ID: h.ID(), OwnerID: h.Owner(), Asset: string(h.Asset()), Amount: h.Amount().Units(),
		Settled: h.Settled().Units(), Released: h.Released().Units(), Status: string(h.Status()), Reason: h.Reason(),
		ExternalRef: nullable(h.ExternalRef()), CreatedAt: h.CreatedAt(), UpdatedAt: h.UpdatedAt()}
}

func holdFromRow(r paymentdb.PaymentHold) (*domain.Hold, error) {
	asset, err := money.ParseAsset(r.Asset)
	if err != nil {
		return nil, err
	}
	mk := func(u int64) money.Amount { return money.MustNew(asset, u) }
	return domain.RehydrateHold(r.ID, r.OwnerID, mk(r.Amount), mk(r.Settled), mk(r.Released), domain.HoldStatus(r.Status),
		r.Reason, deref(r.ExternalRef), r.CreatedAt, r.UpdatedAt), nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const postEntrySQL = `SELECT entry_id, entry_created_at, replayed, same_request FROM payment.post_entry(
	$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`

// postEntry writes an entry through payment.post_entry: one round trip. Postings to an account
// kept in several balance rows go to one row chosen at random, which is what keeps a hot system
// account from serialising every transaction that touches it.
func postEntry(ctx context.Context, db querier, e *domain.Entry) (application.PostResult, error) {
	args, err := entryArgs(e, pickShards(e.Postings()))
	if err != nil {
		return application.PostResult{}, err
	}
	var (
		r    application.PostResult
		same bool
	)
	err = db.QueryRow(ctx, postEntrySQL, args...).Scan(&r.EntryID, &r.CreatedAt, &r.Replayed, &same)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			switch pgErr.Code {
			case codeInsufficientFunds:
				return application.PostResult{}, contracts.ErrInsufficientFunds
			case codeMissingBalance:
				return application.PostResult{}, contracts.ErrAccountNotFound.Wrap(err)
			case codeNumericOverflow:
				return application.PostResult{}, money.ErrOverflow
			}
		}
		return application.PostResult{}, err
	}
	if r.Replayed && !same {
		return application.PostResult{}, contracts.ErrIdempotencyKeyReused
	}
	r.CreatedAt = r.CreatedAt.UTC()
	r.HoldID = e.HoldID()
	if r.Replayed && e.Kind() == domain.EntryHold {
		// the stored entry names the hold the first attempt created
		if err := db.QueryRow(ctx, `SELECT hold_id FROM payment.journal_entries WHERE id = $1`, r.EntryID).Scan(&r.HoldID); err != nil {
			return application.PostResult{}, err
		}
	}
	return r, nil
}

// pickShards chooses the balance row of each posting: one at random for an account kept in
// several rows, the only one otherwise.
func pickShards(ps []domain.Posting) []int16 {
	shards := make([]int16, len(ps))
	for i, p := range ps {
		if p.Account.Shards > 1 {
			shards[i] = int16(rand.IntN(p.Account.Shards)) //nolint:gosec // load spreading, not security
		}
	}
	return shards
}

// entryArgs are postEntrySQL's parameters for e with the given balance rows.
func entryArgs(e *domain.Entry, shards []int16) ([]any, error) {
	ps := e.Postings()
	accounts := make([]uuid.UUID, len(ps))
	assets := make([]string, len(ps))
	amounts := make([]int64, len(ps))
	for i, p := range ps {
		accounts[i], assets[i], amounts[i] = p.Account.ID, string(p.Amount.Asset()), p.Amount.Units()
	}
	meta := []byte("{}")
	if len(e.Metadata()) > 0 {
		var err error
		if meta, err = json.Marshal(e.Metadata()); err != nil {
			return nil, err
		}
	}
	var holdID *uuid.UUID
	if e.HoldID() != uuid.Nil {
		h := e.HoldID()
		holdID = &h
	}
	return []any{e.ID(), e.Key(), e.Fingerprint(), string(e.Kind()), e.Reason(), nullable(e.ExternalRef()),
		meta, holdID, e.CreatedAt(), accounts, shards, assets, amounts}, nil
}

// VerifyLedger runs Verify in one repeatable-read, read-only snapshot of the pool.
func VerifyLedger(ctx context.Context, pool *pgxpool.Pool) (VerifyReport, error) {
	var r VerifyReport
	err := postgres.InTxOpts(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		r, err = Verify(ctx, tx)
		return err
	})
	return r, err
}
