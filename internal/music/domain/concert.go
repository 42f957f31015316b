package domain

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Concert errors, each with a stable code.
var (
	ErrConcertNotFound     = errs.New(errs.NotFound, "music.concert_not_found", "the concert does not exist")
	ErrConcertTitle        = errs.New(errs.Unprocessable, "music.invalid_concert_title", "the title must be 3 to 200 characters after trimming")
	ErrConcertStart        = errs.New(errs.Unprocessable, "music.concert_start_in_past", "a concert must start in the future")
	ErrConcertDuration     = errs.New(errs.Unprocessable, "music.invalid_concert_duration", "duration_minutes must be 1 to 720")
	ErrConcertCapacity     = errs.New(errs.Unprocessable, "music.invalid_concert_capacity", "capacity must be 1 to 100000")
	ErrConcertPrice        = errs.New(errs.Unprocessable, "music.invalid_ticket_price", "ticket_price must be a USD amount of 0 or more")
	ErrConcertMinAge       = errs.New(errs.Unprocessable, "music.invalid_min_age", "min_age must be 1 to 130")
	ErrConcertVenue        = errs.New(errs.Unprocessable, "music.invalid_venue_url", "venue_url must be an https or wss URL of at most 2048 characters")
	ErrConcertCancelled    = errs.New(errs.Gone, "music.concert_cancelled", "the concert was cancelled")
	ErrConcertOver         = errs.New(errs.Conflict, "music.concert_over", "the concert is over")
	ErrSoldOut             = errs.New(errs.Conflict, "music.sold_out", "the concert is sold out")
	ErrAgeProofRequired    = errs.New(errs.Forbidden, "music.age_proof_required", "this concert needs an age proof (age_proof)")
	ErrOwnConcert          = errs.New(errs.Conflict, "music.own_concert", "an artist does not buy tickets to their own concert")
	ErrTicketNotFound      = errs.New(errs.NotFound, "music.ticket_not_found", "the ticket does not exist")
	ErrPassNotForConcert   = errs.New(errs.Unauthenticated, "music.pass_not_for_concert", "the pass is for another concert")
	ErrPassRevoked         = errs.New(errs.Gone, "music.pass_revoked", "the ticket of this pass was refunded")
	ErrPassInUse           = errs.New(errs.Conflict, "music.pass_in_use", "this pass is checked in on another device")
	ErrPassNotCheckedIn    = errs.New(errs.Conflict, "music.pass_not_checked_in", "this pass is not checked in")
	ErrTicketFundsShort    = errs.New(errs.Conflict, "music.insufficient_funds", "your USD balance does not cover the ticket")
	ErrVenueOnly           = errs.New(errs.Forbidden, "music.venue_only", "only the venue (admin:music) or the concert's artist checks passes in")
	ErrConcertNotCancelled = errs.New(errs.Conflict, "music.concert_not_cancellable", "the concert cannot be cancelled now")
)

// Concert limits.
const (
	MaxConcertCapacity = 100_000
	MaxConcertMinutes  = 720
	MaxVenueURL        = 2048
	// DoorsOpen is how long before the start a pass becomes valid.
	DoorsOpen = time.Hour
)

// ConcertStatus is a concert's state.
type ConcertStatus string

// Concert statuses.
const (
	ConcertScheduled ConcertStatus = "scheduled"
	ConcertCancelled ConcertStatus = "cancelled"
)

// ConcertTerms are what an artist sets when creating a concert.
type ConcertTerms struct {
	Title           string
	StartsAt        time.Time
	DurationMinutes int
	Capacity        int
	TicketPrice     money.Amount
	MinAge          int // 0: no age gate
	VenueURL        string
}

// Concert is a virtual show with a limited number of seats.
type Concert struct {
	id, artistID, artistUserID uuid.UUID
	t                          ConcertTerms
	status                     ConcertStatus
	sold                       int
	createdAt                  time.Time
	cancelledAt                *time.Time
}

