package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/domain"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// Purchase buys shares from an offering. The shares are reserved under the song's lock (so an
// offering is never oversold), the buyer pays the artist (less the platform fee) through the
// ledger under a key derived from the purchase id, and the shares become the buyer's. A crash
// between the steps leaves a pending purchase that the sweeper finishes the same way.
type Purchase struct {
	markets domain.Markets
	reader  Reader
	ledger  Ledger
	now     Clock
	newID   NewID
}

// PurchaseCommand is a buyer's request.
type PurchaseCommand struct {
	OfferingID uuid.UUID
	BuyerID    uuid.UUID
	Shares     int64
}

// NewPurchase builds the use case.
func NewPurchase(markets domain.Markets, reader Reader, ledger Ledger, now Clock, newID NewID) (*Purchase, error) {
	if markets == nil || reader == nil || ledger == nil || now == nil || newID == nil {
		return nil, errNilDependency
	}
	return &Purchase{markets: markets, reader: reader, ledger: ledger, now: now, newID: newID}, nil
}

// Handle reserves, pays and completes.
func (h *Purchase) Handle(ctx context.Context, cmd PurchaseCommand) (PurchaseView, error) {
	if cmd.Shares <= 0 || cmd.Shares > domain.TotalShares {
		return PurchaseView{}, domain.ErrInvalidShares
	}
	o, err := h.reader.Offering(ctx, cmd.OfferingID)
	if err != nil {
		return PurchaseView{}, err
	}
	now := h.now()
	var p domain.Purchase
	err = h.markets.With(ctx, o.SongID(), func(ctx context.Context, m domain.Market) error {
		o, err := m.Offering(ctx)
		if err != nil {
			return err
		}
		held, err := m.Holding(ctx, cmd.BuyerID)
		if err != nil {
			return err
		}
		committed, err := m.Committed(ctx, cmd.BuyerID)
		if err != nil {
			return err
		}
		if err := o.Reserve(cmd.BuyerID, cmd.Shares, held.Shares()+committed, now); err != nil {
			return err
		}
		gross, err := domain.MulPrice(cmd.Shares, o.PricePerShare())
		if err != nil {
			return err
		}
		p = domain.Purchase{ID: h.newID(), OfferingID: o.ID(), SongID: o.SongID(), BuyerID: cmd.BuyerID, ArtistUserID: o.ArtistUserID(),
			Shares: cmd.Shares, Price: o.PricePerShare(), Gross: gross, Fee: domain.Fee(gross, o.FeeBPS()),
			Status: domain.PurchasePending, CreatedAt: now, UpdatedAt: now}
		if err := m.AddPurchase(ctx, p); err != nil {
			return err
		}
		return m.SaveOffering(ctx, o)
	})
	if err != nil {
		return PurchaseView{}, err
	}
	p, err = h.Finish(ctx, p)
	if err != nil {
		return PurchaseView{}, err
	}
	return purchaseView(p), nil
}

// Finish pays a pending purchase and completes it, or fails it (giving the shares back to the
// offering) when the ledger refuses the payment. It is safe to run again after a crash.
func (h *Purchase) Finish(ctx context.Context, p domain.Purchase) (domain.Purchase, error) {
	_, payErr := h.ledger.Transfer(ctx, paycontracts.TransferRequest{
		IdempotencyKey: "ownership:purchase:" + p.ID.String(),
		From:           paycontracts.Wallet(p.BuyerID, usdAsset),
		To: credits(paycontracts.Credit{To: paycontracts.Wallet(p.ArtistUserID, usdAsset), Amount: usd(p.Gross - p.Fee)},
			paycontracts.Credit{To: paycontracts.System(paycontracts.KindPlatformFees, usdAsset), Amount: usd(p.Fee)}),
		Details: paycontracts.Details{Reason: "share_purchase", ExternalRef: p.ID.String(),
			Metadata: map[string]string{"song_id": p.SongID.String(), "offering_id": p.OfferingID.String()}},
	})
	if payErr != nil && !isRefusal(payErr) {
		return p, payErr // transient: the sweeper retries with the same key
	}
	now := h.now()
	err := h.markets.With(ctx, p.SongID, func(ctx context.Context, m domain.Market) error {
		cur, err := m.Purchase(ctx, p.ID)
		if err != nil {
			return err
		}
		if cur.Status != domain.PurchasePending {
			p = cur
			return nil
		}
		o, err := m.Offering(ctx)
		if err != nil {
			return err
		}
		artist, err := m.Holding(ctx, p.ArtistUserID)
		if err != nil {
			return err
		}
		cur.UpdatedAt = now
		if payErr != nil {
			cur.Status = domain.PurchaseFailed
			o.Unreserve(cur.Shares)
			if o.ClosedAt() != nil || o.Status(now) == "closed" {
				artist.Unlock(cur.Shares)
				if err := m.SaveHolding(ctx, artist); err != nil {
					return err
				}
			}
		} else {
			buyer, err := m.Holding(ctx, p.BuyerID)
			if err != nil {
				return err
			}
			if err := domain.MoveShares(artist, buyer, cur.Shares, cur.Gross, m.Song().Accumulator()); err != nil {
				return err
			}
			if err := m.SaveHolding(ctx, artist); err != nil {
				return err
			}
			if err := m.SaveHolding(ctx, buyer); err != nil {
				return err
			}
			cur.Status = domain.PurchaseCompleted
			o.Completed(cur.Shares, now)
			m.Record(domain.SharesPurchased{Purchase: cur})
		}
		p = cur
		if err := m.SavePurchase(ctx, cur); err != nil {
			return err
		}
		return m.SaveOffering(ctx, o)
	})
	if err != nil {
		return p, err
	}
	if payErr != nil {
		return p, payErr
	}
	return p, nil
}
