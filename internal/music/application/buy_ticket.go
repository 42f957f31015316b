package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/batch"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/domain"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// BuyTicket asks for one seat of a concert.
type BuyTicket struct {
	BuyerID   uuid.UUID
	ConcertID uuid.UUID
	AgeProof  *usercontracts.AgeProof
}

// TicketView is a bought ticket with its access pass.
type TicketView struct {
	domain.Ticket
	Pass string
}

// Tickets sells tickets: the age gate first (no seat is taken for a buyer who cannot enter),
// then the seat under the concert's lock (never oversold), then the price through the ledger
// (buyer's USD wallet -> the artist's earnings less the platform fee, one entry keyed on the
// ticket), then the ticket confirmed with its pass. A refused payment gives the seat back; a
// crash after the reservation leaves a pending ticket the recovery job finishes.
//
// A hot concert's buyers are served in batches (group commit): the requests that arrive while
// one batch holds the concert's row wait and go through it together in the next transaction,
// each with its own outcome (a sold-out refusal or a refused payment is that buyer's alone).
// Each buyer's payment stays a ledger transfer of its own, run concurrently with the others.
// Several instances stay exact because the batch runs under the concert's row lock in Postgres:
// a batch only shares a trip through that lock, it does not replace it.
type Tickets struct {
	d       ConcertDeps
	reserve *batch.Group[uuid.UUID, domain.Ticket, error]
	confirm *batch.Group[uuid.UUID, domain.TicketPayment, confirmed]
}

type confirmed struct {
	t   domain.Ticket
	err error
}

// ticketBatch bounds a batch (one statement inserts or confirms that many tickets).
const ticketBatch = 512

// NewTickets builds the handler.
func NewTickets(d ConcertDeps) (*Tickets, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	h := &Tickets{d: d}
	h.reserve = batch.New(ticketBatch, h.reserveBatch)
	h.confirm = batch.New(ticketBatch, h.confirmBatch)
	return h, nil
}

func (h *Tickets) reserveBatch(ctx context.Context, concertID uuid.UUID, ts []domain.Ticket) []error {
	now := h.d.Now()
	refused, err := h.d.Concerts.ReserveTickets(ctx, concertID, ts, func(c *domain.Concert, t domain.Ticket) error {
		return c.Reserve(t.HolderID, now)
	}, now)
	if err != nil {
		refused = make([]error, len(ts))
		for i := range refused {
			refused[i] = err
		}
	}
	return refused
}

func (h *Tickets) confirmBatch(ctx context.Context, concertID uuid.UUID, paid []domain.TicketPayment) []confirmed {
	out := make([]confirmed, len(paid))
	ts, err := h.d.Concerts.ConfirmTickets(ctx, concertID, paid, h.d.Now())
	for i := range out {
		if err != nil {
			out[i].err = err
		} else {
			out[i].t = ts[i]
		}
	}
	return out
}

// Buy handles BuyTicket.
func (h *Tickets) Buy(ctx context.Context, cmd BuyTicket) (TicketView, error) {
	c, err := h.d.Concerts.GetConcert(ctx, cmd.ConcertID)
	if err != nil {
		return TicketView{}, err
	}
	now := h.d.Now()
	if c.Status() == domain.ConcertCancelled {
		return TicketView{}, domain.ErrConcertCancelled
	}
	if min := c.Terms().MinAge; min > 0 {
		if cmd.AgeProof == nil {
			return TicketView{}, domain.ErrAgeProofRequired
		}
		if h.d.Ages == nil {
			return TicketView{}, usercontracts.ErrAgeProofInvalid.WithMessage("age proofs cannot be verified here")
		}
		if err := h.d.Ages.VerifyAge(ctx, *cmd.AgeProof, cmd.BuyerID, min, now); err != nil {
			return TicketView{}, err
		}
	}
	fee, _, err := domain.TicketSplit(c.Terms().TicketPrice, h.d.FeeBPS)
	if err != nil {
		return TicketView{}, err
	}
	t := domain.Ticket{ID: h.d.NewID(), ConcertID: c.ID(), HolderID: cmd.BuyerID, Price: c.Terms().TicketPrice, Fee: fee,
		Status: domain.TicketPending, CreatedAt: now}
	refused, err := h.reserve.Do(ctx, c.ID(), t)
	if err == nil {
		err = refused
	}
	if err != nil {
		return TicketView{}, err
	}
	return h.pay(ctx, c, t, true)
}

// pay moves the price and confirms the ticket (also the recovery job's path: same key);
// batched confirms the ticket with the others of its concert paid at the same time.
func (h *Tickets) pay(ctx context.Context, c *domain.Concert, t domain.Ticket, batched bool) (TicketView, error) {
	entry := uuid.Nil
	if t.Price.IsPositive() {
		r, err := h.d.Ledger.Transfer(ctx, purchase(c, t))
		if errors.Is(err, paymentcontracts.ErrAccountNotFound) {
			if err := h.d.Ledger.OpenUserAccounts(ctx, c.ArtistUserID()); err != nil {
				return TicketView{}, err
			}
			r, err = h.d.Ledger.Transfer(ctx, purchase(c, t))
		}
		if errors.Is(err, paymentcontracts.ErrInsufficientFunds) {
			if verr := h.d.Concerts.VoidTicket(ctx, t.ID, h.d.Now()); verr != nil {
				return TicketView{}, verr
			}
			return TicketView{}, domain.ErrTicketFundsShort
		}
		if err != nil {
			return TicketView{}, err
		}
		entry = r.EntryID
	}
	var done domain.Ticket
	if batched {
		r, err := h.confirm.Do(ctx, c.ID(), domain.TicketPayment{TicketID: t.ID, EntryID: entry})
		if err == nil {
			done, err = r.t, r.err
		}
		if err != nil {
			return TicketView{}, err
		}
	} else {
		var err error
		if done, err = h.d.Concerts.ConfirmTicket(ctx, t.ID, entry, h.d.Now()); err != nil {
			return TicketView{}, err
		}
	}
	pass, err := h.pass(c, done)
	if err != nil {
		return TicketView{}, err
	}
	return TicketView{Ticket: done, Pass: pass}, nil
}

