package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/musictest"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

type songResp struct {
	ID            string  `json:"id"`
	Title         string  `json:"title"`
	ArtistID      string  `json:"artist_id"`
	Status        string  `json:"status"`
	FailureReason string  `json:"failure_reason"`
	DurationMS    *int    `json:"duration_ms"`
	Published     bool    `json:"published"`
	PlayCount     int64   `json:"play_count"`
	AlbumID       *string `json:"album_id"`
	Renditions    []struct {
		Quality     string `json:"quality"`
		ContentType string `json:"content_type"`
		SizeBytes   int64  `json:"size_bytes"`
		BitrateKbps int    `json:"bitrate_kbps"`
	} `json:"renditions"`
	Audio *struct {
		Format string            `json:"format"`
		SHA256 string            `json:"sha256"`
		Tags   map[string]string `json:"tags"`
	} `json:"audio"`
}

func musicApp(t *testing.T, mutate ...func(*Config)) *testApp {
	t.Helper()
	musictest.Dir(t) // skips without ffmpeg
	return newTestApp(t, append([]func(*Config){func(c *Config) { c.Music.TranscodeRetryDelay = 20 * time.Millisecond }}, mutate...)...)
}

func createSong(t *testing.T, ta *testApp, tok, title string) songResp {
	t.Helper()
	res := ta.do(http.MethodPost, "/api/v1/music/songs", map[string]any{"title": title, "genre": "Ambient"}, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var s songResp
	res.JSON(t, &s)
	return s
}

func uploadRaw(t *testing.T, ta *testApp, tok, songID string, body []byte, contentType string) response {
	t.Helper()
	return ta.do(http.MethodPut, "/api/v1/music/songs/"+songID+"/audio", body, withToken(tok), withHeader("Content-Type", contentType))
}

func uploadMultipart(t *testing.T, ta *testApp, tok, songID, filename string, data []byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("note", "ignored"))
	fw, err := mw.CreateFormFile("file", filename)
	require.NoError(t, err)
	_, _ = fw.Write(data)
	require.NoError(t, mw.Close())
	return ta.do(http.MethodPut, "/api/v1/music/songs/"+songID+"/audio", buf.Bytes(), withToken(tok), withHeader("Content-Type", mw.FormDataContentType()))
}

