package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Errors of the payment provider integration.
var (
	ErrTopUpsUnavailable   = errs.New(errs.Unavailable, "payment.top_ups_unavailable", "card top-ups are not configured on this server (STRIPE_SECRET_KEY is not set)")
	ErrWebhooksUnavailable = errs.New(errs.Unavailable, "payment.webhooks_unavailable", "Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET is not set)")
	ErrGatewayFailed       = errs.New(errs.Unavailable, "payment.gateway_unavailable", "the payment provider could not be reached; retry with the same Idempotency-Key")
	ErrGatewayRefused      = errs.New(errs.Unprocessable, "payment.gateway_refused", "the payment provider refused the request")
	ErrBadSignature        = errs.New(errs.Invalid, "payment.webhook_signature_invalid", "the webhook signature is not valid")
)

// Provider intent statuses the application reacts to (Stripe's names).
const (
	IntentSucceeded  = "succeeded"
	IntentCanceled   = "canceled"
	IntentProcessing = "processing"
)

// Intent is the provider's view of a payment.
type Intent struct {
	ID           string
	ClientSecret string
	// PaymentID is the payment the intent was created for (from its metadata), when known.
	PaymentID      uuid.UUID
	Status         string
	AmountReceived money.Amount
	FailureReason  string
}

// CreateIntent asks the provider to start collecting a payment.
type CreateIntent struct {
	PaymentID      uuid.UUID
	UserID         uuid.UUID
	Amount         money.Amount
	Currency       string
	IdempotencyKey string
}

// Gateway is the card payment provider (Stripe). Calls fail with ErrGatewayFailed when the
// provider cannot be reached and ErrGatewayRefused when it refuses.
type Gateway interface {
	CreateIntent(ctx context.Context, in CreateIntent) (Intent, error)
	GetIntent(ctx context.Context, id string) (Intent, error)
	Refund(ctx context.Context, intentID string, amount money.Amount, idempotencyKey string) (refundID string, err error)
}

// WebhookEvent is a verified provider notification.
type WebhookEvent struct {
	ID   string
	Type string
	// Intent is set for payment_intent.* events.
	Intent *Intent
}

// WebhookVerifier checks a webhook's signature and decodes it (ErrBadSignature otherwise).
type WebhookVerifier interface {
	Verify(payload []byte, signatureHeader string) (WebhookEvent, error)
}
