package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/domain"
)

// matchBatch is how many crossing resting orders are loaded at a time.
const matchBatch = 256

// matched is what one command did to a song's book, for the settlement that follows.
type matched struct {
	trades []domain.Trade
	// finalBuys are buy orders that became filled or cancelled: their holds' rest is released
	// once their trades settle.
	finalBuys []*domain.Order
}

// holdings caches the holdings loaded in one market transaction (each row is locked once and
// saved once).
type holdings struct {
	m  domain.Market
	by map[uuid.UUID]*domain.Holding
}

func (h *holdings) get(ctx context.Context, user uuid.UUID) (*domain.Holding, error) {
	if x, ok := h.by[user]; ok {
		return x, nil
	}
	x, err := h.m.Holding(ctx, user)
	if err != nil {
		return nil, err
	}
	h.by[user] = x
	return x, nil
}

func (h *holdings) save(ctx context.Context) error {
	for _, x := range h.by {
		if err := h.m.SaveHolding(ctx, x); err != nil {
			return err
		}
	}
	return nil
}

// match runs the pure matching core on the crossing part of the persisted book and writes
// back what it decided: fills, trades, share moves (royalties settled first), self-trade
// cancels and the taker's own state. The taker is already stored (AddOrder or pending).
func match(ctx context.Context, m domain.Market, hs *holdings, taker *domain.Order, newID NewID, now time.Time) (matched, error) {
	var res matched
	song := m.Song()
	for taker.Remaining() > 0 {
		resting, err := m.Crossing(ctx, taker.Side().Opposite(), taker.Price(), matchBatch)
		if err != nil {
			return res, err
		}
		if len(resting) == 0 {
			break
		}
		book := domain.NewBook()
		byID := make(map[uuid.UUID]*domain.Order, len(resting))
		for _, r := range resting {
			byID[r.ID()] = r
			if err := book.Rest(r.Resting()); err != nil {
				return res, err
			}
		}
		out, err := book.Place(domain.Incoming{ID: taker.ID(), Owner: taker.Owner(), Side: taker.Side(), Price: taker.Price(),
			Shares: taker.Remaining(), TIF: domain.IOC})
		if err != nil {
			return res, err
		}
		for _, st := range out.SelfTrades {
			o := byID[st.ID]
			if err := cancelResting(ctx, m, hs, o, "self_trade", now); err != nil {
				return res, err
			}
			if o.Side() == domain.Buy {
				res.finalBuys = append(res.finalBuys, o)
			}
		}
		for _, f := range out.Fills {
			maker := byID[f.MakerID]
			buy, sell := taker, maker
			if taker.Side() == domain.Sell {
				buy, sell = maker, taker
			}
			gross, err := domain.MulPrice(f.Shares, f.Price)
			if err != nil {
				return res, err
			}
			fee := domain.Fee(gross, buy.FeeBPS()) // the rate its hold was taken at
			// the hold's part for these shares pays the trade; what a better price saved goes
			// back to the buyer in the same settlement ("released as it fills")
			part := buy.HeldFor(f.Shares)
			t := domain.Trade{ID: newID(), SongID: song.ID(), BuyOrderID: buy.ID(), SellOrderID: sell.ID(), BuyerID: buy.Owner(),
				SellerID: sell.Owner(), BuyHoldID: buy.HoldID(), Shares: f.Shares, Price: f.Price, Gross: gross, Fee: fee,
				Refund: part - gross - fee, At: now}
			buy.Fill(f.Shares, part, now)
			sell.Fill(f.Shares, 0, now)
			seller, err := hs.get(ctx, sell.Owner())
			if err != nil {
				return res, err
			}
			buyer, err := hs.get(ctx, buy.Owner())
			if err != nil {
				return res, err
			}
			if err := domain.MoveShares(seller, buyer, f.Shares, gross, song.Accumulator()); err != nil {
				return res, err
			}
			if err := m.AddTrade(ctx, t); err != nil {
				return res, err
			}
			if err := m.SaveOrder(ctx, maker); err != nil {
				return res, err
			}
			m.Record(domain.TradeExecuted{Trade: t}, orderUpdated(maker, now))
			song.Traded(f.Price)
			res.trades = append(res.trades, t)
			if maker.Side() == domain.Buy && maker.Status().Final() {
				res.finalBuys = append(res.finalBuys, maker)
			}
		}
		if len(resting) < matchBatch {
			break
		}
	}
	if rem := taker.Remaining(); rem > 0 && taker.TIF() == domain.IOC {
		if err := taker.Cancel("ioc_remainder", now); err != nil {
			return res, err
		}
		if taker.Side() == domain.Sell {
			seller, err := hs.get(ctx, taker.Owner())
			if err != nil {
				return res, err
			}
			seller.Unlock(rem)
		}
	}
	if taker.Side() == domain.Buy && taker.Status().Final() {
		res.finalBuys = append(res.finalBuys, taker)
	}
	if err := m.SaveOrder(ctx, taker); err != nil {
		return res, err
	}
	m.Record(orderUpdated(taker, now), domain.BookChanged{SongID: song.ID(), At: now})
	return res, hs.save(ctx)
}

func orderUpdated(o *domain.Order, now time.Time) domain.OrderUpdated {
	return domain.OrderUpdated{OrderID: o.ID(), SongID: o.SongID(), Owner: o.Owner(), Status: o.Status(), Filled: o.Filled(), At: now}
}

// cancelResting cancels a resting order: a sell's remaining shares are unlocked; a buy's hold
// is released by the settlement.
func cancelResting(ctx context.Context, m domain.Market, hs *holdings, o *domain.Order, reason string, now time.Time) error {
	rem := o.Remaining()
	if err := o.Cancel(reason, now); err != nil {
		return err
	}
	if o.Side() == domain.Sell {
		h, err := hs.get(ctx, o.Owner())
		if err != nil {
			return err
		}
		h.Unlock(rem)
	}
	if err := m.SaveOrder(ctx, o); err != nil {
		return err
	}
	m.Record(orderUpdated(o, now))
	return nil
}