func getSong(t *testing.T, ta *testApp, tok, id string) songResp {
	t.Helper()
	res := ta.do(http.MethodGet, "/api/v1/music/songs/"+id, nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var s songResp
	res.JSON(t, &s)
	return s
}

func waitStatus(t *testing.T, ta *testApp, tok, id string, want ...string) songResp {
	t.Helper()
	var s songResp
	eventually(t, 30*time.Second, func() bool {
		s = getSong(t, ta, tok, id)
		for _, w := range want {
			if s.Status == w {
				return true
			}
		}
		return false
	}, "song "+id+" to reach "+strings.Join(want, "|"))
	return s
}

// readySong uploads a file, waits until it is ready and publishes it.
func readySong(t *testing.T, ta *testApp, tok, title, file string, publish bool) songResp {
	t.Helper()
	s := createSong(t, ta, tok, title)
	res := uploadMultipart(t, ta, tok, s.ID, file, musictest.Read(t, file))
	require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
	s = waitStatus(t, ta, tok, s.ID, "ready", "failed")
	require.Equal(t, "ready", s.Status, s.FailureReason)
	if publish {
		res = ta.do(http.MethodPatch, "/api/v1/music/songs/"+s.ID, map[string]any{"published": true}, withToken(tok))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		res.JSON(t, &s)
	}
	return s
}

func renditionMap(s songResp) map[string]int {
	out := map[string]int{}
	for _, r := range s.Renditions {
		out[r.Quality] = r.BitrateKbps
	}
	return out
}

func TestMusicUploadEveryFormatBuildsTheLadderWithoutUpscaling(t *testing.T) {
	ta := musicApp(t)
	_, tok := musicUser(t, ta, usercontracts.RoleArtist)
	for _, tn := range musictest.Tones {
		t.Run(tn.Name, func(t *testing.T) {
			s := createSong(t, ta, tok, "Tone "+tn.Format)
			assert.Equal(t, "draft", s.Status)
			assert.Nil(t, s.DurationMS)
			data := musictest.Read(t, tn.Name)
			res := uploadRaw(t, ta, tok, s.ID, data, "application/octet-stream")
			require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
			var up songResp
			res.JSON(t, &up)
			assert.Equal(t, "processing", up.Status)
			require.NotNil(t, up.DurationMS)
			assert.InDelta(t, 2000, *up.DurationMS, 60, "duration read from the file")
			require.NotNil(t, up.Audio)
			assert.Equal(t, tn.Format, up.Audio.Format)
			sum := sha256.Sum256(data)
			assert.Equal(t, hex.EncodeToString(sum[:]), up.Audio.SHA256)
			assert.Equal(t, "Test Tone", up.Audio.Tags["title"])

			s = waitStatus(t, ta, tok, s.ID, "ready", "failed")
			require.Equal(t, "ready", s.Status, s.FailureReason)
			r := renditionMap(s)
			assert.Contains(t, r, "original")
			switch tn.Format {
			case "flac", "wav", "mp3", "m4a", "ogg":
				// 128 kbps-ish and lossless sources give a low rung; only lossless ones a 256 kbps high rung
				assert.Equal(t, 96, r["low"], "low rendition at 96 kbps")
			}
			if tn.Lossless {
				assert.Equal(t, 256, r["high"], "lossless originals get a high rendition")
			} else {
				assert.NotContains(t, r, "high", "a lossy original under 256 kbps is never upscaled")
			}
			if tn.Format == "opus" {
				assert.NotContains(t, r, "low", "a 64 kbps original is not upscaled to 96 kbps")
			}
		})
	}

	// the ready events went through the outbox with song, artist and duration
	var n int
	var payload []byte
	require.NoError(t, ta.app.pool.QueryRow(context.Background(),
		`SELECT count(*), (array_agg(payload))[1]::text::bytea FROM platform.events WHERE type = 'music.song_ready.v1'`).Scan(&n, &payload))
	assert.Equal(t, len(musictest.Tones), n)
	var ev struct {
		SongID     string `json:"song_id"`
		ArtistID   string `json:"artist_id"`
		DurationMS int    `json:"duration_ms"`
	}
	require.NoError(t, json.Unmarshal(payload, &ev))
	assert.NotEmpty(t, ev.SongID)
	assert.NotEmpty(t, ev.ArtistID)
	assert.InDelta(t, 2000, ev.DurationMS, 60)

	// /health says transcoding is available
	res := ta.do(http.MethodGet, "/health", nil)
	assert.Contains(t, string(res.Body), `"transcoding":"available"`)
}

func TestMusicUploadRejectsWhatIsNotAudio(t *testing.T) {
	ta := musicApp(t, func(c *Config) { c.Music.UploadMaxBytes = 100 << 10 })
	_, tok := musicUser(t, ta, usercontracts.RoleArtist)
	s := createSong(t, ta, tok, "Pretender")

	for _, name := range []string{"fake.mp3", "noise.mp3"} {
		res := uploadMultipart(t, ta, tok, s.ID, name, musictest.Read(t, name))
		assert.Equal(t, http.StatusUnsupportedMediaType, res.Status, name)
		assert.Equal(t, "music.unsupported_audio", res.ErrorCode(t))
		res = uploadRaw(t, ta, tok, s.ID, musictest.Read(t, name), "audio/mpeg")
		assert.Equal(t, http.StatusUnsupportedMediaType, res.Status, name)
	}
	// too large: the WAV (~350 KB) is over the 100 KB limit, declared or not
	res := uploadRaw(t, ta, tok, s.ID, musictest.Read(t, "tone.wav"), "audio/wav")
	assert.Equal(t, http.StatusRequestEntityTooLarge, res.Status)
	assert.Equal(t, "music.audio_too_large", res.ErrorCode(t))
	res = uploadMultipart(t, ta, tok, s.ID, "tone.wav", musictest.Read(t, "tone.wav"))
	assert.Equal(t, http.StatusRequestEntityTooLarge, res.Status)
	// no file field, no content type
	res = ta.do(http.MethodPut, "/api/v1/music/songs/"+s.ID+"/audio", []byte("x"), withToken(tok))
	assert.Equal(t, http.StatusBadRequest, res.Status)

	// nothing was kept and the song is still a draft
	assert.Equal(t, "draft", getSong(t, ta, tok, s.ID).Status)
	assertNoMedia(t, ta)
}

func assertNoMedia(t *testing.T, ta *testApp) {
	t.Helper()
	var files []string
	_ = filepath.Walk(ta.app.cfg.Music.MediaDir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	assert.Empty(t, files, "no partial or rejected asset may stay behind")
}

func TestMusicInterruptedUploadLeavesNothingAndKeepsTheSongState(t *testing.T) {
	ta := musicApp(t)
	_, tok := musicUser(t, ta, usercontracts.RoleArtist)
	s := createSong(t, ta, tok, "Cut short")
	data := musictest.Read(t, "tone.wav")

	u, _ := url.Parse(ta.srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	fmt.Fprintf(conn, "PUT /api/v1/music/songs/%s/audio HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: audio/wav\r\nContent-Length: %d\r\n\r\n",
		s.ID, u.Host, tok, len(data))
	_, err = conn.Write(data[:len(data)/2])
	require.NoError(t, err)
	require.NoError(t, conn.Close()) // the client goes away mid-upload

	eventually(t, 10*time.Second, func() bool {
		res := ta.do(http.MethodGet, "/metrics", nil)
		return strings.Contains(string(res.Body), `http_requests_total{method="PUT",route="/api/v1/music/songs/:id/audio",status="400"}`)
	}, "the interrupted upload to be answered")
	assertNoMedia(t, ta)
	assert.Equal(t, "draft", getSong(t, ta, tok, s.ID).Status)

	// a ready song keeps its audio when a replacement upload is interrupted
	r := readySong(t, ta, tok, "Kept", "tone.mp3", true)
	conn, err = net.Dial("tcp", u.Host)
	require.NoError(t, err)
	fmt.Fprintf(conn, "PUT /api/v1/music/songs/%s/audio HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: audio/wav\r\nContent-Length: %d\r\n\r\n",
		r.ID, u.Host, tok, len(data))
	_, _ = conn.Write(data[:1000])
	conn.Close()
	eventually(t, 10*time.Second, func() bool {
		res := ta.do(http.MethodGet, "/metrics", nil)
		return strings.Contains(string(res.Body), `http_requests_total{method="PUT",route="/api/v1/music/songs/:id/audio",status="400"} 2`)
	}, "the second interrupted upload to be answered")
	after := getSong(t, ta, tok, r.ID)
	assert.Equal(t, "ready", after.Status)
	assert.Equal(t, "mp3", after.Audio.Format)
}

func TestMusicOwnershipAndVisibility(t *testing.T) {
	ta := musicApp(t)
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	_, other := musicUser(t, ta, usercontracts.RoleArtist)
	_, listener := musicUser(t, ta, usercontracts.RoleListener)

	draft := createSong(t, ta, artist, "Draft")
	// a draft is invisible to others
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/music/songs/"+draft.ID, nil, withToken(listener)).Status)
	// not ready: 409 on stream for its artist
	res := ta.do(http.MethodGet, "/api/v1/music/stream/"+draft.ID, nil, withToken(artist))
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "music.song_not_ready", res.ErrorCode(t))
	// publishing a draft is refused
	res = ta.do(http.MethodPatch, "/api/v1/music/songs/"+draft.ID, map[string]any{"published": true}, withToken(artist))
	assert.Equal(t, http.StatusConflict, res.Status)

	pub := readySong(t, ta, artist, "Public", "tone.flac", true)
	// wrong owner: 403 on changes to a visible song
	res = ta.do(http.MethodPatch, "/api/v1/music/songs/"+pub.ID, map[string]any{"title": "Mine now"}, withToken(other))
	assert.Equal(t, http.StatusForbidden, res.Status)
	assert.Equal(t, "music.not_owner", res.ErrorCode(t))
	res = uploadRaw(t, ta, other, pub.ID, musictest.Read(t, "tone.mp3"), "audio/mpeg")
	assert.Equal(t, http.StatusForbidden, res.Status)
	assert.Equal(t, http.StatusForbidden, ta.do(http.MethodDelete, "/api/v1/music/songs/"+pub.ID, nil, withToken(other)).Status)
	// listeners cannot create songs
	assert.Equal(t, http.StatusForbidden, ta.do(http.MethodPost, "/api/v1/music/songs", map[string]any{"title": "x"}, withToken(listener)).Status)
	// anonymous: 401
	assert.Equal(t, http.StatusUnauthorized, ta.do(http.MethodGet, "/api/v1/music/songs/"+pub.ID, nil).Status)
	// unknown id: 404; malformed id: 400; bad input: 422 with fields
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/music/songs/00000000-0000-0000-0000-000000000001", nil, withToken(listener)).Status)
	assert.Equal(t, http.StatusBadRequest, ta.do(http.MethodGet, "/api/v1/music/songs/nope", nil, withToken(listener)).Status)
	res = ta.do(http.MethodPost, "/api/v1/music/songs", map[string]any{"title": "", "track_number": 5000}, withToken(artist))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)
	var e struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	res.JSON(t, &e)
	assert.Contains(t, e.Error.Fields, "title")
	assert.Contains(t, e.Error.Fields, "track_number")

	// the listener streams the published song; after unpublishing only the artist can
	assert.Equal(t, http.StatusOK, ta.do(http.MethodGet, "/api/v1/music/stream/"+pub.ID, nil, withToken(listener)).Status)
	res = ta.do(http.MethodPatch, "/api/v1/music/songs/"+pub.ID, map[string]any{"published": false}, withToken(artist))
	require.Equal(t, http.StatusOK, res.Status)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/music/stream/"+pub.ID, nil, withToken(listener)).Status)
	assert.Equal(t, http.StatusOK, ta.do(http.MethodGet, "/api/v1/music/stream/"+pub.ID, nil, withToken(artist)).Status)

	// delete unpublishes for good and keeps the audio for its artist
	require.Equal(t, http.StatusNoContent, ta.do(http.MethodDelete, "/api/v1/music/songs/"+pub.ID, nil, withToken(artist)).Status)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/music/songs/"+pub.ID, nil, withToken(listener)).Status)
	res = ta.do(http.MethodPatch, "/api/v1/music/songs/"+pub.ID, map[string]any{"published": true}, withToken(artist))
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "music.song_deleted", res.ErrorCode(t))
}

