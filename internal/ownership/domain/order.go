package domain

import (
	"time"

	"github.com/google/uuid"
)

// OrderStatus is an order's lifecycle: pending (a buy waiting for its USD hold) -> open ->
// partially_filled -> filled | cancelled.
type OrderStatus string

// The statuses.
const (
	OrderPending         OrderStatus = "pending"
	OrderOpen            OrderStatus = "open"
	OrderPartiallyFilled OrderStatus = "partially_filled"
	OrderFilled          OrderStatus = "filled"
	OrderCancelled       OrderStatus = "cancelled"
)

// ParseOrderStatus reads a status a client may filter on.
func ParseOrderStatus(s string) (OrderStatus, error) {
	switch st := OrderStatus(s); st {
	case OrderOpen, OrderPartiallyFilled, OrderFilled, OrderCancelled:
		return st, nil
	}
	return "", ErrInvalidStatus
}

// Final reports filled or cancelled.
func (s OrderStatus) Final() bool { return s == OrderFilled || s == OrderCancelled }

// Resting reports open or partially filled (on the book).
func (s OrderStatus) Resting() bool { return s == OrderOpen || s == OrderPartiallyFilled }

// OrderParams describe a new order.
type OrderParams struct {
	ID, SongID, Owner uuid.UUID
	Side              Side
	TIF               TimeInForce
	Price, Shares     int64
	FeeBPS            int
	Now               time.Time
}

// Order is a limit order on a song's book. A buy holds shares x limit + fee in USD while it
// lives; a sell locks the shares.
type Order struct {
	id, songID, owner uuid.UUID
	side              Side
	tif               TimeInForce
	price, shares     int64
	filled            int64
	spent             int64
	status            OrderStatus
	seq               int64
	holdAmount        int64
	feeBPS            int
	holdID            uuid.UUID
	released          bool
	cancelReason      string
	createdAt         time.Time
	updatedAt         time.Time
}

// NewOrder validates an order; a buy starts pending (until its hold is taken), a sell open.
func NewOrder(p OrderParams) (*Order, error) {
	if err := validOrder(p.Side, p.Price, p.Shares); err != nil {
		return nil, err
	}
	if p.TIF != GTC && p.TIF != IOC {
		return nil, ErrInvalidTimeInForce
	}
	o := &Order{id: p.ID, songID: p.SongID, owner: p.Owner, side: p.Side, tif: p.TIF, price: p.Price, shares: p.Shares,
		status: OrderOpen, feeBPS: p.FeeBPS, createdAt: p.Now, updatedAt: p.Now}
	if p.Side == Buy {
		gross, err := MulPrice(p.Shares, p.Price)
		if err != nil {
			return nil, err
		}
		o.holdAmount = gross + Fee(gross, p.FeeBPS)
		o.status = OrderPending
	}
	return o, nil
}

// RehydrateOrder is for repositories.
func RehydrateOrder(id, songID, owner uuid.UUID, side Side, tif TimeInForce, price, shares, filled, spent int64, status OrderStatus,
	seq, holdAmount int64, feeBPS int, holdID uuid.UUID, released bool, cancelReason string, createdAt, updatedAt time.Time) *Order {
	return &Order{id: id, songID: songID, owner: owner, side: side, tif: tif, price: price, shares: shares, filled: filled,
		spent: spent, status: status, seq: seq, holdAmount: holdAmount, feeBPS: feeBPS, holdID: holdID, released: released, cancelReason: cancelReason,
		createdAt: createdAt, updatedAt: updatedAt}
}

func (o *Order) ID() uuid.UUID       { return o.id }
func (o *Order) SongID() uuid.UUID   { return o.songID }
func (o *Order) Owner() uuid.UUID    { return o.owner }
func (o *Order) Side() Side          { return o.side }
func (o *Order) TIF() TimeInForce    { return o.tif }
func (o *Order) Price() int64        { return o.price }
func (o *Order) Shares() int64       { return o.shares }
func (o *Order) Filled() int64       { return o.filled }
func (o *Order) Spent() int64        { return o.spent }
func (o *Order) Remaining() int64    { return o.shares - o.filled }
func (o *Order) Status() OrderStatus { return o.status }
func (o *Order) Seq() int64          { return o.seq }
func (o *Order) HoldAmount() int64   { return o.holdAmount }

// FeeBPS is the fee rate the order was placed (and, for a buy, held) at.
func (o *Order) FeeBPS() int { return o.feeBPS }

func (o *Order) HoldID() uuid.UUID    { return o.holdID }
func (o *Order) Released() bool       { return o.released }
func (o *Order) CancelReason() string { return o.cancelReason }
func (o *Order) CreatedAt() time.Time { return o.createdAt }
func (o *Order) UpdatedAt() time.Time { return o.updatedAt }

// Activate puts a pending buy on the book once its USD is held.
func (o *Order) Activate(holdID uuid.UUID, seq int64, now time.Time) error {
	if o.status != OrderPending && !(o.side == Sell && o.status == OrderOpen && o.seq == 0) {
		return ErrOrderClosed
	}
	o.holdID, o.seq, o.status, o.updatedAt = holdID, seq, OrderOpen, now
	return nil
}

// Fill records shares traded and, for a buy, what they cost from its hold (gross + fee).
func (o *Order) Fill(shares, cost int64, now time.Time) {
	o.filled += shares
	o.spent += cost
	o.status = OrderPartiallyFilled
	if o.filled >= o.shares {
		o.status = OrderFilled
	}
	o.updatedAt = now
}

// Cancel closes the order with what it has left; a second call returns ErrOrderClosed.
func (o *Order) Cancel(reason string, now time.Time) error {
	if o.status.Final() {
		return ErrOrderClosed
	}
	o.status, o.cancelReason, o.updatedAt = OrderCancelled, reason, now
	return nil
}

// HeldFor is what a buy holds for n of its shares: n x limit + the fee on it. Fees round
// down, so the parts held for the fills never add up to more than the whole hold.
func (o *Order) HeldFor(n int64) int64 {
	g := n * o.price
	return g + Fee(g, o.feeBPS)
}

// Unspent is what a buy's hold still has once its trades settle.
func (o *Order) Unspent() int64 { return o.holdAmount - o.spent }

// MarkReleased records that the rest of a final buy's hold went back to the wallet.
func (o *Order) MarkReleased() { o.released = true }

// Resting is the order as the matching core sees it.
func (o *Order) Resting() RestingOrder {
	return RestingOrder{ID: o.id, Owner: o.owner, Side: o.side, Price: o.price, Remaining: o.Remaining()}
}

// Trade is one execution between a buy and a sell order, at the resting order's price. Its
// cash settles from the buyer's hold after the shares moved (exactly once, by its id).
type Trade struct {
	ID, SongID                uuid.UUID
	BuyOrderID, SellOrderID   uuid.UUID
	BuyerID, SellerID         uuid.UUID
	BuyHoldID                 uuid.UUID
	Shares, Price, Gross, Fee int64
	// Refund is what the buyer held for these shares above their cost (bought below the
	// limit): the settlement returns it to the buyer's wallet at once.
	Refund int64
	At     time.Time
}

// Domain events of the book.
type (
	// TradeExecuted is recorded for each trade.
	TradeExecuted struct{ Trade Trade }
	// BookChanged is recorded once per command that changed a song's book.
	BookChanged struct {
		SongID uuid.UUID
		At     time.Time
	}
	// OrderUpdated is recorded when an order's status or fill changes.
	OrderUpdated struct {
		OrderID, SongID, Owner uuid.UUID
		Status                 OrderStatus
		Filled                 int64
		At                     time.Time
	}
)
