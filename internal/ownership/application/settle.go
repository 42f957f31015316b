package application

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/domain"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// Settler moves the money that committed market state owes: each trade's cash from the
// buyer's hold to the seller (and the fee), then the rest of final buy orders' holds back to
// their wallets. Every ledger call carries a key derived from the trade or order id, so
// running it twice (a crash between the ledger and the mark, two instances sweeping) moves
// the money once. Commands settle what they created at once; Sweep finishes anything left
// behind by a crash.
type Settler struct {
	settle   domain.Settlements
	ledger   Ledger
	purchase *Purchase
	claims   *ClaimRoyalties
	place    *PlaceOrder
	logger   *slog.Logger
	now      Clock
	// Grace is how old unfinished work must be before Sweep takes it over from the command
	// that started it.
	Grace time.Duration
}

// NewSettler builds the settler (SetPurchase, SetClaims and SetPlace complete the wiring of
// the crash recovery).
func NewSettler(settle domain.Settlements, ledger Ledger, logger *slog.Logger, now Clock) (*Settler, error) {
	if settle == nil || ledger == nil || now == nil {
		return nil, errNilDependency
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Settler{settle: settle, ledger: ledger, logger: logger, now: now, Grace: 30 * time.Second}, nil
}

// SetRecovery gives the sweeper the use cases whose unfinished work it resumes.
func (s *Settler) SetRecovery(p *Purchase, c *ClaimRoyalties, place *PlaceOrder) {
	s.purchase, s.claims, s.place = p, c, place
}

// SettleTrade pays one trade from the buyer's hold.
func (s *Settler) SettleTrade(ctx context.Context, t domain.Trade) error {
	_, err := s.ledger.Settle(ctx, paycontracts.SettleRequest{IdempotencyKey: "ownership:trade:" + t.ID.String(), HoldID: t.BuyHoldID,
		To: credits(paycontracts.Credit{To: paycontracts.Wallet(t.SellerID, usdAsset), Amount: usd(t.Gross)},
			paycontracts.Credit{To: paycontracts.System(paycontracts.KindPlatformFees, usdAsset), Amount: usd(t.Fee)},
			paycontracts.Credit{To: paycontracts.Wallet(t.BuyerID, usdAsset), Amount: usd(t.Refund)}),
		Details: paycontracts.Details{Reason: "share_trade", ExternalRef: t.ID.String(),
			Metadata: map[string]string{"song_id": t.SongID.String(), "buy_order_id": t.BuyOrderID.String(), "sell_order_id": t.SellOrderID.String()}}})
	if err != nil {
		return err
	}
	return s.settle.MarkTradeSettled(ctx, t.ID, s.now())
}

// Release returns what a final buy order's hold has left (after its trades settled).
func (s *Settler) Release(ctx context.Context, o *domain.Order) error {
	pending, err := s.settle.HasUnsettledTrades(ctx, o.ID())
	if err != nil {
		return err
	}
	if pending {
		return errTradesPending
	}
	if o.Unspent() > 0 {
		if _, err := s.ledger.Release(ctx, paycontracts.ReleaseRequest{IdempotencyKey: "ownership:order:" + o.ID().String() + ":release",
			HoldID: o.HoldID(), Details: paycontracts.Details{Reason: "share_buy_order_closed", ExternalRef: o.ID().String()}}); err != nil {
			return err
		}
	}
	return s.settle.MarkReleased(ctx, o.ID(), s.now())
}

var errTradesPending = errors.New("ownership: the order's trades have not all settled")

// settleNow settles what a command just committed; failures are left to Sweep.
func (s *Settler) settleNow(ctx context.Context, res matched) {
	ok := true
	for _, t := range res.trades {
		if err := s.SettleTrade(ctx, t); err != nil {
			ok = false
			s.logger.WarnContext(ctx, "trade settlement deferred", "trade_id", t.ID, "error", err)
		}
	}
	if !ok {
		return // releases wait for every trade of their order
	}
	// the final buys of this command, and the buys its trades hit: one of them may have been
	// filled by another command whose settlement overlapped ours, and whichever settles last
	// releases it
	seen := map[uuid.UUID]bool{}
	for _, o := range res.finalBuys {
		seen[o.ID()] = true
		if err := s.Release(ctx, o); err != nil {
			s.logger.DebugContext(ctx, "hold release deferred", "order_id", o.ID(), "error", err)
		}
	}
	for _, t := range res.trades {
		if seen[t.BuyOrderID] {
			continue
		}
		seen[t.BuyOrderID] = true
		o, err := s.settle.Order(ctx, t.BuyOrderID)
		if err != nil || !o.Status().Final() || o.Released() {
			continue
		}
		if err := s.Release(ctx, o); err != nil {
			s.logger.DebugContext(ctx, "hold release deferred", "order_id", o.ID(), "error", err)
		}
	}
}

// Sweep finishes the work older than Grace: unsettled trades, unreleased holds, buy orders
// waiting for their hold, pending purchases and claims. It reports how many items it handled.
func (s *Settler) Sweep(ctx context.Context) (int, error) {
	before := s.now().Add(-s.Grace)
	n := 0
	var errsOut []error
	trades, err := s.settle.UnsettledTrades(ctx, before, 500)
	if err != nil {
		return n, err
	}
	for _, t := range trades {
		if err := s.SettleTrade(ctx, t); err != nil {
			errsOut = append(errsOut, err)
			continue
		}
		n++
	}
	if s.place != nil {
		pending, err := s.settle.PendingOrders(ctx, before, 100)
		if err != nil {
			return n, err
		}
		for _, o := range pending {
			res, err := s.place.Activate(ctx, o)
			if err != nil && !isRefusal(err) {
				errsOut = append(errsOut, err)
				continue
			}
			n++
			s.settleNow(ctx, res)
		}
	}
	orders, err := s.settle.Unreleased(ctx, before, 500)
	if err != nil {
		return n, err
	}
	for _, o := range orders {
		if err := s.Release(ctx, o); err != nil {
			errsOut = append(errsOut, err)
			continue
		}
		n++
	}
	if s.purchase != nil {
		ps, err := s.settle.PendingPurchases(ctx, before, 100)
		if err != nil {
			return n, err
		}
		for _, p := range ps {
			if _, err := s.purchase.Finish(ctx, p); err != nil && !isRefusal(err) {
				errsOut = append(errsOut, err)
				continue
			}
			n++
		}
	}
	if s.claims != nil {
		cs, err := s.settle.PendingClaims(ctx, before, 100)
		if err != nil {
			return n, err
		}
		for _, c := range cs {
			if err := s.claims.Pay(ctx, c); err != nil {
				errsOut = append(errsOut, err)
				continue
			}
			n++
		}
	}
	return n, errors.Join(errsOut...)
}
