package chaintx

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Deposit statuses.
const (
	DepositCredited  = "credited"
	DepositUnmatched = "unmatched"
	DepositRejected  = "rejected"
)

// Deposit is an incoming VIBE transfer to a hot wallet, seen on chain past its confirmation
// depth.
type Deposit struct {
	Blockchain string
	TxHash     string
	LogIndex   int
	From       string // empty when the sender could not be determined
	// ChainAmount is the amount in the chain's base units (text: 18 decimals overflow int64).
	ChainAmount string
	// Amount is the ledger amount; nil when the chain amount has no exact ledger value.
	Amount      *int64
	BlockNumber int64
	// Reason explains a rejection found by the adapter (e.g. an inexact amount).
	Reason string
	// Status, UserID: decided by RecordDeposit.
	Status string
	UserID *uuid.UUID
}

// Credits builds ledger entries without posting them: a deposit posts its credit together with
// its own record and event.
type Credits interface {
	PrepareTransfer(ctx context.Context, req contracts.TransferRequest) (*domain.Entry, error)
}

// DepositStore records deposits.
type DepositStore interface {
	// RecordDeposit stores d once per on-chain transfer. With credit, in the same transaction
	// it posts the credit and writes event (payment.deposit_credited.v1) to the outbox. False
	// when this on-chain transfer was already recorded (then nothing is written).
	RecordDeposit(ctx context.Context, d Deposit, credit *domain.Entry, event *contracts.DepositCredited) (bool, error)
}

// Deposits credits VIBE that arrived from a linked wallet: from the chain hot wallet account to
// the user's wallet, once per on-chain transfer (the ledger key is the chain transfer itself).
// Deposits from wallets nobody linked are recorded for an admin, never credited.
type Deposits struct {
	credits Credits
	users   usercontracts.Directory
	store   DepositStore
}

// NewDeposits refuses nil dependencies.
func NewDeposits(c Credits, u usercontracts.Directory, s DepositStore) *Deposits {
	if c == nil || u == nil || s == nil {
		panic("chaintx: nil dependency")
	}
	return &Deposits{credits: c, users: u, store: s}
}

// Record decides what a deposit is (credited, unmatched, rejected) and records it; it returns
// the recorded deposit and whether it was new. Replaying a deposit already recorded is a no-op.
func (d *Deposits) Record(ctx context.Context, dep Deposit) (Deposit, bool, error) {
	dep.Status, dep.UserID = DepositUnmatched, nil
	var (
		credit *domain.Entry
		event  *contracts.DepositCredited
	)
	switch {
	case dep.Amount == nil || *dep.Amount <= 0:
		dep.Status = DepositRejected
		if dep.Reason == "" {
			dep.Reason = "the amount has no exact VIBE value"
		}
	case dep.From != "":
		user, err := d.users.WalletOwner(ctx, dep.Blockchain, dep.From)
		if err != nil && !errors.Is(err, usercontracts.ErrUserNotFound) {
			return Deposit{}, false, err
		}
		if err == nil {
			amount, err := money.New(money.VIBE, *dep.Amount)
			if err != nil {
				return Deposit{}, false, err
			}
			credit, err = d.credits.PrepareTransfer(ctx, contracts.TransferRequest{
				IdempotencyKey: fmt.Sprintf("chain.deposit:%s:%s:%d", dep.Blockchain, dep.TxHash, dep.LogIndex),
				From:           contracts.System(contracts.KindChainHotWallet, money.VIBE),
				To:             []contracts.Credit{{To: contracts.Wallet(user, money.VIBE), Amount: amount}},
				Details:        contracts.Details{Reason: "chain_deposit", ExternalRef: dep.TxHash, Metadata: map[string]string{"blockchain": dep.Blockchain}}})
			if err != nil {
				return Deposit{}, false, err
			}
			dep.Status, dep.UserID, dep.Reason = DepositCredited, &user, ""
			event = &contracts.DepositCredited{UserID: user, Blockchain: dep.Blockchain, TxHash: dep.TxHash, LogIndex: dep.LogIndex,
				From: dep.From, Amount: amount.String(), EntryID: credit.ID()}
		}
	}
	if dep.Status == DepositUnmatched && dep.Reason == "" {
		dep.Reason = "no user has linked this wallet"
		if dep.From == "" {
			dep.Reason = "sender could not be determined"
		}
	}
	inserted, err := d.store.RecordDeposit(ctx, dep, credit, event)
	return dep, inserted, err
}
