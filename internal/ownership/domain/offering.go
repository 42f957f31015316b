package domain

import (
	"time"

	"github.com/google/uuid"
)

// Offering rules from the original design.
const (
	// MinArtistShares and MaxArtistShares: the artist keeps between 1% and 99% of the shares.
	MinArtistShares int64 = 100
	MaxArtistShares int64 = 9_900
	// DefaultHolderCap is 20% of the shares.
	DefaultHolderCap int64 = 2_000
	// MaxShareholderBPS caps the shareholders' part of a stream price at 50%.
	MaxShareholderBPS = 5_000
	// DefaultFeeBPS is the platform fee on ownership trades (1%, the original's launch phase).
	DefaultFeeBPS = 100
)

// Fee is the platform fee on gross micro-dollars at bps, rounded down.
func Fee(gross int64, bps int) int64 { return gross/10_000*int64(bps) + gross%10_000*int64(bps)/10_000 }

// OfferingParams are the artist's terms.
type OfferingParams struct {
	ID, SongID, ArtistUserID uuid.UUID
	ShareholderBPS           int
	SharesForSale            int64
	PricePerShare            int64
	MinPurchaseShares        int64
	MaxSharesPerHolder       int64
	FeeBPS                   int
	OpensAt                  time.Time
	ClosesAt                 *time.Time
	Now                      time.Time
}

// Offering is a song's primary sale of shares by its artist. Unsold shares stay the artist's
// (locked for the offering) and earn like any others.
type Offering struct {
	id, songID, artist uuid.UUID
	bps                int
	forSale, sold      int64
	paid               int64
	price              int64
	minPurchase, cap   int64
	feeBPS             int
	opensAt            time.Time
	closesAt, closedAt *time.Time
	milestones         int
	createdAt          time.Time
	events             []any
}

// NewOffering checks every term (reporting the first problem).
func NewOffering(p OfferingParams) (*Offering, error) {
	bad := func(msg string) error { return ErrInvalidOffering.WithMessage(msg) }
	switch {
	case p.ShareholderBPS < 1 || p.ShareholderBPS > MaxShareholderBPS:
		return nil, bad("shareholder_bps must be between 1 and 5000")
	case p.SharesForSale < TotalShares-MaxArtistShares || p.SharesForSale > TotalShares-MinArtistShares:
		return nil, bad("shares_for_sale must be between 100 and 9900: the artist keeps between 1% and 99%")
	case p.PricePerShare <= 0:
		return nil, ErrInvalidPrice
	case p.MinPurchaseShares < 1 || p.MinPurchaseShares > p.SharesForSale:
		return nil, bad("min_purchase_shares must be between 1 and shares_for_sale")
	case p.MaxSharesPerHolder < p.MinPurchaseShares || p.MaxSharesPerHolder > TotalShares:
		return nil, bad("max_shares_per_holder must be between min_purchase_shares and 10000")
	case p.FeeBPS < 0 || p.FeeBPS > 10_000:
		return nil, bad("the fee must be between 0 and 10000 bps")
	case p.ClosesAt != nil && !p.ClosesAt.After(p.OpensAt):
		return nil, bad("closes_at must be after opens_at")
	case p.ClosesAt != nil && !p.ClosesAt.After(p.Now):
		return nil, bad("closes_at must be in the future")
	}
	if _, err := MulPrice(p.SharesForSale, p.PricePerShare); err != nil {
		return nil, err
	}
	o := &Offering{id: p.ID, songID: p.SongID, artist: p.ArtistUserID, bps: p.ShareholderBPS, forSale: p.SharesForSale,
		price: p.PricePerShare, minPurchase: p.MinPurchaseShares, cap: p.MaxSharesPerHolder, feeBPS: p.FeeBPS,
		opensAt: p.OpensAt, closesAt: p.ClosesAt, createdAt: p.Now}
	o.events = append(o.events, OfferingOpened{OfferingID: o.id, SongID: o.songID, ArtistUserID: o.artist,
		ShareholderBPS: o.bps, SharesForSale: o.forSale, PricePerShare: o.price, At: p.Now})
	return o, nil
}

// RehydrateOffering is for repositories.
func RehydrateOffering(id, songID, artist uuid.UUID, bps int, forSale, sold, paid, price, minPurchase, maxPerHolder int64, feeBPS int,
	opensAt time.Time, closesAt, closedAt *time.Time, milestones int, createdAt time.Time) *Offering {
	return &Offering{id: id, songID: songID, artist: artist, bps: bps, forSale: forSale, sold: sold, paid: paid, price: price,
		minPurchase: minPurchase, cap: maxPerHolder, feeBPS: feeBPS, opensAt: opensAt, closesAt: closesAt,
		closedAt: closedAt, milestones: milestones, createdAt: createdAt}
}