func TestMusicStreamRangesByteForByteInEveryRendition(t *testing.T) {
	ta := musicApp(t)
	artistID, artist := musicUser(t, ta, usercontracts.RoleArtist)
	_ = artistID
	listenerID, listener := musicUser(t, ta, usercontracts.RoleListener)
	s := readySong(t, ta, artist, "Ranges", "tone.wav", true)
	require.Len(t, s.Renditions, 3)

	base := "/api/v1/music/stream/" + s.ID
	var received int64
	for _, r := range s.Renditions {
		t.Run(r.Quality, func(t *testing.T) {
			full := ta.do(http.MethodGet, base+"?quality="+r.Quality+"&session=sess-1", nil, withToken(listener))
			require.Equal(t, http.StatusOK, full.Status)
			body := full.Body
			received += int64(len(body))
			size := int64(len(body))
			assert.Equal(t, r.SizeBytes, size)
			assert.Equal(t, r.ContentType, full.Header.Get("Content-Type"))
			assert.Equal(t, strconv.FormatInt(size, 10), full.Header.Get("Content-Length"))
			assert.Equal(t, "bytes", full.Header.Get("Accept-Ranges"))
			sum := sha256.Sum256(body)
			etag := `"` + hex.EncodeToString(sum[:]) + `"`
			assert.Equal(t, etag, full.Header.Get("ETag"), "the ETag is the content's SHA-256")

			mid := size / 2
			cases := []struct {
				rng        string
				start, end int64
			}{
				{"bytes=0-99", 0, 99},
				{fmt.Sprintf("bytes=%d-%d", mid, mid+4095), mid, mid + 4095},
				{"bytes=-100", size - 100, size - 1},
				{fmt.Sprintf("bytes=%d-", size-10), size - 10, size - 1},
				{fmt.Sprintf("bytes=%d-%d", size-1, size+1000), size - 1, size - 1},
			}
			for _, c := range cases {
				res := ta.do(http.MethodGet, base+"?quality="+r.Quality, nil, withToken(listener), withHeader("Range", c.rng))
				require.Equal(t, http.StatusPartialContent, res.Status, c.rng)
				received += int64(len(res.Body))
				assert.Equal(t, body[c.start:c.end+1], res.Body, c.rng)
				assert.Equal(t, fmt.Sprintf("bytes %d-%d/%d", c.start, c.end, size), res.Header.Get("Content-Range"), c.rng)
				assert.Equal(t, strconv.FormatInt(c.end-c.start+1, 10), res.Header.Get("Content-Length"), c.rng)
				assert.Equal(t, r.ContentType, res.Header.Get("Content-Type"), c.rng)
			}
			// unsatisfiable
			res := ta.do(http.MethodGet, base+"?quality="+r.Quality, nil, withToken(listener), withHeader("Range", fmt.Sprintf("bytes=%d-", size)))
			assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, res.Status)
			assert.Equal(t, fmt.Sprintf("bytes */%d", size), res.Header.Get("Content-Range"))
			// conditional requests
			res = ta.do(http.MethodGet, base+"?quality="+r.Quality, nil, withToken(listener), withHeader("If-None-Match", etag))
			assert.Equal(t, http.StatusNotModified, res.Status)
			res = ta.do(http.MethodGet, base+"?quality="+r.Quality, nil, withToken(listener), withHeader("Range", "bytes=0-9"), withHeader("If-Range", `"stale"`))
			assert.Equal(t, http.StatusOK, res.Status, "If-Range with another ETag sends the whole file")
			received += int64(len(res.Body))
			res = ta.do(http.MethodGet, base+"?quality="+r.Quality, nil, withToken(listener), withHeader("Range", "bytes=0-9"), withHeader("If-Range", etag))
			assert.Equal(t, http.StatusPartialContent, res.Status)
			received += int64(len(res.Body))
			// HEAD
			res = ta.do(http.MethodHead, base+"?quality="+r.Quality, nil, withToken(listener))
			assert.Equal(t, http.StatusOK, res.Status)
			assert.Equal(t, strconv.FormatInt(size, 10), res.Header.Get("Content-Length"))
			assert.Empty(t, res.Body)
		})
	}
	res := ta.do(http.MethodGet, base+"?quality=ultra", nil, withToken(listener))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)

	// stream starts and bytes were recorded
	ta.app.music.FlushStreams(context.Background())
	var starts, bytesServed int64
	var sessions int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE started), COALESCE(sum(bytes_served),0),
		count(*) FILTER (WHERE session_id = 'sess-1') FROM music.stream_requests WHERE song_id = $1 AND user_id = $2`, s.ID, listenerID).
		Scan(&starts, &bytesServed, &sessions))
	assert.Equal(t, received, bytesServed, "every byte that left is counted")
	// per rendition: the full GET, bytes=0-99, the If-Range full answer and bytes=0-9 start at 0
	assert.Equal(t, int64(3*4), starts)
	assert.Equal(t, 3, sessions)
	// but plays are listens: per rendition, the session's full GET and the session-less
	// requests (whose bytes add up past the threshold) are one listen each
	eventually(t, 5*time.Second, func() bool { return getSong(t, ta, listener, s.ID).PlayCount == 6 }, "play count to follow the listens")
	metrics := string(ta.do(http.MethodGet, "/metrics", nil).Body)
	assert.Contains(t, metrics, "music_stream_starts_total 12")
	assert.Contains(t, metrics, `music_stream_bytes_total{quality="low"}`)
	assert.Contains(t, metrics, `music_uploads_total{outcome="accepted"} 1`)
}

func TestMusicSignedStreamURLs(t *testing.T) {
	ta := musicApp(t, func(c *Config) { c.Music.StreamURLTTL = 2 * time.Second })
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	_, listener := musicUser(t, ta, usercontracts.RoleListener)
	s := readySong(t, ta, artist, "Signed", "tone.mp3", true)

	res := ta.do(http.MethodPost, "/api/v1/music/songs/"+s.ID+"/stream-url", map[string]any{"quality": "low"}, withToken(listener))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var link struct {
		URL       string    `json:"url"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	res.JSON(t, &link)
	u, err := url.Parse(link.URL)
	require.NoError(t, err)
	path := u.Path + "?" + u.RawQuery

	// no header needed: a plain player fetches it, with ranges
	ok := ta.do(http.MethodGet, path, nil, withHeader("Range", "bytes=0-99"))
	require.Equal(t, http.StatusPartialContent, ok.Status, string(ok.Body))
	assert.Len(t, ok.Body, 100)

	tamper := func(key, val string) string {
		q := u.Query()
		q.Set(key, val)
		return u.Path + "?" + q.Encode()
	}
	for name, p := range map[string]string{
		"other quality":   tamper("quality", "original"),
		"other user":      tamper("uid", "00000000-0000-0000-0000-000000000002"),
		"later expiry":    tamper("exp", strconv.FormatInt(link.ExpiresAt.Unix()+3600, 10)),
		"forged":          tamper("sig", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
		"garbage":         tamper("sig", "%%%"),
		"malformed exp":   tamper("exp", "soon"),
		"other song path": strings.Replace(path, s.ID, "00000000-0000-0000-0000-000000000003", 1),
	} {
		res := ta.do(http.MethodGet, p, nil)
		assert.Equal(t, http.StatusForbidden, res.Status, name)
		assert.Equal(t, "music.bad_signature", res.ErrorCode(t), name)
	}
	// without signature or token
	assert.Equal(t, http.StatusUnauthorized, ta.do(http.MethodGet, u.Path, nil).Status)

	// once expired, the untouched link is refused as expired
	eventually(t, 10*time.Second, func() bool { return time.Now().After(link.ExpiresAt.Add(1100 * time.Millisecond)) }, "the link to expire")
	res = ta.do(http.MethodGet, path, nil)
	assert.Equal(t, http.StatusForbidden, res.Status)
	assert.Equal(t, "music.expired_signature", res.ErrorCode(t))

	// a link for a song one may not play is not issued
	draft := createSong(t, ta, artist, "Hidden")
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodPost, "/api/v1/music/songs/"+draft.ID+"/stream-url", nil, withToken(listener)).Status)
	assert.Equal(t, http.StatusConflict, ta.do(http.MethodPost, "/api/v1/music/songs/"+draft.ID+"/stream-url", nil, withToken(artist)).Status)
}

