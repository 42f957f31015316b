package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// Stream payment errors.
var (
	ErrStreamSplitMismatch = errs.New(errs.Unprocessable, "payment.stream_split_mismatch", "the platform fee, shareholders' and artist's parts must be non-negative USD amounts summing to the price exactly")
	ErrStreamHoldMismatch  = errs.New(errs.Conflict, "payment.stream_hold_mismatch", "the hold is not the listener's reservation of exactly the price")
)

// StreamSettlement is one listen's settlement as the store writes it: the split entry, the
// hold it closes, and the event announcing it.
type StreamSettlement struct {
	Entry   *domain.Entry
	Payment contracts.StreamPayment
	Paid    contracts.StreamPaid
}

// StreamSettlementStore settles listens.
type StreamSettlementStore interface {
	// OpenAccount opens one account (a song's royalty pool) unless it exists.
	OpenAccount(ctx context.Context, ref contracts.AccountRef) error
	// SettleStream locks the hold; if key was already used it replays (same digest) or fails
	// with contracts.ErrIdempotencyKeyReused; otherwise it runs fn, then posts the entry,
	// stores the hold and the stream payment, and writes payment.stream_paid.v1 to the outbox,
	// all in one transaction.
	SettleStream(ctx context.Context, holdID uuid.UUID, key string, digest []byte, fn func(h *domain.Hold) (StreamSettlement, error)) (PostResult, error)
}

// StreamMetrics counts paid listens (after commit, never for a replay).
type StreamMetrics interface {
	StreamPaid(p contracts.StreamPayment)
}

// PayStreamHandler implements contracts.StreamPayments: it settles a qualified listen's hold
// as ONE journal entry split between the platform fee account, the song's royalty pool and
// the artist's earnings, idempotently on the session.
type PayStreamHandler struct {
	ledger  *Ledger
	store   StreamSettlementStore
	metrics StreamMetrics
	now     Clock
	newID   NewID
}

var _ contracts.StreamPayments = (*PayStreamHandler)(nil)

// NewPayStreamHandler builds the use case; metrics may be nil.
func NewPayStreamHandler(ledger *Ledger, store StreamSettlementStore, metrics StreamMetrics, now Clock, newID NewID) (*PayStreamHandler, error) {
	if ledger == nil || store == nil {
		return nil, errors.New("payment: pay stream needs the ledger and a settlement store")
	}
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	if newID == nil {
		newID = uuid.New
	}
	return &PayStreamHandler{ledger: ledger, store: store, metrics: metrics, now: now, newID: newID}, nil
}

// StreamPaymentKey is the journal idempotency key of a session's settlement. Other uses of
// the ledger must not use this prefix.
func StreamPaymentKey(sessionID uuid.UUID) string { return "stream_paid:" + sessionID.String() }

