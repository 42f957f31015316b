package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

func TestSessionServesCountRangesAndTakeBackShortWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := postgres.NewSessionServes(newStore(t, pgtest.NewDB(t), postgres.NewCache(0)))
	sid, song, user := uuid.New(), uuid.New(), uuid.New()

	got, err := s.Streamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, contracts.SessionStreamed{}, got, "nothing served reads as zero")

	serve := func(start, end int64) application.SessionServe {
		return application.SessionServe{SessionID: sid, SongID: song, UserID: user, Start: start, End: end, At: now}
	}
	require.NoError(t, s.Reserve(ctx, serve(0, 1000)))
	require.NoError(t, s.Reserve(ctx, serve(1000, 5000)))
	got, err = s.Streamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, contracts.SessionStreamed{Requests: 2, BytesServed: 5000, HighestOffset: 5000}, got)

	// the second request delivered 1,500 of its 4,000 bytes: its shortfall is taken back and
	// the highest offset lowered to where it stopped
	require.NoError(t, s.Return(ctx, serve(1000, 5000), 1500))
	got, err = s.Streamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, contracts.SessionStreamed{Requests: 2, BytesServed: 2500, HighestOffset: 2500}, got)

	// a short write of a request that was not the furthest leaves the offset alone
	require.NoError(t, s.Reserve(ctx, serve(0, 100)))
	require.NoError(t, s.Return(ctx, serve(0, 100), 40))
	got, err = s.Streamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, contracts.SessionStreamed{Requests: 3, BytesServed: 2540, HighestOffset: 2500}, got)

	// a full delivery returns nothing; an inverted range is refused
	require.NoError(t, s.Return(ctx, serve(0, 100), 100))
	assert.Error(t, s.Reserve(ctx, serve(10, 5)))
	other, err := s.Streamed(ctx, uuid.New())
	require.NoError(t, err)
	assert.Zero(t, other.BytesServed, "sessions are counted apart")
}

func TestSessionServesConcurrentRangesOfOneSessionSumExactly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := postgres.NewSessionServes(newStore(t, pgtest.NewDB(t), postgres.NewCache(0)))
	sid, song, user := uuid.New(), uuid.New(), uuid.New()
	const n, chunk = 64, 4096
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := int64(i) * chunk
			errs <- s.Reserve(ctx, application.SessionServe{SessionID: sid, SongID: song, UserID: user, Start: start, End: start + chunk, At: now})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := s.Streamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, contracts.SessionStreamed{Requests: n, BytesServed: n * chunk, HighestOffset: n * chunk}, got)
}
