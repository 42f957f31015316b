package domain

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Transfer errors.
var (
	ErrTransferNotFound     = errs.New(errs.NotFound, "chain.transaction_not_found", "the transaction does not exist")
	ErrAlreadyFinal         = errs.New(errs.Conflict, "chain.transfer_already_final", "the chain transfer is already confirmed or failed")
	ErrInvalidTransfer      = errs.New(errs.Invalid, "chain.invalid_transfer", "the chain transfer is not valid")
	ErrUnknownTransferState = errs.New(errs.Invalid, "chain.unknown_transfer_status", "unknown chain transfer status")
)

// TransferKind says what a chain transfer is for.
type TransferKind string

// Transfer kinds.
const (
	// KindWithdrawal pays a user's held VIBE out to a wallet.
	KindWithdrawal TransferKind = "withdrawal"
	// KindMint mints VIBE to the platform's hot wallet (treasury).
	KindMint TransferKind = "mint"
)

// TransferStatus is where a chain transfer is in its lifecycle:
// pending -> submitted -> confirmed | failed (pending may fail at once).
type TransferStatus string

// Transfer statuses.
const (
	TransferPending   TransferStatus = "pending"
	TransferSubmitted TransferStatus = "submitted"
	TransferConfirmed TransferStatus = "confirmed"
	TransferFailed    TransferStatus = "failed"
)

// ParseStatus parses a stored transfer status.
func ParseStatus(s string) (TransferStatus, error) {
	switch st := TransferStatus(s); st {
	case TransferPending, TransferSubmitted, TransferConfirmed, TransferFailed:
		return st, nil
	}
	return "", ErrUnknownTransferState.WithMessage("unknown chain transfer status " + s)
}

// IsFinal reports confirmed or failed.
func (s TransferStatus) IsFinal() bool { return s == TransferConfirmed || s == TransferFailed }

// Blockchains a transfer may use.
var Blockchains = []string{"ethereum", "solana"}

// MintDestination is the destination recorded for mints (the platform's hot wallet).
const MintDestination = "hot-wallet"

// Transfer is one on-chain movement of VIBE: a user's withdrawal (whose amount is held in the
// ledger until it is confirmed or failed) or a treasury mint.
type Transfer struct {
	id            uuid.UUID
	kind          TransferKind
	userID        uuid.UUID // uuid.Nil for mints
	holdID        uuid.UUID // uuid.Nil for mints
	blockchain    string
	to            string
	amount        money.Amount
	status        TransferStatus
	txHash        string
	blockNumber   int64
	failureReason string
	createdAt     time.Time
	updatedAt     time.Time
	submittedAt   *time.Time
	confirmedAt   *time.Time

	events []TransferChanged
}

// TransferChanged records a status change (PullEvents drains them).
type TransferChanged struct {
	ID            uuid.UUID
	UserID        uuid.UUID
	Blockchain    string
	Status        TransferStatus
	TxHash        string
	FailureReason string
	At            time.Time
}

func validChain(chain string) bool {
	for _, b := range Blockchains {
		if chain == b {
			return true
		}
	}
	return false
}

func newTransfer(id uuid.UUID, kind TransferKind, user, hold uuid.UUID, chain, to string, amount money.Amount, now time.Time) (*Transfer, error) {
	switch {
	case id == uuid.Nil:
		return nil, ErrInvalidTransfer.WithMessage("a transfer needs an id")
	case !validChain(chain):
		return nil, ErrInvalidTransfer.WithMessage("blockchain must be ethereum or solana")
	case amount.Asset() != money.VIBE || !amount.IsPositive():
		return nil, ErrInvalidTransfer.WithMessage("a transfer moves a positive amount of VIBE")
	case strings.TrimSpace(to) == "":
		return nil, ErrInvalidTransfer.WithMessage("a transfer needs a destination")
	}
	return &Transfer{id: id, kind: kind, userID: user, holdID: hold, blockchain: chain, to: to, amount: amount,
		status: TransferPending, createdAt: now, updatedAt: now}, nil
}

// NewWithdrawal is a user's withdrawal of amount (held by hold) to a wallet.
func NewWithdrawal(id, user, hold uuid.UUID, chain, to string, amount money.Amount, now time.Time) (*Transfer, error) {
	if user == uuid.Nil || hold == uuid.Nil {
		return nil, ErrInvalidTransfer.WithMessage("a withdrawal belongs to a user and holds their VIBE")
	}
	return newTransfer(id, KindWithdrawal, user, hold, chain, to, amount, now)
}

