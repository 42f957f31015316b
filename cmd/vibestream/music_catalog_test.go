package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/orchestrator"
	"github.com/vibestream/vibestream/internal/platform/events"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

type pageResp[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func TestMusicCatalogAlbumsArtistsAndSearch(t *testing.T) {
	ta := musicApp(t)
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	_, other := musicUser(t, ta, usercontracts.RoleArtist)
	_, listener := musicUser(t, ta, usercontracts.RoleListener)
	_, admin := musicUser(t, ta, usercontracts.RoleAdmin)

	// the artist profile is created on the first artist action and can be edited
	res := ta.do(http.MethodPatch, "/api/v1/music/artists/me", map[string]any{"name": "The Sines", "bio": "Pure tones.", "image_url": "https://img.example/sines.png"}, withToken(artist))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var me struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Verified bool   `json:"verified"`
	}
	res.JSON(t, &me)
	assert.Equal(t, "The Sines", me.Name)
	res = ta.do(http.MethodPatch, "/api/v1/music/artists/me", map[string]any{"image_url": "ftp://nope"}, withToken(artist))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)

	// albums
	res = ta.do(http.MethodPost, "/api/v1/music/albums", map[string]any{"title": "Waveforms", "release_date": "2025-03-01"}, withToken(artist))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var album struct {
		ID          string  `json:"id"`
		ReleaseDate *string `json:"release_date"`
	}
	res.JSON(t, &album)
	assert.Equal(t, "2025-03-01", *album.ReleaseDate)
	res = ta.do(http.MethodPost, "/api/v1/music/albums", map[string]any{"title": "Bad", "release_date": "yesterday"}, withToken(artist))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)
	assert.Equal(t, http.StatusForbidden, ta.do(http.MethodPatch, "/api/v1/music/albums/"+album.ID, map[string]any{"title": "Stolen"}, withToken(other)).Status)

	s1 := readySong(t, ta, artist, "Sine Serenade", "tone.mp3", false)
	res = ta.do(http.MethodPatch, "/api/v1/music/songs/"+s1.ID, map[string]any{"album_id": album.ID, "track_number": 2, "published": true, "genre": "Electronic"}, withToken(artist))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	s2 := readySong(t, ta, artist, "Square Dance", "tone.flac", true)
	res = ta.do(http.MethodPatch, "/api/v1/music/songs/"+s2.ID, map[string]any{"album_id": album.ID, "track_number": 1}, withToken(artist))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	// another artist's album is refused
	res = ta.do(http.MethodPost, "/api/v1/music/songs", map[string]any{"title": "Sneaky", "album_id": album.ID}, withToken(other))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)

	res = ta.do(http.MethodGet, "/api/v1/music/albums/"+album.ID, nil, withToken(listener))
	require.Equal(t, http.StatusOK, res.Status)
	var ap struct {
		ArtistName string     `json:"artist_name"`
		Songs      []songResp `json:"songs"`
	}
	res.JSON(t, &ap)
	assert.Equal(t, "The Sines", ap.ArtistName)
	require.Len(t, ap.Songs, 2)
	assert.Equal(t, []string{"Square Dance", "Sine Serenade"}, []string{ap.Songs[0].Title, ap.Songs[1].Title}, "track order")

	// the artist page: songs and albums; drafts only for the artist
	createSong(t, ta, artist, "Unfinished")
	var page struct {
		Name   string     `json:"name"`
		Songs  []songResp `json:"songs"`
		Albums []any      `json:"albums"`
	}
	res = ta.do(http.MethodGet, "/api/v1/music/artists/"+me.ID, nil, withToken(listener))
	require.Equal(t, http.StatusOK, res.Status)
	res.JSON(t, &page)
	assert.Len(t, page.Songs, 2)
	assert.Len(t, page.Albums, 1)
	res = ta.do(http.MethodGet, "/api/v1/music/artists/"+me.ID, nil, withToken(artist))
	res.JSON(t, &page)
	assert.Len(t, page.Songs, 3)

	// verification is for admins only
	assert.Equal(t, http.StatusForbidden, ta.do(http.MethodPut, "/api/v1/music/artists/"+me.ID+"/verification", map[string]any{"verified": true}, withToken(artist)).Status)
	res = ta.do(http.MethodPut, "/api/v1/music/artists/"+me.ID+"/verification", map[string]any{"verified": true}, withToken(admin))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	// the cached artist is invalidated at once
	res = ta.do(http.MethodGet, "/api/v1/music/artists/"+me.ID, nil, withToken(listener))
	var verified struct {
		Verified bool `json:"verified"`
	}
	res.JSON(t, &verified)
	assert.True(t, verified.Verified)

	// search: relevance, typos, filters, pagination
	search := func(q string) pageResp[songResp] {
		res := ta.do(http.MethodGet, "/api/v1/music/songs?"+q, nil, withToken(listener))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var p pageResp[songResp]
		res.JSON(t, &p)
		return p
	}
	p := search("q=serenade")
	require.Len(t, p.Items, 1)
	assert.Equal(t, s1.ID, p.Items[0].ID)
	p = search("q=sine+serenad")
	require.NotEmpty(t, p.Items)
	assert.Equal(t, s1.ID, p.Items[0].ID, "a prefix finds it")
	p = search("q=serinade")
	require.NotEmpty(t, p.Items, "a typo finds it")
	assert.Equal(t, s1.ID, p.Items[0].ID)
	p = search("q=sines")
	assert.Len(t, p.Items, 2, "the artist's name matches")
	p = search("genre=electronic")
	require.Len(t, p.Items, 1)
	p = search("artist_id=" + me.ID + "&limit=1")
	require.Len(t, p.Items, 1)
	require.NotEmpty(t, p.NextCursor)
	p2 := search("artist_id=" + me.ID + "&limit=1&cursor=" + p.NextCursor)
	require.Len(t, p2.Items, 1)
	assert.NotEqual(t, p.Items[0].ID, p2.Items[0].ID)
	assert.Empty(t, p2.NextCursor)
	assert.Empty(t, search("q=unfinished").Items, "drafts are not in the catalog")
	assert.Equal(t, http.StatusBadRequest, ta.do(http.MethodGet, "/api/v1/music/songs?cursor=garbage", nil, withToken(listener)).Status)
	assert.Equal(t, http.StatusUnprocessableEntity, ta.do(http.MethodGet, "/api/v1/music/songs?limit=1000", nil, withToken(listener)).Status)

	// deleting the album keeps its songs
	require.Equal(t, http.StatusNoContent, ta.do(http.MethodDelete, "/api/v1/music/albums/"+album.ID, nil, withToken(artist)).Status)
	assert.Nil(t, getSong(t, ta, listener, s1.ID).AlbumID)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/music/albums/"+album.ID, nil, withToken(listener)).Status)
}

