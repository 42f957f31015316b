package main

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// redelivery is a delivery job of the event bus, inserted by hand: exactly what River runs again
// when a process dies after a subscriber's work committed but before its job was marked done.
type redelivery struct {
	EventID    uuid.UUID `json:"event_id"`
	Subscriber string    `json:"subscriber"`
}

func (redelivery) Kind() string { return "event_delivery" }

// sharedKey makes every run of the application sign tokens with one key (a restart keeps its
// data directory's key; each test app has its own directory).
func sharedKey(t *testing.T) func(*Config) {
	path := filepath.Join(t.TempDir(), "jwt.key")
	return func(c *Config) { c.User.JWTKeyFile, c.User.JWTKeyGenerate = path, true }
}

func sessionEvents(t *testing.T, ta *testApp, sessionID string) map[string]uuid.UUID {
	t.Helper()
	rows, err := ta.app.pool.Query(context.Background(), `SELECT type, id FROM platform.events WHERE payload->>'session_id' = $1`, sessionID)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]uuid.UUID{}
	for rows.Next() {
		var typ string
		var id uuid.UUID
		require.NoError(t, rows.Scan(&typ, &id))
		out[typ] = id
	}
	require.NoError(t, rows.Err())
	return out
}

func pendingDeliveries(t *testing.T, ta *testApp) int {
	t.Helper()
	var n int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM river_job WHERE kind = 'event_delivery' AND state NOT IN ('completed', 'discarded', 'cancelled')`).Scan(&n))
	return n
}

// TestListenFlowSurvivesCrashes: the process dies right after a listen qualifies (nothing after
// the commit runs); a new process pays and rewards it. Then every step is delivered again, as
// after a crash between any step's commit and its acknowledgement: nothing is paid or rewarded
// twice and the ledger stays balanced.
func TestListenFlowSurvivesCrashes(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	url := pgtest.NewURL(t)
	key := sharedKey(t)
	ta := listenAppOn(t, url, clock, key)
	artistID, artistTok := registerUser(t, ta, "artist")
	listenerID, tok := registerUser(t, ta, "listener")
	song := listenSong(t, ta, artistTok)
	bps := bytesPerSecond(song)
	fund(t, ta, listenerID, money.USD, "1.000000")
	fundRewardPool(t, ta, "1000")
	lid, aid := mustUUID(t, listenerID), mustUUID(t, artistID)
	s := startListen(t, ta, tok, song.ID)
	streamBytes(t, ta, tok, s.StreamURL, 30*bps)
	clock.Advance(30 * time.Second)

	ta.stopBackground() // the process dies: from here on only committed work survives
	res, done := completeListen(t, ta, tok, s.ID, 29)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	require.Equal(t, "qualified", done.Status)
	assert.Equal(t, "pending", done.Payment.Status)
	assert.EqualValues(t, 4_000, balance(t, ta, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld)), "not paid yet")
	assert.Zero(t, balance(t, ta, paymentcontracts.UserAccount(aid, money.USD, paymentcontracts.KindEarnings)))

	tb := listenAppOn(t, url, clock, key) // the restart
	eventually(t, 20*time.Second, func() bool {
		g := getListen(t, tb, tok, s.ID)
		return g.Payment.Status == "paid" && g.Reward != nil && g.Reward.Status == "accrued"
	}, "the restarted process pays and rewards the listen")
	pool := balance(t, tb, paymentcontracts.System(paymentcontracts.KindRewardPool, money.VIBE))

	// Deliver every event of the listen to every subscriber of its type once more.
	evs := sessionEvents(t, tb, s.ID)
	require.Contains(t, evs, "listenreward.listen_qualified.v1")
	require.Contains(t, evs, "payment.stream_paid.v1")
	var params []river.InsertManyParams
	for _, sub := range []struct{ typ, name string }{
		{"listenreward.listen_qualified.v1", "orchestrator.pay_qualified_listen"},
		{"payment.stream_paid.v1", "orchestrator.reward_paid_listen"},
	} {
		params = append(params, river.InsertManyParams{Args: redelivery{EventID: evs[sub.typ], Subscriber: sub.name},
			InsertOpts: &river.InsertOpts{Queue: jobs.QueueEvents}})
	}
	require.NoError(t, tb.app.runner.Insert(context.Background(), params...))
	eventually(t, 20*time.Second, func() bool { return pendingDeliveries(t, tb) == 0 }, "the redeliveries run")
	var failed int
	require.NoError(t, tb.app.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM river_job WHERE kind = 'event_delivery' AND cardinality(errors) > 0`).Scan(&failed))
	assert.Zero(t, failed, "a redelivery is harmless, not an error")

	assert.EqualValues(t, 3_400, balance(t, tb, paymentcontracts.UserAccount(aid, money.USD, paymentcontracts.KindEarnings)), "paid once")
	assert.EqualValues(t, 996_000, balance(t, tb, paymentcontracts.Wallet(lid, money.USD)))
	assert.Zero(t, balance(t, tb, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld)))
	assert.EqualValues(t, 1_000_000_000, balance(t, tb, paymentcontracts.UserAccount(lid, money.VIBE, paymentcontracts.KindRewards)), "rewarded once")
	assert.Equal(t, pool, balance(t, tb, paymentcontracts.System(paymentcontracts.KindRewardPool, money.VIBE)))
	var paidEvents int
	require.NoError(t, tb.app.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM platform.events WHERE type = 'payment.stream_paid.v1' AND payload->>'session_id' = $1`, s.ID).Scan(&paidEvents))
	assert.Equal(t, 1, paidEvents, "a replayed payment publishes nothing")
	ledgerOK(t, tb)
}

// TestListenInterruptedStartsLeaveNoHold: a process that died after writing a session row and
// before recording its hold (with the hold made, or not) leaves a starting session; the job
// finds it, asks for the hold again with the same key (the ledger answers the first one) and
// releases it.
func TestListenInterruptedStartsLeaveNoHold(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock)
	_, artistTok := registerUser(t, ta, "artist")
	listenerID, _ := registerUser(t, ta, "listener")
	song := listenSong(t, ta, artistTok)
	artist := mustUUID(t, getSong(t, ta, artistTok, song.ID).ArtistID)
	fund(t, ta, listenerID, money.USD, "1.000000")
	lid := mustUUID(t, listenerID)
	var artistUser uuid.UUID
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT user_id FROM music.artists WHERE id = $1`, artist).Scan(&artistUser))
	ctx := context.Background()
	_, err := ta.app.pool.Exec(ctx, `INSERT INTO listenreward.listeners (id) VALUES ($1)`, lid)
	require.NoError(t, err)
	started := clock.Now().Add(-5 * time.Minute)
	withHold, withoutHold := uuid.New(), uuid.New()
	for _, id := range []uuid.UUID{withHold, withoutHold} {
		_, err := ta.app.pool.Exec(ctx, `INSERT INTO listenreward.sessions (id, listener_id, song_id, artist_user_id, duration_ms, price,
			client_ip, quality, status, started_at, expires_at) VALUES ($1, $2, $3, $4, 40000, 4000, '127.0.0.1', '', 'pending', $5, $6)`,
			id, lid, mustUUID(t, song.ID), artistUser, started, started.Add(6*time.Minute))
		require.NoError(t, err)
	}
	// The first process got as far as the hold (the same request the start makes).
	_, err = ta.app.payment.Ledger().Hold(ctx, paymentcontracts.HoldRequest{IdempotencyKey: "listen-hold:" + withHold.String(), Owner: lid,
		Amount: money.MustNew(money.USD, 4_000), Details: paymentcontracts.Details{Reason: "stream_hold",
			Metadata: map[string]string{"session_id": withHold.String(), "song_id": song.ID}}})
	require.NoError(t, err)
	assert.EqualValues(t, 4_000, balance(t, ta, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld)))

	res, err := ta.app.listen.ExpireDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Recovered)
	eventually(t, 20*time.Second, func() bool {
		return balance(t, ta, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld)) == 0
	}, "both holds released")
	assert.EqualValues(t, 1_000_000, balance(t, ta, paymentcontracts.Wallet(lid, money.USD)))
	for _, id := range []uuid.UUID{withHold, withoutHold} {
		var status string
		var reasons []string
		var starting bool
		require.NoError(t, ta.app.pool.QueryRow(ctx, `SELECT status, reasons, starting FROM listenreward.sessions WHERE id = $1`, id).Scan(&status, &reasons, &starting))
		assert.Equal(t, "rejected", status)
		assert.Equal(t, []string{"start_interrupted"}, reasons)
		assert.False(t, starting)
	}
	res, err = ta.app.listen.ExpireDue(ctx)
	require.NoError(t, err)
	assert.Zero(t, res.Recovered, "settled once")
	ledgerOK(t, ta)
}

