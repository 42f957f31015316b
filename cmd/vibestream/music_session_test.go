package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// streamFile returns the bytes of a song's rendition, fetched with the artist's token.
func streamFile(t *testing.T, ta *testApp, tok, songID, quality string) []byte {
	t.Helper()
	res := ta.do(http.MethodGet, "/api/v1/music/stream/"+songID+"?quality="+quality, nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	return res.Body
}

func TestMusicSessionStreamCountsWhatItServesBeforeTheClientHasIt(t *testing.T) {
	ta := musicApp(t)
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	listenerID, listener := musicUser(t, ta, usercontracts.RoleListener)
	_, other := musicUser(t, ta, usercontracts.RoleListener)
	song := readySong(t, ta, artist, "Session", "tone.flac", true)
	songID := uuid.MustParse(song.ID)
	file := streamFile(t, ta, artist, song.ID, "low")
	streams := ta.app.music.Streams()
	ctx := context.Background()

	sid := uuid.New()
	link, err := streams.OpenSessionStream(ctx, musiccontracts.SessionStreamRequest{SessionID: sid, UserID: listenerID, SongID: songID,
		Quality: "low", ExpiresAt: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, "low", link.Quality)
	assert.Equal(t, int64(len(file)), link.SizeBytes)
	assert.Zero(t, link.MaxBytes, "a paid session streams the whole rendition")
	assert.InDelta(t, float64(len(file))/2, float64(link.BytesPerSecond), float64(len(file))/10, "size / duration (2 s tone)")

	// no token needed; every response is counted by the time the client has read it
	res := ta.do(http.MethodGet, link.URL, nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	assert.Equal(t, file, res.Body)
	got, err := streams.SessionStreamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, musiccontracts.SessionStreamed{Requests: 1, BytesServed: int64(len(file)), HighestOffset: int64(len(file))}, got)

	res = ta.do(http.MethodGet, link.URL, nil, withHeader("Range", "bytes=100-199"))
	require.Equal(t, http.StatusPartialContent, res.Status)
	assert.Equal(t, file[100:200], res.Body)
	got, err = streams.SessionStreamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, int64(len(file)+100), got.BytesServed)
	assert.Equal(t, int64(2), got.Requests)

	// HEAD serves no bytes and counts none
	assert.Equal(t, http.StatusOK, ta.do(http.MethodHead, link.URL, nil).Status)
	got, err = streams.SessionStreamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Requests)

	// the listener's own token may come along; another user's token is refused
	assert.Equal(t, http.StatusPartialContent, ta.do(http.MethodGet, link.URL, nil, withToken(listener), withHeader("Range", "bytes=0-9")).Status)
	res = ta.do(http.MethodGet, link.URL, nil, withToken(other), withHeader("Range", "bytes=0-9"))
	assert.Equal(t, http.StatusForbidden, res.Status)
	assert.Equal(t, "music.stream_link_foreign", res.ErrorCode(t))
	got, err = streams.SessionStreamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, int64(len(file)+110), got.BytesServed, "a refused request serves nothing")

	// the MAC covers the session, the cap, the user, the quality and the expiry
	u, err := url.Parse(link.URL)
	require.NoError(t, err)
	tamper := func(key, val string) string {
		q := u.Query()
		q.Set(key, val)
		return u.Path + "?" + q.Encode()
	}
	for name, p := range map[string]string{
		"other session": tamper("sid", uuid.NewString()),
		"a cap":         tamper("max", "100"),
		"negative cap":  tamper("max", "-1"),
		"other user":    tamper("uid", uuid.NewString()),
		"other quality": tamper("quality", "original"),
		"later expiry":  tamper("exp", fmt.Sprint(time.Now().Add(48*time.Hour).Unix())),
		"bad session":   tamper("sid", "nope"),
	} {
		res := ta.do(http.MethodGet, p, nil)
		assert.Equal(t, http.StatusForbidden, res.Status, name)
		assert.Equal(t, "music.bad_signature", res.ErrorCode(t), name)
	}

	// a song nobody may play gets no link
	draft := createSong(t, ta, artist, "Draft")
	_, err = streams.OpenSessionStream(ctx, musiccontracts.SessionStreamRequest{SessionID: uuid.New(), UserID: listenerID,
		SongID: uuid.MustParse(draft.ID), ExpiresAt: time.Now().Add(time.Hour)})
	assert.ErrorContains(t, err, "music.song_not_found")
}

