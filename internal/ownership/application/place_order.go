package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/batch"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// PlaceOrder puts a limit order on a song's book. A buy first holds shares x limit + fee of
// the buyer's USD (the order is stored pending before, so a crash leaves something the
// sweeper finishes or undoes); a sell locks the shares. Matching, trades and share moves
// commit in one transaction under the song's lock; the cash of each trade then settles from
// the buyer's hold, exactly once, by the trade's id.
//
// The orders of one song are sequenced in batches (group commit): the orders that arrive while
// a batch holds the song's lock wait and run together in the next transaction, one after
// the other in arrival order, each in its own savepoint (a refused order is undone alone) and
// each answered after the commit. Holds are taken before, outside the lock, and settlements
// run after, concurrently. Several instances stay correct because every batch runs under the
// song register's row lock in Postgres (the same lock every other market command takes): the
// database serialises the batches of all instances, the batch only shares the trip.
type PlaceOrder struct {
	seq     *batch.Group[uuid.UUID, marketCmd, error]
	markets domain.Markets
	settle  domain.Settlements
	reader  Reader
	ledger  Ledger
	settler *Settler
	metrics Metrics
	cfg     Config
	now     Clock
	newID   NewID
}

// PlaceOrderCommand is a trader's request.
type PlaceOrderCommand struct {
	Owner       uuid.UUID
	SongID      uuid.UUID
	Side        string
	Shares      int64
	LimitPrice  string
	TimeInForce string
}

// NewPlaceOrder builds the use case.
func NewPlaceOrder(markets domain.Markets, settle domain.Settlements, reader Reader, ledger Ledger, settler *Settler, metrics Metrics,
	cfg Config, now Clock, newID NewID) (*PlaceOrder, error) {
	if markets == nil || settle == nil || reader == nil || ledger == nil || settler == nil || now == nil || newID == nil {
		return nil, errNilDependency
	}
	if metrics == nil {
		metrics = noMetrics{}
	}
	h := &PlaceOrder{markets: markets, settle: settle, reader: reader, ledger: ledger, settler: settler, metrics: metrics,
		cfg: cfg, now: now, newID: newID}
	h.seq = batch.New(orderBatch, h.runBatch)
	return h, nil
}

// marketCmd is one order's work under its song's lock.
type marketCmd = func(ctx context.Context, m domain.Market) error

// orderBatch bounds how many orders share one transaction.
const orderBatch = 128

func (h *PlaceOrder) runBatch(ctx context.Context, songID uuid.UUID, cmds []marketCmd) []error {
	failed, err := h.markets.WithEach(ctx, songID, cmds)
	if err != nil {
		failed = make([]error, len(cmds))
		for i := range failed {
			failed[i] = err
		}
	}
	return failed
}

// with runs fn under the song's lock in the next batch of that song.
func (h *PlaceOrder) with(ctx context.Context, songID uuid.UUID, fn marketCmd) error {
	failed, err := h.seq.Do(ctx, songID, fn)
	if err != nil {
		return err
	}
	return failed
}

