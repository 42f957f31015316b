package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// ClaimRewards moves claimable VIBE to the balance or on chain.
type ClaimRewards struct {
	UserID      uuid.UUID
	Destination string
	// Amount is a VIBE decimal; empty claims everything claimable.
	Amount         string
	IdempotencyKey string
}

// ClaimView is an accepted claim.
type ClaimView struct {
	ID          uuid.UUID
	Destination string
	Amount      string
	// Transaction is the chain transfer of an on-chain claim.
	Transaction *paymentcontracts.Withdrawal
	CreatedAt   time.Time
}

// Claim handles ClaimRewards. Every ledger move is keyed on the claim, whose id derives from
// the user and the Idempotency-Key, so a retry repeats nothing.
type Claim struct{ d Deps }

// NewClaim builds the handler.
func NewClaim(d Deps) (*Claim, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Claim{d: d}, nil
}

var claimNamespace = uuid.MustParse("6a1c1f52-9a53-4b55-8f0b-7d4d3e0c2a10")

// Handle implements the use case.
func (h *Claim) Handle(ctx context.Context, cmd ClaimRewards) (ClaimView, error) {
	dest, err := domain.ParseDestination(cmd.Destination)
	if err != nil {
		return ClaimView{}, err
	}
	if cmd.IdempotencyKey == "" {
		return ClaimView{}, errors.New("listenreward: a claim needs an idempotency key")
	}
	rewards := paymentcontracts.UserAccount(cmd.UserID, money.VIBE, paymentcontracts.KindRewards)
	claimable, err := h.d.Ledger.Balance(ctx, rewards)
	if errors.Is(err, paymentcontracts.ErrAccountNotFound) {
		claimable, err = money.Zero(money.VIBE), nil
	}
	if err != nil {
		return ClaimView{}, err
	}
	amount := claimable
	if cmd.Amount != "" {
		if amount, err = money.Parse(money.VIBE, cmd.Amount); err != nil {
			return ClaimView{}, domain.ErrInvalidClaimAmount
		}
	}
	if err := domain.CheckClaim(amount, claimable, h.d.Config.RewardPolicy); err != nil {
		return ClaimView{}, err
	}
	if dest != domain.DestinationBalance {
		if h.d.Withdrawals == nil {
			return ClaimView{}, domain.ErrNoLinkedWallet.WithMessage("on-chain claims are not available on this server")
		}
		ws, err := h.d.Users.Wallets(ctx, cmd.UserID)
		if err != nil {
			return ClaimView{}, err
		}
		linked := false
		for _, w := range ws {
			linked = linked || w.Chain == string(dest)
		}
		if !linked {
			return ClaimView{}, domain.ErrNoLinkedWallet
		}
	}
	id := uuid.NewSHA1(claimNamespace, []byte(cmd.UserID.String()+"\x00"+cmd.IdempotencyKey))
	wallet := paymentcontracts.Wallet(cmd.UserID, money.VIBE)
	details := paymentcontracts.Details{Reason: "reward_claim", Metadata: map[string]string{"claim_id": id.String(), "destination": string(dest)}}
	if _, err := h.d.Ledger.Transfer(ctx, paymentcontracts.TransferRequest{IdempotencyKey: "reward-claim:" + id.String(),
		From: rewards, To: []paymentcontracts.Credit{{To: wallet, Amount: amount}}, Details: details}); err != nil {
		if errors.Is(err, paymentcontracts.ErrInsufficientFunds) {
			return ClaimView{}, domain.ErrNothingToClaim
		}
		return ClaimView{}, err
	}
	c := domain.Claim{ID: id, UserID: cmd.UserID, Destination: dest, Amount: amount, CreatedAt: h.d.Now()}
	view := ClaimView{ID: id, Destination: string(dest), Amount: amount.String(), CreatedAt: c.CreatedAt}
	if dest != domain.DestinationBalance {
		w, err := h.d.Withdrawals.Withdraw(ctx, paymentcontracts.WithdrawalRequest{IdempotencyKey: "reward-claim:" + id.String(),
			UserID: cmd.UserID, Chain: string(dest), Amount: amount})
		if err != nil {
			// Put the VIBE back where it was: a refused withdrawal leaves nothing half-done.
			if _, uerr := h.d.Ledger.Transfer(ctx, paymentcontracts.TransferRequest{IdempotencyKey: "reward-claim-undo:" + id.String(),
				From: wallet, To: []paymentcontracts.Credit{{To: rewards, Amount: amount}}, Details: details}); uerr != nil {
				return ClaimView{}, errors.Join(err, fmt.Errorf("return the claim to the claimable rewards: %w", uerr))
			}
			return ClaimView{}, err
		}
		c.WithdrawalID, c.WithdrawStatus, c.ToAddress = w.ID, w.Status, w.ToAddress
		view.Transaction = &w
	}
	if err := h.d.Claims.Add(ctx, c); err != nil {
		return ClaimView{}, err
	}
	return view, nil
}
