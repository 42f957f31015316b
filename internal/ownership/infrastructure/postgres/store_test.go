package postgres_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/ownership/domain"
	"github.com/vibestream/vibestream/internal/ownership/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var t0 = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)

func newStore(t *testing.T) (*postgres.Store, uuid.UUID, uuid.UUID) {
	t.Helper()
	pool := pgtest.NewDB(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	bus := events.NewBus(pool, jobs.NewRunner(pool, jobs.Options{Logger: quiet}), quiet)
	s, err := postgres.NewStore(pool, bus)
	require.NoError(t, err)
	song, artist := uuid.New(), uuid.New()
	o, err := domain.NewOffering(domain.OfferingParams{ID: uuid.New(), SongID: song, ArtistUserID: artist, ShareholderBPS: 1000,
		SharesForSale: 1000, PricePerShare: 1, MinPurchaseShares: 1, MaxSharesPerHolder: 2000, OpensAt: t0, Now: t0})
	require.NoError(t, err)
	reg := domain.NewSong(song, artist, 1000, 1, t0)
	h := domain.RehydrateHolding(song, artist, domain.TotalShares, 1000, 0, domain.Royalty{})
	require.NoError(t, s.Open(context.Background(), o, reg, h))
	return s, song, artist
}

func TestOpenIsOncePerSong(t *testing.T) {
	t.Parallel()
	s, song, artist := newStore(t)
	o, err := domain.NewOffering(domain.OfferingParams{ID: uuid.New(), SongID: song, ArtistUserID: artist, ShareholderBPS: 1000,
		SharesForSale: 1000, PricePerShare: 1, MinPurchaseShares: 1, MaxSharesPerHolder: 2000, OpensAt: t0, Now: t0})
	require.NoError(t, err)
	err = s.Open(context.Background(), o, domain.NewSong(song, artist, 1000, 1, t0), domain.NewHolding(song, artist, domain.Accumulator{}))
	require.ErrorIs(t, err, domain.ErrOfferingExists)
	got, err := s.OfferingBySong(context.Background(), song)
	require.NoError(t, err)
	assert.NotEqual(t, o.ID(), got.ID(), "the first offering stays")
}

func TestWithSavesAllOrNothing(t *testing.T) {
	t.Parallel()
	s, song, artist := newStore(t)
	ctx := context.Background()
	require.ErrorIs(t, s.With(ctx, uuid.New(), func(context.Context, domain.Market) error { return nil }), domain.ErrSongNotOffered)

	boom := errors.New("boom")
	session := uuid.New()
	err := s.With(ctx, song, func(ctx context.Context, m domain.Market) error {
		fresh, err := m.AccrueOnce(ctx, session, 500, t0)
		require.NoError(t, err)
		require.True(t, fresh)
		require.NoError(t, m.Song().Accrue(500))
		h, err := m.Holding(ctx, artist)
		require.NoError(t, err)
		h.Unlock(1000)
		require.NoError(t, m.SaveHolding(ctx, h))
		return boom
	})
	require.ErrorIs(t, err, boom)
	reg, err := s.Song(ctx, song)
	require.NoError(t, err)
	assert.Zero(t, reg.Accumulator().Entered, "a failed closure saves nothing")
	hs, err := s.HoldingsOf(ctx, artist)
	require.NoError(t, err)
	require.Len(t, hs, 1)
	assert.Equal(t, int64(1000), hs[0].Locked())

	for i := 0; i < 2; i++ {
		require.NoError(t, s.With(ctx, song, func(ctx context.Context, m domain.Market) error {
			fresh, err := m.AccrueOnce(ctx, session, 500, t0)
			if err != nil || !fresh {
				return err
			}
			return m.Song().Accrue(500)
		}))
	}
	reg, err = s.Song(ctx, song)
	require.NoError(t, err)
	assert.Equal(t, int64(500), reg.Accumulator().Entered, "a session accrues once")
	want, _ := domain.U128From(500).MulSmall(domain.AccScale)
	want, _ = want.DivSmall(uint64(domain.TotalShares))
	assert.Equal(t, want, reg.Accumulator().PerShare, "the 128-bit accumulator round-trips through numeric")
}

func TestOfferingCannotBeOversoldByTheDatabase(t *testing.T) {
	t.Parallel()
	s, song, _ := newStore(t)
	ctx := context.Background()
	err := s.With(ctx, song, func(ctx context.Context, m domain.Market) error {
		o, err := m.Offering(ctx)
		require.NoError(t, err)
		// bypass the aggregate's check: the constraint is the last line
		o = domain.RehydrateOffering(o.ID(), o.SongID(), o.ArtistUserID(), o.ShareholderBPS(), o.SharesForSale(), o.SharesForSale()+1, 0,
			o.PricePerShare(), o.MinPurchaseShares(), o.MaxSharesPerHolder(), o.FeeBPS(), o.OpensAt(), nil, nil, 0, o.CreatedAt())
		return m.SaveOffering(ctx, o)
	})
	require.ErrorIs(t, err, domain.ErrOfferingSoldOut)
}

// A batch of market commands shares one transaction, but each is undone alone: the failing
// one's writes, its register changes and its events are rolled back (even after a statement
// error that aborted it), and the commands before and after it commit.
func TestWithEachUndoesAFailedCommandAlone(t *testing.T) {
	t.Parallel()
	s, song, artist := newStore(t)
	ctx := context.Background()
	boom := errors.New("boom")
	accrue := func(amount int64) func(context.Context, domain.Market) error {
		return func(ctx context.Context, m domain.Market) error {
			fresh, err := m.AccrueOnce(ctx, uuid.New(), amount, t0)
			if err != nil || !fresh {
				return err
			}
			m.Song().NextSeq()
			return m.Song().Accrue(amount)
		}
	}
	fails := func(ctx context.Context, m domain.Market) error {
		if err := accrue(7)(ctx, m); err != nil {
			return err
		}
		m.Song().Traded(999)
		h, err := m.Holding(ctx, artist)
		require.NoError(t, err)
		h.Unlock(1000)
		require.NoError(t, m.SaveHolding(ctx, h))
		return boom
	}
	brokenSQL := func(ctx context.Context, m domain.Market) error {
		// a statement that fails inside the database aborts the transaction up to the savepoint
		return m.AddTrade(ctx, domain.Trade{ID: uuid.New(), SongID: song, BuyOrderID: uuid.New(), SellOrderID: uuid.New(), At: t0})
	}
	out, err := s.WithEach(ctx, song, []func(context.Context, domain.Market) error{accrue(100), fails, brokenSQL, accrue(200)})
	require.NoError(t, err)
	require.Len(t, out, 4)
	assert.NoError(t, out[0])
	assert.ErrorIs(t, out[1], boom)
	assert.Error(t, out[2], "the foreign keys refuse a trade of unknown orders")
	assert.NoError(t, out[3])
	reg, err := s.Song(ctx, song)
	require.NoError(t, err)
	assert.Equal(t, int64(300), reg.Accumulator().Entered, "the two good commands committed, the failed one's accrual did not")
	assert.Equal(t, int64(2), reg.Seq(), "the failed command's sequence step is undone")
	assert.Equal(t, int64(1), reg.LastPrice(), "the failed command's price is undone")
	hs, err := s.HoldingsOf(ctx, artist)
	require.NoError(t, err)
	require.Len(t, hs, 1)
	assert.Equal(t, int64(1000), hs[0].Locked(), "the failed command's holding write is rolled back")

	out, err = s.WithEach(ctx, uuid.New(), []func(context.Context, domain.Market) error{accrue(1)})
	assert.ErrorIs(t, err, domain.ErrSongNotOffered, "a batch on a song without an offering fails as a whole")
	assert.Nil(t, out)
}