// Handle validates, holds or locks, matches and settles.
func (h *PlaceOrder) Handle(ctx context.Context, cmd PlaceOrderCommand) (OrderView, error) {
	side, err := domain.ParseSide(cmd.Side)
	if err != nil {
		return OrderView{}, err
	}
	tif, err := domain.ParseTimeInForce(cmd.TimeInForce)
	if err != nil {
		return OrderView{}, err
	}
	if cmd.Shares <= 0 || cmd.Shares > domain.TotalShares {
		return OrderView{}, domain.ErrInvalidShares
	}
	price, err := ParsePrice(cmd.LimitPrice)
	if err != nil {
		return OrderView{}, err
	}
	if _, err := h.reader.Song(ctx, cmd.SongID); err != nil {
		return OrderView{}, err
	}
	o, err := domain.NewOrder(domain.OrderParams{ID: h.newID(), SongID: cmd.SongID, Owner: cmd.Owner, Side: side, TIF: tif,
		Price: price, Shares: cmd.Shares, FeeBPS: h.cfg.FeeBPS, Now: h.now()})
	if err != nil {
		return OrderView{}, err
	}
	var res matched
	if side == domain.Buy {
		if err := h.settle.AddPendingOrder(ctx, o); err != nil {
			return OrderView{}, err
		}
		if res, err = h.Activate(ctx, o); err != nil {
			return OrderView{}, err
		}
	} else {
		err = h.with(ctx, cmd.SongID, func(ctx context.Context, m domain.Market) error {
			hs := &holdings{m: m, by: map[uuid.UUID]*domain.Holding{}}
			seller, err := hs.get(ctx, cmd.Owner)
			if err != nil {
				return err
			}
			if err := seller.Lock(cmd.Shares); err != nil {
				return err
			}
			if err := o.Activate(uuid.Nil, m.Song().NextSeq(), h.now()); err != nil {
				return err
			}
			if err := m.AddOrder(ctx, o); err != nil {
				return err
			}
			res, err = match(ctx, m, hs, o, h.newID, h.now())
			return err
		})
		if err != nil {
			return OrderView{}, err
		}
	}
	h.metrics.OrderPlaced(side.String())
	for _, t := range res.trades {
		h.metrics.Trade(t.Shares, t.Gross)
	}
	h.settler.settleNow(ctx, res)
	return orderView(o, res.trades), nil
}

// Activate takes a pending buy's hold and matches it; when the hold is refused or a rule
// fails under the lock, the order is undone (hold released, row deleted) and the error
// returned. Safe to run again after a crash (the hold's key is the order's).
func (h *PlaceOrder) Activate(ctx context.Context, o *domain.Order) (matched, error) {
	hr, err := h.ledger.Hold(ctx, paycontracts.HoldRequest{IdempotencyKey: "ownership:order:" + o.ID().String() + ":hold",
		Owner: o.Owner(), Amount: usd(o.HoldAmount()),
		Details: paycontracts.Details{Reason: "share_buy_order", ExternalRef: o.ID().String(),
			Metadata: map[string]string{"song_id": o.SongID().String()}}})
	if err != nil {
		if isRefusal(err) {
			if derr := h.settle.DeleteOrder(ctx, o.ID()); derr != nil {
				return matched{}, errors.Join(err, derr)
			}
		}
		return matched{}, err
	}
	var res matched
	err = h.with(ctx, o.SongID(), func(ctx context.Context, m domain.Market) error {
		cur, err := m.Order(ctx, o.ID())
		if err != nil {
			return err
		}
		if cur.Status() != domain.OrderPending {
			*o = *cur
			return nil
		}
		if cur.Owner() != m.Song().ArtistUserID() {
			offering, err := m.Offering(ctx)
			if err != nil {
				return err
			}
			hs, err := m.Holding(ctx, cur.Owner())
			if err != nil {
				return err
			}
			committed, err := m.Committed(ctx, cur.Owner()) // includes this order
			if err != nil {
				return err
			}
			if hs.Shares()+committed > offering.MaxSharesPerHolder() {
				return domain.ErrHolderCapExceeded
			}
		}
		if err := cur.Activate(hr.HoldID, m.Song().NextSeq(), h.now()); err != nil {
			return err
		}
		res, err = match(ctx, m, &holdings{m: m, by: map[uuid.UUID]*domain.Holding{}}, cur, h.newID, h.now())
		*o = *cur
		return err
	})
	if err != nil && isRefusal(err) {
		if _, rerr := h.ledger.Release(ctx, paycontracts.ReleaseRequest{IdempotencyKey: "ownership:order:" + o.ID().String() + ":undo",
			HoldID: hr.HoldID, Details: paycontracts.Details{Reason: "share_buy_order_refused", ExternalRef: o.ID().String()}}); rerr != nil {
			return res, errors.Join(err, rerr)
		}
		if derr := h.settle.DeleteOrder(ctx, o.ID()); derr != nil {
			return res, errors.Join(err, derr)
		}
	}
	return res, err
}
