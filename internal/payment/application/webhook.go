package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/payment/domain"
)

// Stripe event types the webhook acts on; every other type is acknowledged and ignored.
const (
	EventIntentSucceeded  = "payment_intent.succeeded"
	EventIntentFailed     = "payment_intent.payment_failed"
	EventIntentCanceled   = "payment_intent.canceled"
	EventIntentProcessing = "payment_intent.processing"
)

// WebhookHandler handles verified provider events, each event id once.
type WebhookHandler struct {
	payments PaymentRepository
	verifier WebhookVerifier
	now      Clock
}

// NewWebhookHandler builds the handler; verifier may be nil (webhooks then answer
// ErrWebhooksUnavailable).
func NewWebhookHandler(payments PaymentRepository, verifier WebhookVerifier, now Clock) (*WebhookHandler, error) {
	if payments == nil || now == nil {
		return nil, errors.New("payment: webhook handler dependencies are required")
	}
	return &WebhookHandler{payments: payments, verifier: verifier, now: now}, nil
}

// WebhookResult says what happened to an event.
type WebhookResult struct {
	EventID   string
	Type      string
	Handled   bool // false: duplicate or ignored
	PaymentID uuid.UUID
}

// Handle verifies and applies one delivery. A bad signature changes nothing.
func (h *WebhookHandler) Handle(ctx context.Context, payload []byte, signature string) (WebhookResult, error) {
	if h.verifier == nil {
		return WebhookResult{}, ErrWebhooksUnavailable
	}
	ev, err := h.verifier.Verify(payload, signature)
	if err != nil {
		return WebhookResult{}, err
	}
	res := WebhookResult{EventID: ev.ID, Type: ev.Type}
	claim := EventClaim{Provider: domain.ProviderStripe, EventID: ev.ID, Type: ev.Type}
	var apply func(p *domain.Payment) error
	switch ev.Type {
	case EventIntentSucceeded:
		apply = func(p *domain.Payment) error {
			err := p.Succeed(ev.Intent.AmountReceived, h.now())
			if errors.Is(err, domain.ErrAlreadySucceeded) {
				return nil // credited by the reconciliation job or an earlier event
			}
			return err
		}
	case EventIntentFailed, EventIntentCanceled:
		apply = func(p *domain.Payment) error {
			if p.Status() == domain.PaymentSucceeded {
				return nil // a late failure of an earlier attempt: the payment did succeed
			}
			reason := ev.Intent.FailureReason
			if reason == "" {
				reason = ev.Type
			}
			return p.Fail(reason, h.now())
		}
	}
	if apply == nil || ev.Intent == nil {
		ok, err := h.payments.ClaimEvent(ctx, claim)
		res.Handled = ok
		return res, err
	}
	id := ev.Intent.PaymentID
	if byProvider, err := h.payments.IDByProviderID(ctx, domain.ProviderStripe, ev.Intent.ID); err == nil {
		id = byProvider
	} else if !errors.Is(err, domain.ErrPaymentNotFound) {
		return res, err
	}
	if id == uuid.Nil {
		ok, err := h.payments.ClaimEvent(ctx, claim) // not one of ours
		res.Handled = ok
		return res, err
	}
	_, err = h.payments.Update(ctx, id, &claim, func(p *domain.Payment) error {
		if p.ProviderPaymentID() != "" && p.ProviderPaymentID() != ev.Intent.ID {
			return nil // the metadata names a payment whose intent is another one: ignore
		}
		if p.Status() == domain.PaymentPending && p.ProviderPaymentID() == "" {
			if err := p.StartProcessing(ev.Intent.ID, ev.Intent.ClientSecret, h.now()); err != nil {
				return err
			}
		}
		return apply(p)
	})
	switch {
	case errors.Is(err, ErrEventAlreadyHandled):
		return res, nil
	case errors.Is(err, domain.ErrPaymentNotFound):
		ok, err := h.payments.ClaimEvent(ctx, claim)
		res.Handled = ok
		return res, err
	case err != nil:
		return res, err
	}
	res.Handled, res.PaymentID = true, id
	return res, nil
}
