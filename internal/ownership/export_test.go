package ownership

import (
	"context"

	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// AccrueForTest runs the stream_paid handler directly (as a redelivery would).
func (m *Module) AccrueForTest(ctx context.Context, p paycontracts.StreamPaid) error {
	return m.accrue.Handle(ctx, p)
}
