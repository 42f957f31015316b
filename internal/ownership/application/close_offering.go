package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/domain"
)

// CloseOffering ends an offering early (the artist's call): unsold shares are unlocked and
// stay the artist's.
type CloseOffering struct {
	markets domain.Markets
	reader  Reader
	now     Clock
}

// NewCloseOffering builds the use case.
func NewCloseOffering(markets domain.Markets, reader Reader, now Clock) (*CloseOffering, error) {
	if markets == nil || reader == nil || now == nil {
		return nil, errNilDependency
	}
	return &CloseOffering{markets: markets, reader: reader, now: now}, nil
}

// Handle closes the offering.
func (h *CloseOffering) Handle(ctx context.Context, artist, offeringID uuid.UUID) (OfferingView, error) {
	o, err := h.reader.Offering(ctx, offeringID)
	if err != nil {
		return OfferingView{}, err
	}
	now := h.now()
	err = h.markets.With(ctx, o.SongID(), func(ctx context.Context, m domain.Market) error {
		if o, err = m.Offering(ctx); err != nil {
			return err
		}
		if err := o.Close(artist, now); err != nil {
			return err
		}
		ah, err := m.Holding(ctx, o.ArtistUserID())
		if err != nil {
			return err
		}
		ah.Unlock(o.SharesLeft())
		if err := m.SaveHolding(ctx, ah); err != nil {
			return err
		}
		return m.SaveOffering(ctx, o)
	})
	if err != nil {
		return OfferingView{}, err
	}
	return offeringView(o, "", now), nil
}
