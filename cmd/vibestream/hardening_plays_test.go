package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// A play is a listen, not a request: fifty one-byte range requests count nothing, a listen
// past the threshold counts once per (user, song, stream link) however many requests it takes,
// and a new link (or session) is a new play.
func TestMusicPlayCountsListensNotRequests(t *testing.T) {
	ta := musicApp(t)
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	_, listener := musicUser(t, ta, usercontracts.RoleListener)
	s := readySong(t, ta, artist, "Counted", "tone.wav", true)
	base := "/api/v1/music/stream/" + s.ID + "?quality=original&session=a"
	// the handler records a request after its body went out: wait until every request sent so
	// far is recorded before reading the count
	sent := 0
	plays := func() int64 {
		eventually(t, 5*time.Second, func() bool {
			ta.app.music.FlushStreams(context.Background())
			var n int
			require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM music.stream_requests WHERE song_id = $1`, s.ID).Scan(&n))
			return n == sent
		}, "every request recorded")
		var n int64
		require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT play_count FROM music.songs WHERE id = $1`, s.ID).Scan(&n))
		return n
	}

	for range 50 {
		res := ta.do(http.MethodGet, base, nil, withToken(listener), withHeader("Range", "bytes=0-0"))
		sent++
		require.Equal(t, http.StatusPartialContent, res.Status)
	}
	assert.Equal(t, int64(0), plays(), "50 one-byte requests are not 50 plays")

	// a player that fetches the song in chunks: one play once the threshold is passed
	size := int64(0)
	for _, r := range s.Renditions {
		if r.Quality == "original" {
			size = r.SizeBytes
		}
	}
	require.Positive(t, size)
	for from := int64(0); from < size; from += 64 << 10 {
		res := ta.do(http.MethodGet, base, nil, withToken(listener), withHeader("Range", fmt.Sprintf("bytes=%d-%d", from, min(from+64<<10, size)-1)))
		sent++
		require.Equal(t, http.StatusPartialContent, res.Status)
	}
	assert.Equal(t, int64(1), plays())
	// the same link played again from the start: still the same listen
	res := ta.do(http.MethodGet, base, nil, withToken(listener))
	require.Equal(t, http.StatusOK, res.Status)
	sent++
	assert.Equal(t, int64(1), plays())

	// a new session is a new listen
	res = ta.do(http.MethodGet, "/api/v1/music/stream/"+s.ID+"?quality=original&session=b", nil, withToken(listener))
	require.Equal(t, http.StatusOK, res.Status)
	sent++
	assert.Equal(t, int64(2), plays())

	// a signed link counts once, however often its URL is requested
	res = ta.do(http.MethodPost, "/api/v1/music/songs/"+s.ID+"/stream-url", map[string]any{"quality": "original"}, withToken(listener))
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	var link struct {
		URL string `json:"url"`
	}
	res.JSON(t, &link)
	u, err := url.Parse(link.URL)
	require.NoError(t, err)
	for range 3 {
		res = ta.do(http.MethodGet, u.RequestURI(), nil)
		require.Equal(t, http.StatusOK, res.Status)
		sent++
	}
	assert.Equal(t, int64(3), plays())
	eventually(t, 5*time.Second, func() bool { return getSong(t, ta, listener, s.ID).PlayCount == 3 }, "the song shows its plays")
}
