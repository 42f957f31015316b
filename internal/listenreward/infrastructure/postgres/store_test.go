package postgres_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	"github.com/vibestream/vibestream/internal/listenreward/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var now = time.Now().UTC().Truncate(time.Microsecond)

func newStore(t *testing.T) (*postgres.Store, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewDB(t)
	bus := events.NewBus(pool, jobs.NewRunner(pool, jobs.Options{}), observability.DiscardLogger())
	s, err := postgres.NewStore(pool, bus)
	require.NoError(t, err)
	return s, pool
}

func newSession(t *testing.T, listener uuid.UUID, song domain.Song) *domain.Session {
	t.Helper()
	s, err := domain.NewSession(uuid.New(), listener, song, "high", "10.1.2.3", domain.DefaultPolicy(), now)
	require.NoError(t, err)
	return s
}

func endAll(o *domain.Session, h domain.History) error {
	err := o.Decide(0, domain.EndedBySuperseded, domain.Observation{History: h}, domain.DefaultPolicy(), now)
	if errors.Is(err, domain.ErrSessionNotActive) {
		return nil
	}
	return err
}

// TestConcurrentBeginsLeaveOneOpenSession: 20 starts of one listener at once; each ends the
// open ones under the listener's lock, so exactly one stays open.
func TestConcurrentBeginsLeaveOneOpenSession(t *testing.T) {
	t.Parallel()
	store, pool := newStore(t)
	ctx := context.Background()
	listener := uuid.New()
	song := domain.Song{ID: uuid.New(), ArtistUserID: uuid.New(), DurationMS: 100_000, Price: money.MustNew(money.USD, 4_000)}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, store.Begin(ctx, newSession(t, listener, song), endAll))
		}()
	}
	wg.Wait()
	open, err := store.Open(ctx, listener)
	require.NoError(t, err)
	assert.Len(t, open, 1)
	var rejected int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM listenreward.sessions WHERE listener_id = $1 AND status = 'rejected'
		AND reasons = ARRAY['superseded_before_start'] AND starting`, listener).Scan(&rejected))
	assert.Equal(t, 19, rejected, "superseded while starting: their starts (or the recovery) release their holds")
}

// failingBus refuses to publish: the change that caused the event must not be stored.
type failingBus struct{}

func (failingBus) Publish(context.Context, pgx.Tx, ...events.Envelope) error {
	return errors.New("outbox down")
}

func TestNothingIsStoredWithoutItsEvent(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	store, err := postgres.NewStore(pool, failingBus{})
	require.NoError(t, err)
	ctx := context.Background()
	listener := uuid.New()
	song := domain.Song{ID: uuid.New(), ArtistUserID: uuid.New(), DurationMS: 100_000, Price: money.MustNew(money.USD, 4_000)}
	s := newSession(t, listener, song)
	require.NoError(t, store.Begin(ctx, s, endAll), "a new session records no event")
	require.NoError(t, store.Update(ctx, s.ID(), func(x *domain.Session) error {
		return x.Activate(uuid.New(), false, domain.Stream{URL: "/s", BytesPerSecond: 1000}, now)
	}))
	err = store.Decide(ctx, s.ID(), now.Add(time.Minute), func(x *domain.Session, h domain.History) error {
		return x.Decide(40, domain.EndedByCompletion, domain.Observation{Served: domain.Served{Bytes: 40_000, HighestOffset: 40_000},
			Playable: true, History: h}, domain.DefaultPolicy(), now.Add(time.Minute))
	})
	require.ErrorContains(t, err, "outbox down")
	got, err := store.Get(ctx, s.ID())
	require.NoError(t, err)
	assert.Equal(t, domain.StatusActive, got.Status(), "the decision rolled back with its event")
}

func TestHistoryCountsPaidListensAndEarnings(t *testing.T) {
	t.Parallel()
	store, _ := newStore(t)
	ctx := context.Background()
	listener, artist := uuid.New(), uuid.New()
	song := domain.Song{ID: uuid.New(), ArtistUserID: artist, DurationMS: 100_000, Price: money.MustNew(money.USD, 4_000)}
	p := domain.DefaultPolicy()
	p.MaxPerSongPerDay = 2
	qualify := func() *domain.Session {
		s := newSession(t, listener, song)
		require.NoError(t, store.Begin(ctx, s, endAll))
		require.NoError(t, store.Update(ctx, s.ID(), func(x *domain.Session) error {
			return x.Activate(uuid.New(), false, domain.Stream{URL: "/s", BytesPerSecond: 1000}, now)
		}))
		require.NoError(t, store.Decide(ctx, s.ID(), now.Add(time.Minute), func(x *domain.Session, h domain.History) error {
			return x.Decide(40, domain.EndedByCompletion, domain.Observation{Served: domain.Served{Bytes: 40_000, HighestOffset: 40_000},
				Playable: true, FeeBPS: 1_500, History: h}, p, now.Add(time.Minute))
		}))
		got, err := store.Get(ctx, s.ID())
		require.NoError(t, err)
		return got
	}
	first, second, third := qualify(), qualify(), qualify()
	assert.Equal(t, domain.StatusQualified, first.Status())
	assert.Equal(t, domain.StatusQualified, second.Status())
	assert.Equal(t, []domain.Reason{domain.ReasonSongDailyLimit}, third.Reasons(), "the third of the day hits the limit of 2")
	require.EqualValues(t, 600, first.Split().PlatformFee.Units(), "the split is stored with the listen")

	for _, s := range []*domain.Session{first, second} {
		require.NoError(t, store.Update(ctx, s.ID(), func(x *domain.Session) error { return x.MarkPaid(uuid.New(), now.Add(2*time.Minute)) }))
	}
	rows, err := store.Earnings(ctx, artist, now, now.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.EqualValues(t, 2, rows[0].PaidListens)
	assert.EqualValues(t, 8_000, rows[0].Gross.Units())
	assert.EqualValues(t, 1_200, rows[0].PlatformFee.Units())
	assert.EqualValues(t, 6_800, rows[0].Net.Units())
	rows, err = store.Earnings(ctx, artist, now.Add(time.Hour), now.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Empty(t, rows, "outside the period")
}

// The per-IP count the limits see is the same whether the address lock is taken (near the
// limit) or skipped (far below it, SetIPLimit): listens of other listeners behind the same
// address are counted either way.
func TestHistoryCountsListensPerIPWithOrWithoutTheAddressLock(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{30, 1_000_000} {
		store, _ := newStore(t)
		store.SetIPLimit(limit)
		ctx := context.Background()
		song := domain.Song{ID: uuid.New(), ArtistUserID: uuid.New(), DurationMS: 100_000, Price: money.MustNew(money.USD, 4_000)}
		p := domain.DefaultPolicy()
		var seen []int
		for range 3 {
			s := newSession(t, uuid.New(), song) // another listener, the same address
			require.NoError(t, store.Begin(ctx, s, endAll))
			require.NoError(t, store.Update(ctx, s.ID(), func(x *domain.Session) error {
				return x.Activate(uuid.New(), false, domain.Stream{URL: "/s", BytesPerSecond: 1000}, now)
			}))
			require.NoError(t, store.Decide(ctx, s.ID(), now.Add(time.Minute), func(x *domain.Session, h domain.History) error {
				seen = append(seen, h.IPSongHour)
				return x.Decide(40, domain.EndedByCompletion, domain.Observation{Served: domain.Served{Bytes: 40_000, HighestOffset: 40_000},
					Playable: true, FeeBPS: 0, History: h}, p, now.Add(time.Minute))
			}))
		}
		assert.Equal(t, []int{0, 1, 2}, seen, "limit %d", limit)
	}
}
