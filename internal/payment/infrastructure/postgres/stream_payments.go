package postgres

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/postgres/paymentdb"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

var errReplayed = errors.New("stream payment key claimed concurrently")

// StreamPaymentStore implements application.StreamSettlementStore: a listen's settlement
// entry, its hold, its stream_payments row and its outbox event commit together or not at all.
type StreamPaymentStore struct {
	pool   *pgxpool.Pool
	ledger *LedgerStore
	q      *paymentdb.Queries
	bus    events.Publisher
	// opened remembers accounts known to exist (accounts are never closed)
	opened sync.Map
}

var _ application.StreamSettlementStore = (*StreamPaymentStore)(nil)

// NewStreamPaymentStore builds the store; bus receives payment.stream_paid.v1 inside the
// settling transaction.
func NewStreamPaymentStore(pool *pgxpool.Pool, ledger *LedgerStore, bus events.Publisher) *StreamPaymentStore {
	return &StreamPaymentStore{pool: pool, ledger: ledger, q: paymentdb.New(pool), bus: bus}
}

// OpenAccount opens one account with a single balance row, idempotently.
func (s *StreamPaymentStore) OpenAccount(ctx context.Context, ref contracts.AccountRef) error {
	if _, ok := s.opened.Load(ref); ok {
		return nil
	}
	if err := s.q.OpenAccount(ctx, paymentdb.OpenAccountParams{ID: uuid.New(), OwnerID: ref.Owner, Asset: string(ref.Asset), Kind: string(ref.Kind)}); err != nil {
		return err
	}
	s.opened.Store(ref, struct{}{})
	return nil
}

// SettleStream locks the hold, replays a used key, or settles and announces the listen.
func (s *StreamPaymentStore) SettleStream(ctx context.Context, holdID uuid.UUID, key string, digest []byte,
	fn func(h *domain.Hold) (application.StreamSettlement, error)) (application.PostResult, error) {
	if s.bus == nil {
		return application.PostResult{}, errors.New("payment: stream payments need an event bus (payment.stream_paid.v1 is written with the settlement)")
	}
	var out, replayed application.PostResult
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		row, err := q.HoldForUpdate(ctx, holdID)
		if err != nil {
			if postgres.IsNoRows(err) {
				return contracts.ErrHoldNotFound
			}
			return err
		}
		if prev, err := q.EntryByKey(ctx, key); err == nil {
			if prev.HoldID == nil || *prev.HoldID != holdID || !bytes.Equal(prev.Fingerprint, digest) {
				return contracts.ErrIdempotencyKeyReused
			}
			out = application.PostResult{EntryID: prev.ID, CreatedAt: prev.CreatedAt.UTC(), Replayed: true, HoldID: holdID}
			return nil
		} else if !postgres.IsNoRows(err) {
			return err
		}
		h, err := holdFromRow(row)
		if err != nil {
			return err
		}
		st, err := fn(h)
		if err != nil {
			return err
		}
		// Everything but the postings first: post_entry locks the balance rows (the artist's
		// earnings are hot when a song is), and they stay locked until commit.
		if err := q.UpdateHold(ctx, paymentdb.UpdateHoldParams{ID: h.ID(), Settled: h.Settled().Units(), Released: h.Released().Units(),
			Status: string(h.Status()), UpdatedAt: h.UpdatedAt()}); err != nil {
			return err
		}
		p := st.Payment
		if err := q.InsertStreamPayment(ctx, paymentdb.InsertStreamPaymentParams{SessionID: p.SessionID, EntryID: st.Entry.ID(), HoldID: h.ID(),
			SongID: p.SongID, ListenerID: p.ListenerID, ArtistUserID: p.ArtistUserID, Price: p.Price.Units(), PlatformFee: p.PlatformFee.Units(),
			Shareholders: p.Shareholders.Units(), Artist: p.Artist.Units(), QualifiedAt: p.QualifiedAt, PaidAt: st.Entry.CreatedAt()}); err != nil {
			if postgres.IsUniqueViolation(err, "") {
				return contracts.ErrIdempotencyKeyReused.WithMessage("this session was already paid")
			}
			return err
		}
		env, err := events.New(ctx, contracts.StreamPaidV1, contracts.Source, st.Paid, events.ForUsers(p.ListenerID, p.ArtistUserID),
			events.At(st.Paid.PaidAt))
		if err != nil {
			return err
		}
		if err := s.bus.Publish(ctx, tx, env); err != nil {
			return err
		}
		r, err := s.ledger.PostTx(ctx, tx, st.Entry)
		if err != nil {
			return err
		}
		if r.Replayed {
			// the same request committed in between (post_entry replays only an identical
			// fingerprint): undo this attempt and answer the first one
			replayed = r
			return errReplayed
		}
		out = r
		return nil
	})
	if errors.Is(err, errReplayed) {
		return replayed, nil
	}
	return out, err
}

// StreamTotals sums what an artist was paid by listens (tests, reports).
func (s *StreamPaymentStore) StreamTotals(ctx context.Context, artistUserID uuid.UUID) (paymentdb.StreamPaymentTotalsRow, error) {
	return s.q.StreamPaymentTotals(ctx, artistUserID)
}