func TestMusicConcurrentUploads(t *testing.T) {
	ta := musicApp(t)
	_, tok := musicUser(t, ta, usercontracts.RoleArtist)

	// different songs at once: all accepted and all become ready
	files := []string{"tone.mp3", "tone.flac", "tone.ogg", "tone.m4a"}
	songs := make([]songResp, len(files))
	for i := range files {
		songs[i] = createSong(t, ta, tok, "Parallel "+files[i])
	}
	var wg sync.WaitGroup
	statuses := make([]int, len(files))
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = uploadRaw(t, ta, tok, songs[i].ID, musictest.Read(t, f), "application/octet-stream").Status
		}()
	}
	wg.Wait()
	for i := range files {
		assert.Equal(t, http.StatusAccepted, statuses[i], files[i])
		assert.Equal(t, "ready", waitStatus(t, ta, tok, songs[i].ID, "ready", "failed").Status)
	}

	// the same song from two clients at once: exactly one wins, the other is told it is
	// processing. The workers are paused meanwhile, so the winner's transcoding cannot finish
	// (and make the song uploadable again) before the loser's request lands.
	require.NoError(t, ta.app.runner.Stop(context.Background()))
	s := createSong(t, ta, tok, "Contended")
	results := make(chan response, 2)
	for _, f := range []string{"tone.mp3", "tone.wav"} {
		go func() { results <- uploadRaw(t, ta, tok, s.ID, musictest.Read(t, f), "application/octet-stream") }()
	}
	a, b := <-results, <-results
	codes := []int{a.Status, b.Status}
	assert.ElementsMatch(t, []int{http.StatusAccepted, http.StatusConflict}, codes)
	require.NoError(t, ta.app.runner.Start(context.Background()))
	final := waitStatus(t, ta, tok, s.ID, "ready", "failed")
	assert.Equal(t, "ready", final.Status)
}

