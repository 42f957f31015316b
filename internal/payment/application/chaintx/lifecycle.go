package chaintx

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// Transfers is the repository of chain transfers.
type Transfers interface {
	// GetTransfer loads one (domain.ErrTransferNotFound when unknown).
	GetTransfer(ctx context.Context, id uuid.UUID) (*domain.Transfer, error)
	// UpdateTransfer loads it for update, runs fn and stores it with the status changes it
	// recorded (written to the outbox for its user) in one transaction; fn's error stores
	// nothing.
	UpdateTransfer(ctx context.Context, id uuid.UUID, fn func(*domain.Transfer) error) error
}

// Gateway sends transfers on their chain (the Ethereum and Solana adapters, behind one port).
type Gateway interface {
	// Send drives t's transaction until it has landed deep enough, or provably never can
	// (Landing.Failed), calling submitted each time it broadcasts. An error means "try again
	// later"; ErrBusy means another worker drives t. Sending again after a crash resumes from
	// what the gateway stored: it never sends twice.
	Send(ctx context.Context, t *domain.Transfer, submitted func(ctx context.Context, txHash string) error) (Landing, error)
}

// Landing is where a transfer's transaction ended on chain.
type Landing struct {
	TxHash string
	Block  int64
	// Failed: it provably never lands (refused, reverted, the hot wallet cannot cover it).
	Failed bool
	Reason string
}

// ErrBusy: another worker (this instance or another) drives the transfer.
var ErrBusy = errors.New("chaintx: the transfer is being driven elsewhere")

// Lifecycle moves chain transfers through their states as the chain gateways report them:
// submitted when broadcast, confirmed once landed deep enough, failed when it provably never
// can. Each final state is booked in the ledger BEFORE it is stored (a confirmed withdrawal
// pays its hold to the chain hot wallet account, a failed one releases it, a confirmed mint
// credits the reward pool from the treasury), with keys derived from the transfer: a transfer
// shown as final has always been booked, and a crash in between books again harmlessly.
type Lifecycle struct {
	transfers Transfers
	ledger    contracts.Ledger
	gateway   Gateway
	now       func() time.Time
}

// NewLifecycle refuses nil dependencies (now may be nil: the wall clock).
func NewLifecycle(t Transfers, l contracts.Ledger, g Gateway, now func() time.Time) *Lifecycle {
	if t == nil || l == nil || g == nil {
		panic("chaintx: nil dependency")
	}
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Lifecycle{transfers: t, ledger: l, gateway: g, now: now}
}

// Execute drives one transfer to a final state: it sends it through the gateway and books and
// records where it landed. A final transfer is booked again (a crash between booking and
// storing, a replayed job), which is a no-op. It returns nil once final.
func (l *Lifecycle) Execute(ctx context.Context, id uuid.UUID) error {
	t, err := l.transfers.GetTransfer(ctx, id)
	if err != nil {
		return err
	}
	switch t.Status() {
	case domain.TransferConfirmed:
		return l.Confirmed(ctx, id, t.TxHash(), t.BlockNumber())
	case domain.TransferFailed:
		return l.Failed(ctx, id, t.FailureReason())
	}
	landing, err := l.gateway.Send(ctx, t, func(ctx context.Context, txHash string) error { return l.Submitted(ctx, id, txHash) })
	if err != nil {
		return err
	}
	if landing.Failed {
		return l.Failed(ctx, id, landing.Reason)
	}
	return l.Confirmed(ctx, id, landing.TxHash, landing.Block)
}

// Submitted records that the transfer's signed transaction (txHash, stored by the gateway
// before the broadcast) was broadcast; a replacement changes no status.
func (l *Lifecycle) Submitted(ctx context.Context, id uuid.UUID, _ string) error {
	err := l.transfers.UpdateTransfer(ctx, id, func(t *domain.Transfer) error { return t.MarkSubmitted(l.now()) })
	if errors.Is(err, domain.ErrAlreadyFinal) {
		return nil
	}
	return err
}

// Confirmed books and records the transfer as landed in txHash at block. Replays (a crash
// after booking, a re-run of a final transfer) are no-ops.
func (l *Lifecycle) Confirmed(ctx context.Context, id uuid.UUID, txHash string, block int64) error {
	t, err := l.transfers.GetTransfer(ctx, id)
	if err != nil {
		return err
	}
	if t.Status() == domain.TransferFailed {
		return fmt.Errorf("%w: transfer %s failed, it cannot be confirmed", domain.ErrAlreadyFinal, id)
	}
	if err := l.bookConfirmed(ctx, t, txHash); err != nil {
		return err
	}
	err = l.transfers.UpdateTransfer(ctx, id, func(t *domain.Transfer) error { return t.Confirm(txHash, block, l.now()) })
	if errors.Is(err, domain.ErrAlreadyFinal) {
		return nil
	}
	return err
}

// Failed books and records a definitive failure (the hold returns to the user).
func (l *Lifecycle) Failed(ctx context.Context, id uuid.UUID, reason string) error {
	t, err := l.transfers.GetTransfer(ctx, id)
	if err != nil {
		return err
	}
	if t.Status() == domain.TransferConfirmed {
		return fmt.Errorf("%w: transfer %s is confirmed, it cannot fail", domain.ErrAlreadyFinal, id)
	}
	if t.Kind() == domain.KindWithdrawal && t.HoldID() != uuid.Nil {
		if _, err := l.ledger.Release(ctx, contracts.ReleaseRequest{IdempotencyKey: "chain.withdrawal.release:" + t.ID().String(), HoldID: t.HoldID(),
			Details: contracts.Details{Reason: "chain_withdrawal_failed", ExternalRef: t.ID().String(), Metadata: map[string]string{"failure": reason}}}); err != nil {
			return err
		}
	}
	err = l.transfers.UpdateTransfer(ctx, id, func(t *domain.Transfer) error { return t.Fail(reason, l.now()) })
	if errors.Is(err, domain.ErrAlreadyFinal) {
		return nil
	}
	return err
}

func (l *Lifecycle) bookConfirmed(ctx context.Context, t *domain.Transfer, txHash string) error {
	meta := map[string]string{"blockchain": t.Blockchain(), "transaction_id": t.ID().String()}
	switch {
	case t.Kind() == domain.KindMint:
		_, err := l.ledger.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "chain.mint:" + t.ID().String(),
			From:    contracts.System(contracts.KindTreasury, money.VIBE),
			To:      []contracts.Credit{{To: contracts.System(contracts.KindRewardPool, money.VIBE), Amount: t.Amount()}},
			Details: contracts.Details{Reason: "treasury_mint", ExternalRef: txHash, Metadata: meta}})
		return err
	case t.HoldID() == uuid.Nil:
		return nil
	default:
		_, err := l.ledger.Settle(ctx, contracts.SettleRequest{IdempotencyKey: "chain.withdrawal.settle:" + t.ID().String(), HoldID: t.HoldID(),
			To:      []contracts.Credit{{To: contracts.System(contracts.KindChainHotWallet, money.VIBE), Amount: t.Amount()}},
			Details: contracts.Details{Reason: "chain_withdrawal", ExternalRef: txHash, Metadata: meta}})
		return err
	}
}
