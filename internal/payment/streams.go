package payment

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
)

// StreamPayments settles qualified listens (the hold as one split entry and
// payment.stream_paid.v1 in the same transaction, idempotent on the session).
func (m *Module) StreamPayments() contracts.StreamPayments { return m.streams }

// StreamTotals sums an artist's paid listens.
type StreamTotals struct {
	Payments                                 int64
	Gross, PlatformFee, Shareholders, Artist money.Amount
}

// StreamTotals sums what listens paid an artist (tests, reports).
func (m *Module) StreamTotals(ctx context.Context, artistUserID uuid.UUID) (StreamTotals, error) {
	r, err := m.streamPay.StreamTotals(ctx, artistUserID)
	if err != nil {
		return StreamTotals{}, err
	}
	u := func(n int64) money.Amount { return money.MustNew(money.USD, n) }
	return StreamTotals{Payments: r.Payments, Gross: u(r.Gross), PlatformFee: u(r.PlatformFee), Shareholders: u(r.Shareholders), Artist: u(r.Artist)}, nil
}

// StreamPaid counts a settled listen and its parts.
func (m *metrics) StreamPaid(p contracts.StreamPayment) {
	m.streamPayments.Inc()
	m.streamVolume.WithLabelValues("gross").Add(float64(p.Price.Units()))
	m.streamVolume.WithLabelValues("platform_fee").Add(float64(p.PlatformFee.Units()))
	m.streamVolume.WithLabelValues("shareholders").Add(float64(p.Shareholders.Units()))
	m.streamVolume.WithLabelValues("artist").Add(float64(p.Artist.Units()))
}
