package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
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

// Handle implements the use case. The claim is written (pending) before any money moves; a
// retry with the same key resumes it (every move is keyed on the claim) or answers its outcome.
func (h *Claim) Handle(ctx context.Context, cmd ClaimRewards) (ClaimView, error) {
	dest, err := domain.ParseDestination(cmd.Destination)
	if err != nil {
		return ClaimView{}, err
	}
	if cmd.IdempotencyKey == "" {
		return ClaimView{}, errors.New("listenreward: a claim needs an idempotency key")
	}
	id := uuid.NewSHA1(claimNamespace, []byte(cmd.UserID.String()+"\x00"+cmd.IdempotencyKey))
	c, err := h.d.Claims.GetClaim(ctx, id)
	if err != nil {
		return ClaimView{}, err
	}
	switch {
	case c == nil:
		if c, err = h.newClaim(ctx, cmd, id, dest); err != nil {
			return ClaimView{}, err
		}
	case c.Status == domain.ClaimFailed:
		return ClaimView{}, domain.ErrClaimFailed.WithMessage("this claim failed (" + c.Failure + ") and its VIBE was put back")
	case c.Status == domain.ClaimCompleted:
		return claimView(*c), nil
	}
	return h.run(ctx, *c)
}

func (h *Claim) newClaim(ctx context.Context, cmd ClaimRewards, id uuid.UUID, dest domain.Destination) (*domain.Claim, error) {
	rewards := paymentcontracts.UserAccount(cmd.UserID, money.VIBE, paymentcontracts.KindRewards)
	claimable, err := h.d.Ledger.Balance(ctx, rewards)
	if errors.Is(err, paymentcontracts.ErrAccountNotFound) {
		claimable, err = money.Zero(money.VIBE), nil
	}
	if err != nil {
		return nil, err
	}
	amount := claimable
	if cmd.Amount != "" {
		if amount, err = money.Parse(money.VIBE, cmd.Amount); err != nil {
			return nil, domain.ErrInvalidClaimAmount
		}
	}
	if err := domain.CheckClaim(amount, claimable, h.d.Config.RewardPolicy); err != nil {
		return nil, err
	}
	if dest != domain.DestinationBalance {
		if h.d.Withdrawals == nil {
			return nil, domain.ErrNoLinkedWallet.WithMessage("on-chain claims are not available on this server")
		}
		ws, err := h.d.Users.Wallets(ctx, cmd.UserID)
		if err != nil {
			return nil, err
		}
		linked := false
		for _, w := range ws {
			linked = linked || w.Chain == string(dest)
		}
		if !linked {
			return nil, domain.ErrNoLinkedWallet
		}
	}
	c := domain.Claim{ID: id, UserID: cmd.UserID, Destination: dest, Amount: amount, Status: domain.ClaimPending, CreatedAt: h.d.Now()}
	if err := h.d.Claims.Add(ctx, c); err != nil {
		return nil, err
	}
	// A concurrent request with the same key may have written it first: go on with the stored one.
	stored, err := h.d.Claims.GetClaim(ctx, id)
	if err != nil || stored == nil {
		return nil, errors.Join(err, errors.New("listenreward: the claim was not stored"))
	}
	return stored, nil
}

func (h *Claim) run(ctx context.Context, c domain.Claim) (ClaimView, error) {
	rewards := paymentcontracts.UserAccount(c.UserID, money.VIBE, paymentcontracts.KindRewards)
	wallet := paymentcontracts.Wallet(c.UserID, money.VIBE)
	details := paymentcontracts.Details{Reason: "reward_claim", Metadata: map[string]string{"claim_id": c.ID.String(), "destination": string(c.Destination)}}
	if _, err := h.d.Ledger.Transfer(ctx, paymentcontracts.TransferRequest{IdempotencyKey: "reward-claim:" + c.ID.String(),
		From: rewards, To: []paymentcontracts.Credit{{To: wallet, Amount: c.Amount}}, Details: details}); err != nil {
		if errors.Is(err, paymentcontracts.ErrInsufficientFunds) {
			c.Status, c.Failure = domain.ClaimFailed, "insufficient claimable rewards"
			if serr := h.d.Claims.SaveClaim(ctx, c); serr != nil {
				return ClaimView{}, serr
			}
			return ClaimView{}, domain.ErrNothingToClaim
		}
		return ClaimView{}, err
	}
	if c.Destination != domain.DestinationBalance {
		w, err := h.d.Withdrawals.Withdraw(ctx, paymentcontracts.WithdrawalRequest{IdempotencyKey: "reward-claim:" + c.ID.String(),
			UserID: c.UserID, Chain: string(c.Destination), Amount: c.Amount})
		if err != nil {
			if _, ok := errs.As(err); !ok {
				return ClaimView{}, err // not a refusal: a retry with the same key resumes the claim
			}
			// Refused: put the VIBE back where it was, nothing half-done.
			if _, uerr := h.d.Ledger.Transfer(ctx, paymentcontracts.TransferRequest{IdempotencyKey: "reward-claim-undo:" + c.ID.String(),
				From: wallet, To: []paymentcontracts.Credit{{To: rewards, Amount: c.Amount}}, Details: details}); uerr != nil {
				return ClaimView{}, errors.Join(err, fmt.Errorf("return the claim to the claimable rewards: %w", uerr))
			}
			c.Status, c.Failure = domain.ClaimFailed, err.Error()
			if serr := h.d.Claims.SaveClaim(ctx, c); serr != nil {
				return ClaimView{}, serr
			}
			return ClaimView{}, err
		}
		c.WithdrawalID, c.WithdrawStatus, c.ToAddress = w.ID, w.Status, w.ToAddress
	}
	c.Status = domain.ClaimCompleted
	if err := h.d.Claims.SaveClaim(ctx, c); err != nil {
		return ClaimView{}, err
	}
	return claimView(c), nil
}

func claimView(c domain.Claim) ClaimView {
	v := ClaimView{ID: c.ID, Destination: string(c.Destination), Amount: c.Amount.String(), CreatedAt: c.CreatedAt}
	if c.WithdrawalID != uuid.Nil {
		v.Transaction = &paymentcontracts.Withdrawal{ID: c.WithdrawalID, Chain: string(c.Destination), Status: c.WithdrawStatus,
			ToAddress: c.ToAddress, Amount: c.Amount, CreatedAt: c.CreatedAt}
	}
	return v
}
