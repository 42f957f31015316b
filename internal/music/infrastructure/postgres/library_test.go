package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// The player read model (the Subsonic adapter's library): only published, ready songs; songs
// without album are albums of one; lists page and order as asked; a like shows as starred
// to its user only; search text is taken literally (no LIKE wildcards).
func TestLibraryReadModel(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	s := newStore(t, pool, nil)
	ctx := context.Background()
	abba := addArtist(t, s, "ABBA")
	zappa := addArtist(t, s, "Zappa")
	al, err := domain.NewAlbum(uuid.New(), abba.ID(), domain.AlbumDetails{Title: "Arrival"}, now)
	require.NoError(t, err)
	require.NoError(t, s.AddAlbum(ctx, al))
	one := addReadySong(t, s, abba, "Dancing Queen", "pop", now)
	two := addReadySong(t, s, abba, "Knowing Me 100%", "pop", now.Add(time.Minute))
	for i, sg := range []*domain.Song{one, two} {
		n := 2 - i
		_, err := s.UpdateSong(ctx, sg.ID(), func(x *domain.Song) error {
			aid := al.ID()
			return x.Update(domain.SongDetails{Title: x.Title(), Genre: "pop", AlbumID: &aid, TrackNumber: &n}, now)
		})
		require.NoError(t, err)
	}
	single := addReadySong(t, s, zappa, "Peaches", "rock", now.Add(2*time.Minute))
	hidden := addReadySong(t, s, zappa, "Secret", "rock", now.Add(3*time.Minute))
	_, err = s.UpdateSong(ctx, hidden.ID(), func(x *domain.Song) error { x.Unpublish(now); return nil })
	require.NoError(t, err)
	viewer, stranger := uuid.New(), uuid.New()
	require.NoError(t, s.Like(ctx, viewer, single.ID(), now))

	artists, err := s.LibraryArtists(ctx, viewer)
	require.NoError(t, err)
	require.Len(t, artists, 2)
	assert.Equal(t, "ABBA", artists[0].Name)
	assert.Equal(t, 1, artists[0].AlbumCount)

	a, tracks, err := s.LibraryAlbum(ctx, viewer, al.ID())
	require.NoError(t, err)
	assert.False(t, a.Single)
	assert.Equal(t, 2, a.SongCount)
	require.Len(t, tracks, 2)
	assert.Equal(t, []string{"Knowing Me 100%", "Dancing Queen"}, []string{tracks[0].Title, tracks[1].Title}, "by track number")
	a, tracks, err = s.LibraryAlbum(ctx, viewer, single.ID())
	require.NoError(t, err)
	assert.True(t, a.Single)
	assert.Equal(t, "Peaches", a.Title)
	require.Len(t, tracks, 1)
	require.NotNil(t, tracks[0].StarredAt)
	_, _, err = s.LibraryAlbum(ctx, viewer, hidden.ID())
	assert.ErrorIs(t, err, domain.ErrAlbumNotFound, "an unpublished single is no album")
	_, err = s.LibraryTrack(ctx, viewer, hidden.ID())
	assert.ErrorIs(t, err, domain.ErrSongNotFound)
	tr, err := s.LibraryTrack(ctx, stranger, single.ID())
	require.NoError(t, err)
	assert.Nil(t, tr.StarredAt, "likes are per user")

	for typ, want := range map[string][]string{
		contracts.AlbumsByName:   {"Arrival", "Peaches"},
		contracts.AlbumsByArtist: {"Arrival", "Peaches"},
		contracts.AlbumsNewest:   {"Peaches", "Arrival"},
		contracts.AlbumsStarred:  {"Peaches"},
		contracts.AlbumsRecent:   {},
	} {
		got, ok, err := s.LibraryAlbumList(ctx, viewer, contracts.AlbumListQuery{Type: typ, Size: 10})
		require.NoError(t, err, typ)
		require.True(t, ok, typ)
		names := []string{}
		for _, g := range got {
			names = append(names, g.Title)
		}
		assert.Equal(t, want, names, typ)
	}
	got, _, err := s.LibraryAlbumList(ctx, viewer, contracts.AlbumListQuery{Type: contracts.AlbumsByGenre, Genre: "Rock", Size: 10})
	require.NoError(t, err)
	require.Len(t, got, 1)
	got, _, err = s.LibraryAlbumList(ctx, viewer, contracts.AlbumListQuery{Type: contracts.AlbumsByName, Size: 1, Offset: 1})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "Peaches", got[0].Title)
	_, ok, err := s.LibraryAlbumList(ctx, viewer, contracts.AlbumListQuery{Type: "sideways", Size: 10})
	require.NoError(t, err)
	assert.False(t, ok)

	r, err := s.LibrarySearch(ctx, viewer, contracts.SearchQuery{Text: "100%", ArtistCount: 10, AlbumCount: 10, SongCount: 10})
	require.NoError(t, err)
	require.Len(t, r.Songs, 1, "%% is literal")
	assert.Equal(t, two.ID(), r.Songs[0].ID)
	r, err = s.LibrarySearch(ctx, viewer, contracts.SearchQuery{Text: "_", ArtistCount: 10, AlbumCount: 10, SongCount: 10})
	require.NoError(t, err)
	assert.Empty(t, r.Songs, "_ is literal")
	r, err = s.LibrarySearch(ctx, viewer, contracts.SearchQuery{Text: `""`, ArtistCount: 10, AlbumCount: 10, SongCount: 10})
	require.NoError(t, err)
	assert.Len(t, r.Songs, 3, "an empty query lists every visible song")
	assert.Len(t, r.Albums, 2)

	genres, err := s.LibraryGenres(ctx)
	require.NoError(t, err)
	require.Len(t, genres, 2)
	assert.Equal(t, contracts.GenreEntry{Name: "pop", SongCount: 2, AlbumCount: 1}, genres[0])
	random, err := s.LibraryRandomTracks(ctx, viewer, 10, "", 0, 0)
	require.NoError(t, err)
	assert.Len(t, random, 3)
	starred, err := s.LibraryStarred(ctx, viewer)
	require.NoError(t, err)
	require.Len(t, starred, 1)
	ordered, err := s.LibraryTracks(ctx, viewer, []uuid.UUID{single.ID(), hidden.ID(), one.ID()})
	require.NoError(t, err)
	require.Len(t, ordered, 2, "hidden songs are left out")
	assert.Equal(t, []uuid.UUID{single.ID(), one.ID()}, []uuid.UUID{ordered[0].ID, ordered[1].ID})
}
