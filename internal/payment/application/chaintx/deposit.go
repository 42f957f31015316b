package chaintx

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Deposits credits VIBE that arrived from a linked wallet: from the chain hot wallet account to
// the user's wallet, once per on-chain transfer (the ledger key is the chain transfer itself).
type Deposits struct {
	ledger contracts.Ledger
	users  usercontracts.Directory
}

// NewDeposits refuses nil dependencies.
func NewDeposits(l contracts.Ledger, u usercontracts.Directory) *Deposits {
	if l == nil || u == nil {
		panic("chaintx: nil dependency")
	}
	return &Deposits{ledger: l, users: u}
}

// OwnerOf finds the user who linked address on blockchain.
func (d *Deposits) OwnerOf(ctx context.Context, blockchain, address string) (uuid.UUID, bool, error) {
	id, err := d.users.WalletOwner(ctx, blockchain, address)
	if errors.Is(err, usercontracts.ErrUserNotFound) {
		return uuid.Nil, false, nil
	}
	return id, err == nil, err
}

// CreditDeposit books the deposit; a replay is a no-op.
func (d *Deposits) CreditDeposit(ctx context.Context, user uuid.UUID, amount int64, blockchain, txHash string, logIndex int) error {
	a, err := money.New(money.VIBE, amount)
	if err != nil {
		return err
	}
	_, err = d.ledger.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("chain.deposit:%s:%s:%d", blockchain, txHash, logIndex),
		From: contracts.System(contracts.KindChainHotWallet, money.VIBE), To: []contracts.Credit{{To: contracts.Wallet(user, money.VIBE), Amount: a}},
		Details: contracts.Details{Reason: "chain_deposit", ExternalRef: txHash, Metadata: map[string]string{"blockchain": blockchain}}})
	return err
}
