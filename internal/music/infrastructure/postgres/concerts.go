package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres/musicdb"
	"github.com/vibestream/vibestream/internal/platform/events"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

// ConcertStore implements domain.Concerts in the music schema.
type ConcertStore struct {
	pool *pgxpool.Pool
	q    *musicdb.Queries
	bus  events.Publisher
}

var _ domain.Concerts = (*ConcertStore)(nil)

// NewConcertStore builds the store; bus publishes music.ticket_sold.v1 in the confirming
// transaction.
func NewConcertStore(pool *pgxpool.Pool, bus events.Publisher) (*ConcertStore, error) {
	if pool == nil || bus == nil {
		return nil, errors.New("music postgres: pool and bus are required")
	}
	return &ConcertStore{pool: pool, q: musicdb.New(pool), bus: bus}, nil
}

func toConcert(r musicdb.MusicConcert) *domain.Concert {
	return domain.RehydrateConcert(r.ID, r.ArtistID, r.ArtistUserID, domain.ConcertTerms{Title: r.Title, StartsAt: r.StartsAt.UTC(),
		DurationMinutes: int(r.DurationMinutes), Capacity: int(r.Capacity), TicketPrice: money.MustNew(money.USD, r.TicketPrice),
		MinAge: int(r.MinAge), VenueURL: r.VenueUrl}, domain.ConcertStatus(r.Status), int(r.Sold), r.CreatedAt.UTC(), r.CancelledAt)
}

func toTicket(r musicdb.MusicTicket) domain.Ticket {
	t := domain.Ticket{ID: r.ID, ConcertID: r.ConcertID, HolderID: r.HolderID, Price: money.MustNew(money.USD, r.Price),
		Fee: money.MustNew(money.USD, r.Fee), Status: domain.TicketStatus(r.Status), CreatedAt: r.CreatedAt.UTC(),
		Presence: domain.Presence{CheckedIn: r.CheckedIn, FirstCheckInAt: r.FirstCheckinAt}}
	if r.EntryID != nil {
		t.EntryID = *r.EntryID
	}
	return t
}

func concertMissing(err error) error {
	if pg.IsNoRows(err) {
		return domain.ErrConcertNotFound
	}
	return err
}

func ticketMissing(err error) error {
	if pg.IsNoRows(err) {
		return domain.ErrTicketNotFound
	}
	return err
}

// AddConcert implements domain.Concerts.
func (s *ConcertStore) AddConcert(ctx context.Context, c *domain.Concert) error {
	t := c.Terms()
	return s.q.InsertConcert(ctx, musicdb.InsertConcertParams{ID: c.ID(), ArtistID: c.ArtistID(), ArtistUserID: c.ArtistUserID(),
		Title: t.Title, StartsAt: t.StartsAt, DurationMinutes: int32(t.DurationMinutes), Capacity: int32(t.Capacity),
		TicketPrice: t.TicketPrice.Units(), MinAge: int32(t.MinAge), VenueUrl: t.VenueURL, Status: string(c.Status()), CreatedAt: c.CreatedAt()})
}

// GetConcert implements domain.Concerts.
func (s *ConcertStore) GetConcert(ctx context.Context, id uuid.UUID) (*domain.Concert, error) {
	r, err := s.q.GetConcert(ctx, id)
	if err != nil {
		return nil, concertMissing(err)
	}
	return toConcert(r), nil
}

// ListConcerts implements domain.Concerts.
func (s *ConcertStore) ListConcerts(ctx context.Context, f domain.ConcertFilter) ([]*domain.Concert, error) {
	p := musicdb.ListConcertsParams{Upcoming: f.Upcoming, Now: f.Now, AfterStart: f.AfterStart, AfterID: f.AfterID, Lim: int32(f.Limit)}
	if f.ArtistID != uuid.Nil {
		p.ArtistID = &f.ArtistID
	}
	rs, err := s.q.ListConcerts(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Concert, len(rs))
	for i, r := range rs {
		out[i] = toConcert(r)
	}
	return out, nil
}

func (s *ConcertStore) saveConcert(ctx context.Context, q *musicdb.Queries, c *domain.Concert) error {
	return q.UpdateConcertState(ctx, musicdb.UpdateConcertStateParams{ID: c.ID(), Sold: int32(c.Sold()), Status: string(c.Status()),
		CancelledAt: c.CancelledAt()})
}

// UpdateConcert implements domain.Concerts.
func (s *ConcertStore) UpdateConcert(ctx context.Context, id uuid.UUID, fn func(*domain.Concert) error) (*domain.Concert, error) {
	var out *domain.Concert
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		r, err := q.GetConcertForUpdate(ctx, id)
		if err != nil {
			return concertMissing(err)
		}
		c := toConcert(r)
		if err := fn(c); err != nil {
			return err
		}
		out = c
		return s.saveConcert(ctx, q, c)
	})
	return out, err
}

