package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/domain"
)

// CancelOrder takes a caller's resting order off the book: a sell's shares are unlocked, a
// buy's hold is released.
type CancelOrder struct {
	markets domain.Markets
	reader  Reader
	settler *Settler
	now     Clock
}

// NewCancelOrder builds the use case.
func NewCancelOrder(markets domain.Markets, reader Reader, settler *Settler, now Clock) (*CancelOrder, error) {
	if markets == nil || reader == nil || settler == nil || now == nil {
		return nil, errNilDependency
	}
	return &CancelOrder{markets: markets, reader: reader, settler: settler, now: now}, nil
}

// Handle cancels; another user's order is not found; a closed one gives ErrOrderClosed.
func (h *CancelOrder) Handle(ctx context.Context, owner, orderID uuid.UUID) (OrderView, error) {
	o, err := h.reader.Order(ctx, orderID)
	if err != nil {
		return OrderView{}, err
	}
	if o.Owner() != owner || o.Status() == domain.OrderPending {
		return OrderView{}, domain.ErrOrderNotFound
	}
	now := h.now()
	err = h.markets.With(ctx, o.SongID(), func(ctx context.Context, m domain.Market) error {
		if o, err = m.Order(ctx, orderID); err != nil {
			return err
		}
		hs := &holdings{m: m, by: map[uuid.UUID]*domain.Holding{}}
		if err := cancelResting(ctx, m, hs, o, "cancelled", now); err != nil {
			return err
		}
		m.Record(domain.BookChanged{SongID: o.SongID(), At: now})
		return hs.save(ctx)
	})
	if err != nil {
		return OrderView{}, err
	}
	var res matched
	if o.Side() == domain.Buy {
		res.finalBuys = append(res.finalBuys, o)
	}
	h.settler.settleNow(ctx, res)
	trades, err := h.reader.TradesOf(ctx, []uuid.UUID{o.ID()})
	if err != nil {
		return OrderView{}, err
	}
	return orderView(o, trades[o.ID()]), nil
}
