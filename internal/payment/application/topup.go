package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// TopUp asks to add card money to the caller's USD wallet.
type TopUp struct {
	UserID         uuid.UUID
	AmountCents    int64
	Currency       string
	IdempotencyKey string
}

// TopUpHandler records the payment, then creates the provider's PaymentIntent outside any
// database transaction, then records the intent. A retry with the same key finds the stored
// payment and, if the intent was not recorded yet, asks the provider again with the same
// idempotency key, so one PaymentIntent exists per key.
type TopUpHandler struct {
	payments PaymentRepository
	ledger   contracts.Ledger
	gateway  Gateway
	now      Clock
	newID    NewID
}

// NewTopUpHandler builds the handler; gateway may be nil (top-ups then answer
// ErrTopUpsUnavailable).
func NewTopUpHandler(payments PaymentRepository, ledger contracts.Ledger, gateway Gateway, now Clock, newID NewID) (*TopUpHandler, error) {
	if payments == nil || ledger == nil || now == nil || newID == nil {
		return nil, errors.New("payment: top-up handler dependencies are required")
	}
	return &TopUpHandler{payments: payments, ledger: ledger, gateway: gateway, now: now, newID: newID}, nil
}

// StripeIdempotencyKey is the key sent to the provider for a top-up: the client's key,
// namespaced by user so that two users' keys never collide at the provider.
func StripeIdempotencyKey(userID uuid.UUID, key string) string {
	return "topup:" + userID.String() + ":" + key
}

// Handle runs the use case.
func (h *TopUpHandler) Handle(ctx context.Context, cmd TopUp) (*domain.Payment, error) {
	if h.gateway == nil {
		return nil, ErrTopUpsUnavailable
	}
	amount, err := money.FromCents(cmd.AmountCents)
	if err != nil {
		return nil, domain.ErrAmountOutOfRange
	}
	p, err := domain.NewPayment(h.newID(), cmd.UserID, amount, cmd.Currency, domain.ProviderStripe, cmd.IdempotencyKey, h.now())
	if err != nil {
		return nil, err
	}
	if err := h.ledger.OpenUserAccounts(ctx, cmd.UserID); err != nil {
		return nil, err
	}
	stored, _, err := h.payments.Create(ctx, p)
	if err != nil {
		return nil, err
	}
	open := stored.Status() == domain.PaymentPending || stored.Status() == domain.PaymentProcessing
	if open && stored.Amount() != p.Amount() {
		return nil, contracts.ErrIdempotencyKeyReused
	}
	if stored.Status() != domain.PaymentPending {
		return stored, nil
	}
	return createIntent(ctx, h.payments, h.gateway, stored, h.now)
}

// createIntent asks the provider for the intent of a pending payment and records it.
func createIntent(ctx context.Context, payments PaymentRepository, gateway Gateway, p *domain.Payment, now Clock) (*domain.Payment, error) {
	in, err := gateway.CreateIntent(ctx, CreateIntent{PaymentID: p.ID(), UserID: p.UserID(), Amount: p.Amount(), Currency: p.Currency(),
		IdempotencyKey: StripeIdempotencyKey(p.UserID(), p.IdempotencyKey())})
	if err != nil {
		if errors.Is(err, ErrGatewayRefused) {
			_, uerr := payments.Update(ctx, p.ID(), nil, func(p *domain.Payment) error { return p.Fail("refused by the provider", now()) })
			if uerr != nil {
				return nil, uerr
			}
		}
		return nil, err
	}
	return payments.Update(ctx, p.ID(), nil, func(p *domain.Payment) error {
		if p.Status() != domain.PaymentPending {
			return nil // a concurrent attempt recorded it first
		}
		return p.StartProcessing(in.ID, in.ClientSecret, now())
	})
}