func TestMusicPlaylistsAndLikes(t *testing.T) {
	ta := musicApp(t)
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	_, alice := musicUser(t, ta, usercontracts.RoleListener)
	_, bob := musicUser(t, ta, usercontracts.RoleListener)
	a := readySong(t, ta, artist, "Alpha", "tone.mp3", true)
	b := readySong(t, ta, artist, "Beta", "tone.ogg", true)
	c := readySong(t, ta, artist, "Gamma", "tone.m4a", true)

	type plResp struct {
		ID        string     `json:"id"`
		Name      string     `json:"name"`
		Public    bool       `json:"public"`
		SongCount int        `json:"song_count"`
		Songs     []songResp `json:"songs"`
	}
	ids := func(p plResp) []string {
		out := []string{}
		for _, s := range p.Songs {
			out = append(out, s.ID)
		}
		return out
	}
	res := ta.do(http.MethodPost, "/api/v1/music/playlists", map[string]any{"name": "Road trip"}, withToken(alice))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var pl plResp
	res.JSON(t, &pl)
	assert.False(t, pl.Public, "private by default")
	path := "/api/v1/music/playlists/" + pl.ID

	for _, s := range []string{a.ID, b.ID} {
		res = ta.do(http.MethodPost, path+"/songs", map[string]any{"song_id": s}, withToken(alice))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	}
	res = ta.do(http.MethodPost, path+"/songs", map[string]any{"song_id": c.ID, "position": 0}, withToken(alice))
	require.Equal(t, http.StatusOK, res.Status)
	res.JSON(t, &pl)
	assert.Equal(t, []string{c.ID, a.ID, b.ID}, ids(pl))
	res = ta.do(http.MethodPost, path+"/songs", map[string]any{"song_id": a.ID}, withToken(alice))
	assert.Equal(t, http.StatusConflict, res.Status)
	res = ta.do(http.MethodPost, path+"/songs", map[string]any{}, withToken(alice))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)

	res = ta.do(http.MethodPut, path+"/songs", map[string]any{"song_ids": []string{b.ID, c.ID, a.ID}}, withToken(alice))
	require.Equal(t, http.StatusOK, res.Status)
	res.JSON(t, &pl)
	assert.Equal(t, []string{b.ID, c.ID, a.ID}, ids(pl))
	res = ta.do(http.MethodPut, path+"/songs", map[string]any{"song_ids": []string{b.ID}}, withToken(alice))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)
	res = ta.do(http.MethodDelete, path+"/songs/"+c.ID, nil, withToken(alice))
	require.Equal(t, http.StatusOK, res.Status)
	res.JSON(t, &pl)
	assert.Equal(t, []string{b.ID, a.ID}, ids(pl))

	// private: bob cannot see it; public: he can, but not change it
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, path, nil, withToken(bob)).Status)
	res = ta.do(http.MethodPatch, path, map[string]any{"name": "Road trip 2026", "public": true}, withToken(alice))
	require.Equal(t, http.StatusOK, res.Status)
	res = ta.do(http.MethodGet, path, nil, withToken(bob))
	require.Equal(t, http.StatusOK, res.Status)
	res.JSON(t, &pl)
	assert.Equal(t, "Road trip 2026", pl.Name)
	assert.Equal(t, http.StatusForbidden, ta.do(http.MethodPatch, path, map[string]any{"name": "mine"}, withToken(bob)).Status)
	assert.Equal(t, http.StatusForbidden, ta.do(http.MethodDelete, path, nil, withToken(bob)).Status)

	res = ta.do(http.MethodGet, "/api/v1/music/playlists", nil, withToken(alice))
	var mine pageResp[plResp]
	res.JSON(t, &mine)
	require.Len(t, mine.Items, 1)
	assert.Equal(t, 2, mine.Items[0].SongCount)

	// likes: idempotent, listed newest first
	for _, s := range []string{a.ID, b.ID, b.ID} {
		require.Equal(t, http.StatusNoContent, ta.do(http.MethodPut, "/api/v1/music/songs/"+s+"/like", nil, withToken(alice)).Status)
	}
	res = ta.do(http.MethodGet, "/api/v1/music/me/likes", nil, withToken(alice))
	require.Equal(t, http.StatusOK, res.Status)
	var likes pageResp[struct {
		Song    songResp  `json:"song"`
		LikedAt time.Time `json:"liked_at"`
	}]
	res.JSON(t, &likes)
	require.Len(t, likes.Items, 2)
	assert.Equal(t, b.ID, likes.Items[0].Song.ID)
	require.Equal(t, http.StatusNoContent, ta.do(http.MethodDelete, "/api/v1/music/songs/"+b.ID+"/like", nil, withToken(alice)).Status)
	require.Equal(t, http.StatusNoContent, ta.do(http.MethodDelete, "/api/v1/music/songs/"+b.ID+"/like", nil, withToken(alice)).Status)
	res = ta.do(http.MethodGet, "/api/v1/music/me/likes", nil, withToken(alice))
	res.JSON(t, &likes)
	require.Len(t, likes.Items, 1)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodPut, "/api/v1/music/songs/00000000-0000-0000-0000-000000000009/like", nil, withToken(alice)).Status)

	require.Equal(t, http.StatusNoContent, ta.do(http.MethodDelete, path, nil, withToken(alice)).Status)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, path, nil, withToken(alice)).Status)
}