// ReserveTickets implements domain.Concerts: one transaction for a batch of buyers of one
// concert (its row locked once, the seats counted once, the pending tickets inserted by one
// statement). The row lock is what keeps the capacity exact across instances; the batch only
// makes fewer, longer trips through it.
func (s *ConcertStore) ReserveTickets(ctx context.Context, concertID uuid.UUID, ts []domain.Ticket, reserve func(*domain.Concert, domain.Ticket) error, now time.Time) ([]error, error) {
	var refused []error
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		refused = make([]error, len(ts))
		q := s.q.WithTx(tx)
		r, err := q.GetConcertForUpdate(ctx, concertID)
		if err != nil {
			return concertMissing(err)
		}
		c := toConcert(r)
		p := musicdb.InsertPendingTicketsParams{ConcertID: concertID, Now: now}
		for i, t := range ts {
			if t.ConcertID != concertID {
				return fmt.Errorf("ticket %s is not for concert %s", t.ID, concertID)
			}
			if refused[i] = reserve(c, t); refused[i] != nil {
				continue
			}
			p.Ids, p.HolderIds = append(p.Ids, t.ID), append(p.HolderIds, t.HolderID)
			p.Prices, p.Fees = append(p.Prices, t.Price.Units()), append(p.Fees, t.Fee.Units())
		}
		if len(p.Ids) == 0 {
			return nil
		}
		if err := s.saveConcert(ctx, q, c); err != nil {
			return err
		}
		return q.InsertPendingTickets(ctx, p)
	})
	return refused, err
}

// ConfirmTickets implements domain.Concerts: a batch of paid tickets made valid by one
// statement, their TicketSold events in the same transaction.
func (s *ConcertStore) ConfirmTickets(ctx context.Context, concertID uuid.UUID, paid []domain.TicketPayment, now time.Time) ([]domain.Ticket, error) {
	var out []domain.Ticket
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		ids, entries := make([]uuid.UUID, len(paid)), make([]uuid.UUID, len(paid))
		for i, p := range paid {
			ids[i], entries[i] = p.TicketID, p.EntryID
		}
		rows, err := q.ConfirmPendingTickets(ctx, musicdb.ConfirmPendingTicketsParams{Ids: ids, EntryIds: entries, Now: now})
		if err != nil {
			return fmt.Errorf("confirm tickets: %w", err)
		}
		by := make(map[uuid.UUID]domain.Ticket, len(paid))
		confirmed := rows
		if len(rows) < len(paid) { // some were confirmed (or voided) before: report them as they are
			others, err := q.GetTickets(ctx, ids)
			if err != nil {
				return err
			}
			for _, r := range others {
				by[r.ID] = toTicket(r)
			}
		}
		for _, r := range rows {
			by[r.ID] = toTicket(r)
		}
		out = make([]domain.Ticket, len(paid))
		for i, p := range paid {
			t, ok := by[p.TicketID]
			if !ok || t.ConcertID != concertID {
				return domain.ErrTicketNotFound
			}
			out[i] = t
		}
		if len(confirmed) == 0 {
			return nil
		}
		c, err := q.GetConcert(ctx, concertID)
		if err != nil {
			return err
		}
		envs := make([]events.Envelope, 0, len(confirmed))
		for _, r := range confirmed {
			env, err := events.New(ctx, contracts.TicketSoldV1, contracts.Source, contracts.TicketSold{ConcertID: c.ID, TicketID: r.ID,
				TicketsSold: int(c.Sold), TicketsLeft: int(c.Capacity - c.Sold), At: now}, events.ForUsers(c.ArtistUserID), events.At(now))
			if err != nil {
				return err
			}
			envs = append(envs, env)
		}
		return s.bus.Publish(ctx, tx, envs...)
	})
	return out, err
}

// ConfirmTicket implements domain.Concerts.
func (s *ConcertStore) ConfirmTicket(ctx context.Context, id, entryID uuid.UUID, now time.Time) (domain.Ticket, error) {
	var out domain.Ticket
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		r, err := q.GetTicketForUpdate(ctx, id)
		if err != nil {
			return ticketMissing(err)
		}
		out = toTicket(r)
		if out.Status != domain.TicketPending {
			return nil
		}
		var entry *uuid.UUID
		if entryID != uuid.Nil {
			entry = &entryID
		}
		if err := q.SetTicketStatus(ctx, musicdb.SetTicketStatusParams{ID: id, Status: string(domain.TicketValid), UpdatedAt: now, EntryID: entry}); err != nil {
			return err
		}
		out.Status, out.EntryID = domain.TicketValid, entryID
		c, err := q.GetConcert(ctx, r.ConcertID)
		if err != nil {
			return err
		}
		env, err := events.New(ctx, contracts.TicketSoldV1, contracts.Source, contracts.TicketSold{ConcertID: c.ID, TicketID: id,
			TicketsSold: int(c.Sold), TicketsLeft: int(c.Capacity - c.Sold), At: now}, events.ForUsers(c.ArtistUserID), events.At(now))
		if err != nil {
			return err
		}
		return s.bus.Publish(ctx, tx, env)
	})
	return out, err
}