// NewConcert checks the terms.
func NewConcert(id, artistID, artistUserID uuid.UUID, t ConcertTerms, now time.Time) (*Concert, error) {
	t.Title = strings.TrimSpace(t.Title)
	if n := utf8.RuneCountInString(t.Title); !utf8.ValidString(t.Title) || n < 3 || n > 200 {
		return nil, ErrConcertTitle
	}
	if !t.StartsAt.After(now) {
		return nil, ErrConcertStart
	}
	if t.DurationMinutes < 1 || t.DurationMinutes > MaxConcertMinutes {
		return nil, ErrConcertDuration
	}
	if t.Capacity < 1 || t.Capacity > MaxConcertCapacity {
		return nil, ErrConcertCapacity
	}
	if t.TicketPrice.Asset() != money.USD || t.TicketPrice.IsNegative() {
		return nil, ErrConcertPrice
	}
	if t.MinAge < 0 || t.MinAge > 130 {
		return nil, ErrConcertMinAge
	}
	u, err := url.Parse(t.VenueURL)
	if err != nil || len(t.VenueURL) > MaxVenueURL || (u.Scheme != "https" && u.Scheme != "wss") || u.Host == "" {
		return nil, ErrConcertVenue
	}
	t.StartsAt = t.StartsAt.UTC()
	return &Concert{id: id, artistID: artistID, artistUserID: artistUserID, t: t, status: ConcertScheduled, createdAt: now}, nil
}

// RehydrateConcert is for repositories only.
func RehydrateConcert(id, artistID, artistUserID uuid.UUID, t ConcertTerms, status ConcertStatus, sold int, createdAt time.Time, cancelledAt *time.Time) *Concert {
	return &Concert{id: id, artistID: artistID, artistUserID: artistUserID, t: t, status: status, sold: sold, createdAt: createdAt, cancelledAt: cancelledAt}
}

// Getters.
func (c *Concert) ID() uuid.UUID           { return c.id }
func (c *Concert) ArtistID() uuid.UUID     { return c.artistID }
func (c *Concert) ArtistUserID() uuid.UUID { return c.artistUserID }
func (c *Concert) Terms() ConcertTerms     { return c.t }
func (c *Concert) Status() ConcertStatus   { return c.status }
func (c *Concert) Sold() int               { return c.sold }
func (c *Concert) Left() int               { return c.t.Capacity - c.sold }
func (c *Concert) CreatedAt() time.Time    { return c.createdAt }
func (c *Concert) CancelledAt() *time.Time { return c.cancelledAt }
func (c *Concert) EndsAt() time.Time {
	return c.t.StartsAt.Add(time.Duration(c.t.DurationMinutes) * time.Minute)
}
func (c *Concert) PassValidFrom() time.Time { return c.t.StartsAt.Add(-DoorsOpen) }
func (c *Concert) Upcoming(now time.Time) bool {
	return c.status == ConcertScheduled && now.Before(c.EndsAt())
}

// Reserve takes one seat for buyer: refused for the artist, a cancelled or finished concert,
// and when every seat is taken (never oversold: the caller holds the concert's lock).
func (c *Concert) Reserve(buyer uuid.UUID, now time.Time) error {
	if c.status == ConcertCancelled {
		return ErrConcertCancelled
	}
	if !now.Before(c.EndsAt()) {
		return ErrConcertOver
	}
	if buyer == c.artistUserID {
		return ErrOwnConcert
	}
	if c.sold >= c.t.Capacity {
		return ErrSoldOut
	}
	c.sold++
	return nil
}

// Unreserve gives a seat back (a purchase whose payment was refused).
func (c *Concert) Unreserve() {
	if c.sold > 0 {
		c.sold--
	}
}

// Cancel cancels a scheduled concert that has not ended.
func (c *Concert) Cancel(now time.Time) error {
	if c.status != ConcertScheduled || !now.Before(c.EndsAt()) {
		return ErrConcertNotCancelled
	}
	c.status, c.cancelledAt = ConcertCancelled, &now
	return nil
}

// TicketStatus is a ticket's state.
type TicketStatus string

// Ticket statuses: pending between the seat's reservation and the payment's outcome; valid;
// void (the payment was refused, the seat given back); refunded (the concert was cancelled).
const (
	TicketPending  TicketStatus = "pending"
	TicketValid    TicketStatus = "valid"
	TicketVoid     TicketStatus = "void"
	TicketRefunded TicketStatus = "refunded"
)

