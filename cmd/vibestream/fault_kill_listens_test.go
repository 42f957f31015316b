package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/musictest"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// kill -9 of `vibestream serve` in the middle of listens (issue 14; withdrawals are covered by
// TestKilledWithWithdrawalsInFlightTheyConfirmOnceAfterRestart, an abandoned session by
// TestListenExpiryJobSurvivesKill9). Twelve funded listeners each hold a session on a
// published song; a third completed before the kill, a third are completing while the process
// is killed, a third have only started. After a restart every session ends by itself or by its
// completion: nothing lost (every qualified session is paid), nothing done twice (one
// stream payment per session), no hold
// left active, and `ledger verify` is green.
func TestFaultKill9DuringListensNothingLostNothingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	t.Parallel()
	musictest.Dir(t)
	bin := testBinary(t)
	dbURL := pgtest.NewURL(t)
	dir, err := os.MkdirTemp("", "vibestream-killlisten-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { os.RemoveAll(dir) })
	dataDir := filepath.Join(dir, "var")
	// jobs the killed process was running are taken back after JOB_RESCUE_AFTER (default
	// JOB_TIMEOUT + 1 min); short here so the test need not wait minutes
	extra := []string{"LISTEN_MIN_DURATION=1s", "LISTEN_SESSION_GRACE=4s", "LISTEN_EXPIRY_INTERVAL=200ms", "LISTEN_START_STALLED_AFTER=2s",
		"JOB_TIMEOUT=15s", "JOB_RESCUE_AFTER=20s"}
	a := startBinary(t, bin, dbURL, dataDir, extra...)

	a.register(t, "kladmin", "listener")
	grantRole := exec.Command(bin, "users", "grant-role", "kladmin@example.com", "admin")
	grantRole.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "DATA_DIR="+dataDir, "CHAINS_ENABLED=false")
	out, err := grantRole.CombinedOutput()
	require.NoError(t, err, string(out))
	var login struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, a.json(t, http.MethodPost, "/api/v1/auth/login", "", map[string]any{"login": "kladmin@example.com", "password": testPassword}, &login))
	admin := login.AccessToken
	artist := a.register(t, "klartist", "artist")
	var song songResp
	require.Equal(t, http.StatusCreated, a.json(t, http.MethodPost, "/api/v1/music/songs", artist, map[string]any{"title": "Kill Tone", "genre": "Ambient"}, &song))
	ct, body := multipartFile(t, "tone.mp3", musictest.Read(t, "tone.mp3"))
	require.Equal(t, http.StatusAccepted, a.call(t, http.MethodPut, "/api/v1/music/songs/"+song.ID+"/audio", artist, ct, body, nil))
	eventually(t, 60*time.Second, func() bool {
		a.call(t, http.MethodGet, "/api/v1/music/songs/"+song.ID, artist, "", nil, &song)
		return song.Status == "ready"
	}, "the song to be ready")
	require.Equal(t, http.StatusOK, a.json(t, http.MethodPatch, "/api/v1/music/songs/"+song.ID, artist, map[string]any{"published": true}, &song))

	const n = 12
	type listener struct {
		id, tok string
		sess    listenSession
	}
	ls := make([]*listener, n)
	for i := range ls {
		tok := a.register(t, "kl"+uuid.NewString()[:8], "listener")
		var me struct {
			ID string `json:"id"`
		}
		require.Equal(t, http.StatusOK, a.call(t, http.MethodGet, "/api/v1/users/me", tok, "", nil, &me))
		var last string
		eventually(t, 30*time.Second, func() bool { // the accounts open asynchronously after registration
			req, err := http.NewRequest(http.MethodPost, a.base+"/api/v1/admin/grants",
				bytes.NewReader([]byte(`{"user_id":"`+me.ID+`","asset":"USD","amount":"1","reason":"kill test"}`)))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+admin)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", uuid.NewString())
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			last = string(raw)
			return res.StatusCode == http.StatusCreated
		}, "grant USD (last answer below)")
		require.NotEmpty(t, last)
		ls[i] = &listener{id: me.ID, tok: tok}
	}
	for _, l := range ls {
		require.Equal(t, http.StatusCreated, a.json(t, http.MethodPost, "/api/v1/listen-sessions", l.tok, map[string]any{"song_id": song.ID}, &l.sess))
		require.False(t, l.sess.PreviewOnly, "a funded listener gets the whole song")
		require.Contains(t, []int{http.StatusOK, http.StatusPartialContent}, a.call(t, http.MethodGet, l.sess.StreamURL, l.tok, "", nil, nil))
	}
	time.Sleep(1200 * time.Millisecond) // the listens last past LISTEN_MIN_DURATION (real time passing, not synchronisation)
	complete := func(p *proc, l *listener) int {
		return p.json(t, http.MethodPost, "/api/v1/listen-sessions/"+l.sess.ID+"/complete", l.tok, map[string]any{"listened_seconds": 2}, nil)
	}
	for _, l := range ls[:n/3] {
		require.Equal(t, http.StatusOK, complete(a, l))
	}
	// a third complete while the process dies
	var wg sync.WaitGroup
	for _, l := range ls[n/3 : 2*n/3] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, a.base+"/api/v1/listen-sessions/"+l.sess.ID+"/complete", bytes.NewReader([]byte(`{"listened_seconds": 2}`)))
			req.Header.Set("Authorization", "Bearer "+l.tok)
			req.Header.Set("Content-Type", "application/json")
			if res, err := http.DefaultClient.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
	_ = a.cmd.Wait()
	wg.Wait()

	b := startBinary(t, bin, dbURL, dataDir, extra...)
	// the last third completes against the new process; the killed completions are retried
	// by their clients (an answer that never came), which must not pay twice
	for _, l := range ls[n/3:] {
		st := complete(b, l)
		require.Contains(t, []int{http.StatusOK, http.StatusConflict}, st, "complete after the restart")
	}
	paid := map[string]bool{}
	seen := map[string]string{}
	defer func() {
		if t.Failed() {
			t.Logf("sessions: %v", seen)
		}
	}()
	eventually(t, 120*time.Second, func() bool {
		done := 0
		for _, l := range ls {
			var s listenSession
			require.Equal(t, http.StatusOK, b.call(t, http.MethodGet, "/api/v1/listen-sessions/"+l.sess.ID, l.tok, "", nil, &s))
			seen[l.sess.ID] = s.Status + "/" + s.EndedBy + fmt.Sprint(s.Reasons)
			if s.Payment != nil {
				seen[l.sess.ID] += "/" + s.Payment.Status
			}
			if s.Status == "rejected" {
				done++
			}
			if s.Status == "qualified" && s.Payment != nil && s.Payment.Status == "paid" {
				paid[l.sess.ID] = true
				done++
			}
		}
		return done == n
	}, "every session decided and every qualified one paid")

	ctx := context.Background()
	pool, err := postgres.Connect(ctx, dbURL, 2)
	require.NoError(t, err)
	defer pool.Close()
	for _, l := range ls {
		var payments int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM payment.stream_payments WHERE session_id = $1`, l.sess.ID).Scan(&payments))
		want := 0
		if paid[l.sess.ID] {
			want = 1
		}
		assert.Equal(t, want, payments, "stream payments of session %s", l.sess.ID)
		var active int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM payment.holds WHERE owner_id = $1 AND status = 'active'`, l.id).Scan(&active))
		assert.Zero(t, active, "no hold left active for listener %s", l.id)
	}
	assert.Equal(t, n, len(paid), "every listen qualified (2 s streamed, 1 s minimum) and was paid once")

	cmd := exec.Command(bin, "ledger", "verify")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "DATA_DIR="+dataDir, "CHAINS_ENABLED=false")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "ledger verify: %s", out)
}
