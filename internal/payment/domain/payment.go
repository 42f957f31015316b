package domain

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Payment rule errors.
var (
	ErrPaymentNotFound     = errs.New(errs.NotFound, "payment.not_found", "the payment does not exist")
	ErrAmountOutOfRange    = errs.New(errs.Unprocessable, "payment.amount_out_of_range", "a top-up must be between $0.50 and $999,999.99")
	ErrUnsupportedCurrency = errs.New(errs.Unprocessable, "payment.unsupported_currency", "only usd is supported")
	ErrInvalidTransition   = errs.New(errs.Conflict, "payment.invalid_transition", "the payment cannot move to that status")
	ErrAlreadySucceeded    = errs.New(errs.Conflict, "payment.already_succeeded", "the payment has already succeeded")
	ErrNotRefundable       = errs.New(errs.Conflict, "payment.not_refundable", "only a succeeded payment can be refunded")
	ErrRefundExceedsPaid   = errs.New(errs.Conflict, "payment.refund_exceeds_paid", "refunds cannot exceed the amount paid")
)

// PaymentStatus is the lifecycle of a fiat payment.
type PaymentStatus string

// Payment states: pending (recorded, provider intent not created yet), processing (intent
// created, waiting for the customer and the provider), then succeeded or failed.
const (
	PaymentPending    PaymentStatus = "pending"
	PaymentProcessing PaymentStatus = "processing"
	PaymentSucceeded  PaymentStatus = "succeeded"
	PaymentFailed     PaymentStatus = "failed"
)

// PaymentStatuses lists every status (metrics report each).
func PaymentStatuses() []PaymentStatus {
	return []PaymentStatus{PaymentPending, PaymentProcessing, PaymentSucceeded, PaymentFailed}
}

// ParsePaymentStatus reads a stored status.
func ParsePaymentStatus(s string) (PaymentStatus, error) {
	switch st := PaymentStatus(s); st {
	case PaymentPending, PaymentProcessing, PaymentSucceeded, PaymentFailed:
		return st, nil
	}
	return "", ErrInvalidTransition.WithMessage("unknown payment status " + s)
}

// Top-up limits (Stripe's minimum charge, its maximum for USD) and the review threshold.
var (
	MinTopUp        = money.MustNew(money.USD, 500_000)          // $0.50
	MaxTopUp        = money.MustNew(money.USD, 999_999_990_000)  // $999,999.99
	ReviewThreshold = money.MustNew(money.USD, 10_000*1_000_000) // payments over $10,000 are reviewed
)

// ProviderStripe names the Stripe gateway.
const ProviderStripe = "stripe"

// Payment is a fiat top-up through a payment provider.
type Payment struct {
	id                uuid.UUID
	userID            uuid.UUID
	amount            money.Amount
	currency          string
	status            PaymentStatus
	provider          string
	idempotencyKey    string
	providerPaymentID string
	clientSecret      string
	refunded          money.Amount
	reviewRequired    bool
	failureReason     string
	createdAt         time.Time
	updatedAt         time.Time

	events []any
}

// PaymentSucceededEvent is recorded when a payment succeeds: the ledger credits the user.
type PaymentSucceededEvent struct {
	PaymentID uuid.UUID
	UserID    uuid.UUID
	Amount    money.Amount
	At        time.Time
}

// NewPayment records a top-up request. Amounts over the review threshold are flagged.
func NewPayment(id, userID uuid.UUID, amount money.Amount, currency, provider, key string, now time.Time) (*Payment, error) {
	if strings.ToLower(currency) != "usd" || amount.Asset() != money.USD {
		return nil, ErrUnsupportedCurrency
	}
	if amount.Cmp(MinTopUp) < 0 || amount.Cmp(MaxTopUp) > 0 {
		return nil, ErrAmountOutOfRange
	}
	if key == "" || len(key) > 200 {
		return nil, ErrMissingKey
	}
	return &Payment{id: id, userID: userID, amount: amount, currency: "usd", status: PaymentPending, provider: provider,
		idempotencyKey: key, refunded: money.Zero(money.USD), reviewRequired: amount.Cmp(ReviewThreshold) > 0,
		createdAt: now, updatedAt: now}, nil
}

