package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/musictest"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// proc is the vibestream binary serving on a free loopback port.
type proc struct {
	cmd  *exec.Cmd
	base string
}

// startBinary runs `vibestream serve` with the test settings plus extra KEY=value settings
// (later ones win).
func startBinary(t *testing.T, bin, dbURL, dataDir string, extra ...string) *proc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "DATA_DIR="+dataDir, "HTTP_ADDR="+addr, "CHAINS_ENABLED=false",
		"LISTEN_SESSION_GRACE=8s", "LISTEN_EXPIRY_INTERVAL=200ms", "PASSWORD_ARGON2_MEMORY_KIB=8192", "PASSWORD_ARGON2_TIME=1",
		"LOG_LEVEL=warn", "PUBLIC_URL=http://127.0.0.1:3000")
	cmd.Env = append(cmd.Env, extra...)
	cmd.Stderr, cmd.Stdout = io.Discard, io.Discard
	require.NoError(t, cmd.Start())
	p := &proc{cmd: cmd, base: "http://" + addr}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	eventually(t, 60*time.Second, func() bool {
		res, err := http.Get(p.base + "/health/ready")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, "the binary to become ready")
	return p
}

func (p *proc) call(t *testing.T, method, path, tok, contentType string, body io.Reader, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, p.base+path, body)
	require.NoError(t, err)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	if out != nil && res.StatusCode < 300 && len(raw) > 0 && raw[0] == '{' {
		require.NoError(t, json.Unmarshal(raw, out), string(raw))
	}
	return res.StatusCode
}

func (p *proc) json(t *testing.T, method, path, tok string, in, out any) int {
	t.Helper()
	raw, err := json.Marshal(in)
	require.NoError(t, err)
	return p.call(t, method, path, tok, "application/json", bytes.NewReader(raw), out)
}

func (p *proc) register(t *testing.T, name, role string) string {
	t.Helper()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusCreated, p.json(t, http.MethodPost, "/api/v1/auth/register", "", map[string]any{
		"email": name + "@example.com", "username": name, "password": testPassword, "display_name": name, "role": role}, &body))
	return body.AccessToken
}

// TestListenExpiryJobSurvivesKill9: a session nobody completes is decided by the expiry job of
// the process that replaces one killed with SIGKILL (no graceful shutdown: its job leadership
// and any running job are simply abandoned).
func TestListenExpiryJobSurvivesKill9(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	musictest.Dir(t)
	dir, err := os.MkdirTemp("", "vibestream-kill-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "vibestream")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	dbURL, dataDir := pgtest.NewURL(t), filepath.Join(dir, "var")

	a := startBinary(t, bin, dbURL, dataDir)
	artist := a.register(t, "killartist", "artist")
	listener := a.register(t, "killlistener", "listener")
	var song songResp
	require.Equal(t, http.StatusCreated, a.json(t, http.MethodPost, "/api/v1/music/songs", artist, map[string]any{"title": "Two Seconds", "genre": "Ambient"}, &song))
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "tone.mp3")
	require.NoError(t, err)
	_, _ = fw.Write(musictest.Read(t, "tone.mp3"))
	require.NoError(t, mw.Close())
	require.Equal(t, http.StatusAccepted, a.call(t, http.MethodPut, "/api/v1/music/songs/"+song.ID+"/audio", artist, mw.FormDataContentType(), &buf, nil))
	eventually(t, 60*time.Second, func() bool {
		a.call(t, http.MethodGet, "/api/v1/music/songs/"+song.ID, artist, "", nil, &song)
		return song.Status == "ready"
	}, "the song to be ready")
	require.Equal(t, http.StatusOK, a.json(t, http.MethodPatch, "/api/v1/music/songs/"+song.ID, artist, map[string]any{"published": true}, &song))

	var s listenSession
	require.Equal(t, http.StatusCreated, a.json(t, http.MethodPost, "/api/v1/listen-sessions", listener, map[string]any{"song_id": song.ID}, &s))
	require.True(t, s.PreviewOnly, "a listener without money gets a preview")
	require.Contains(t, []int{http.StatusOK, http.StatusPartialContent}, a.call(t, http.MethodGet, s.StreamURL, listener, "", nil, nil))

	require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
	_, _ = a.cmd.Process.Wait()
	pool, err := postgres.Connect(context.Background(), dbURL, 2)
	require.NoError(t, err)
	defer pool.Close()
	var status string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT status FROM listenreward.sessions WHERE id = $1`, s.ID).Scan(&status))
	require.Equal(t, "active", status, "killed before the session expired (song 2 s + grace 8 s)")
	b := startBinary(t, bin, dbURL, dataDir)
	var last string
	defer func() {
		if !t.Failed() {
			return
		}
		var st, exp string
		_ = pool.QueryRow(context.Background(), `SELECT status, expires_at::text FROM listenreward.sessions WHERE id = $1`, s.ID).Scan(&st, &exp)
		t.Logf("session %s expires %s", st, exp)
		rows, _ := pool.Query(context.Background(), `SELECT kind, state, attempt, coalesce(errors::text,''), created_at::text FROM river_job WHERE kind LIKE 'listenreward%' ORDER BY id DESC LIMIT 5`)
		for rows.Next() {
			var k, stt, e, c string
			var at int
			_ = rows.Scan(&k, &stt, &at, &e, &c)
			t.Logf("job %s %s %d %s %s", k, stt, at, e, c)
		}
		rows.Close()
		var n int
		_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM river_leader`).Scan(&n)
		t.Logf("leaders %d; last GET %s", n, last)
	}()
	eventually(t, 45*time.Second, func() bool {
		var g listenSession
		code := b.call(t, http.MethodGet, "/api/v1/listen-sessions/"+s.ID, listener, "", nil, &g)
		last = fmt.Sprintf("%d %+v", code, g)
		return g.Status == "rejected" && g.EndedBy == "expired"
	}, "the replacement process's job to decide the abandoned session")
}
