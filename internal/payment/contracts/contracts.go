// Package contracts is the payment context's public face: the ledger other contexts move value
// through (transfer, hold, settle, release), its account references and its errors.
package contracts

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Source names the payment context in event envelopes.
const Source = "payment"

// Integration events published by the payment context.
const (
	// TopUpSucceededV1 is published when a Stripe top-up is credited (payload TopUpSucceeded).
	TopUpSucceededV1 = "payment.top_up_succeeded.v1"
	// BalanceChangedV1 is published to a user whenever a journal entry touches one of their
	// accounts, in the entry's transaction (payload BalanceChanged): one per user and asset.
	BalanceChangedV1 = "payment.balance_changed.v1"
)

// BalanceChanged is the payload of payment.balance_changed.v1. Amounts are decimal strings;
// Change is signed.
type BalanceChanged struct {
	UserID   uuid.UUID        `json:"user_id"`
	Asset    string           `json:"asset"`
	EntryID  uuid.UUID        `json:"entry_id"`
	Reason   string           `json:"reason"`
	Accounts []AccountBalance `json:"accounts"`
	At       time.Time        `json:"at"`
}

// Chain events. Each is written to the outbox in the transaction of the change it reports and
// is pushed to the user it concerns over the WebSocket.
const (
	// ChainTransactionUpdatedV1 is published on every status change of a user's chain
	// transfer (payload ChainTransactionUpdated).
	ChainTransactionUpdatedV1 = "payment.chain_transaction_updated.v1"
	// DepositCreditedV1 is published when VIBE sent on chain from a user's linked wallet is
	// credited to their balance (payload DepositCredited).
	DepositCreditedV1 = "payment.deposit_credited.v1"
)

// ChainTransactionUpdated is the payload of payment.chain_transaction_updated.v1.
type ChainTransactionUpdated struct {
	ID            uuid.UUID `json:"id"`
	Blockchain    string    `json:"blockchain"`
	Status        string    `json:"status"`
	TxHash        string    `json:"tx_hash,omitempty"`
	FailureReason string    `json:"failure_reason,omitempty"`
}

// DepositCredited is the payload of payment.deposit_credited.v1. Amount is a decimal VIBE
// string; EntryID is the journal entry that credited it.
type DepositCredited struct {
	UserID     uuid.UUID `json:"user_id"`
	Blockchain string    `json:"blockchain"`
	TxHash     string    `json:"tx_hash"`
	LogIndex   int       `json:"log_index"`
	From       string    `json:"from"`
	Amount     string    `json:"amount"`
	EntryID    uuid.UUID `json:"entry_id"`
}

// AccountBalance is one account's change and its balance after the entry.
type AccountBalance struct {
	Kind    AccountKind `json:"kind"`
	Change  string      `json:"change"`
	Balance string      `json:"balance"`
}

// TopUpSucceeded is the payload of payment.top_up_succeeded.v1. Amount is a decimal string.
type TopUpSucceeded struct {
	PaymentID uuid.UUID `json:"payment_id"`
	UserID    uuid.UUID `json:"user_id"`
	Asset     string    `json:"asset"`
	Amount    string    `json:"amount"`
	At        time.Time `json:"at"`
}

// AccountKind says what an account is for.
type AccountKind string

// Account kinds. User kinds are opened per user and asset and never go below zero; system kinds
// belong to PlatformOwner and may (the treasury mints, Stripe clearing is owed to us).
const (
	// KindWallet is a user's available balance.
	KindWallet AccountKind = "user_wallet"
	// KindHeld is a user's balance reserved by holds.
	KindHeld AccountKind = "user_held"
	// KindEarnings is an artist's (or shareholder's) earnings.
	KindEarnings AccountKind = "user_earnings"

	KindPlatformFees   AccountKind = "platform_fees"
	KindRewardPool     AccountKind = "reward_pool"
	KindStripeClearing AccountKind = "stripe_clearing"
	KindChainHotWallet AccountKind = "chain_hot_wallet"
	KindTreasury       AccountKind = "treasury"
	// KindPromotions (USD) funds promotional credit, admin USD grants: a marketing expense that
	// may go negative (its balance is what promotions have cost).
	KindPromotions AccountKind = "promotions"
)

// UserKinds are the accounts opened for every user, per asset.
func UserKinds() []AccountKind { return []AccountKind{KindWallet, KindHeld, KindEarnings, KindRewards} }

// IsSystem reports a platform account kind.
func (k AccountKind) IsSystem() bool {
	switch k {
	case KindPlatformFees, KindRewardPool, KindStripeClearing, KindChainHotWallet, KindTreasury, KindPromotions:
		return true
	}
	return false
}

