package domain

import (
	"sort"
	"strings"

	"github.com/google/uuid"
)

// Side is the side of an order.
type Side uint8

// The two sides.
const (
	Buy Side = iota + 1
	Sell
)

// ParseSide reads "buy" or "sell".
func ParseSide(s string) (Side, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "buy":
		return Buy, nil
	case "sell":
		return Sell, nil
	}
	return 0, ErrInvalidSide
}

func (s Side) String() string {
	switch s {
	case Buy:
		return "buy"
	case Sell:
		return "sell"
	}
	return ""
}

// Opposite is the other side.
func (s Side) Opposite() Side {
	if s == Buy {
		return Sell
	}
	return Buy
}

// TimeInForce says what happens to what an order could not fill at once.
type TimeInForce uint8

// GTC rests on the book until filled or cancelled; IOC cancels its remainder at once.
const (
	GTC TimeInForce = iota + 1
	IOC
)

// ParseTimeInForce reads "GTC" or "IOC" (any case); empty is GTC.
func ParseTimeInForce(s string) (TimeInForce, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "GTC":
		return GTC, nil
	case "IOC":
		return IOC, nil
	}
	return 0, ErrInvalidTimeInForce
}

func (t TimeInForce) String() string {
	switch t {
	case GTC:
		return "GTC"
	case IOC:
		return "IOC"
	}
	return ""
}

// RestingOrder is an order waiting on the book. Price is in micro-dollars per share.
type RestingOrder struct {
	ID        uuid.UUID
	Owner     uuid.UUID
	Side      Side
	Price     int64
	Remaining int64
}

// Incoming is an order arriving at the book.
type Incoming struct {
	ID     uuid.UUID
	Owner  uuid.UUID
	Side   Side
	Price  int64
	Shares int64
	TIF    TimeInForce
}

// Fill is one trade: the maker is the resting order, whose price it executes at.
type Fill struct {
	MakerID    uuid.UUID
	MakerOwner uuid.UUID
	// MakerRemaining is what the maker still has on the book after this fill (0: filled).
	MakerRemaining int64
	Shares         int64
	Price          int64
}

// Outcome is what placing an order did.
type Outcome struct {
	Fills []Fill
	// Filled is the sum of the fills' shares; Remaining = Shares - Filled.
	Filled    int64
	Remaining int64
	// Rested is true when the remainder now rests on the book (GTC); false means it was
	// cancelled (IOC) or nothing remained.
	Rested bool
	// SelfTrades are the taker owner's own older resting orders that stood in the way: they
	// are cancelled (with what they had left) instead of trading with themselves.
	SelfTrades []RestingOrder
}

// Level is one price level of the book's depth.
type Level struct {
	Price  int64
	Shares int64
	Orders int
}

type node struct {
	order RestingOrder
	dead  bool
}

type level struct {
	price int64
	queue []*node
	head  int
	total int64
	live  int
}

func (l *level) front() *node {
	for l.head < len(l.queue) {
		if n := l.queue[l.head]; !n.dead {
			return n
		}
		l.queue[l.head] = nil
		l.head++
	}
	return nil
}

// ladder keeps one side's levels sorted worst first, so the best level is the last element
// and taking it off costs nothing.
type ladder struct {
	side   Side
	levels []*level
	byPx   map[int64]*level
}

func (d *ladder) better(a, b int64) bool {
	if d.side == Buy {
		return a > b
	}
	return a < b
}

func (d *ladder) best() *level {
	if len(d.levels) == 0 {
		return nil
	}
	return d.levels[len(d.levels)-1]
}

func (d *ladder) get(price int64) *level {
	if l, ok := d.byPx[price]; ok {
		return l
	}
	l := &level{price: price}
	// first index whose price is not worse than price
	i := sort.Search(len(d.levels), func(i int) bool { return !d.better(price, d.levels[i].price) })
	d.levels = append(d.levels, nil)
	copy(d.levels[i+1:], d.levels[i:])
	d.levels[i] = l
	d.byPx[price] = l
	return l
}

func (d *ladder) remove(l *level) {
	delete(d.byPx, l.price)
	if n := len(d.levels); n > 0 && d.levels[n-1] == l {
		d.levels[n-1] = nil
		d.levels = d.levels[:n-1]
		return
	}
	for i, x := range d.levels {
		if x == l {
			d.levels = append(d.levels[:i], d.levels[i+1:]...)
			return
		}
	}
}

// Book is one song's order book: price-time priority, trades at the resting order's price,
// partial fills, IOC, and no self-trade (the older order is cancelled). It is a pure value:
// the persisted book loads the crossing part of a song's resting orders into one, places the
// incoming order and writes back what the Outcome says.
type Book struct {
	bids, asks ladder
	orders     map[uuid.UUID]*node
}

// NewBook returns an empty book.
func NewBook() *Book {
	return &Book{
		bids:   ladder{side: Buy, byPx: map[int64]*level{}},
		asks:   ladder{side: Sell, byPx: map[int64]*level{}},
		orders: map[uuid.UUID]*node{},
	}
}

func (b *Book) ladder(s Side) *ladder {
	if s == Buy {
		return &b.bids
	}
	return &b.asks
}

func crosses(taker Side, limit, resting int64) bool {
	if taker == Buy {
		return resting <= limit
	}
	return resting >= limit
}

