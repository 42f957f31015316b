package chaintx

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Withdraw asks to move VIBE from the user's balance to a wallet on a chain.
type Withdraw struct {
	UserID         uuid.UUID
	IdempotencyKey string
	Blockchain     string
	To             string // empty: the user's linked wallet on that chain
	Amount         string // decimal VIBE
	Token          string // VIBE (empty means VIBE)
}

// WithdrawHandler holds the amount in the ledger and stores the transfer (whose job signs and
// broadcasts it) in one transaction, so that no hold ever exists without its transfer.
type WithdrawHandler struct {
	holds  Holds
	users  usercontracts.Directory
	chains Chains
	store  Store
}

// NewWithdrawHandler refuses nil dependencies.
func NewWithdrawHandler(h Holds, u usercontracts.Directory, c Chains, s Store) *WithdrawHandler {
	if h == nil || u == nil || c == nil || s == nil {
		panic("chaintx: nil dependency")
	}
	return &WithdrawHandler{holds: h, users: u, chains: c, store: s}
}

// Handle validates, holds and stores; it returns the pending transaction. The same
// (user, Idempotency-Key) returns the same transaction.
func (h *WithdrawHandler) Handle(ctx context.Context, cmd Withdraw) (Transaction, error) {
	if cmd.IdempotencyKey == "" {
		return Transaction{}, ErrIdempotencyKey
	}
	id := derivedID("withdrawal", cmd.UserID, cmd.IdempotencyKey)
	if t, err := h.store.Get(ctx, id); err == nil {
		return t, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Transaction{}, err
	}

	f := errs.Fields{}
	chain, err := parseBlockchain(cmd.Blockchain)
	if err != nil {
		f.Add("blockchain", "must be ethereum or solana")
	}
	if cmd.Token != "" && !strings.EqualFold(cmd.Token, "VIBE") {
		f.Add("token", "only VIBE")
	}
	amount, err := parseVIBE(cmd.Amount)
	if err != nil {
		f.Add("amount", "must be a positive VIBE amount with at most 9 decimals, as a string")
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return Transaction{}, err
	}
	if !h.chains.Enabled(chain) {
		return Transaction{}, ErrChainUnavailable
	}
	to := strings.TrimSpace(cmd.To)
	if to == "" {
		wallets, err := h.users.Wallets(ctx, cmd.UserID)
		if err != nil {
			return Transaction{}, err
		}
		for _, w := range wallets {
			if w.Chain == chain {
				to = w.Address
			}
		}
		if to == "" {
			return Transaction{}, ErrNoLinkedWallet
		}
	}
	norm, err := h.chains.NormalizeAddress(chain, to)
	if err != nil {
		return Transaction{}, ErrInvalidAddress.WithMessage(err.Error()).WithField("to", err.Error())
	}
	// VIBE sent to an address the platform controls (or to a known sink) leaves the user's
	// balance and never comes back as a deposit: the ledger and the chain would disagree for good.
	if h.chains.IsPlatformAddress(chain, norm) {
		return Transaction{}, ErrPlatformDestination.WithField("to", "is an address of the platform or a burn address")
	}
	hold, err := h.holds.PrepareHold(ctx, contracts.HoldRequest{IdempotencyKey: "chain.withdrawal:" + id.String(), Owner: cmd.UserID, Amount: amount,
		Details: contracts.Details{Reason: "chain_withdrawal", ExternalRef: id.String(), Metadata: map[string]string{"blockchain": chain, "to": norm}}})
	if err != nil {
		return Transaction{}, err
	}
	t, err := domain.NewWithdrawal(id, cmd.UserID, hold.Hold.ID(), chain, norm, amount, hold.Hold.CreatedAt())
	if err != nil {
		return Transaction{}, err
	}
	if _, err := h.store.CreateWithdrawal(ctx, t, hold); err != nil {
		return Transaction{}, err
	}
	stored, err := h.store.Get(ctx, id)
	if err != nil {
		return Transaction{}, err
	}
	// The answer describes the request as accepted; its job may already have moved it on.
	stored.Status, stored.TxHash, stored.FailureReason, stored.ConfirmedAt, stored.Fee = "pending", "", "", nil, ""
	return stored, nil
}
