package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func newStore(t *testing.T, pool *pgxpool.Pool, cache *postgres.Cache) *postgres.Store {
	t.Helper()
	runner := jobs.NewRunner(pool, jobs.Options{})
	river.AddWorker(runner.Workers(), river.WorkFunc(func(context.Context, *river.Job[postgres.TranscodeArgs]) error { return nil }))
	bus := events.NewBus(pool, runner, observability.DiscardLogger())
	return postgres.NewStore(pool, bus, runner, cache)
}

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func addArtist(t *testing.T, s *postgres.Store, name string) *domain.Artist {
	t.Helper()
	a, err := domain.NewArtist(uuid.New(), uuid.New(), domain.ArtistProfile{Name: name}, now)
	require.NoError(t, err)
	a, err = s.AddArtist(context.Background(), a)
	require.NoError(t, err)
	return a
}

// addReadySong inserts a published, ready song directly (search and listing tests).
func addReadySong(t *testing.T, s *postgres.Store, a *domain.Artist, title, genre string, at time.Time) *domain.Song {
	t.Helper()
	d := 1000
	sg := domain.RehydrateSong(domain.SongState{ID: uuid.New(), ArtistID: a.ID(), ArtistName: a.Name(),
		Details: domain.SongDetails{Title: title, Genre: genre}, DurationMS: &d, Status: domain.StatusReady, Published: true,
		CreatedAt: at, UpdatedAt: at})
	require.NoError(t, s.AddSong(context.Background(), sg))
	return sg
}

func titles(songs []*domain.Song) []string {
	out := make([]string, len(songs))
	for i, s := range songs {
		out[i] = s.Title()
	}
	return out
}

func TestSearchRanksByRelevanceToleratesTyposAndPaginates(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	s := newStore(t, pool, nil)
	ctx := context.Background()
	queen := addArtist(t, s, "Queen")
	other := addArtist(t, s, "Nightwish")
	addReadySong(t, s, queen, "Bohemian Rhapsody", "rock", now)
	addReadySong(t, s, queen, "Radio Ga Ga", "rock", now.Add(time.Minute))
	addReadySong(t, s, other, "Nemo", "metal", now.Add(2*time.Minute))
	addReadySong(t, s, other, "Rhapsody of the Queen", "metal", now.Add(3*time.Minute))
	hidden := addReadySong(t, s, queen, "Bohemian Secret", "rock", now.Add(4*time.Minute))
	_, err := s.UpdateSong(ctx, hidden.ID(), func(sg *domain.Song) error { sg.Unpublish(now); return nil })
	require.NoError(t, err)

	// relevance: a match in the title outranks a match on the artist's name
	got, _, err := s.SearchSongs(ctx, domain.SongQuery{Text: "queen", Limit: 10})
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, "Rhapsody of the Queen", got[0].Title())
	assert.ElementsMatch(t, []string{"Bohemian Rhapsody", "Radio Ga Ga"}, titles(got)[1:])

	// typos
	for _, q := range []string{"bohemain rhapsdy", "rapsody", "nightwsh"} {
		got, _, err := s.SearchSongs(ctx, domain.SongQuery{Text: q, Limit: 10})
		require.NoError(t, err)
		assert.NotEmpty(t, got, q)
	}
	got, _, err = s.SearchSongs(ctx, domain.SongQuery{Text: "bohemain rhapsdy", Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, "Bohemian Rhapsody", got[0].Title())

	// unpublished songs never show
	got, _, err = s.SearchSongs(ctx, domain.SongQuery{Text: "secret", Limit: 10})
	require.NoError(t, err)
	assert.Empty(t, got)

	// filters
	art := queen.ID()
	got, _, err = s.SearchSongs(ctx, domain.SongQuery{Text: "queen", ArtistID: &art, Limit: 10})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"Bohemian Rhapsody", "Radio Ga Ga"}, titles(got))
	got, _, err = s.SearchSongs(ctx, domain.SongQuery{Genre: "metal", Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, []string{"Rhapsody of the Queen", "Nemo"}, titles(got), "browsing is newest first")

	// cursor pagination walks every match once, for text and for browsing
	for _, q := range []domain.SongQuery{{Text: "queen"}, {}} {
		var seen []string
		q.Limit = 1
		for i := 0; i < 10; i++ {
			page, next, err := s.SearchSongs(ctx, q)
			require.NoError(t, err)
			seen = append(seen, titles(page)...)
			if next == nil {
				break
			}
			q.After = next
		}
		all, _, err := s.SearchSongs(ctx, domain.SongQuery{Text: q.Text, Limit: 100})
		require.NoError(t, err)
		assert.Equal(t, titles(all), seen, "pages of one = one page of all (%q)", q.Text)
	}

	// renaming the artist reaches search
	_, err = s.UpdateArtist(ctx, other.ID(), func(a *domain.Artist) error {
		return a.UpdateProfile(domain.ArtistProfile{Name: "Tarja"}, now)
	})
	require.NoError(t, err)
	got, _, err = s.SearchSongs(ctx, domain.SongQuery{Text: "tarja", Limit: 10})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"Nemo", "Rhapsody of the Queen"}, titles(got))
}