// Valid reports a known kind.
func (k AccountKind) Valid() bool {
	return k.IsSystem() || k == KindWallet || k == KindHeld || k == KindEarnings || k == KindRewards || k == KindRoyaltyPool
}

// PlatformOwner owns the system accounts.
var PlatformOwner = uuid.Nil

// AccountRef names an account by owner, asset and kind.
type AccountRef struct {
	Owner uuid.UUID
	Asset money.Asset
	Kind  AccountKind
}

// UserAccount refers to one of a user's accounts.
func UserAccount(owner uuid.UUID, asset money.Asset, kind AccountKind) AccountRef {
	return AccountRef{Owner: owner, Asset: asset, Kind: kind}
}

// Wallet refers to a user's available balance in asset.
func Wallet(owner uuid.UUID, asset money.Asset) AccountRef {
	return AccountRef{Owner: owner, Asset: asset, Kind: KindWallet}
}

// System refers to a platform account.
func System(kind AccountKind, asset money.Asset) AccountRef {
	return AccountRef{Owner: PlatformOwner, Asset: asset, Kind: kind}
}

func (r AccountRef) String() string {
	return r.Owner.String() + "/" + string(r.Asset) + "/" + string(r.Kind)
}

// Credit is one destination of a transfer or settlement.
type Credit struct {
	To     AccountRef
	Amount money.Amount
}

// Details describe why money moved; they are stored on the journal entry.
type Details struct {
	// Reason is a short machine-readable cause, e.g. "stream_payment", "top_up".
	Reason string
	// ExternalRef points outside the ledger: a Stripe PaymentIntent id, a chain tx hash...
	ExternalRef string
	// Metadata is free-form context (song id, session id...).
	Metadata map[string]string
}

// TransferRequest moves money from one account to one or more accounts of the same asset.
type TransferRequest struct {
	// IdempotencyKey makes a retry return the first result; reusing it for a different request
	// fails with ErrIdempotencyKeyReused. Namespace keys by use ("stream:<session>").
	IdempotencyKey string
	From           AccountRef
	To             []Credit
	Details
}

// HoldRequest reserves an amount of a user's wallet.
type HoldRequest struct {
	IdempotencyKey string
	Owner          uuid.UUID
	Amount         money.Amount
	Details
}

// SettleRequest pays (part of) an active hold to its destinations. What remains stays held
// unless ReleaseRest is set, in which case it returns to the owner's wallet.
type SettleRequest struct {
	IdempotencyKey string
	HoldID         uuid.UUID
	To             []Credit
	ReleaseRest    bool
	Details
}

// ReleaseRequest returns what remains of an active hold to the owner's wallet.
type ReleaseRequest struct {
	IdempotencyKey string
	HoldID         uuid.UUID
	Details
}

// Receipt is the outcome of a ledger command.
type Receipt struct {
	EntryID   uuid.UUID
	CreatedAt time.Time
	// Replayed is true when the idempotency key had already been used for this request.
	Replayed bool
}

// HoldReceipt is the outcome of Hold.
type HoldReceipt struct {
	Receipt
	HoldID uuid.UUID
}

// Ledger is the only way other contexts move value.
type Ledger interface {
	// OpenUserAccounts opens a user's accounts for every asset; opening twice is a no-op.
	OpenUserAccounts(ctx context.Context, owner uuid.UUID) error
	Transfer(ctx context.Context, req TransferRequest) (Receipt, error)
	Hold(ctx context.Context, req HoldRequest) (HoldReceipt, error)
	Settle(ctx context.Context, req SettleRequest) (Receipt, error)
	Release(ctx context.Context, req ReleaseRequest) (Receipt, error)
	// Balance is an account's current balance.
	Balance(ctx context.Context, ref AccountRef) (money.Amount, error)
}

// Errors returned by the Ledger. Compare with errors.Is.
var (
	ErrInsufficientFunds    = errs.New(errs.Conflict, "payment.insufficient_funds", "the balance does not cover this amount")
	ErrAccountNotFound      = errs.New(errs.NotFound, "payment.account_not_found", "the account does not exist")
	ErrHoldNotFound         = errs.New(errs.NotFound, "payment.hold_not_found", "the hold does not exist")
	ErrIdempotencyKeyReused = errs.New(errs.Unprocessable, "payment.idempotency_key_reused", "this idempotency key was already used for a different request")
	ErrInvalidRequest       = errs.New(errs.Unprocessable, "payment.invalid_ledger_request", "the ledger request is not valid")
)
