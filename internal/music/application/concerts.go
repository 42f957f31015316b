package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/music/domain"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// ConcertLedger is the part of the payment ledger tickets move money through.
type ConcertLedger interface {
	OpenUserAccounts(ctx context.Context, owner uuid.UUID) error
	Transfer(ctx context.Context, req paymentcontracts.TransferRequest) (paymentcontracts.Receipt, error)
}

// ArtistProfile returns (creating on the first artist action) the caller's artist profile.
type ArtistProfile interface {
	MyArtist(ctx context.Context, v Viewer) (*domain.Artist, error)
}

// ConcertDeps are the ports of the concert use cases.
type ConcertDeps struct {
	Concerts domain.Concerts
	Artists  ArtistProfile
	Ledger   ConcertLedger
	Passes   usercontracts.AccessPasses
	Ages     usercontracts.AgeVerifier // nil: concerts with min_age refuse every buyer
	Now      func() time.Time
	NewID    func() uuid.UUID
	// FeeBPS is the platform's part of a ticket price in basis points.
	FeeBPS int
	// StaleAfter is how old a pending purchase must be before the recovery job finishes it.
	StaleAfter time.Duration
}

var errConcertDeps = errors.New("music application: concerts need their store, artists, ledger, passes and a clock")

func (d *ConcertDeps) check() error {
	if d.Concerts == nil || d.Artists == nil || d.Ledger == nil || d.Passes == nil || d.Now == nil || d.NewID == nil {
		return errConcertDeps
	}
	if d.StaleAfter <= 0 {
		d.StaleAfter = time.Minute
	}
	return nil
}

// PassAudience is the audience of concert access passes.
const PassAudience = "vr"

// ConcertView is a concert with its seats.
type ConcertView struct {
	*domain.Concert
}

// Concerts holds the artist's and everyone's concert use cases: create, list, get, cancel,
// attendance.
type Concerts struct{ d ConcertDeps }

// NewConcerts builds the handler.
func NewConcerts(d ConcertDeps) (*Concerts, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Concerts{d: d}, nil
}

// Create makes a concert of the caller's artist profile.
func (h *Concerts) Create(ctx context.Context, userID uuid.UUID, t domain.ConcertTerms) (*domain.Concert, error) {
	a, err := h.d.Artists.MyArtist(ctx, Viewer{UserID: userID})
	if err != nil {
		return nil, err
	}
	c, err := domain.NewConcert(h.d.NewID(), a.ID(), userID, t, h.d.Now())
	if err != nil {
		return nil, err
	}
	return c, h.d.Concerts.AddConcert(ctx, c)
}

// Get returns a concert.
func (h *Concerts) Get(ctx context.Context, id uuid.UUID) (*domain.Concert, error) {
	return h.d.Concerts.GetConcert(ctx, id)
}

// List returns concerts by start (upcoming: not cancelled and not over).
func (h *Concerts) List(ctx context.Context, f domain.ConcertFilter) ([]*domain.Concert, error) {
	f.Now = h.d.Now()
	return h.d.Concerts.ListConcerts(ctx, f)
}

// Cancel cancels the caller's concert; the refund job then refunds every ticket once.
func (h *Concerts) Cancel(ctx context.Context, userID, id uuid.UUID) (*domain.Concert, error) {
	c, err := h.d.Concerts.GetConcert(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.ArtistUserID() != userID {
		return nil, domain.ErrConcertNotFound
	}
	return h.d.Concerts.UpdateConcert(ctx, id, func(c *domain.Concert) error { return c.Cancel(h.d.Now()) })
}

// Attendance sums the caller's concert's tickets.
func (h *Concerts) Attendance(ctx context.Context, userID uuid.UUID, admin bool, id uuid.UUID) (*domain.Concert, domain.Attendance, error) {
	c, err := h.d.Concerts.GetConcert(ctx, id)
	if err != nil {
		return nil, domain.Attendance{}, err
	}
	if c.ArtistUserID() != userID && !admin {
		return nil, domain.Attendance{}, domain.ErrConcertNotFound
	}
	a, err := h.d.Concerts.Attendance(ctx, id)
	return c, a, err
}