// NewMint is a treasury mint of amount to the platform's hot wallet.
func NewMint(id uuid.UUID, chain string, amount money.Amount, now time.Time) (*Transfer, error) {
	return newTransfer(id, KindMint, uuid.Nil, uuid.Nil, chain, MintDestination, amount, now)
}

// TransferState is a stored transfer, for RehydrateTransfer.
type TransferState struct {
	ID            uuid.UUID
	Kind          TransferKind
	UserID        uuid.UUID
	HoldID        uuid.UUID
	Blockchain    string
	To            string
	Amount        money.Amount
	Status        TransferStatus
	TxHash        string
	BlockNumber   int64
	FailureReason string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	SubmittedAt   *time.Time
	ConfirmedAt   *time.Time
}

// RehydrateTransfer rebuilds a stored transfer (repositories only).
func RehydrateTransfer(s TransferState) *Transfer {
	return &Transfer{id: s.ID, kind: s.Kind, userID: s.UserID, holdID: s.HoldID, blockchain: s.Blockchain, to: s.To, amount: s.Amount,
		status: s.Status, txHash: s.TxHash, blockNumber: s.BlockNumber, failureReason: s.FailureReason, createdAt: s.CreatedAt,
		updatedAt: s.UpdatedAt, submittedAt: s.SubmittedAt, confirmedAt: s.ConfirmedAt}
}

func (t *Transfer) ID() uuid.UUID           { return t.id }
func (t *Transfer) Kind() TransferKind      { return t.kind }
func (t *Transfer) UserID() uuid.UUID       { return t.userID }
func (t *Transfer) HoldID() uuid.UUID       { return t.holdID }
func (t *Transfer) Blockchain() string      { return t.blockchain }
func (t *Transfer) To() string              { return t.to }
func (t *Transfer) Amount() money.Amount    { return t.amount }
func (t *Transfer) Status() TransferStatus  { return t.status }
func (t *Transfer) TxHash() string          { return t.txHash }
func (t *Transfer) BlockNumber() int64      { return t.blockNumber }
func (t *Transfer) FailureReason() string   { return t.failureReason }
func (t *Transfer) CreatedAt() time.Time    { return t.createdAt }
func (t *Transfer) UpdatedAt() time.Time    { return t.updatedAt }
func (t *Transfer) SubmittedAt() *time.Time { return t.submittedAt }
func (t *Transfer) ConfirmedAt() *time.Time { return t.confirmedAt }

// MarkSubmitted records that the transfer's signed transaction (its TxHash, stored before the
// broadcast) was broadcast. Already submitted (a replacement was broadcast): nothing changes.
// Final: ErrAlreadyFinal.
func (t *Transfer) MarkSubmitted(now time.Time) error {
	switch t.status {
	case TransferConfirmed, TransferFailed:
		return ErrAlreadyFinal
	case TransferSubmitted:
		return nil
	}
	t.status, t.updatedAt, t.submittedAt = TransferSubmitted, now, &now
	t.record(now)
	return nil
}

// Confirm records the transaction that landed. A second call returns ErrAlreadyFinal.
func (t *Transfer) Confirm(txHash string, block int64, now time.Time) error {
	if t.status.IsFinal() {
		return ErrAlreadyFinal
	}
	if txHash == "" {
		return ErrInvalidTransfer.WithMessage("a confirmation names its transaction")
	}
	t.status, t.txHash, t.blockNumber, t.updatedAt, t.confirmedAt = TransferConfirmed, txHash, block, now, &now
	t.record(now)
	return nil
}

// Fail records a definitive failure. A final transfer returns ErrAlreadyFinal.
func (t *Transfer) Fail(reason string, now time.Time) error {
	if t.status.IsFinal() {
		return ErrAlreadyFinal
	}
	if strings.TrimSpace(reason) == "" {
		reason = "failed"
	}
	t.status, t.failureReason, t.updatedAt = TransferFailed, reason, now
	t.record(now)
	return nil
}

func (t *Transfer) record(now time.Time) {
	t.events = append(t.events, TransferChanged{ID: t.id, UserID: t.userID, Blockchain: t.blockchain, Status: t.status,
		TxHash: t.txHash, FailureReason: t.failureReason, At: now})
}

// PullEvents drains the recorded status changes.
func (t *Transfer) PullEvents() []TransferChanged {
	out := t.events
	t.events = nil
	return out
}
