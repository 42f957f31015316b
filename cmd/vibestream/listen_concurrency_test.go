package main

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

func sessionsByStatus(t *testing.T, ta *testApp, listenerID string) map[string]int {
	t.Helper()
	rows, err := ta.app.pool.Query(context.Background(), `SELECT status, count(*) FROM listenreward.sessions WHERE listener_id = $1 GROUP BY status`, mustUUID(t, listenerID))
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		require.NoError(t, rows.Scan(&s, &n))
		out[s] = n
	}
	require.NoError(t, rows.Err())
	return out
}

// TestListenFiftyStartsAtOnce: one listener starts 50 sessions at once; at the end exactly one
// is active, every superseded hold is released, and the wallet never went below zero (the
// listener can afford 25 holds at most).
func TestListenFiftyStartsAtOnce(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock)
	_, artistTok := registerUser(t, ta, "artist")
	listenerID, tok := registerUser(t, ta, "listener")
	song := listenSong(t, ta, artistTok)
	fund(t, ta, listenerID, money.USD, "0.100000")
	lid := mustUUID(t, listenerID)

	var wg sync.WaitGroup
	statuses := make([]int, 50)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := ta.do(http.MethodPost, "/api/v1/listen-sessions", map[string]any{"song_id": song.ID}, withToken(tok))
			statuses[i] = res.Status
			if res.Status == http.StatusConflict {
				assert.Equal(t, "listenreward.session_superseded", res.ErrorCode(t))
			}
		}()
	}
	wg.Wait()
	for _, s := range statuses {
		assert.Contains(t, []int{http.StatusCreated, http.StatusConflict}, s)
	}
	st := sessionsByStatus(t, ta, listenerID)
	assert.Equal(t, 1, st["active"], "%v", st)
	assert.Zero(t, st["pending"])
	assert.Equal(t, 49, st["rejected"], "%v", st)
	eventually(t, 20*time.Second, func() bool {
		return balance(t, ta, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld)) <= 4_000
	}, "every superseded hold released")
	held := balance(t, ta, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld))
	wallet := balance(t, ta, paymentcontracts.Wallet(lid, money.USD))
	assert.EqualValues(t, 100_000, held+wallet, "nothing lost")
	assert.GreaterOrEqual(t, wallet, int64(0))
	var active struct {
		Preview bool
	}
	require.NoError(t, ta.app.pool.QueryRow(context.Background(),
		`SELECT preview_only FROM listenreward.sessions WHERE listener_id = $1 AND status = 'active'`, lid).Scan(&active.Preview))
	if active.Preview {
		assert.Zero(t, held)
	} else {
		assert.EqualValues(t, 4_000, held, "only the active session holds its price")
	}
	ledgerOK(t, ta)
}

// TestListenTwoHundredListenersCompleteAtOnce: 200 listeners complete listens of one song at
// once; each is paid exactly once and the artist's earnings are the sum of the artist parts.
func TestListenTwoHundredListenersCompleteAtOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("200 listeners")
	}
	clock := &listenClock{}
	ta := listenApp(t, clock, func(c *Config) { c.Listen.Policy.MaxPerIPSongHour = 10_000 })
	artistID, artistTok := registerUser(t, ta, "artist")
	song := listenSong(t, ta, artistTok)
	bps := bytesPerSecond(song)
	fundRewardPool(t, ta, "1000")
	const n = 200
	type listener struct{ id, tok, session, url string }
	ls := make([]listener, n)
	parallel := func(fn func(i int)) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 25)
		for i := range ls {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				fn(i)
			}()
		}
		wg.Wait()
	}
	parallel(func(i int) {
		ls[i].id, ls[i].tok = registerUser(t, ta, "listener")
		fund(t, ta, ls[i].id, money.USD, "0.010000")
		s := startListen(t, ta, ls[i].tok, song.ID)
		require.False(t, s.PreviewOnly)
		ls[i].session, ls[i].url = s.ID, s.StreamURL
		streamBytes(t, ta, ls[i].tok, s.StreamURL, 25*bps)
	})
	clock.Advance(25 * time.Second)
	var wg sync.WaitGroup
	for i := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, s := completeListen(t, ta, ls[i].tok, ls[i].session, 24)
			assert.Equal(t, http.StatusOK, res.Status, string(res.Body))
			assert.Equal(t, "qualified", s.Status, "%v", s.Reasons)
		}()
	}
	wg.Wait()
	aid := mustUUID(t, artistID)
	eventually(t, 60*time.Second, func() bool {
		var paid int
		require.NoError(t, ta.app.pool.QueryRow(context.Background(),
			`SELECT count(*) FROM listenreward.sessions WHERE song_id = $1 AND payment_status = 'paid'`, mustUUID(t, song.ID)).Scan(&paid))
		return paid == n
	}, "every listen paid")
	assert.EqualValues(t, n*3_400, balance(t, ta, paymentcontracts.UserAccount(aid, money.USD, paymentcontracts.KindEarnings)))
	var entries int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM payment.journal_entries WHERE reason = 'stream_payment' OR idempotency_key LIKE 'stream_paid:%'`).Scan(&entries))
	assert.Equal(t, n, entries, "one split entry per listen")
	for _, l := range ls[:10] {
		lid := mustUUID(t, l.id)
		assert.EqualValues(t, 6_000, balance(t, ta, paymentcontracts.Wallet(lid, money.USD)))
		assert.Zero(t, balance(t, ta, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld)))
	}
	ledgerOK(t, ta)
}