func TestMusicSessionStreamPreviewNeverServesAByteAtOrBeyondTheCap(t *testing.T) {
	ta := musicApp(t)
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	listenerID, _ := musicUser(t, ta, usercontracts.RoleListener)
	song := readySong(t, ta, artist, "Preview", "tone.flac", true)
	file := streamFile(t, ta, artist, song.ID, "high")
	streams := ta.app.music.Streams()
	ctx := context.Background()

	sid := uuid.New()
	link, err := streams.OpenSessionStream(ctx, musiccontracts.SessionStreamRequest{SessionID: sid, UserID: listenerID,
		SongID: uuid.MustParse(song.ID), PreviewSeconds: 1, ExpiresAt: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	capped := link.MaxBytes
	require.Positive(t, capped)
	assert.InDelta(t, float64(len(file))/2, float64(capped), 1, "1 s of a 2 s rendition")
	require.Less(t, capped, int64(len(file)))

	res := ta.do(http.MethodGet, link.URL, nil)
	require.Equal(t, http.StatusOK, res.Status)
	assert.Equal(t, file[:capped], res.Body, "the whole preview, nothing past the cap")

	res = ta.do(http.MethodGet, link.URL, nil, withHeader("Range", fmt.Sprintf("bytes=%d-%d", capped-10, capped+500)))
	require.Equal(t, http.StatusPartialContent, res.Status)
	assert.Equal(t, file[capped-10:capped], res.Body, "a range across the cap is clipped")
	assert.Equal(t, fmt.Sprintf("bytes %d-%d/%d", capped-10, capped-1, capped), res.Header.Get("Content-Range"))

	for _, r := range []string{fmt.Sprintf("bytes=%d-", capped), fmt.Sprintf("bytes=%d-%d", capped+1, capped+100), "bytes=-0"} {
		res = ta.do(http.MethodGet, link.URL, nil, withHeader("Range", r))
		assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, res.Status, r)
		assert.NotContains(t, string(res.Body), string(file[capped:capped+16]), r)
		// in the one error shape (it was ServeContent's plain text, found by FuzzSessionStreamRange)
		assert.Equal(t, "music.range_not_satisfiable", res.ErrorCode(t), r)
		assert.Equal(t, fmt.Sprintf("bytes */%d", capped), res.Header.Get("Content-Range"), r)
	}
	// several ranges: only the first is served
	res = ta.do(http.MethodGet, link.URL, nil, withHeader("Range", fmt.Sprintf("bytes=0-9,%d-%d", capped, capped+9)))
	require.Equal(t, http.StatusPartialContent, res.Status)
	assert.Equal(t, file[:10], res.Body)

	got, err := streams.SessionStreamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, capped+20, got.BytesServed)
	assert.Equal(t, capped, got.HighestOffset, "never past the cap")
	assert.Equal(t, int64(3), got.Requests, "416s serve and count nothing")
}

