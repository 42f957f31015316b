package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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

// The reported loss: a session label with a multi-byte character cut at the 128-byte limit (or
// a NUL) made Postgres refuse the recorder's whole batch. Now the label is normalised at the
// edge (or refused), and every listener's record is kept.
func TestMusicHostileSessionLabelsCostNoRecords(t *testing.T) {
	ta := musicApp(t)
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	_, listener := musicUser(t, ta, usercontracts.RoleListener)
	s := readySong(t, ta, artist, "Sessions", "tone.mp3", true)
	base := "/api/v1/music/stream/" + s.ID + "?quality=original&session="
	cut := url.QueryEscape(strings.Repeat("a", 127) + "é") // é would end at byte 129
	for _, sess := range []string{"plain", cut, "caf%C3%A9"} {
		res := ta.do(http.MethodGet, base+sess, nil, withToken(listener), withHeader("Range", "bytes=0-9"))
		require.Equal(t, http.StatusPartialContent, res.Status, sess)
	}
	res := ta.do(http.MethodGet, base+"bad%00nul", nil, withToken(listener))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)
	assert.Equal(t, "http.invalid_text", res.ErrorCode(t))

	var sessions []string
	eventually(t, 5*time.Second, func() bool {
		ta.app.music.FlushStreams(context.Background())
		rows, err := ta.app.pool.Query(context.Background(), `SELECT session_id FROM music.stream_requests WHERE song_id = $1 ORDER BY id`, s.ID)
		require.NoError(t, err)
		defer rows.Close()
		sessions = sessions[:0]
		for rows.Next() {
			var v string
			require.NoError(t, rows.Scan(&v))
			sessions = append(sessions, v)
		}
		return len(sessions) == 3
	}, "all three records written")
	assert.Equal(t, []string{"plain", strings.Repeat("a", 127), "café"}, sessions)
}
