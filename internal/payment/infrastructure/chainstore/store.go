// Package chainstore persists the chain adapters' durable state in the payment schema: transfers
// with every signed version of their transaction (stored before broadcast), deposits seen on
// chain, and the deposit scanners' checkpoints.
package chainstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore/chaindb"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// ErrNotFound is returned for an unknown transfer.
var ErrNotFound = errors.New("chainstore: transfer not found")

// Status values of a transfer.
const (
	StatusPending   = "pending"
	StatusSubmitted = "submitted"
	StatusConfirmed = "confirmed"
	StatusFailed    = "failed"
)

// Transfer is a durable on-chain transfer.
type Transfer struct {
	ID                   uuid.UUID
	Kind                 string // withdrawal | mint
	UserID               *uuid.UUID
	HoldID               *uuid.UUID
	UpdatedAt            time.Time
	Blockchain           string // ethereum | solana
	To                   string
	Amount               int64 // ledger minor units
	Status               string
	TxHash               string
	RawTx                []byte
	Nonce                *int64
	LastValidBlockHeight *int64
	SignedCount          int
	BlockNumber          *int64
	GasUsed              *int64
	Fee                  string
	FailureReason        string
	CreatedAt            time.Time
	SubmittedAt          *time.Time
	ConfirmedAt          *time.Time
}

// Signature is one signed version of a transfer's transaction.
type Signature struct {
	TxHash string
	RawTx  []byte
	Nonce  *int64
}

// Enqueue inserts the transfer's job in the transaction that creates it.
type Enqueue func(ctx context.Context, tx pgx.Tx, id uuid.UUID, blockchain string) error

// Store is the Postgres store.
type Store struct {
	pool    *pgxpool.Pool
	q       *chaindb.Queries
	bus     events.Publisher
	enqueue Enqueue
	ledger  *paymentpg.LedgerStore
}

// New builds a store on pool. bus (events to the transfer's user) and enqueue may be nil.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	s := &Store{pool: pool, q: chaindb.New(pool)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Option configures a Store.
type Option func(*Store)

// WithBus publishes status changes of user transfers.
func WithBus(b events.Publisher) Option { return func(s *Store) { s.bus = b } }

// WithLedger lets the store post ledger entries in its own transactions (a withdrawal's hold,
// a deposit's credit).
func WithLedger(l *paymentpg.LedgerStore) Option { return func(s *Store) { s.ledger = l } }

// WithEnqueue inserts a job with every new transfer.
func WithEnqueue(e Enqueue) Option { return func(s *Store) { s.enqueue = e } }

// Create records a new pending transfer (and its job); creating the same id twice is a no-op
// (false).
func (s *Store) Create(ctx context.Context, t Transfer) (bool, error) {
	var created bool
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		created, err = s.insert(ctx, tx, t)
		return err
	})
	return created, err
}

// CreateWithdrawal stores the withdrawal's ledger hold, the transfer and its job in one
// transaction: either all exist or none. A replay (the hold's key already used) stores the
// transfer with the hold the first attempt made, if it is missing.
func (s *Store) CreateWithdrawal(ctx context.Context, t Transfer, hold *domain.Hold, entry *domain.Entry) (bool, error) {
	if s.ledger == nil {
		return false, errors.New("chainstore: a withdrawal needs the ledger store (WithLedger)")
	}
	var created bool
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		r, err := s.ledger.CreateHoldTx(ctx, tx, hold, entry)
		if err != nil {
			return err
		}
		holdID := r.HoldID
		t.HoldID = &holdID
		created, err = s.insert(ctx, tx, t)
		return err
	})
	return created, err
}

func (s *Store) insert(ctx context.Context, tx pgx.Tx, t Transfer) (bool, error) {
	n, err := s.q.WithTx(tx).InsertTransfer(ctx, chaindb.InsertTransferParams{ID: t.ID, Kind: t.Kind, Blockchain: t.Blockchain,
		ToAddress: t.To, Amount: t.Amount, UserID: t.UserID, HoldID: t.HoldID})
	if err != nil || n != 1 {
		return false, err
	}
	if s.enqueue != nil {
		return true, s.enqueue(ctx, tx, t.ID, t.Blockchain)
	}
	return true, nil
}

