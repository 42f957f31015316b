package postgres_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// A record Postgres refuses (here a session id with a NUL byte and one with invalid UTF-8, as a
// caller that skipped the edge's normalisation would send) must cost only itself: every other
// record of its batch is written and counted.
func TestRecorderIsolatesARecordPostgresRefuses(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	s := newStore(t, pool, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := postgres.NewStreamRecorder(s, observability.DiscardLogger())
	done := make(chan struct{})
	go func() { defer close(done); rec.Run(ctx) }()

	a := addArtist(t, s, "A")
	sg := addReadySong(t, s, a, "Song", "", now)
	user := uuid.New()
	for i := range 40 {
		session := "ok"
		switch i {
		case 7:
			session = "bad\x00nul"
		case 23:
			session = "cut\xe2\x82"
		}
		rec.Record(ctx, domain.StreamRecord{SongID: sg.ID(), UserID: user, SessionID: session, Quality: domain.QualityOriginal,
			RangeStart: int64(i), BytesServed: 10, At: now})
	}
	rec.Flush(ctx)
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM music.stream_requests WHERE song_id = $1`, sg.ID()).Scan(&n))
	assert.Equal(t, 38, n, "only the two refused records are lost")
	cancel()
	<-done
}

func TestRecorderCountsAPlayOncePerLinkPastItsThreshold(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	s := newStore(t, pool, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs strings.Builder
	rec := postgres.NewStreamRecorder(s, slog.New(slog.NewTextHandler(&logs, nil)))
	done := make(chan struct{})
	go func() { defer close(done); rec.Run(ctx) }()
	a := addArtist(t, s, "A")
	sg := addReadySong(t, s, a, "Song", "", now)
	user := uuid.New()
	send := func(link string, bytes int64, n int) {
		for range n {
			rec.Record(ctx, domain.StreamRecord{SongID: sg.ID(), UserID: user, Quality: domain.QualityOriginal, BytesServed: bytes,
				At: now, LinkKey: link, PlayThreshold: 1000})
		}
		rec.Flush(ctx)
	}
	plays := func() int64 {
		var n int64
		require.NoError(t, pool.QueryRow(ctx, `SELECT play_count FROM music.songs WHERE id = $1`, sg.ID()).Scan(&n))
		return n
	}
	send("a", 1, 50)
	assert.Equal(t, int64(0), plays(), "50 bytes are not a play")
	send("a", 100, 9) // 950 bytes
	assert.Equal(t, int64(0), plays())
	send("a", 100, 1) // 1,050: past the threshold
	assert.Equal(t, int64(1), plays())
	send("a", 5000, 3)
	assert.Equal(t, int64(1), plays(), "once per link")
	send("b", 2000, 2) // two requests of one batch past the threshold: one play
	assert.Equal(t, int64(2), plays())
	assert.Empty(t, logs.String())
	cancel()
	<-done
}
