package payment

import (
	"context"
	"errors"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/contracts"
)

// Withdrawals implements contracts.Withdrawals on the chain withdrawal use case (the one
// behind POST /api/v1/transactions): the amount is held at once and the transfer is durable.
// Idempotency keys share that API's key space per user, so callers namespace theirs
// ("listen_claim:<id>").
type Withdrawals struct{ h *chaintx.WithdrawHandler }

var _ contracts.Withdrawals = (*Withdrawals)(nil)

// NewWithdrawals adapts the chain withdrawal use case for other contexts.
func NewWithdrawals(h *chaintx.WithdrawHandler) (*Withdrawals, error) {
	if h == nil {
		return nil, errors.New("payment: withdrawals need the chain withdrawal handler")
	}
	return &Withdrawals{h: h}, nil
}

// Withdraw holds the amount and stores the durable transfer; it answers the accepted
// (pending) transfer, the same one for a retry with the same key.
func (w *Withdrawals) Withdraw(ctx context.Context, req contracts.WithdrawalRequest) (contracts.Withdrawal, error) {
	if req.Amount.Asset() != money.VIBE {
		return contracts.Withdrawal{}, errs.ErrValidation.WithField("amount", "only VIBE can be withdrawn on chain")
	}
	t, err := w.h.Handle(ctx, chaintx.Withdraw{UserID: req.UserID, IdempotencyKey: req.IdempotencyKey, Blockchain: req.Chain,
		To: req.ToAddress, Amount: req.Amount.String(), Token: "VIBE"})
	if err != nil {
		return contracts.Withdrawal{}, err
	}
	return contracts.Withdrawal{ID: t.ID, Chain: t.Blockchain, Status: t.Status, ToAddress: t.To, Amount: t.Amount, CreatedAt: t.CreatedAt}, nil
}
