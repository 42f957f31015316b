package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// ErrEventAlreadyHandled is returned by PaymentRepository.Update when the claimed webhook event
// was handled before.
var ErrEventAlreadyHandled = errs.New(errs.Conflict, "payment.webhook_event_handled", "this webhook event was already handled")

// EventClaim names a provider event that must be handled once.
type EventClaim struct {
	Provider string
	EventID  string
	Type     string
}

// RefundStatus is the state of a refund.
type RefundStatus string

// Refund states.
const (
	RefundPending   RefundStatus = "pending"
	RefundSucceeded RefundStatus = "succeeded"
	RefundFailed    RefundStatus = "failed"
)

// Refund is a refund of (part of) a payment.
type Refund struct {
	ID               uuid.UUID
	PaymentID        uuid.UUID
	Amount           money.Amount
	Reversed         money.Amount
	Status           RefundStatus
	Reason           string
	ProviderRefundID string
	RequestedBy      uuid.UUID
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// PaymentRepository stores payments. Update runs in one transaction with everything a
// transition implies: a recorded PaymentSucceededEvent credits the user's wallet from the Stripe
// clearing account (idempotently, keyed on the payment) and publishes TopUpSucceeded.
type PaymentRepository interface {
	// Create stores p, or returns the payment already stored for its (user, key) and false.
	Create(ctx context.Context, p *domain.Payment) (*domain.Payment, bool, error)
	Get(ctx context.Context, id uuid.UUID) (*domain.Payment, error)
	IDByProviderID(ctx context.Context, provider, providerID string) (uuid.UUID, error)
	// Update locks the payment, claims the event (if any; ErrEventAlreadyHandled when claimed
	// before), runs fn and saves.
	Update(ctx context.Context, id uuid.UUID, claim *EventClaim, fn func(p *domain.Payment) error) (*domain.Payment, error)
	// ClaimEvent records an event handled without a payment; false when seen before.
	ClaimEvent(ctx context.Context, claim EventClaim) (bool, error)
	// Stale lists payments pending or processing since before.
	Stale(ctx context.Context, before time.Time, limit int) ([]uuid.UUID, error)
	// StartRefund reserves the refund on the payment (domain rules), takes back from the user's
	// wallet what they still hold (up to the amount) and stores the pending refund.
	StartRefund(ctx context.Context, paymentID uuid.UUID, r Refund, now time.Time) (Refund, error)
	// FinishRefund records the provider's answer; a failed refund gives the reservation and the
	// reversed amount back.
	FinishRefund(ctx context.Context, refundID uuid.UUID, providerRefundID string, ok bool, now time.Time) (Refund, error)
	// PendingRefunds lists refunds still waiting for the provider since before.
	PendingRefunds(ctx context.Context, before time.Time, limit int) ([]Refund, error)
	Refunds(ctx context.Context, paymentID uuid.UUID) ([]Refund, error)
}

// Metrics observes money flows (volume counters); nil-safe implementations are fine.
type Metrics interface {
	Volume(asset money.Asset, kind string, amount money.Amount)
}

type noMetrics struct{}

func (noMetrics) Volume(money.Asset, string, money.Amount) {}