func TestCacheIsInvalidatedAtOnceHereAndQuicklyOnOtherInstances(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func() (*postgres.Store, *postgres.Cache) {
		pool, err := pg.Connect(ctx, url, 5)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		c := postgres.NewCache(time.Hour)
		ready := make(chan struct{})
		go c.Listen(ctx, pool, observability.DiscardLogger(), ready)
		<-ready
		return newStore(t, pool, c), c
	}
	a, cacheA := open() // instance A
	b, cacheB := open() // instance B

	artist := addArtist(t, a, "Cached")
	song := addReadySong(t, a, artist, "Before", "pop", now)
	// both instances read (and cache) the song
	for _, st := range []*postgres.Store{a, b} {
		got, err := st.GetSong(ctx, song.ID())
		require.NoError(t, err)
		assert.Equal(t, "Before", got.Title())
	}
	// B may have dropped a value it read while A's earlier notifications (the artist's
	// creation) were arriving; read until it holds one
	deadline0 := time.Now().Add(2 * time.Second)
	for cacheB.Len() == 0 {
		require.True(t, time.Now().Before(deadline0), "instance B never cached the song")
		_, err := b.GetSong(ctx, song.ID())
		require.NoError(t, err)
		time.Sleep(5 * time.Millisecond)
	}

	// A changes it: A sees it at once, B within moments (NOTIFY)
	_, err := a.UpdateSong(ctx, song.ID(), func(s *domain.Song) error {
		d := s.Details()
		d.Title = "After"
		return s.Update(d, now)
	})
	require.NoError(t, err)
	got, err := a.GetSong(ctx, song.ID())
	require.NoError(t, err)
	assert.Equal(t, "After", got.Title(), "the writer's instance never serves stale data")
	deadline := time.Now().Add(2 * time.Second)
	for {
		got, err := b.GetSong(ctx, song.ID())
		require.NoError(t, err)
		if got.Title() == "After" {
			break
		}
		require.True(t, time.Now().Before(deadline), "instance B still serves the old title")
		time.Sleep(5 * time.Millisecond)
	}
	_ = cacheA

	// same for artists
	_, err = b.GetArtist(ctx, artist.ID())
	require.NoError(t, err)
	_, err = a.UpdateArtist(ctx, artist.ID(), func(x *domain.Artist) error { x.SetVerified(true, now); return nil })
	require.NoError(t, err)
	deadline = time.Now().Add(2 * time.Second)
	for {
		got, err := b.GetArtist(ctx, artist.ID())
		require.NoError(t, err)
		if got.Verified() {
			break
		}
		require.True(t, time.Now().Before(deadline), "instance B still serves the unverified artist")
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCacheDoesNotStoreAValueReadBeforeAnInvalidation(t *testing.T) {
	t.Parallel()
	// white-box through the public surface: a purge between a miss and the store of its value
	c := postgres.NewCache(time.Hour)
	c.Invalidate("x")
	assert.Equal(t, 0, c.Len())
}

func TestAddArtistIsIdempotentPerUser(t *testing.T) {
	t.Parallel()
	s := newStore(t, pgtest.NewDB(t), postgres.NewCache(time.Hour))
	ctx := context.Background()
	user := uuid.New()
	var wg sync.WaitGroup
	ids := make([]uuid.UUID, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := domain.NewArtist(uuid.New(), user, domain.ArtistProfile{Name: fmt.Sprintf("Artist %d", i)}, now)
			require.NoError(t, err)
			got, err := s.AddArtist(ctx, a)
			require.NoError(t, err)
			ids[i] = got.ID()
		}()
	}
	wg.Wait()
	for _, id := range ids {
		assert.Equal(t, ids[0], id, "one profile per user, whoever wins")
	}
}

func TestPlaylistConcurrentAddsLoseNothing(t *testing.T) {
	t.Parallel()
	s := newStore(t, pgtest.NewDB(t), nil)
	ctx := context.Background()
	a := addArtist(t, s, "A")
	owner := uuid.New()
	p, err := domain.NewPlaylist(uuid.New(), owner, domain.PlaylistDetails{Name: "Mix"}, now)
	require.NoError(t, err)
	require.NoError(t, s.AddPlaylist(ctx, p))
	const n = 12
	songs := make([]uuid.UUID, n)
	for i := range songs {
		songs[i] = addReadySong(t, s, a, fmt.Sprintf("S%d", i), "pop", now).ID()
	}
	var wg sync.WaitGroup
	errs := make(chan error, n*2)
	for i := 0; i < n; i++ {
		for range 2 { // every song added twice at once: one wins, one is told it is there
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.UpdatePlaylist(ctx, p.ID(), func(pl *domain.Playlist) error { return pl.AddSong(songs[i], nil, now) })
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	dups := 0
	for err := range errs {
		if errors.Is(err, domain.ErrAlreadyInPlaylist) {
			dups++
		} else {
			require.NoError(t, err)
		}
	}
	assert.Equal(t, n, dups)
	got, err := s.GetPlaylist(ctx, p.ID())
	require.NoError(t, err)
	assert.ElementsMatch(t, songs, got.Songs())

	// reorder and remove persist
	rev := got.Songs()
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	_, err = s.UpdatePlaylist(ctx, p.ID(), func(pl *domain.Playlist) error { return pl.Reorder(rev, now) })
	require.NoError(t, err)
	_, err = s.UpdatePlaylist(ctx, p.ID(), func(pl *domain.Playlist) error { return pl.RemoveSong(rev[0], now) })
	require.NoError(t, err)
	got, err = s.GetPlaylist(ctx, p.ID())
	require.NoError(t, err)
	assert.Equal(t, rev[1:], got.Songs())
}

func TestUploadAcceptedEnqueuesTranscodingAndReadyPublishesTheEvent(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	s := newStore(t, pool, nil)
	ctx := context.Background()
	a := addArtist(t, s, "A")
	sg, err := domain.NewSong(uuid.New(), a, domain.SongDetails{Title: "T"}, now)
	require.NoError(t, err)
	require.NoError(t, s.AddSong(ctx, sg))
	orig := domain.Original{Rendition: domain.Rendition{Key: "audio/ab/" + fmt.Sprintf("%064x", 1), ContentType: "audio/flac", Size: 10, SHA256: "x"},
		Format: "flac", DurationMS: 1234}
	_, err = s.UpdateSong(ctx, sg.ID(), func(x *domain.Song) error { _, err := x.AcceptUpload(orig, now); return err })
	require.NoError(t, err)
	var jobsN int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'music_transcode' AND queue = 'media'`).Scan(&jobsN))
	assert.Equal(t, 1, jobsN)

	low := domain.Rendition{Quality: domain.QualityLow, Key: "audio/cd/" + fmt.Sprintf("%064x", 2), ContentType: "audio/mpeg", Size: 5, BitrateKbps: 96, SHA256: "y"}
	_, err = s.UpdateSong(ctx, sg.ID(), func(x *domain.Song) error { return x.MarkReady(1, 0, []domain.Rendition{low}, now) })
	require.NoError(t, err)
	got, err := s.GetSong(ctx, sg.ID())
	require.NoError(t, err)
	assert.Equal(t, domain.StatusReady, got.Status())
	assert.Len(t, got.Renditions(), 2)
	var evN int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM platform.events WHERE type = 'music.song_ready.v1' AND payload->>'song_id' = $1 AND (payload->>'duration_ms')::int = 1234`, sg.ID().String()).Scan(&evN))
	assert.Equal(t, 1, evN)

	// publishing writes music.song_published.v1 in the same transaction, and the published
	// catalog lists the song (keyset paging by id)
	ids, err := s.ListPublishedSongIDs(ctx, uuid.Nil, 10)
	require.NoError(t, err)
	assert.Empty(t, ids)
	_, err = s.UpdateSong(ctx, sg.ID(), func(x *domain.Song) error { return x.Publish(now) })
	require.NoError(t, err)
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM platform.events WHERE type = 'music.song_published.v1' AND payload->>'song_id' = $1`, sg.ID().String()).Scan(&evN))
	assert.Equal(t, 1, evN)
	ids, err = s.ListPublishedSongIDs(ctx, uuid.Nil, 10)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{sg.ID()}, ids)
	ids, err = s.ListPublishedSongIDs(ctx, sg.ID(), 10)
	require.NoError(t, err)
	assert.Empty(t, ids, "the page after the last id is empty")

	// a stale job (older version) changes nothing
	_, err = s.UpdateSong(ctx, sg.ID(), func(x *domain.Song) error { return x.MarkFailed(0, "old", now) })
	assert.ErrorIs(t, err, domain.ErrStaleUpload)
}