// ListByUser lists a user's transfers, newest first, after the (createdAt, id) cursor.
func (s *Store) ListByUser(ctx context.Context, user uuid.UUID, beforeAt *time.Time, beforeID *uuid.UUID, limit int) ([]Transfer, error) {
	rows, err := s.q.ListUserTransfers(ctx, chaindb.ListUserTransfersParams{UserID: &user, BeforeAt: beforeAt, BeforeID: beforeID, MaxRows: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]Transfer, len(rows))
	for i, r := range rows {
		out[i] = fromRow(r)
	}
	return out, nil
}

// Get loads a transfer.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (Transfer, error) {
	r, err := s.q.GetTransfer(ctx, id)
	if postgres.IsNoRows(err) {
		return Transfer{}, ErrNotFound
	}
	if err != nil {
		return Transfer{}, err
	}
	return fromRow(r), nil
}

// RecordSigned stores a signed version before it is broadcast: it becomes the current one and
// joins the transfer's signature history, in one transaction.
func (s *Store) RecordSigned(ctx context.Context, id uuid.UUID, sig Signature, lastValidBlockHeight *int64) error {
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		hash := sig.TxHash
		if err := q.RecordSigned(ctx, chaindb.RecordSignedParams{ID: id, TxHash: &hash, RawTx: sig.RawTx, Nonce: sig.Nonce, LastValidBlockHeight: lastValidBlockHeight}); err != nil {
			return err
		}
		if err := q.InsertSignature(ctx, chaindb.InsertSignatureParams{TxHash: sig.TxHash, TransferID: id, RawTx: sig.RawTx, Nonce: sig.Nonce}); err != nil {
			return err
		}
		// The same signed transaction must never stand for two transfers (it would confirm both).
		owner, err := q.SignatureOwner(ctx, sig.TxHash)
		if err != nil {
			return err
		}
		if owner != id {
			return fmt.Errorf("%w: %s already belongs to transfer %s", ErrSignatureTaken, sig.TxHash, owner)
		}
		return nil
	})
}

// ErrSignatureTaken refuses to store a signed transaction that another transfer already has.
var ErrSignatureTaken = errors.New("chainstore: signed transaction belongs to another transfer")

// Signatures lists every signed version, oldest first.
func (s *Store) Signatures(ctx context.Context, id uuid.UUID) ([]Signature, error) {
	rows, err := s.q.ListSignatures(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]Signature, len(rows))
	for i, r := range rows {
		out[i] = Signature{TxHash: r.TxHash, RawTx: r.RawTx, Nonce: r.Nonce}
	}
	return out, nil
}

// GetTransfer loads the Transfer aggregate.
func (s *Store) GetTransfer(ctx context.Context, id uuid.UUID) (*domain.Transfer, error) {
	r, err := s.q.GetTransfer(ctx, id)
	if postgres.IsNoRows(err) {
		return nil, domain.ErrTransferNotFound
	}
	if err != nil {
		return nil, err
	}
	return toDomain(r)
}

