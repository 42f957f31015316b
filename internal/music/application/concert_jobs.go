package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/domain"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// ConcertJobResult counts what one run of the concert job did.
type ConcertJobResult struct {
	Refunded, Recovered int
}

// RunConcertJobs refunds the tickets of cancelled concerts and finishes purchases a crash left
// pending. Every ledger command has a key derived from the ticket, so a crash anywhere is
// finished by the next run and nothing is paid or refunded twice.
func (h *Tickets) RunConcertJobs(ctx context.Context, batch int) (ConcertJobResult, error) {
	var res ConcertJobResult
	var errsSeen []error
	pending, err := h.d.Concerts.StalePending(ctx, h.d.Now().Add(-h.d.StaleAfter), batch)
	if err != nil {
		return res, err
	}
	for _, t := range pending {
		c, err := h.d.Concerts.GetConcert(ctx, t.ConcertID)
		if err != nil {
			errsSeen = append(errsSeen, err)
			continue
		}
		if _, err := h.pay(ctx, c, t, false); err != nil && !errors.Is(err, domain.ErrTicketFundsShort) {
			errsSeen = append(errsSeen, err)
			continue
		}
		res.Recovered++
	}
	due, err := h.d.Concerts.ToRefund(ctx, batch)
	if err != nil {
		return res, errors.Join(append(errsSeen, err)...)
	}
	for _, t := range due {
		if err := h.refund(ctx, t); err != nil {
			errsSeen = append(errsSeen, err)
			continue
		}
		res.Refunded++
	}
	return res, errors.Join(errsSeen...)
}

// refund gives a ticket's price back: the artist's part from their earnings and the fee from
// the platform's fees, each under a key derived from the ticket.
func (h *Tickets) refund(ctx context.Context, t domain.Ticket) error {
	if t.Status == domain.TicketPending {
		// A purchase of a cancelled concert the crash left unfinished: finish it first (so its
		// money is where the refund expects it) unless the buyer's wallet never had it.
		c, err := h.d.Concerts.GetConcert(ctx, t.ConcertID)
		if err != nil {
			return err
		}
		v, err := h.pay(ctx, c, t, false)
		if errors.Is(err, domain.ErrTicketFundsShort) {
			return nil
		}
		if err != nil {
			return err
		}
		t = v.Ticket
	}
	c, err := h.d.Concerts.GetConcert(ctx, t.ConcertID)
	if err != nil {
		return err
	}
	net, err := t.Price.Sub(t.Fee)
	if err != nil {
		return err
	}
	meta := map[string]string{"concert_id": t.ConcertID.String(), "ticket_id": t.ID.String()}
	entry := uuid.Nil
	buyer := paymentcontracts.Wallet(t.HolderID, money.USD)
	if net.IsPositive() {
		r, err := h.d.Ledger.Transfer(ctx, paymentcontracts.TransferRequest{IdempotencyKey: "concert-refund:" + t.ID.String(),
			From: paymentcontracts.UserAccount(c.ArtistUserID(), money.USD, paymentcontracts.KindEarnings),
			To:   []paymentcontracts.Credit{{To: buyer, Amount: net}}, Details: paymentcontracts.Details{Reason: "concert_refund", Metadata: meta}})
		if err != nil {
			return err
		}
		entry = r.EntryID
	}
	if t.Fee.IsPositive() {
		if _, err := h.d.Ledger.Transfer(ctx, paymentcontracts.TransferRequest{IdempotencyKey: "concert-refund-fee:" + t.ID.String(),
			From: paymentcontracts.System(paymentcontracts.KindPlatformFees, money.USD),
			To:   []paymentcontracts.Credit{{To: buyer, Amount: t.Fee}}, Details: paymentcontracts.Details{Reason: "concert_refund_fee", Metadata: meta}}); err != nil {
			return err
		}
	}
	return h.d.Concerts.MarkRefunded(ctx, t.ID, entry, h.d.Now())
}
