package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/musictest"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// startOnTinyDisk runs the binary in its own mount namespace (unshare) with a tmpfs of size bytes mounted over its media
// directory: a real filesystem that fills up and answers ENOSPC. It skips where mounting is
// not possible. The tmpfs is visible from outside through /proc/<pid>/root.
func startOnTinyDisk(t *testing.T, bin, dbURL, dataDir string, size int64) (*proc, string) {
	t.Helper()
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare is not installed")
	}
	media := filepath.Join(dataDir, "media")
	require.NoError(t, os.MkdirAll(media, 0o755))
	// as root a private mount namespace is enough; otherwise a user namespace too (where the
	// server then cannot reach a Postgres socket owned by another user)
	flags := "-m"
	if os.Geteuid() != 0 {
		flags = "-rm"
	}
	mount := `mount -t tmpfs -o size=` + strconv.FormatInt(size, 10) + ` tmpfs "$MEDIA_DIR"`
	probe := exec.Command("unshare", flags, "sh", "-c", mount)
	probe.Env = append(os.Environ(), "MEDIA_DIR="+media)
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs in a user namespace here: %v %s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command("unshare", flags, "sh", "-c", mount+` && exec "$0" serve`, bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "DATA_DIR="+dataDir, "MEDIA_DIR="+media, "HTTP_ADDR="+addr,
		"CHAINS_ENABLED=false", "PASSWORD_ARGON2_MEMORY_KIB=8192", "PASSWORD_ARGON2_TIME=1", "LOG_LEVEL=warn")
	logs := &syncBuffer{}
	cmd.Stderr, cmd.Stdout = logs, logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server logs:\n%s", logs.String())
		}
	})
	p := &proc{cmd: cmd, base: "http://" + addr}
	eventually(t, 60*time.Second, func() bool {
		res, err := http.Get(p.base + "/health/ready")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, "the binary to become ready")
	return p, filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "root", media)
}

func multipartFile(t *testing.T, name string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	require.NoError(t, err)
	_, err = fw.Write(content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), &buf
}

// Disk full for media uploads (issue 14): the media directory is a 1 MiB tmpfs and a 3.5 MB
// WAV is uploaded. The answer is 503 music.storage_full in the one error shape, the song stays
// a draft with no audio (nothing processing, nothing ready), no staged file is left taking
// the space, and a small upload afterwards succeeds and becomes ready: the server recovered
// without a restart.
func TestFaultDiskFullUploadIsRefusedCleanlyAndLeavesNoPartialSong(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	musictest.Dir(t)
	bin := testBinary(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.wav")
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=20",
		"-ac", "2", big).CombinedOutput()
	require.NoError(t, err, string(out))
	wav, err := os.ReadFile(big)
	require.NoError(t, err)
	require.Greater(t, len(wav), 3<<20)

	p, media := startOnTinyDisk(t, bin, pgtest.NewURL(t), filepath.Join(dir, "var"), 1<<20)
	artist := p.register(t, "diskartist", "artist")
	var song songResp
	require.Equal(t, http.StatusCreated, p.json(t, http.MethodPost, "/api/v1/music/songs", artist, map[string]any{"title": "Too Big", "genre": "Ambient"}, &song))

	ct, body := multipartFile(t, "big.wav", wav)
	req, err := http.NewRequest(http.MethodPut, p.base+"/api/v1/music/songs/"+song.ID+"/audio", body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+artist)
	req.Header.Set("Content-Type", ct)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, string(raw))
	assert.Empty(t, errorShapeProblem(res.Header.Get("Content-Type"), raw))
	assert.Contains(t, string(raw), `"music.storage_full"`)

	var got songResp
	require.Equal(t, http.StatusOK, p.call(t, http.MethodGet, "/api/v1/music/songs/"+song.ID, artist, "", nil, &got))
	assert.Equal(t, "draft", got.Status, "the song is as it was: no audio, not processing, not ready")
	staged, err := os.ReadDir(filepath.Join(media, "staging"))
	require.NoError(t, err, "the tmpfs is visible through /proc/<pid>/root")
	assert.Empty(t, staged, "the partial upload was removed")

	// space is back: a small upload goes through to ready
	var small songResp
	require.Equal(t, http.StatusCreated, p.json(t, http.MethodPost, "/api/v1/music/songs", artist, map[string]any{"title": "Fits", "genre": "Ambient"}, &small))
	ct, body = multipartFile(t, "tone.mp3", musictest.Read(t, "tone.mp3"))
	require.Equal(t, http.StatusAccepted, p.call(t, http.MethodPut, "/api/v1/music/songs/"+small.ID+"/audio", artist, ct, body, nil))
	eventually(t, 60*time.Second, func() bool {
		p.call(t, http.MethodGet, "/api/v1/music/songs/"+small.ID, artist, "", nil, &small)
		require.NotEqual(t, "failed", small.Status)
		return small.Status == "ready"
	}, "the small song to be ready")
}

// syncBuffer collects a child's output for the failure log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
