package chaintx

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
)

// Outcome is the final state of a chain transfer.
type Outcome struct {
	ID     uuid.UUID
	Status string // confirmed | failed
	TxHash string
	Reason string
}

// OutcomeHandler books a finished chain transfer in the ledger: a confirmed withdrawal pays its
// hold to the chain hot wallet account (the VIBE left the platform's custody), a failed one
// releases the hold; a confirmed treasury mint credits the reward pool from the treasury.
// Every ledger call has a key derived from the transfer, so replays are no-ops.
type OutcomeHandler struct {
	ledger contracts.Ledger
	store  Store
}

// NewOutcomeHandler refuses nil dependencies.
func NewOutcomeHandler(l contracts.Ledger, s Store) *OutcomeHandler {
	if l == nil || s == nil {
		panic("chaintx: nil dependency")
	}
	return &OutcomeHandler{ledger: l, store: s}
}

// Handle books one outcome.
func (h *OutcomeHandler) Handle(ctx context.Context, o Outcome) error {
	t, err := h.store.Get(ctx, o.ID)
	if err != nil {
		return err
	}
	switch {
	case t.Kind == "mint" && o.Status == "confirmed":
		_, err = h.ledger.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "chain.mint:" + t.ID.String(),
			From: contracts.System(contracts.KindTreasury, money.VIBE),
			To:   []contracts.Credit{{To: contracts.System(contracts.KindRewardPool, money.VIBE), Amount: t.Amount}},
			Details: contracts.Details{Reason: "treasury_mint", ExternalRef: o.TxHash,
				Metadata: map[string]string{"blockchain": t.Blockchain, "transaction_id": t.ID.String()}}})
		return err
	case t.Kind == "mint":
		return nil // nothing was booked before the mint
	case t.HoldID == nil:
		return nil
	case o.Status == "confirmed":
		_, err = h.ledger.Settle(ctx, contracts.SettleRequest{IdempotencyKey: "chain.withdrawal.settle:" + t.ID.String(), HoldID: *t.HoldID,
			To:      []contracts.Credit{{To: contracts.System(contracts.KindChainHotWallet, money.VIBE), Amount: t.Amount}},
			Details: contracts.Details{Reason: "chain_withdrawal", ExternalRef: o.TxHash, Metadata: map[string]string{"blockchain": t.Blockchain, "transaction_id": t.ID.String()}}})
		return err
	default:
		_, err = h.ledger.Release(ctx, contracts.ReleaseRequest{IdempotencyKey: "chain.withdrawal.release:" + t.ID.String(), HoldID: *t.HoldID,
			Details: contracts.Details{Reason: "chain_withdrawal_failed", ExternalRef: t.ID.String(), Metadata: map[string]string{"failure": o.Reason}}})
		return err
	}
}
