package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/domain"
)

// OpenOffering lets an artist sell shares of one of their songs.
type OpenOffering struct {
	markets domain.Markets
	catalog Catalog
	cfg     Config
	now     Clock
	newID   NewID
}

// OpenOfferingCommand is the artist's request; prices are USD decimal strings.
type OpenOfferingCommand struct {
	ArtistUserID       uuid.UUID
	SongID             uuid.UUID
	ShareholderBPS     int
	SharesForSale      int64
	PricePerShare      string
	MinPurchaseShares  int64
	MaxSharesPerHolder int64
	OpensAt, ClosesAt  *time.Time
}

// NewOpenOffering builds the use case.
func NewOpenOffering(markets domain.Markets, catalog Catalog, cfg Config, now Clock, newID NewID) (*OpenOffering, error) {
	if markets == nil || catalog == nil || now == nil || newID == nil {
		return nil, errNilDependency
	}
	return &OpenOffering{markets: markets, catalog: catalog, cfg: cfg, now: now, newID: newID}, nil
}

// Handle checks the caller is the song's artist and opens its one offering: the artist holds
// all 10,000 shares, those for sale locked until sold.
func (h *OpenOffering) Handle(ctx context.Context, cmd OpenOfferingCommand) (OfferingView, error) {
	now := h.now()
	price, err := ParsePrice(cmd.PricePerShare)
	if err != nil {
		return OfferingView{}, err
	}
	song, err := h.catalog.Song(ctx, cmd.SongID)
	if err != nil {
		return OfferingView{}, err
	}
	if song.ArtistUserID != cmd.ArtistUserID {
		return OfferingView{}, domain.ErrNotSongArtist
	}
	if cmd.MinPurchaseShares == 0 {
		cmd.MinPurchaseShares = 1
	}
	if cmd.MaxSharesPerHolder == 0 {
		cmd.MaxSharesPerHolder = domain.DefaultHolderCap
	}
	opens := now
	if cmd.OpensAt != nil {
		opens = cmd.OpensAt.UTC()
	}
	o, err := domain.NewOffering(domain.OfferingParams{ID: h.newID(), SongID: cmd.SongID, ArtistUserID: cmd.ArtistUserID,
		ShareholderBPS: cmd.ShareholderBPS, SharesForSale: cmd.SharesForSale, PricePerShare: price,
		MinPurchaseShares: cmd.MinPurchaseShares, MaxSharesPerHolder: cmd.MaxSharesPerHolder, FeeBPS: h.cfg.FeeBPS,
		OpensAt: opens, ClosesAt: cmd.ClosesAt, Now: now})
	if err != nil {
		return OfferingView{}, err
	}
	reg := domain.NewSong(cmd.SongID, cmd.ArtistUserID, cmd.ShareholderBPS, price, now)
	artist := domain.NewHolding(cmd.SongID, cmd.ArtistUserID, reg.Accumulator())
	artist = domain.RehydrateHolding(cmd.SongID, cmd.ArtistUserID, domain.TotalShares, 0, 0, artist.Royalty())
	if err := artist.Lock(o.SharesForSale()); err != nil {
		return OfferingView{}, err
	}
	if err := h.markets.Open(ctx, o, reg, artist); err != nil {
		return OfferingView{}, err
	}
	return offeringView(o, song.Title, now), nil
}