// MulPrice is shares x price in micro-dollars, refusing amounts beyond a trillion dollars.
func MulPrice(shares, price int64) (int64, error) {
	const limit = 1_000_000_000_000 * 1_000_000
	if shares < 0 || price < 0 || (shares > 0 && price > limit/shares) {
		return 0, ErrInvalidPrice.WithMessage("the amount is out of range")
	}
	return shares * price, nil
}

func (o *Offering) ID() uuid.UUID             { return o.id }
func (o *Offering) SongID() uuid.UUID         { return o.songID }
func (o *Offering) ArtistUserID() uuid.UUID   { return o.artist }
func (o *Offering) ShareholderBPS() int       { return o.bps }
func (o *Offering) SharesForSale() int64      { return o.forSale }
func (o *Offering) SharesSold() int64         { return o.sold }
func (o *Offering) SharesPaid() int64         { return o.paid }
func (o *Offering) SharesLeft() int64         { return o.forSale - o.sold }
func (o *Offering) PricePerShare() int64      { return o.price }
func (o *Offering) MinPurchaseShares() int64  { return o.minPurchase }
func (o *Offering) MaxSharesPerHolder() int64 { return o.cap }
func (o *Offering) FeeBPS() int               { return o.feeBPS }
func (o *Offering) OpensAt() time.Time        { return o.opensAt }
func (o *Offering) ClosesAt() *time.Time      { return o.closesAt }
func (o *Offering) ClosedAt() *time.Time      { return o.closedAt }
func (o *Offering) Milestones() int           { return o.milestones }
func (o *Offering) CreatedAt() time.Time      { return o.createdAt }
func (o *Offering) PullEvents() []any         { e := o.events; o.events = nil; return e }
func (o *Offering) ArtistKeeps() int64        { return TotalShares - o.forSale }

// Status is "scheduled", "open", "sold_out" or "closed" at now.
func (o *Offering) Status(now time.Time) string {
	switch {
	case o.closedAt != nil || (o.closesAt != nil && !now.Before(*o.closesAt)):
		return "closed"
	case o.sold >= o.forSale:
		return "sold_out"
	case now.Before(o.opensAt):
		return "scheduled"
	}
	return "open"
}

// Reserve takes shares out of the offering for buyer, who holds held shares of the song
// already (plus any pending purchases); the payment follows. Milestones crossed are recorded.
func (o *Offering) Reserve(buyer uuid.UUID, shares, held int64, now time.Time) error {
	if shares <= 0 || shares > TotalShares {
		return ErrInvalidShares
	}
	if buyer == o.artist {
		return ErrOwnOffering
	}
	if st := o.Status(now); st != "open" {
		if st == "sold_out" {
			return ErrOfferingSoldOut
		}
		return ErrOfferingNotOpen
	}
	if shares < o.minPurchase && shares < o.SharesLeft() {
		return ErrBelowMinimum
	}
	if shares > o.SharesLeft() {
		return ErrOfferingSoldOut
	}
	if held+shares > o.cap {
		return ErrHolderCapExceeded
	}
	o.sold += shares
	return nil
}

// Unreserve gives back shares of a purchase that was not paid.
func (o *Offering) Unreserve(shares int64) {
	o.sold -= shares
	if o.sold < 0 {
		o.sold = 0
	}
}

// Completed records a paid purchase of shares and the 25/50/75/100% milestones it crossed
// (counted on paid shares).
func (o *Offering) Completed(shares int64, now time.Time) {
	o.paid += shares
	paidTotal := o.paid
	for q := o.milestones + 1; q <= 4; q++ {
		if paidTotal*4 < o.forSale*int64(q) {
			break
		}
		o.milestones = q
		o.events = append(o.events, OfferingMilestone{OfferingID: o.id, SongID: o.songID, ArtistUserID: o.artist,
			Percent: q * 25, SharesSold: paidTotal, At: now})
	}
}

// Close ends the offering early; only its artist may.
func (o *Offering) Close(by uuid.UUID, now time.Time) error {
	if by != o.artist {
		return ErrNotSongArtist
	}
	if o.Status(now) == "closed" {
		return ErrOfferingNotOpen
	}
	o.closedAt = &now
	o.events = append(o.events, OfferingClosed{OfferingID: o.id, SongID: o.songID, ArtistUserID: o.artist, SharesSold: o.sold, At: now})
	return nil
}

// Domain events of offerings.
type (
	OfferingOpened struct {
		OfferingID, SongID, ArtistUserID uuid.UUID
		ShareholderBPS                   int
		SharesForSale, PricePerShare     int64
		At                               time.Time
	}
	OfferingMilestone struct {
		OfferingID, SongID, ArtistUserID uuid.UUID
		Percent                          int
		SharesSold                       int64
		At                               time.Time
	}
	OfferingClosed struct {
		OfferingID, SongID, ArtistUserID uuid.UUID
		SharesSold                       int64
		At                               time.Time
	}
)
