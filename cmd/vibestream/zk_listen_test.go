package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	listencontracts "github.com/vibestream/vibestream/internal/listenreward/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
)

// qualify publishes listenreward.listen_qualified.v1 as the listen flow does when it
// qualifies a session.
func qualify(t *testing.T, ta *testApp, session, listener, song uuid.UUID, seconds int) {
	t.Helper()
	ctx := context.Background()
	env, err := events.New(ctx, listencontracts.ListenQualifiedV1, listencontracts.Source, listencontracts.ListenQualified{
		SessionID: session, SongID: song, ListenerID: listener, ListenedSeconds: seconds, QualifiedAt: time.Now().UTC(),
		Price: "0.004", PlatformFee: "0.0008", Shareholders: "0", Artist: "0.0032"})
	require.NoError(t, err)
	require.NoError(t, pgx.BeginFunc(ctx, ta.app.pool, func(tx pgx.Tx) error { return ta.app.bus.Publish(ctx, tx, env) }))
}

func waitProof(t *testing.T, ta *testApp, tok string, session uuid.UUID, status int) response {
	t.Helper()
	var res response
	eventually(t, 30*time.Second, func() bool {
		res = ta.do(http.MethodGet, "/api/v1/listen-sessions/"+session.String()+"/proof", nil, withToken(tok))
		return res.Status == status
	}, "the listen proof of "+session.String())
	return res
}