// TestListenExpiryJobKeepsRunning: sessions nobody completes are decided by the periodic job
// from what the server observed (paid when that qualifies), after its first run, and by a
// restarted process.
func TestListenExpiryJobKeepsRunning(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	url := pgtest.NewURL(t)
	fast := func(c *Config) { c.Listen.ExpireEvery = 100 * time.Millisecond }
	key := sharedKey(t)
	ta := listenAppOn(t, url, clock, fast, key)
	artistID, artistTok := registerUser(t, ta, "artist")
	song := listenSong(t, ta, artistTok)
	bps := bytesPerSecond(song)
	aid := mustUUID(t, artistID)
	abandon := func(ta *testApp, secs int64) (listenSession, string) {
		id, tok := registerUser(t, ta, "listener")
		fund(t, ta, id, money.USD, "1.000000")
		s := startListen(t, ta, tok, song.ID)
		streamBytes(t, ta, tok, s.StreamURL, secs*bps)
		return s, tok
	}
	first, tok1 := abandon(ta, 30)
	short, tokShort := abandon(ta, 5)
	clock.Advance(6 * time.Minute) // past song length + grace
	eventually(t, 20*time.Second, func() bool {
		a, b := getListen(t, ta, tok1, first.ID), getListen(t, ta, tokShort, short.ID)
		return a.Status == "qualified" && a.Payment.Status == "paid" && b.Status == "rejected"
	}, "the job decides both from what was served")
	assert.Equal(t, "expired", getListen(t, ta, tok1, first.ID).EndedBy)
	assert.Equal(t, []string{"listen_too_short"}, getListen(t, ta, tokShort, short.ID).Reasons)

	second, tok2 := abandon(ta, 30)
	clock.Advance(6 * time.Minute)
	eventually(t, 20*time.Second, func() bool { return getListen(t, ta, tok2, second.ID).Status == "qualified" },
		"the job runs again after its first run")

	third, tok3 := abandon(ta, 30)
	ta.stopBackground()
	tb := listenAppOn(t, url, clock, fast, key)
	clock.Advance(6 * time.Minute)
	eventually(t, 20*time.Second, func() bool { return getListen(t, tb, tok3, third.ID).Status == "qualified" },
		"a restarted process runs the job")
	eventually(t, 20*time.Second, func() bool {
		return balance(t, tb, paymentcontracts.UserAccount(aid, money.USD, paymentcontracts.KindEarnings)) == 3*3_400
	}, "three listens paid")
	ledgerOK(t, tb)
}