func validOrder(side Side, price, shares int64) error {
	if side != Buy && side != Sell {
		return ErrInvalidSide
	}
	if shares <= 0 || shares > TotalShares {
		return ErrInvalidShares
	}
	if price <= 0 {
		return ErrInvalidPrice
	}
	return nil
}

// Rest puts an order on the book without matching (loading a book back). It is behind the
// orders already at its price. An order that would cross the book is refused.
func (b *Book) Rest(o RestingOrder) error {
	if err := validOrder(o.Side, o.Price, o.Remaining); err != nil {
		return err
	}
	if _, dup := b.orders[o.ID]; dup {
		return ErrDuplicateOrder
	}
	if opp := b.ladder(o.Side.Opposite()).best(); opp != nil && crosses(o.Side, o.Price, opp.price) {
		return ErrWouldCross
	}
	b.rest(o)
	return nil
}

func (b *Book) rest(o RestingOrder) {
	l := b.ladder(o.Side).get(o.Price)
	n := &node{order: o}
	l.queue = append(l.queue, n)
	l.total += o.Remaining
	l.live++
	b.orders[o.ID] = n
}

// Place matches an incoming order against the book and rests (GTC) or cancels (IOC) what
// remains.
func (b *Book) Place(in Incoming) (Outcome, error) {
	if err := validOrder(in.Side, in.Price, in.Shares); err != nil {
		return Outcome{}, err
	}
	if in.TIF != GTC && in.TIF != IOC {
		return Outcome{}, ErrInvalidTimeInForce
	}
	if _, dup := b.orders[in.ID]; dup {
		return Outcome{}, ErrDuplicateOrder
	}
	out := Outcome{Remaining: in.Shares}
	opp := b.ladder(in.Side.Opposite())
	for out.Remaining > 0 {
		l := opp.best()
		if l == nil || !crosses(in.Side, in.Price, l.price) {
			break
		}
		for out.Remaining > 0 {
			n := l.front()
			if n == nil {
				break
			}
			if n.order.Owner == in.Owner {
				out.SelfTrades = append(out.SelfTrades, n.order)
				b.kill(l, n)
				continue
			}
			q := min(out.Remaining, n.order.Remaining)
			n.order.Remaining -= q
			l.total -= q
			out.Remaining -= q
			out.Filled += q
			out.Fills = append(out.Fills, Fill{MakerID: n.order.ID, MakerOwner: n.order.Owner,
				MakerRemaining: n.order.Remaining, Shares: q, Price: l.price})
			if n.order.Remaining == 0 {
				b.kill(l, n)
			}
		}
		if l.live == 0 {
			opp.remove(l)
		}
	}
	if out.Remaining > 0 && in.TIF == GTC {
		b.rest(RestingOrder{ID: in.ID, Owner: in.Owner, Side: in.Side, Price: in.Price, Remaining: out.Remaining})
		out.Rested = true
	}
	return out, nil
}

// kill takes a node off its level (the level itself is removed by the caller when empty).
func (b *Book) kill(l *level, n *node) {
	n.dead = true
	l.total -= n.order.Remaining
	l.live--
	delete(b.orders, n.order.ID)
}

// Cancel takes a resting order off the book and returns it with what it had left.
func (b *Book) Cancel(id uuid.UUID) (RestingOrder, error) {
	n, ok := b.orders[id]
	if !ok {
		return RestingOrder{}, ErrOrderNotFound
	}
	d := b.ladder(n.order.Side)
	l := d.byPx[n.order.Price]
	b.kill(l, n)
	if l.live == 0 {
		d.remove(l)
	} else if len(l.queue)-l.head > 64 && l.live*2 < len(l.queue)-l.head {
		l.compact()
	}
	return n.order, nil
}

func (l *level) compact() {
	q := make([]*node, 0, l.live)
	for _, n := range l.queue[l.head:] {
		if !n.dead {
			q = append(q, n)
		}
	}
	l.queue, l.head = q, 0
}

// Order returns a resting order.
func (b *Book) Order(id uuid.UUID) (RestingOrder, bool) {
	n, ok := b.orders[id]
	if !ok {
		return RestingOrder{}, false
	}
	return n.order, true
}

// Len is the number of resting orders.
func (b *Book) Len() int { return len(b.orders) }

// Best returns the best price of a side and whether the side has any order.
func (b *Book) Best(s Side) (int64, bool) {
	l := b.ladder(s).best()
	if l == nil {
		return 0, false
	}
	return l.price, true
}

// Depth lists up to n levels of a side, best first (n <= 0: all).
func (b *Book) Depth(s Side, n int) []Level {
	d := b.ladder(s)
	out := make([]Level, 0, len(d.levels))
	for i := len(d.levels) - 1; i >= 0 && (n <= 0 || len(out) < n); i-- {
		l := d.levels[i]
		out = append(out, Level{Price: l.price, Shares: l.total, Orders: l.live})
	}
	return out
}

// Resting lists every resting order of a side in priority order.
func (b *Book) Resting(s Side) []RestingOrder {
	d := b.ladder(s)
	var out []RestingOrder
	for i := len(d.levels) - 1; i >= 0; i-- {
		l := d.levels[i]
		for _, n := range l.queue[l.head:] {
			if !n.dead {
				out = append(out, n.order)
			}
		}
	}
	return out
}

// Crossed reports a best bid at or above the best ask (which must never happen).
func (b *Book) Crossed() bool {
	bid, okB := b.Best(Buy)
	ask, okA := b.Best(Sell)
	return okB && okA && bid >= ask
}