func TestMusicSessionStreamConcurrentRangesSumRight(t *testing.T) {
	ta := musicApp(t)
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	listenerID, _ := musicUser(t, ta, usercontracts.RoleListener)
	song := readySong(t, ta, artist, "Ranges", "tone.wav", true)
	file := streamFile(t, ta, artist, song.ID, "original")
	streams := ta.app.music.Streams()
	ctx := context.Background()
	sid := uuid.New()
	link, err := streams.OpenSessionStream(ctx, musiccontracts.SessionStreamRequest{SessionID: sid, UserID: listenerID,
		SongID: uuid.MustParse(song.ID), Quality: "original", ExpiresAt: time.Now().Add(time.Hour)})
	require.NoError(t, err)

	const n = 24
	chunk := len(file) / n
	var wg sync.WaitGroup
	bodies := make([][]byte, n)
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest(http.MethodGet, ta.srv.URL+link.URL, nil)
			if err != nil {
				return
			}
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", i*chunk, (i+1)*chunk-1))
			res, err := ta.srv.Client().Do(req)
			if err != nil {
				return
			}
			defer res.Body.Close()
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(res.Body)
			bodies[i], statuses[i] = buf.Bytes(), res.StatusCode
		}()
	}
	wg.Wait()
	for i := range n {
		require.Equal(t, http.StatusPartialContent, statuses[i], "request %d", i)
		require.Equal(t, file[i*chunk:(i+1)*chunk], bodies[i], "request %d", i)
	}
	got, err := streams.SessionStreamed(ctx, sid)
	require.NoError(t, err)
	assert.Equal(t, musiccontracts.SessionStreamed{Requests: n, BytesServed: int64(n * chunk), HighestOffset: int64(n * chunk)}, got)
}

// A client that hangs up mid-body: what the server could not write is taken back from the
// session, so the session's figure is what the stream request really wrote.
func TestMusicSessionStreamShortWriteIsTakenBack(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "long.wav") // 60 s of 44.1 kHz stereo PCM: ~10 MB, more than any socket buffer holds
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=60",
		"-ac", "2", "-c:a", "pcm_s16le", long).CombinedOutput()
	if err != nil {
		t.Skipf("ffmpeg: %v %s", err, out)
	}
	ta := musicApp(t, func(c *Config) { c.Music.FFmpegPath = "/nonexistent/ffmpeg" }) // the original only: no transcoding wait
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	listenerID, _ := musicUser(t, ta, usercontracts.RoleListener)
	data, err := os.ReadFile(long)
	require.NoError(t, err)
	s := createSong(t, ta, artist, "Long")
	res := uploadMultipart(t, ta, artist, s.ID, "long.wav", data)
	require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
	s = waitStatus(t, ta, artist, s.ID, "ready", "failed")
	require.Equal(t, "ready", s.Status, s.FailureReason)
	require.Equal(t, http.StatusOK, ta.do(http.MethodPatch, "/api/v1/music/songs/"+s.ID, map[string]any{"published": true}, withToken(artist)).Status)

	ctx := context.Background()
	sid := uuid.New()
	link, err := ta.app.music.Streams().OpenSessionStream(ctx, musiccontracts.SessionStreamRequest{SessionID: sid, UserID: listenerID,
		SongID: uuid.MustParse(s.ID), Quality: "original", ExpiresAt: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	require.Greater(t, link.SizeBytes, int64(8<<20))

	// a raw client with a tiny receive window reads the headers and a little audio, then hangs up
	addr := strings.TrimPrefix(ta.srv.URL, "http://")
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).SetReadBuffer(4096))
	_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", link.URL, addr)
	require.NoError(t, err)
	buf := make([]byte, 8192)
	n, err := io.ReadAtLeast(conn, buf, 1024)
	require.NoError(t, err)
	require.Contains(t, string(buf[:n]), "200 OK")
	require.NoError(t, conn.(*net.TCPConn).SetLinger(0)) // reset, not a graceful close
	require.NoError(t, conn.Close())

	// the request ends with a failed write; its record says what it wrote, and so does the session
	var written int64
	eventually(t, 20*time.Second, func() bool {
		ta.app.music.FlushStreams(ctx)
		err := ta.app.pool.QueryRow(ctx, `SELECT bytes_served FROM music.stream_requests WHERE session_id = $1`, sid.String()).Scan(&written)
		return err == nil
	}, "the stream request to end")
	got, err := ta.app.music.Streams().SessionStreamed(ctx, sid)
	require.NoError(t, err)
	t.Logf("the request wrote %d of %d bytes", written, link.SizeBytes)
	assert.Less(t, written, link.SizeBytes, "the write was cut short")
	assert.Equal(t, musiccontracts.SessionStreamed{Requests: 1, BytesServed: written, HighestOffset: written}, got)
}