func (h *Tickets) pass(c *domain.Concert, t domain.Ticket) (string, error) {
	return h.d.Passes.IssuePass(usercontracts.AccessPass{ID: t.ID.String(), Audience: PassAudience, EventID: c.ID(), TicketID: t.ID,
		HolderID: t.HolderID, NotBefore: c.PassValidFrom(), ExpiresAt: c.EndsAt()})
}

// purchase is the ledger command of a ticket, built in one place so a retry repeats it exactly.
func purchase(c *domain.Concert, t domain.Ticket) paymentcontracts.TransferRequest {
	net, _ := t.Price.Sub(t.Fee)
	var to []paymentcontracts.Credit
	if net.IsPositive() {
		to = append(to, paymentcontracts.Credit{To: paymentcontracts.UserAccount(c.ArtistUserID(), money.USD, paymentcontracts.KindEarnings), Amount: net})
	}
	if t.Fee.IsPositive() {
		to = append(to, paymentcontracts.Credit{To: paymentcontracts.System(paymentcontracts.KindPlatformFees, money.USD), Amount: t.Fee})
	}
	return paymentcontracts.TransferRequest{IdempotencyKey: "concert-ticket:" + t.ID.String(), From: paymentcontracts.Wallet(t.HolderID, money.USD),
		To: to, Details: paymentcontracts.Details{Reason: "concert_ticket", Metadata: map[string]string{"concert_id": c.ID().String(), "ticket_id": t.ID.String()}}}
}

// Ticket returns one of the caller's tickets with its pass.
func (h *Tickets) Ticket(ctx context.Context, holder, id uuid.UUID) (TicketView, error) {
	t, err := h.d.Concerts.GetTicket(ctx, id)
	if err != nil {
		return TicketView{}, err
	}
	if t.HolderID != holder {
		return TicketView{}, domain.ErrTicketNotFound
	}
	c, err := h.d.Concerts.GetConcert(ctx, t.ConcertID)
	if err != nil {
		return TicketView{}, err
	}
	v := TicketView{Ticket: t}
	if t.Status == domain.TicketValid {
		if v.Pass, err = h.pass(c, t); err != nil {
			return TicketView{}, err
		}
	}
	return v, nil
}

// HeldTicket is one of a holder's tickets with its concert (and its pass while valid).
type HeldTicket struct {
	TicketView
	Concert *domain.Concert
}

// Mine lists the caller's tickets, newest first, each with its concert and, while valid, its
// pass.
func (h *Tickets) Mine(ctx context.Context, holder uuid.UUID, limit int) ([]HeldTicket, error) {
	ts, err := h.d.Concerts.TicketsOf(ctx, holder, limit)
	if err != nil {
		return nil, err
	}
	concerts := map[uuid.UUID]*domain.Concert{}
	out := make([]HeldTicket, 0, len(ts))
	for _, t := range ts {
		c, ok := concerts[t.ConcertID]
		if !ok {
			if c, err = h.d.Concerts.GetConcert(ctx, t.ConcertID); err != nil {
				return nil, err
			}
			concerts[t.ConcertID] = c
		}
		v := HeldTicket{TicketView: TicketView{Ticket: t}, Concert: c}
		if t.Status == domain.TicketValid {
			if v.Pass, err = h.pass(c, t); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// CheckIn admits a pass at a concert (the venue server's call): the pass must be ours, for this
// concert, within its window, its ticket valid, and not checked in on another device.
func (h *Tickets) CheckIn(ctx context.Context, caller uuid.UUID, admin bool, concertID uuid.UUID, raw string, in bool) (domain.Ticket, error) {
	now := h.d.Now()
	if !admin {
		c, err := h.d.Concerts.GetConcert(ctx, concertID)
		if err != nil {
			return domain.Ticket{}, err
		}
		if c.ArtistUserID() != caller {
			return domain.Ticket{}, domain.ErrVenueOnly
		}
	}
	p, err := h.d.Passes.VerifyPass(raw, PassAudience, now)
	if err != nil {
		return domain.Ticket{}, err
	}
	if p.EventID != concertID {
		return domain.Ticket{}, domain.ErrPassNotForConcert
	}
	c, err := h.d.Concerts.GetConcert(ctx, concertID)
	if err != nil {
		return domain.Ticket{}, err
	}
	if c.Status() == domain.ConcertCancelled {
		return domain.Ticket{}, domain.ErrConcertCancelled
	}
	var out domain.Ticket
	err = h.d.Concerts.UpdatePresence(ctx, p.TicketID, func(t domain.Ticket, pr *domain.Presence) error {
		if t.ConcertID != concertID || t.HolderID != p.HolderID {
			return domain.ErrPassNotForConcert
		}
		if t.Status != domain.TicketValid {
			return domain.ErrPassRevoked
		}
		var err error
		if in {
			err = pr.CheckIn(now)
		} else {
			err = pr.CheckOut()
		}
		t.Presence = *pr
		out = t
		return err
	}, now)
	return out, err
}
