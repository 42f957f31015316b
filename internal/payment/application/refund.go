package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// RefundPayment asks to refund (part of) a payment; AmountCents 0 refunds what remains.
type RefundPayment struct {
	PaymentID   uuid.UUID
	AdminID     uuid.UUID
	AmountCents int64
	Reason      string
}

// RefundHandler refunds through the provider. The ledger first takes back from the user's
// wallet what they still hold (never more than the refund), then the provider is asked (outside
// any transaction, with an idempotency key per refund), then the outcome is recorded. A refund
// whose provider call could not complete stays pending and the reconciliation job retries it.
type RefundHandler struct {
	payments PaymentRepository
	gateway  Gateway
	now      Clock
	newID    NewID
	metrics  Metrics
}

// NewRefundHandler builds the handler; gateway may be nil (refunds then answer
// ErrTopUpsUnavailable).
func NewRefundHandler(payments PaymentRepository, gateway Gateway, now Clock, newID NewID, metrics Metrics) (*RefundHandler, error) {
	if payments == nil || now == nil || newID == nil {
		return nil, errors.New("payment: refund handler dependencies are required")
	}
	if metrics == nil {
		metrics = noMetrics{}
	}
	return &RefundHandler{payments: payments, gateway: gateway, now: now, newID: newID, metrics: metrics}, nil
}

// Handle runs the use case.
func (h *RefundHandler) Handle(ctx context.Context, cmd RefundPayment) (Refund, error) {
	if h.gateway == nil {
		return Refund{}, ErrTopUpsUnavailable
	}
	p, err := h.payments.Get(ctx, cmd.PaymentID)
	if err != nil {
		return Refund{}, err
	}
	amount := p.Refundable()
	if cmd.AmountCents == 0 && !amount.IsPositive() {
		if p.Status() != domain.PaymentSucceeded {
			return Refund{}, domain.ErrNotRefundable
		}
		return Refund{}, domain.ErrRefundExceedsPaid.WithMessage("nothing is left to refund")
	}
	if cmd.AmountCents != 0 {
		if amount, err = money.FromCents(cmd.AmountCents); err != nil || !amount.IsPositive() {
			return Refund{}, domain.ErrNonPositiveAmount
		}
	}
	if len(cmd.Reason) > 500 {
		cmd.Reason = cmd.Reason[:500]
	}
	r, err := h.payments.StartRefund(ctx, cmd.PaymentID, Refund{ID: h.newID(), PaymentID: cmd.PaymentID, Amount: amount,
		Reason: cmd.Reason, RequestedBy: cmd.AdminID}, h.now())
	if err != nil {
		return Refund{}, err
	}
	done, err := completeRefund(ctx, h.payments, h.gateway, p.ProviderPaymentID(), r, h.now, h.metrics)
	if errors.Is(err, ErrGatewayFailed) {
		// Recorded and reserved: answer the pending refund (a retry must not create another);
		// the reconciliation job completes it with the same provider idempotency key.
		return r, nil
	}
	return done, err
}

// RefundIdempotencyKey is the provider key of a refund.
func RefundIdempotencyKey(id uuid.UUID) string { return "refund:" + id.String() }

func completeRefund(ctx context.Context, payments PaymentRepository, gateway Gateway, intentID string, r Refund, now Clock, m Metrics) (Refund, error) {
	rid, err := gateway.Refund(ctx, intentID, r.Amount, RefundIdempotencyKey(r.ID))
	switch {
	case errors.Is(err, ErrGatewayRefused):
		if _, ferr := payments.FinishRefund(ctx, r.ID, "", false, now()); ferr != nil {
			return Refund{}, ferr
		}
		return Refund{}, err
	case err != nil:
		return r, err // stays pending; reconciliation retries with the same key
	}
	done, err := payments.FinishRefund(ctx, r.ID, rid, true, now())
	if err == nil {
		m.Volume(money.USD, "refund", done.Amount)
	}
	return done, err
}