// PayStream settles the hold of p.SessionID. A second call for the session returns the first
// receipt with Replayed set and publishes nothing.
func (h *PayStreamHandler) PayStream(ctx context.Context, p contracts.StreamPayment) (contracts.Receipt, error) {
	if err := checkSplit(p); err != nil {
		return contracts.Receipt{}, err
	}
	pool := contracts.RoyaltyPool(p.SongID)
	if p.Shareholders.IsPositive() {
		if err := h.store.OpenAccount(ctx, pool); err != nil {
			return contracts.Receipt{}, err
		}
	}
	var to []contracts.Credit
	for _, c := range []contracts.Credit{
		{To: contracts.System(contracts.KindPlatformFees, money.USD), Amount: p.PlatformFee},
		{To: pool, Amount: p.Shareholders},
		{To: contracts.UserAccount(p.ArtistUserID, money.USD, contracts.KindEarnings), Amount: p.Artist},
	} {
		if c.Amount.IsPositive() {
			to = append(to, c)
		}
	}
	credits, _, err := h.ledger.credits(ctx, money.USD, to)
	if err != nil {
		return contracts.Receipt{}, err
	}
	meta := map[string]string{"session_id": p.SessionID.String(), "song_id": p.SongID.String(), "artist_user_id": p.ArtistUserID.String()}
	const reason = "stream_payment"
	ref := "listen_session:" + p.SessionID.String()
	digest := domain.RequestDigest(domain.EntrySettle, p.HoldID, credits, false, reason, ref, meta)
	r, err := h.store.SettleStream(ctx, p.HoldID, StreamPaymentKey(p.SessionID), digest, func(hold *domain.Hold) (StreamSettlement, error) {
		if hold.Owner() != p.ListenerID || hold.Asset() != money.USD {
			return StreamSettlement{}, ErrStreamHoldMismatch.WithMessage("the hold is not the listener's USD reservation")
		}
		if hold.Status() != domain.HoldActive {
			return StreamSettlement{}, domain.ErrHoldClosed
		}
		if hold.Remaining().Cmp(p.Price) != 0 {
			return StreamSettlement{}, ErrStreamHoldMismatch.WithMessage("the hold reserves " + hold.Remaining().String() + " USD, the price is " + p.Price.String())
		}
		now := h.now()
		if err := hold.Settle(p.Price, now); err != nil {
			return StreamSettlement{}, err
		}
		held, err := h.ledger.account(ctx, contracts.UserAccount(hold.Owner(), money.USD, contracts.KindHeld))
		if err != nil {
			return StreamSettlement{}, err
		}
		out, err := p.Price.Neg()
		if err != nil {
			return StreamSettlement{}, err
		}
		postings := append(append([]domain.Posting(nil), credits...), domain.Posting{Account: held, Amount: out})
		e, err := domain.NewEntry(domain.EntryInput{ID: h.newID(), Key: StreamPaymentKey(p.SessionID), Kind: domain.EntrySettle, Reason: reason,
			ExternalRef: ref, Metadata: meta, HoldID: hold.ID(), Postings: postings, Now: now, RequestDigest: digest})
		if err != nil {
			return StreamSettlement{}, err
		}
		return StreamSettlement{Entry: e, Payment: p, Paid: contracts.StreamPaid{SessionID: p.SessionID, SongID: p.SongID,
			ListenerID: p.ListenerID, ArtistUserID: p.ArtistUserID, EntryID: e.ID(), Gross: p.Price.String(),
			PlatformFee: p.PlatformFee.String(), Shareholders: p.Shareholders.String(), Net: p.Artist.String(),
			QualifiedAt: p.QualifiedAt.UTC(), PaidAt: now}}, nil
	})
	if err != nil {
		return contracts.Receipt{}, err
	}
	if !r.Replayed && h.metrics != nil {
		h.metrics.StreamPaid(p)
	}
	return receipt(r), nil
}

// checkSplit refuses a payment whose parts are not non-negative USD summing to a positive
// price, or that misses an id.
func checkSplit(p contracts.StreamPayment) error {
	if p.SessionID == uuid.Nil || p.HoldID == uuid.Nil || p.SongID == uuid.Nil || p.ListenerID == uuid.Nil || p.ArtistUserID == uuid.Nil {
		return contracts.ErrInvalidRequest.WithMessage("a stream payment needs the session, hold, song, listener and artist")
	}
	if p.QualifiedAt.IsZero() {
		return contracts.ErrInvalidRequest.WithMessage("a stream payment needs the time the listen qualified")
	}
	if p.Price.Asset() != money.USD || !p.Price.IsPositive() {
		return ErrStreamSplitMismatch.WithMessage("the price must be a positive USD amount")
	}
	sum := money.Zero(money.USD)
	for _, part := range []money.Amount{p.PlatformFee, p.Shareholders, p.Artist} {
		if part.Asset() == "" && part.IsZero() {
			continue // an unset part is nothing
		}
		if part.Asset() != money.USD || part.IsNegative() {
			return ErrStreamSplitMismatch
		}
		var err error
		if sum, err = sum.Add(part); err != nil {
			return ErrStreamSplitMismatch
		}
	}
	if sum.Cmp(p.Price) != 0 {
		return ErrStreamSplitMismatch.WithMessage("the parts sum to " + sum.String() + " USD, the price is " + p.Price.String())
	}
	return nil
}