// VoidTicket implements domain.Concerts.
func (s *ConcertStore) VoidTicket(ctx context.Context, id uuid.UUID, now time.Time) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		r, err := q.GetTicket(ctx, id)
		if err != nil {
			return ticketMissing(err)
		}
		cr, err := q.GetConcertForUpdate(ctx, r.ConcertID)
		if err != nil {
			return err
		}
		tr, err := q.GetTicketForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if tr.Status != string(domain.TicketPending) {
			return nil
		}
		c := toConcert(cr)
		c.Unreserve()
		if err := s.saveConcert(ctx, q, c); err != nil {
			return err
		}
		return q.SetTicketStatus(ctx, musicdb.SetTicketStatusParams{ID: id, Status: string(domain.TicketVoid), UpdatedAt: now})
	})
}

// GetTicket implements domain.Concerts.
func (s *ConcertStore) GetTicket(ctx context.Context, id uuid.UUID) (domain.Ticket, error) {
	r, err := s.q.GetTicket(ctx, id)
	if err != nil {
		return domain.Ticket{}, ticketMissing(err)
	}
	return toTicket(r), nil
}

// TicketsOf implements domain.Concerts.
func (s *ConcertStore) TicketsOf(ctx context.Context, holder uuid.UUID, limit int) ([]domain.Ticket, error) {
	rs, err := s.q.TicketsOfHolder(ctx, musicdb.TicketsOfHolderParams{HolderID: holder, Limit: int32(min(limit, 1000))}) //nolint:gosec // bounded
	return tickets(rs), err
}

// UpdatePresence implements domain.Concerts: the ticket row is locked, so two devices racing
// with one pass are serialised and only one gets in.
func (s *ConcertStore) UpdatePresence(ctx context.Context, id uuid.UUID, fn func(domain.Ticket, *domain.Presence) error, now time.Time) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		r, err := q.GetTicketForUpdate(ctx, id)
		if err != nil {
			return ticketMissing(err)
		}
		t := toTicket(r)
		p := t.Presence
		if err := fn(t, &p); err != nil {
			return err
		}
		return q.SetTicketPresence(ctx, musicdb.SetTicketPresenceParams{ID: id, CheckedIn: p.CheckedIn, FirstCheckinAt: p.FirstCheckInAt, UpdatedAt: now})
	})
}

func tickets(rs []musicdb.MusicTicket) []domain.Ticket {
	out := make([]domain.Ticket, len(rs))
	for i, r := range rs {
		out[i] = toTicket(r)
	}
	return out
}

// StalePending implements domain.Concerts.
func (s *ConcertStore) StalePending(ctx context.Context, before time.Time, limit int) ([]domain.Ticket, error) {
	rs, err := s.q.StalePendingTickets(ctx, musicdb.StalePendingTicketsParams{UpdatedAt: before, Limit: int32(limit)})
	return tickets(rs), err
}

// ToRefund implements domain.Concerts.
func (s *ConcertStore) ToRefund(ctx context.Context, limit int) ([]domain.Ticket, error) {
	rs, err := s.q.TicketsToRefund(ctx, int32(limit))
	return tickets(rs), err
}

// MarkRefunded implements domain.Concerts.
func (s *ConcertStore) MarkRefunded(ctx context.Context, id, entryID uuid.UUID, now time.Time) error {
	var entry *uuid.UUID
	if entryID != uuid.Nil {
		entry = &entryID
	}
	return s.q.SetTicketStatus(ctx, musicdb.SetTicketStatusParams{ID: id, Status: string(domain.TicketRefunded), UpdatedAt: now, RefundEntryID: entry})
}

// Attendance implements domain.Concerts.
func (s *ConcertStore) Attendance(ctx context.Context, concertID uuid.UUID) (domain.Attendance, error) {
	r, err := s.q.ConcertAttendance(ctx, concertID)
	if err != nil {
		return domain.Attendance{}, fmt.Errorf("attendance: %w", err)
	}
	return domain.Attendance{Sold: r.Sold, CheckedIn: r.CheckedIn, Inside: r.Inside, Refunded: r.Refunded,
		Gross: money.MustNew(money.USD, r.Gross), Revenue: money.MustNew(money.USD, r.Revenue)}, nil
}