// PaymentState is a stored payment, for RehydratePayment.
type PaymentState struct {
	ID                uuid.UUID
	UserID            uuid.UUID
	Amount            money.Amount
	Currency          string
	Status            PaymentStatus
	Provider          string
	IdempotencyKey    string
	ProviderPaymentID string
	ClientSecret      string
	Refunded          money.Amount
	ReviewRequired    bool
	FailureReason     string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// RehydratePayment rebuilds a stored payment (repositories only).
func RehydratePayment(s PaymentState) *Payment {
	return &Payment{id: s.ID, userID: s.UserID, amount: s.Amount, currency: s.Currency, status: s.Status, provider: s.Provider,
		idempotencyKey: s.IdempotencyKey, providerPaymentID: s.ProviderPaymentID, clientSecret: s.ClientSecret,
		refunded: s.Refunded, reviewRequired: s.ReviewRequired, failureReason: s.FailureReason, createdAt: s.CreatedAt, updatedAt: s.UpdatedAt}
}

func (p *Payment) ID() uuid.UUID             { return p.id }
func (p *Payment) UserID() uuid.UUID         { return p.userID }
func (p *Payment) Amount() money.Amount      { return p.amount }
func (p *Payment) Currency() string          { return p.currency }
func (p *Payment) Status() PaymentStatus     { return p.status }
func (p *Payment) Provider() string          { return p.provider }
func (p *Payment) IdempotencyKey() string    { return p.idempotencyKey }
func (p *Payment) ProviderPaymentID() string { return p.providerPaymentID }
func (p *Payment) ClientSecret() string      { return p.clientSecret }
func (p *Payment) Refunded() money.Amount    { return p.refunded }
func (p *Payment) ReviewRequired() bool      { return p.reviewRequired }
func (p *Payment) FailureReason() string     { return p.failureReason }
func (p *Payment) CreatedAt() time.Time      { return p.createdAt }
func (p *Payment) UpdatedAt() time.Time      { return p.updatedAt }

// Refundable is what can still be refunded.
func (p *Payment) Refundable() money.Amount {
	r, _ := p.amount.Sub(p.refunded)
	return r
}

// PullEvents drains the recorded domain events.
func (p *Payment) PullEvents() []any {
	ev := p.events
	p.events = nil
	return ev
}

// StartProcessing records the provider's intent: pending -> processing.
func (p *Payment) StartProcessing(providerPaymentID, clientSecret string, now time.Time) error {
	if p.status != PaymentPending {
		return ErrInvalidTransition.WithMessage("only a pending payment can start processing")
	}
	if providerPaymentID == "" {
		return ErrInvalidTransition.WithMessage("the provider payment id is required")
	}
	p.status, p.providerPaymentID, p.clientSecret, p.updatedAt = PaymentProcessing, providerPaymentID, clientSecret, now
	return nil
}

// Succeed marks the payment paid with the amount the provider received. A received amount that
// differs from the requested one is credited as received and flagged for review.
func (p *Payment) Succeed(received money.Amount, now time.Time) error {
	switch p.status {
	case PaymentSucceeded:
		return ErrAlreadySucceeded
	case PaymentPending, PaymentProcessing, PaymentFailed:
		// a failed attempt can still succeed later (the customer retried with a new card)
	}
	if received.Asset() != money.USD || !received.IsPositive() {
		return ErrNonPositiveAmount
	}
	if received != p.amount {
		p.reviewRequired = true
		p.amount = received
	}
	p.status, p.failureReason, p.updatedAt = PaymentSucceeded, "", now
	p.events = append(p.events, PaymentSucceededEvent{PaymentID: p.id, UserID: p.userID, Amount: p.amount, At: now})
	return nil
}

// Fail marks the payment failed with the provider's reason.
func (p *Payment) Fail(reason string, now time.Time) error {
	switch p.status {
	case PaymentPending, PaymentProcessing:
	case PaymentFailed:
		return nil
	default:
		return ErrInvalidTransition.WithMessage("a succeeded payment cannot fail")
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	p.status, p.failureReason, p.updatedAt = PaymentFailed, reason, now
	return nil
}

// Refund reserves amount of the paid total for a refund; refunds never exceed what was paid.
func (p *Payment) Refund(amount money.Amount, now time.Time) error {
	if p.status != PaymentSucceeded {
		return ErrNotRefundable
	}
	if !amount.IsPositive() || amount.Asset() != money.USD {
		return ErrNonPositiveAmount
	}
	if amount.Cmp(p.Refundable()) > 0 {
		return ErrRefundExceedsPaid
	}
	p.refunded, _ = p.refunded.Add(amount)
	p.updatedAt = now
	return nil
}

// RefundFailed gives back a reservation made by Refund when the provider refused the refund.
func (p *Payment) RefundFailed(amount money.Amount, now time.Time) error {
	r, err := p.refunded.Sub(amount)
	if err != nil || r.IsNegative() {
		return ErrRefundExceedsPaid.WithMessage("cannot undo more than was refunded")
	}
	p.refunded, p.updatedAt = r, now
	return nil
}