func TestMusicTranscodingFailureRetriesThenFailsWithAReason(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "ffmpeg")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\necho 'Conversion failed: simulated encoder crash' >&2\nexit 1\n"), 0o755))
	ta := musicApp(t, func(c *Config) { c.Music.FFmpegPath = script })
	_, tok := musicUser(t, ta, usercontracts.RoleArtist)
	s := createSong(t, ta, tok, "Doomed")
	res := uploadRaw(t, ta, tok, s.ID, musictest.Read(t, "tone.flac"), "audio/flac")
	require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
	s = waitStatus(t, ta, tok, s.ID, "failed", "ready")
	assert.Equal(t, "failed", s.Status)
	assert.Contains(t, s.FailureReason, "simulated encoder crash")
	var attempts int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(),
		`SELECT max(attempt) FROM river_job WHERE kind = 'music_transcode'`).Scan(&attempts))
	assert.Equal(t, 3, attempts, "it retried before giving up")
	// the artist can upload again after a failure
	res = uploadRaw(t, ta, tok, s.ID, musictest.Read(t, "tone.mp3"), "audio/mpeg")
	assert.Equal(t, http.StatusAccepted, res.Status)
}

func TestMusicWithoutFFmpegServesTheOriginalOnly(t *testing.T) {
	ta := musicApp(t, func(c *Config) { c.Music.FFmpegPath = "/nonexistent/ffmpeg" })
	_, tok := musicUser(t, ta, usercontracts.RoleArtist)
	res := ta.do(http.MethodGet, "/health", nil)
	assert.Contains(t, string(res.Body), `"transcoding":"unavailable`)
	s := readySong(t, ta, tok, "Raw", "tone.flac", true)
	require.Len(t, s.Renditions, 1)
	assert.Equal(t, "original", s.Renditions[0].Quality)
	// every quality falls back to the original
	for _, q := range []string{"low", "high", "original"} {
		res := ta.do(http.MethodGet, "/api/v1/music/stream/"+s.ID+"?quality="+q, nil, withToken(tok), withHeader("Range", "bytes=0-3"))
		require.Equal(t, http.StatusPartialContent, res.Status)
		assert.Equal(t, "fLaC", string(res.Body))
		assert.Equal(t, "audio/flac", res.Header.Get("Content-Type"))
	}
}
