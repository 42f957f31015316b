package application

import (
	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// Card payments' journal entries. They are built here, with every other entry of the ledger
// (Ledger's transfers, holds, settlements), and only posted by the stores: the stores resolve
// the accounts and post inside the transaction that changes the payment or the refund.

// TopUpEntry credits a succeeded top-up from Stripe clearing to the user's wallet, keyed on the
// payment so that it can happen once only.
func TopUpEntry(id uuid.UUID, clearing, wallet domain.Account, p *domain.Payment, e domain.PaymentSucceededEvent) (*domain.Entry, error) {
	neg, err := e.Amount.Neg()
	if err != nil {
		return nil, err
	}
	return domain.NewEntry(domain.EntryInput{ID: id, Key: "topup:" + p.ID().String(), Kind: domain.EntryTopUp, Reason: "card_top_up",
		ExternalRef: p.ProviderPaymentID(), Metadata: map[string]string{"payment_id": p.ID().String()},
		Postings: []domain.Posting{{Account: clearing, Amount: neg}, {Account: wallet, Amount: e.Amount}}, Now: e.At})
}

// RefundReversalEntry takes back what a refund reverses from the user's wallet into Stripe
// clearing (reversed > 0), keyed on the refund.
func RefundReversalEntry(id uuid.UUID, clearing, wallet domain.Account, p *domain.Payment, r Refund, reversed int64) (*domain.Entry, error) {
	return refundMove(id, clearing, wallet, "refund:"+r.ID.String(), "card_refund", p, r, -reversed)
}

// RefundUndoEntry gives a failed refund's reversal back to the user's wallet.
func RefundUndoEntry(id uuid.UUID, clearing, wallet domain.Account, p *domain.Payment, r Refund) (*domain.Entry, error) {
	return refundMove(id, clearing, wallet, "refund-undo:"+r.ID.String(), "card_refund_failed", p, r, r.Reversed.Units())
}

// refundMove moves delta (negative: out of the wallet) between the wallet and Stripe clearing.
func refundMove(id uuid.UUID, clearing, wallet domain.Account, key, reason string, p *domain.Payment, r Refund, delta int64) (*domain.Entry, error) {
	in, err := money.New(money.USD, delta)
	if err != nil {
		return nil, err
	}
	out, err := in.Neg()
	if err != nil {
		return nil, err
	}
	return domain.NewEntry(domain.EntryInput{ID: id, Key: key, Kind: domain.EntryRefund, Reason: reason, ExternalRef: p.ProviderPaymentID(),
		Metadata: map[string]string{"payment_id": p.ID().String(), "refund_id": r.ID.String()},
		Postings: []domain.Posting{{Account: wallet, Amount: in}, {Account: clearing, Amount: out}}, Now: r.UpdatedAt})
}
