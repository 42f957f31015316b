package application_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/ownership/application"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

var (
	now   = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	clock = func() time.Time { return now }
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// markets is a fake domain.Markets over one song register; fn gets a fake market that only
// knows the accrual.
type markets struct {
	songs    map[uuid.UUID]*domain.Song
	sessions map[uuid.UUID]bool
	calls    int
}

func (f *markets) Open(context.Context, *domain.Offering, *domain.Song, *domain.Holding) error {
	return nil
}
func (f *markets) With(ctx context.Context, id uuid.UUID, fn func(context.Context, domain.Market) error) error {
	f.calls++
	s, ok := f.songs[id]
	if !ok {
		return domain.ErrSongNotOffered
	}
	return fn(ctx, &market{f: f, s: s})
}

func (f *markets) WithEach(ctx context.Context, id uuid.UUID, fns []func(context.Context, domain.Market) error) ([]error, error) {
	out := make([]error, len(fns))
	for i, fn := range fns {
		out[i] = f.With(ctx, id, fn)
	}
	return out, nil
}

type market struct {
	domain.Market // unused methods panic
	f             *markets
	s             *domain.Song
}

func (m *market) Song() *domain.Song { return m.s }
func (m *market) AccrueOnce(_ context.Context, session uuid.UUID, _ int64, _ time.Time) (bool, error) {
	if m.f.sessions[session] {
		return false, nil
	}
	m.f.sessions[session] = true
	return true, nil
}

type metrics struct{ accrued int64 }

func (m *metrics) OrderPlaced(string)          {}
func (m *metrics) Trade(int64, int64)          {}
func (m *metrics) RoyaltyAccrued(amount int64) { m.accrued += amount }
func (m *metrics) RoyaltyClaimed(int64)        {}

func TestAccrueStream(t *testing.T) {
	t.Parallel()
	song := uuid.New()
	f := &markets{songs: map[uuid.UUID]*domain.Song{song: domain.NewSong(song, uuid.New(), 1000, 1, now)}, sessions: map[uuid.UUID]bool{}}
	met := &metrics{}
	h, err := application.NewAccrueStream(f, met, quiet, clock)
	require.NoError(t, err)
	ctx := context.Background()
	session := uuid.New()
	require.NoError(t, h.Handle(ctx, paycontracts.StreamPaid{SessionID: session, SongID: song, Shareholders: "0.0004"}))
	require.NoError(t, h.Handle(ctx, paycontracts.StreamPaid{SessionID: session, SongID: song, Shareholders: "0.0004"}), "a redelivery")
	assert.Equal(t, int64(400), f.songs[song].Accumulator().Entered, "accrued once")
	assert.Equal(t, int64(400), met.accrued)

	calls := f.calls
	require.NoError(t, h.Handle(ctx, paycontracts.StreamPaid{SessionID: uuid.New(), SongID: song, Shareholders: "0"}))
	assert.Equal(t, calls, f.calls, "a zero pool part touches nothing")
	require.ErrorIs(t, h.Handle(ctx, paycontracts.StreamPaid{SessionID: uuid.New(), SongID: song, Shareholders: "lots"}), domain.ErrInvalidPrice)
	require.ErrorIs(t, h.Handle(ctx, paycontracts.StreamPaid{SessionID: uuid.New(), SongID: song, Shareholders: "-0.1"}), domain.ErrInvalidPrice)
	require.NoError(t, h.Handle(ctx, paycontracts.StreamPaid{SessionID: uuid.New(), SongID: uuid.New(), Shareholders: "0.0004"}),
		"a song without an offering is logged, not retried forever")
	_, err = application.NewAccrueStream(nil, nil, nil, clock)
	require.Error(t, err)
}

// settlements is a fake domain.Settlements recording what was marked.
type settlements struct {
	domain.Settlements
	unsettled map[uuid.UUID]bool
	released  []uuid.UUID
}

func (s *settlements) HasUnsettledTrades(_ context.Context, id uuid.UUID) (bool, error) {
	return s.unsettled[id], nil
}
func (s *settlements) MarkReleased(_ context.Context, id uuid.UUID, _ time.Time) error {
	s.released = append(s.released, id)
	return nil
}

// ledger is a fake Ledger recording releases.
type ledger struct {
	application.Ledger
	releases []paycontracts.ReleaseRequest
}

func (l *ledger) Release(_ context.Context, r paycontracts.ReleaseRequest) (paycontracts.Receipt, error) {
	l.releases = append(l.releases, r)
	return paycontracts.Receipt{}, nil
}

func buyOrder(t *testing.T, spent int64) *domain.Order {
	t.Helper()
	o, err := domain.NewOrder(domain.OrderParams{ID: uuid.New(), SongID: uuid.New(), Owner: uuid.New(), Side: domain.Buy, TIF: domain.GTC,
		Price: 1_000_000, Shares: 10, FeeBPS: 100, Now: now})
	require.NoError(t, err)
	require.NoError(t, o.Activate(uuid.New(), 1, now))
	if spent > 0 {
		o.Fill(10, spent, now)
	}
	return o
}

func TestReleaseWaitsForTradesAndSkipsSpentHolds(t *testing.T) {
	t.Parallel()
	s := &settlements{unsettled: map[uuid.UUID]bool{}}
	l := &ledger{}
	st, err := application.NewSettler(s, l, quiet, clock)
	require.NoError(t, err)
	ctx := context.Background()

	pending := buyOrder(t, 0)
	require.NoError(t, pending.Cancel("cancelled", now))
	s.unsettled[pending.ID()] = true
	require.Error(t, st.Release(ctx, pending), "a hold is never released before its trades settle")
	assert.Empty(t, l.releases)

	spent := buyOrder(t, 10_100_000) // 10 x 1.00 + 1%: the whole hold
	require.NoError(t, st.Release(ctx, spent))
	assert.Empty(t, l.releases, "nothing left to release")
	assert.Equal(t, []uuid.UUID{spent.ID()}, s.released)

	rest := buyOrder(t, 5_050_000)
	require.NoError(t, st.Release(ctx, rest))
	require.Len(t, l.releases, 1)
	assert.Equal(t, "ownership:order:"+rest.ID().String()+":release", l.releases[0].IdempotencyKey)
	assert.Equal(t, rest.HoldID(), l.releases[0].HoldID)
}

func TestParsePrice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int64
		err  bool
	}{{"1", 1_000_000, false}, {"0.000001", 1, false}, {"0.0000001", 0, true}, {"0", 0, true}, {"-1", 0, true}, {"1e3", 0, true}, {"", 0, true}} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := application.ParsePrice(tc.in)
			if tc.err {
				require.ErrorIs(t, err, domain.ErrInvalidPrice)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