// UpdateTransfer loads the transfer for update, runs fn and stores the result with its
// status changes, each published to the transfer's user (payment.chain_transaction_updated.v1)
// in the same transaction. An error from fn stores nothing.
func (s *Store) UpdateTransfer(ctx context.Context, id uuid.UUID, fn func(*domain.Transfer) error) error {
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		r, err := q.GetTransferForUpdate(ctx, id)
		if postgres.IsNoRows(err) {
			return domain.ErrTransferNotFound
		}
		if err != nil {
			return err
		}
		t, err := toDomain(r)
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		var block *int64
		if t.BlockNumber() != 0 {
			b := t.BlockNumber()
			block = &b
		}
		if _, err := tx.Exec(ctx, `UPDATE payment.chain_transfers SET status = $2,
			tx_hash = CASE WHEN $3 = '' THEN tx_hash ELSE $3 END, block_number = coalesce($4, block_number),
			failure_reason = nullif($5, ''), submitted_at = $6, confirmed_at = $7, updated_at = $8 WHERE id = $1`,
			t.ID(), string(t.Status()), t.TxHash(), block, t.FailureReason(), t.SubmittedAt(), t.ConfirmedAt(), t.UpdatedAt()); err != nil {
			return err
		}
		if s.bus == nil {
			return nil
		}
		for _, e := range t.PullEvents() {
			if e.UserID == uuid.Nil {
				continue
			}
			env, err := events.New(ctx, contracts.ChainTransactionUpdatedV1, contracts.Source, contracts.ChainTransactionUpdated{ID: e.ID,
				Blockchain: e.Blockchain, Status: string(e.Status), TxHash: e.TxHash, FailureReason: e.FailureReason},
				events.ForUsers(e.UserID), events.At(e.At))
			if err != nil {
				return err
			}
			if err := s.bus.Publish(ctx, tx, env); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecordCost stores what the landed transaction cost (gas used, fee in the native coin's
// smallest unit), before it is confirmed.
func (s *Store) RecordCost(ctx context.Context, id uuid.UUID, gasUsed *int64, fee string) error {
	_, err := s.pool.Exec(ctx, `UPDATE payment.chain_transfers SET gas_used = coalesce($2, gas_used), fee = coalesce(nullif($3, ''), fee) WHERE id = $1`,
		id, gasUsed, fee)
	return err
}

func toDomain(r chaindb.PaymentChainTransfer) (*domain.Transfer, error) {
	st, err := domain.ParseStatus(r.Status)
	if err != nil {
		return nil, err
	}
	amount, err := money.New(money.VIBE, r.Amount)
	if err != nil {
		return nil, err
	}
	s := domain.TransferState{ID: r.ID, Kind: domain.TransferKind(r.Kind), Blockchain: r.Blockchain, To: r.ToAddress, Amount: amount,
		Status: st, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt, ConfirmedAt: r.ConfirmedAt}
	if r.UserID != nil {
		s.UserID = *r.UserID
	}
	if r.HoldID != nil {
		s.HoldID = *r.HoldID
	}
	if r.TxHash != nil {
		s.TxHash = *r.TxHash
	}
	if r.BlockNumber != nil {
		s.BlockNumber = *r.BlockNumber
	}
	if r.FailureReason != nil {
		s.FailureReason = *r.FailureReason
	}
	return domain.RehydrateTransfer(s), nil
}

func fromRow(r chaindb.PaymentChainTransfer) Transfer {
	t := Transfer{ID: r.ID, Kind: r.Kind, UserID: r.UserID, HoldID: r.HoldID, UpdatedAt: r.UpdatedAt, Blockchain: r.Blockchain, To: r.ToAddress, Amount: r.Amount, Status: r.Status,
		RawTx: r.RawTx, Nonce: r.Nonce, LastValidBlockHeight: r.LastValidBlockHeight, SignedCount: int(r.SignedCount),
		BlockNumber: r.BlockNumber, GasUsed: r.GasUsed, CreatedAt: r.CreatedAt, SubmittedAt: r.SubmittedAt, ConfirmedAt: r.ConfirmedAt}
	if r.TxHash != nil {
		t.TxHash = *r.TxHash
	}
	if r.Fee != nil {
		t.Fee = *r.Fee
	}
	if r.FailureReason != nil {
		t.FailureReason = *r.FailureReason
	}
	return t
}

// Deposit is an incoming transfer seen on chain.
type Deposit struct {
	Blockchain  string
	TxHash      string
	LogIndex    int
	From        string
	ChainAmount string
	Amount      *int64
	BlockNumber int64
	Status      string // unmatched | credited | rejected
	UserID      *uuid.UUID
	Reason      string
}

// RecordDeposit stores a deposit once and, when it is credited, posts its credit and writes
// payment.deposit_credited.v1 in the same transaction; false when this on-chain transfer was
// already recorded (nothing is written then).
func (s *Store) RecordDeposit(ctx context.Context, d Deposit, credit *domain.Entry, event *contracts.DepositCredited) (bool, error) {
	if credit != nil && s.ledger == nil {
		return false, errors.New("chainstore: crediting a deposit needs the ledger store (WithLedger)")
	}
	var reason *string
	if d.Reason != "" {
		reason = &d.Reason
	}
	var inserted bool
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		n, err := s.q.WithTx(tx).InsertDeposit(ctx, chaindb.InsertDepositParams{Blockchain: d.Blockchain, TxHash: d.TxHash, LogIndex: int32(d.LogIndex),
			FromAddress: d.From, ChainAmount: d.ChainAmount, Amount: d.Amount, BlockNumber: d.BlockNumber, Status: d.Status, UserID: d.UserID, Reason: reason})
		if err != nil || n != 1 {
			return err
		}
		inserted = true
		if credit != nil {
			if _, err := s.ledger.PostTx(ctx, tx, credit); err != nil {
				return err
			}
		}
		if event == nil || s.bus == nil {
			return nil
		}
		env, err := events.New(ctx, contracts.DepositCreditedV1, contracts.Source, event, events.ForUsers(event.UserID))
		if err != nil {
			return err
		}
		return s.bus.Publish(ctx, tx, env)
	})
	return inserted, err
}

// UnmatchedDeposits lists deposits from unknown senders, for admins.
func (s *Store) UnmatchedDeposits(ctx context.Context, limit int) ([]Deposit, error) {
	rows, err := s.q.ListUnmatchedDeposits(ctx, int32(limit))
	if err != nil {
		return nil, err
	}
	out := make([]Deposit, len(rows))
	for i, r := range rows {
		out[i] = Deposit{Blockchain: r.Blockchain, TxHash: r.TxHash, LogIndex: int(r.LogIndex), From: r.FromAddress, ChainAmount: r.ChainAmount,
			Amount: r.Amount, BlockNumber: r.BlockNumber, Status: r.Status, UserID: r.UserID}
		if r.Reason != nil {
			out[i].Reason = *r.Reason
		}
	}
	return out, nil
}

// BlockCheckpoints adapts the store to the Ethereum deposit scanner.
type BlockCheckpoints struct{ S *Store }

// Load returns the last handled block.
func (c BlockCheckpoints) Load(ctx context.Context, name string) (uint64, bool, error) {
	b, err := c.S.q.LoadBlockCheckpoint(ctx, name)
	if postgres.IsNoRows(err) || (err == nil && b == nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return uint64(*b), true, nil
}

// Save stores the last handled block.
func (c BlockCheckpoints) Save(ctx context.Context, name string, block uint64) error {
	b := int64(block)
	return c.S.q.SaveBlockCheckpoint(ctx, chaindb.SaveBlockCheckpointParams{Name: name, Block: &b})
}

// SignatureCheckpoints adapts the store to the Solana deposit scanner.
type SignatureCheckpoints struct{ S *Store }

// Load returns the last handled signature.
func (c SignatureCheckpoints) Load(ctx context.Context, name string) (string, bool, error) {
	s, err := c.S.q.LoadSignatureCheckpoint(ctx, name)
	if postgres.IsNoRows(err) || (err == nil && s == nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return *s, true, nil
}

// Save stores the last handled signature.
func (c SignatureCheckpoints) Save(ctx context.Context, name, sig string) error {
	return c.S.q.SaveSignatureCheckpoint(ctx, chaindb.SaveSignatureCheckpointParams{Name: name, Signature: &sig})
}

// Open lists transfers not yet final (pending, submitted) whose last change is before
// before, oldest first: the candidates for resuming after a crash.
func (s *Store) Open(ctx context.Context, before time.Time, limit int) ([]uuid.UUID, error) {
	return s.ids(ctx, `SELECT id FROM payment.chain_transfers WHERE status IN ('pending', 'submitted') AND updated_at < $1
		ORDER BY updated_at LIMIT $2`, before, limit)
}

// ConfirmedSince lists transfers confirmed at or after since, oldest first: the ones to check
// against the chain after a restart (a local chain that lost recent blocks, a reorg).
func (s *Store) ConfirmedSince(ctx context.Context, since time.Time, limit int) ([]uuid.UUID, error) {
	return s.ids(ctx, `SELECT id FROM payment.chain_transfers WHERE status = 'confirmed' AND confirmed_at >= $1
		ORDER BY confirmed_at LIMIT $2`, since, limit)
}

func (s *Store) ids(ctx context.Context, sql string, args ...any) ([]uuid.UUID, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// UncreditedUnits is the VIBE (ledger units) that reached the hot wallets without being
// credited: deposits from unknown senders and amounts with no exact ledger value (their dust
// below one ledger unit is left out).
func (s *Store) UncreditedUnits(ctx context.Context) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(CASE WHEN blockchain = 'ethereum' THEN floor(chain_amount::numeric / 1000000000)
		ELSE chain_amount::numeric END), 0)::bigint FROM payment.chain_deposits WHERE status IN ('unmatched', 'rejected')`).Scan(&n)
	return n, err
}

// InFlight counts transfers not yet final.
func (s *Store) InFlight(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM payment.chain_transfers WHERE status IN ('pending', 'submitted')`).Scan(&n)
	return n, err
}

// Any reports whether any chain transfer or deposit was ever recorded.
func (s *Store) Any(ctx context.Context) (bool, error) {
	var any bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM payment.chain_transfers) OR EXISTS (SELECT 1 FROM payment.chain_deposits)`).Scan(&any)
	return any, err
}