func TestListenProofEndToEnd(t *testing.T) {
	ta := musicApp(t)
	_, artist := registerUser(t, ta, "artist")
	song := readySong(t, ta, artist, "Proof Tone", "tone.mp3", true)
	listenerID, listener := registerUser(t, ta, "listener")
	_, other := registerUser(t, ta, "listener")

	session := uuid.New()
	qualify(t, ta, session, mustUUID(t, listenerID), mustUUID(t, song.ID), 42)
	res := waitProof(t, ta, listener, session, http.StatusOK)
	var p proofBody
	res.JSON(t, &p)
	require.Equal(t, "listen", p.Circuit)
	require.Len(t, p.PublicInputs, 6)
	require.NotNil(t, song.DurationMS)
	wantMin := max(min(30, *song.DurationMS/2000), 1) // the qualification threshold: min(30 s, half the song)
	require.Equal(t, strconv.Itoa(wantMin), p.PublicInputs[4], "min_seconds is the threshold, not the listened seconds")
	require.NotContains(t, string(res.Body), song.ID)
	etag := res.Header.Get("ETag")
	require.NotEmpty(t, etag)
	require.Equal(t, http.StatusNotModified, ta.do(http.MethodGet, "/api/v1/listen-sessions/"+session.String()+"/proof", nil,
		withToken(listener), withHeader("If-None-Match", etag)).Status)
	require.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/listen-sessions/"+session.String()+"/proof", nil, withToken(other)).Status,
		"another user cannot read the proof")

	// Roots are published and the proof's are in the history.
	res = ta.do(http.MethodGet, "/api/v1/zk/roots", nil)
	require.Equal(t, http.StatusOK, res.Status)
	var roots struct {
		Trees []struct {
			Tree          string   `json:"tree"`
			Depth         int      `json:"depth"`
			Root          string   `json:"root"`
			AcceptedRoots []string `json:"accepted_roots"`
		} `json:"trees"`
	}
	res.JSON(t, &roots)
	require.Len(t, roots.Trees, 2)
	require.Equal(t, "catalog", roots.Trees[0].Tree)
	require.Equal(t, 20, roots.Trees[0].Depth)
	require.Contains(t, roots.Trees[0].AcceptedRoots, p.PublicInputs[0])
	require.Equal(t, "users", roots.Trees[1].Tree)
	require.Contains(t, roots.Trees[1].AcceptedRoots, p.PublicInputs[1])
	eventually(t, 10*time.Second, func() bool {
		var identities int
		require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT leaves FROM zk.trees WHERE name = 'users'`).Scan(&identities))
		return identities == 3
	}, "every registered account's identity in the users tree")

	var v verifyBody
	res = ta.verify(map[string]any{"circuit": "listen", "proof": p.Proof, "public_inputs": p.PublicInputs})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &v)
	require.True(t, v.Valid, v.Reasons)
	require.Equal(t, p.VerifyingKeyID, v.KeyID)

	// A root outside the history: 422 with a stable code.
	bad := append([]string(nil), p.PublicInputs...)
	bad[0] = "12345"
	res = ta.verify(map[string]any{"circuit": "listen", "proof": p.Proof, "public_inputs": bad})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
	require.Equal(t, "zk.unknown_root", res.ErrorCode(t))

	// Proving the same session again gives the same proof row (one nullifier per session).
	require.NoError(t, ta.app.listenProofs.ProveListen(context.Background(), session))
	qualify(t, ta, session, mustUUID(t, listenerID), mustUUID(t, song.ID), 42)
	res = waitProof(t, ta, listener, session, http.StatusOK)
	var again proofBody
	res.JSON(t, &again)
	require.Equal(t, p.PublicInputs[2], again.PublicInputs[2])

	// Claimed once; the nullifier is then refused by the claim and by the verifier.
	claim := map[string]any{"proof": p.Proof, "public_inputs": p.PublicInputs}
	res = ta.do(http.MethodPost, "/api/v1/zk/listen-claims", claim, withToken(other))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	res = ta.do(http.MethodPost, "/api/v1/zk/listen-claims", claim, withToken(other))
	require.Equal(t, http.StatusConflict, res.Status, string(res.Body))
	require.Equal(t, "zk.nullifier_used", res.ErrorCode(t))
	res = ta.verify(map[string]any{"circuit": "listen", "proof": p.Proof, "public_inputs": p.PublicInputs})
	require.Equal(t, http.StatusConflict, res.Status, string(res.Body))
	require.Equal(t, "zk.nullifier_used", res.ErrorCode(t))

	// A second listen of the same user: a new nullifier, and the first proof's roots stay accepted.
	session2 := uuid.New()
	qualify(t, ta, session2, mustUUID(t, listenerID), mustUUID(t, song.ID), 31)
	res = waitProof(t, ta, listener, session2, http.StatusOK)
	var p2 proofBody
	res.JSON(t, &p2)
	require.NotEqual(t, p.PublicInputs[2], p2.PublicInputs[2])

	// A listen shorter than the threshold is not proved, with a clear reason.
	short := uuid.New()
	qualify(t, ta, short, mustUUID(t, listenerID), mustUUID(t, song.ID), wantMin-1)
	res = waitProof(t, ta, listener, short, http.StatusUnprocessableEntity)
	require.Equal(t, "listenreward.proof_failed", res.ErrorCode(t))
}

// A qualified listen recorded while no instance works jobs (the process died right after the
// qualification committed) is proved by the next instance on the same database.
func TestListenProofIsMadeAfterARestart(t *testing.T) {
	first := musicApp(t)
	_, artist := registerUser(t, first, "artist")
	song := readySong(t, first, artist, "Restart Tone", "tone.mp3", true)
	listenerID, listener := registerUser(t, first, "listener")

	// Stop the first instance's workers, then qualify: the delivery job waits in Postgres.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first.app.stopBackground(ctx)
	session := uuid.New()
	qualify(t, first, session, mustUUID(t, listenerID), mustUUID(t, song.ID), 40)
	var n int
	require.NoError(t, first.app.pool.QueryRow(ctx, `SELECT count(*) FROM listenreward.listen_proofs`).Scan(&n))
	require.Equal(t, 0, n, "nothing is proved while no instance runs")

	// A new instance on the same database and data directory.
	cfg := first.app.cfg
	second, err := newApp(cfg, first.app.pool, observability.DiscardLogger(), jobs.Options{FetchPollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, second.startBackground(context.Background()))
	srv := httptest.NewServer(second.echo)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		second.stopBackground(ctx)
	})
	ta := &testApp{t: t, app: second, srv: srv}
	res := waitProof(t, ta, listener, session, http.StatusOK)
	var p proofBody
	res.JSON(t, &p)
	res = ta.verify(map[string]any{"circuit": "listen", "proof": p.Proof, "public_inputs": p.PublicInputs})
	var v verifyBody
	res.JSON(t, &v)
	require.True(t, v.Valid, v.Reasons)
}
