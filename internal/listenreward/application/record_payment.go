package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// RecordPayment notes that the ledger settled a qualified session (from payment.stream_paid.v1).
type RecordPayment struct {
	SessionID uuid.UUID
	EntryID   uuid.UUID
	PaidAt    time.Time
}

// Payments handles RecordPayment; a redelivered event changes nothing.
type Payments struct{ d Deps }

// NewPayments builds the handler.
func NewPayments(d Deps) (*Payments, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Payments{d: d}, nil
}

// Handle implements the use case.
func (h *Payments) Handle(ctx context.Context, cmd RecordPayment) error {
	var (
		first bool
		s     *domain.Session
	)
	err := h.d.Sessions.Update(ctx, cmd.SessionID, func(x *domain.Session) error {
		first, s = x.Payment() != domain.PaymentPaid, x
		return x.MarkPaid(cmd.EntryID, cmd.PaidAt)
	})
	if err != nil {
		return err
	}
	if first && s.DecidedAt() != nil {
		h.d.Metrics.Paid(s.Song().Price, cmd.PaidAt.Sub(*s.DecidedAt()))
	}
	return nil
}