// TicketSplit divides a ticket's price between the platform and the artist (floored fee).
func TicketSplit(price money.Amount, feeBPS int) (fee, artist money.Amount, err error) {
	fee, err = price.MulDiv(int64(feeBPS), 10_000)
	if err != nil {
		return
	}
	artist, err = price.Sub(fee)
	return
}

// Presence is a ticket's check-in state.
type Presence struct {
	CheckedIn      bool
	FirstCheckInAt *time.Time
}

// CheckIn admits a pass once at a time: a second device is refused while the first is in.
func (p *Presence) CheckIn(now time.Time) error {
	if p.CheckedIn {
		return ErrPassInUse
	}
	p.CheckedIn = true
	if p.FirstCheckInAt == nil {
		p.FirstCheckInAt = &now
	}
	return nil
}

// CheckOut lets the pass in again later (another device, a reconnect).
func (p *Presence) CheckOut() error {
	if !p.CheckedIn {
		return ErrPassNotCheckedIn
	}
	p.CheckedIn = false
	return nil
}

// Ticket is one seat of a concert bought by its holder.
type Ticket struct {
	ID, ConcertID, HolderID uuid.UUID
	Price, Fee              money.Amount
	Status                  TicketStatus
	EntryID                 uuid.UUID
	Presence                Presence
	CreatedAt               time.Time
}

// ConcertFilter selects concerts for a list (upcoming first by start).
type ConcertFilter struct {
	Upcoming   bool
	Now        time.Time
	ArtistID   uuid.UUID
	Limit      int
	AfterStart *time.Time
	AfterID    uuid.UUID
}

// Attendance sums a concert's tickets.
type Attendance struct {
	Sold, CheckedIn, Inside, Refunded int64
	Gross, Revenue                    money.Amount
}

// TicketSold is recorded when a ticket's payment is confirmed (for the artist's live count).
type TicketSold struct {
	ConcertID, TicketID, ArtistUserID uuid.UUID
	Sold, Left                        int
	At                                time.Time
}

// TicketPayment is a pending ticket with the journal entry that paid it (uuid.Nil: free).
type TicketPayment struct {
	TicketID, EntryID uuid.UUID
}

// Concerts is the concerts and tickets repository. Every method that changes seats runs under
// the concert's row lock.
type Concerts interface {
	AddConcert(ctx context.Context, c *Concert) error
	GetConcert(ctx context.Context, id uuid.UUID) (*Concert, error)
	ListConcerts(ctx context.Context, f ConcertFilter) ([]*Concert, error)
	UpdateConcert(ctx context.Context, id uuid.UUID, fn func(*Concert) error) (*Concert, error)
	// ReserveTickets locks the concert once, runs reserve for each ticket in order and inserts
	// the pending tickets it allowed, all in one transaction; refused[i] is ticket i's refusal.
	ReserveTickets(ctx context.Context, concertID uuid.UUID, ts []Ticket, reserve func(*Concert, Ticket) error, now time.Time) (refused []error, err error)
	// ConfirmTickets is ConfirmTicket for a batch of one concert's paid tickets in one
	// transaction; the tickets come back in the order of paid.
	ConfirmTickets(ctx context.Context, concertID uuid.UUID, paid []TicketPayment, now time.Time) ([]Ticket, error)
	// ConfirmTicket makes a pending ticket valid and records TicketSold; a valid one is left.
	ConfirmTicket(ctx context.Context, id, entryID uuid.UUID, now time.Time) (Ticket, error)
	// VoidTicket makes a pending ticket void and gives its seat back.
	VoidTicket(ctx context.Context, id uuid.UUID, now time.Time) error
	GetTicket(ctx context.Context, id uuid.UUID) (Ticket, error)
	// TicketsOf lists a holder's tickets (void ones left out), newest first.
	TicketsOf(ctx context.Context, holder uuid.UUID, limit int) ([]Ticket, error)
	UpdatePresence(ctx context.Context, id uuid.UUID, fn func(Ticket, *Presence) error, now time.Time) error
	StalePending(ctx context.Context, before time.Time, limit int) ([]Ticket, error)
	ToRefund(ctx context.Context, limit int) ([]Ticket, error)
	MarkRefunded(ctx context.Context, id, entryID uuid.UUID, now time.Time) error
	Attendance(ctx context.Context, concertID uuid.UUID) (Attendance, error)
}
