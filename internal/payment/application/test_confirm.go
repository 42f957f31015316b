package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

var (
	// ErrTestConfirmUnavailable: the route exists only in the local card setup (stripe-mock);
	// with a real Stripe key it answers as if it did not exist.
	ErrTestConfirmUnavailable = errs.New(errs.NotFound, "payment.test_confirm_unavailable", "test confirmations exist only in the local card setup (no STRIPE_SECRET_KEY)")
	// ErrTestConfirmNotPending: only a payment still waiting for the card can be confirmed.
	ErrTestConfirmNotPending = errs.New(errs.Conflict, "payment.test_confirm_not_pending", "only a pending or processing payment can be confirmed")
)

// TestWebhookSender delivers a signed payment_intent.succeeded event for a PaymentIntent to the
// server's own webhook endpoint, so that the real webhook path credits the balance.
type TestWebhookSender interface {
	SendSucceeded(ctx context.Context, intentID string, amountCents int64) error
}

// TestConfirmHandler confirms a test card payment in the local setup, where stripe-mock sends
// no webhooks.
type TestConfirmHandler struct {
	payments PaymentRepository
	sender   TestWebhookSender
}

// NewTestConfirmHandler builds the handler; a nil sender means the route is unavailable.
func NewTestConfirmHandler(payments PaymentRepository, sender TestWebhookSender) (*TestConfirmHandler, error) {
	if payments == nil {
		return nil, errors.New("payment: test confirm handler needs the payment repository")
	}
	return &TestConfirmHandler{payments: payments, sender: sender}, nil
}

// Available reports whether this server runs the local card setup.
func (h *TestConfirmHandler) Available() bool { return h.sender != nil }

// Handle sends the webhook for the viewer's own payment (an administrator may confirm any) and
// returns the payment as the webhook left it.
func (h *TestConfirmHandler) Handle(ctx context.Context, paymentID, viewer uuid.UUID, admin bool) (*domain.Payment, error) {
	if h.sender == nil {
		return nil, ErrTestConfirmUnavailable
	}
	p, err := h.payments.Get(ctx, paymentID)
	if err != nil {
		return nil, err
	}
	if p.UserID() != viewer && !admin {
		return nil, domain.ErrPaymentNotFound
	}
	if p.Status() == domain.PaymentSucceeded {
		return p, nil // already credited: confirming again is a no-op
	}
	if p.ProviderPaymentID() == "" || (p.Status() != domain.PaymentProcessing && p.Status() != domain.PaymentPending) {
		return nil, ErrTestConfirmNotPending
	}
	c, exact := p.Amount().Cents()
	if !exact {
		return nil, ErrTestConfirmNotPending.WithMessage("the payment is not a whole number of cents")
	}
	if err := h.sender.SendSucceeded(ctx, p.ProviderPaymentID(), c); err != nil {
		return nil, err
	}
	return h.payments.Get(ctx, paymentID)
}