func TestMusicArtistProfileFromRegistrationEvent(t *testing.T) {
	ta := newTestApp(t)
	ctx := context.Background()
	completed := func() int {
		var n int
		_ = ta.app.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE args->>'subscriber' = $1 AND state = 'completed'`,
			orchestrator.ArtistProfilesSubscriber).Scan(&n)
		return n
	}
	profiles := func() int {
		var n int
		require.NoError(t, ta.app.pool.QueryRow(ctx, `SELECT count(*) FROM music.artists`).Scan(&n))
		return n
	}
	// registering an artist gives them a profile named after them; a listener gets none
	artistID, _ := musicUser(t, ta, usercontracts.RoleArtist)
	musicUser(t, ta, usercontracts.RoleListener)
	eventually(t, 10*time.Second, func() bool { return completed() == 2 }, "both registrations to be delivered")
	assert.Equal(t, 1, profiles())
	var name string
	require.NoError(t, ta.app.pool.QueryRow(ctx, `SELECT name FROM music.artists WHERE user_id = $1`, artistID).Scan(&name))
	assert.Contains(t, name, "User user_")

	// the same registration delivered again (at least once delivery) changes nothing
	ev, err := events.New(ctx, usercontracts.UserRegisteredV1, usercontracts.Source, usercontracts.UserRegistered{
		UserID: artistID, Username: "again", DisplayName: "Another Name", Roles: []string{usercontracts.RoleArtist}, RegisteredAt: time.Now()})
	require.NoError(t, err)
	tx, err := ta.app.pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, ta.app.bus.Publish(ctx, tx, ev))
	require.NoError(t, tx.Commit(ctx))
	eventually(t, 10*time.Second, func() bool { return completed() == 3 }, "the redelivery to complete")
	assert.Equal(t, 1, profiles())
	require.NoError(t, ta.app.pool.QueryRow(ctx, `SELECT name FROM music.artists WHERE user_id = $1`, artistID).Scan(&name))
	assert.NotEqual(t, "Another Name", name, "the existing profile is kept")
}

func TestMusicOnS3CompatibleStorage(t *testing.T) {
	faker := gofakes3.New(s3mem.New())
	s3 := httptest.NewServer(faker.Server())
	defer s3.Close()
	ta := musicApp(t, func(c *Config) {
		c.Music.Storage = "s3"
		c.Music.S3Endpoint = strings.TrimPrefix(s3.URL, "http://")
		c.Music.S3Bucket = "vibestream-test"
		c.Music.S3AccessKey, c.Music.S3SecretKey = "test", "testsecret"
	})
	assert.Contains(t, string(ta.do(http.MethodGet, "/health", nil).Body), `"media_storage":"s3"`)
	_, tok := musicUser(t, ta, usercontracts.RoleArtist)
	s := readySong(t, ta, tok, "In the bucket", "tone.wav", true)
	require.Len(t, s.Renditions, 3)
	for _, r := range s.Renditions {
		full := ta.do(http.MethodGet, "/api/v1/music/stream/"+s.ID+"?quality="+r.Quality, nil, withToken(tok))
		require.Equal(t, http.StatusOK, full.Status)
		assert.Equal(t, r.SizeBytes, int64(len(full.Body)))
		part := ta.do(http.MethodGet, "/api/v1/music/stream/"+s.ID+"?quality="+r.Quality, nil, withToken(tok), withHeader("Range", "bytes=100-1099"))
		require.Equal(t, http.StatusPartialContent, part.Status)
		assert.Equal(t, full.Body[100:1100], part.Body)
	}
	// nothing is written under the local media directory
	assertNoMedia(t, ta)
}
