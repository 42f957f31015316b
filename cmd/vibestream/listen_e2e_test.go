package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/musictest"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// listenClock is the listen-reward context's clock in these tests: real time plus whatever the
// test skipped ahead, so the rules run on 30-second listens without waiting 30 seconds.
type listenClock struct{ skew atomic.Int64 }

func (c *listenClock) Now() time.Time          { return time.Now().Add(time.Duration(c.skew.Load())) }
func (c *listenClock) Advance(d time.Duration) { c.skew.Add(int64(d)) }

func listenApp(t *testing.T, clock *listenClock, mutate ...func(*Config)) *testApp {
	t.Helper()
	return listenAppOn(t, pgtest.NewURL(t), clock, mutate...)
}

// listenAppOn starts the application on an existing database (several runs share it).
func listenAppOn(t *testing.T, url string, clock *listenClock, mutate ...func(*Config)) *testApp {
	t.Helper()
	musictest.Dir(t) // skips without ffmpeg
	return newTestAppOn(t, url, append([]func(*Config){func(c *Config) {
		c.Music.TranscodeRetryDelay = 20 * time.Millisecond
		c.Listen.Clock = clock.Now
		c.Listen.PlatformFeeBPS = 1_500
		c.User.Argon2MemoryKiB, c.User.Argon2Time = 8*1024, 1
	}}, mutate...)...)
}

var (
	toneOnce sync.Once
	toneDir  string
	toneErr  error
)

// longTone makes a 40-second mp3 once per test binary (the shared test tones last 2 s).
func longTone(t *testing.T) string {
	t.Helper()
	musictest.Dir(t) // skips without ffmpeg
	toneOnce.Do(func() {
		if toneDir, toneErr = os.MkdirTemp("", "vibestream-listen-"); toneErr != nil {
			return
		}
		out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=22050:duration=40",
			"-ac", "1", "-b:a", "64k", filepath.Join(toneDir, "tone40.mp3")).CombinedOutput()
		if err != nil {
			toneErr = fmt.Errorf("ffmpeg: %v: %s", err, out)
		}
	})
	require.NoError(t, toneErr)
	return filepath.Join(toneDir, "tone40.mp3")
}

// listenSong uploads the 40-second tone as a published song of the artist.
func listenSong(t *testing.T, ta *testApp, artistTok string) songResp {
	t.Helper()
	data, err := os.ReadFile(longTone(t))
	require.NoError(t, err)
	s := createSong(t, ta, artistTok, "Forty Seconds")
	res := uploadMultipart(t, ta, artistTok, s.ID, "tone40.mp3", data)
	require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
	s = waitStatus(t, ta, artistTok, s.ID, "ready", "failed")
	require.Equal(t, "ready", s.Status, s.FailureReason)
	res = ta.do(http.MethodPatch, "/api/v1/music/songs/"+s.ID, map[string]any{"published": true}, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &s)
	return s
}

// fund credits a user's wallet from the treasury (as a top-up or a grant would).
func fund(t *testing.T, ta *testApp, userID string, asset money.Asset, amount string) {
	t.Helper()
	a, err := money.Parse(asset, amount)
	require.NoError(t, err)
	require.NoError(t, ta.app.payment.Ledger().OpenUserAccounts(context.Background(), mustUUID(t, userID)))
	_, err = ta.app.payment.Ledger().Transfer(context.Background(), paymentcontracts.TransferRequest{IdempotencyKey: "test-fund:" + uuid.NewString(),
		From: paymentcontracts.System(paymentcontracts.KindTreasury, asset), To: []paymentcontracts.Credit{{To: paymentcontracts.Wallet(mustUUID(t, userID), asset), Amount: a}},
		Details: paymentcontracts.Details{Reason: "test_funding"}})
	require.NoError(t, err)
}

// fundRewardPool credits the VIBE reward pool from the treasury (as a mint does).
func fundRewardPool(t *testing.T, ta *testApp, amount string) {
	t.Helper()
	a, err := money.Parse(money.VIBE, amount)
	require.NoError(t, err)
	_, err = ta.app.payment.Ledger().Transfer(context.Background(), paymentcontracts.TransferRequest{IdempotencyKey: "test-pool:" + uuid.NewString(),
		From:    paymentcontracts.System(paymentcontracts.KindTreasury, money.VIBE),
		To:      []paymentcontracts.Credit{{To: paymentcontracts.System(paymentcontracts.KindRewardPool, money.VIBE), Amount: a}},
		Details: paymentcontracts.Details{Reason: "test_funding"}})
	require.NoError(t, err)
}

func balance(t *testing.T, ta *testApp, ref paymentcontracts.AccountRef) int64 {
	t.Helper()
	b, err := ta.app.payment.Ledger().Balance(context.Background(), ref)
	require.NoError(t, err)
	return b.Units()
}

type listenPayment struct {
	Price        string `json:"price"`
	PlatformFee  string `json:"platform_fee"`
	Shareholders string `json:"shareholders"`
	Artist       string `json:"artist"`
	Status       string `json:"status"`
}

type listenSession struct {
	ID                    string         `json:"id"`
	SongID                string         `json:"song_id"`
	Status                string         `json:"status"`
	Price                 string         `json:"price"`
	PreviewOnly           bool           `json:"preview_only"`
	StreamURL             string         `json:"stream_url"`
	MaxBytes              int64          `json:"max_bytes"`
	QualifiesAfterSeconds int            `json:"qualifies_after_seconds"`
	Reasons               []string       `json:"reasons"`
	EndedBy               string         `json:"ended_by"`
	Payment               *listenPayment `json:"payment"`
	Reward                *struct {
		Amount string `json:"amount"`
		Status string `json:"status"`
	} `json:"reward"`
}

func startListen(t *testing.T, ta *testApp, tok, songID string) listenSession {
	t.Helper()
	res := ta.do(http.MethodPost, "/api/v1/listen-sessions", map[string]any{"song_id": songID}, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var s listenSession
	res.JSON(t, &s)
	return s
}

// streamBytes fetches the first n bytes of a session's stream link with the listener's token
// and returns how many arrived.
func streamBytes(t *testing.T, ta *testApp, tok, url string, n int64) int64 {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ta.srv.URL+url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Range", fmt.Sprintf("bytes=0-%d", n-1))
	res, err := ta.srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Contains(t, []int{http.StatusOK, http.StatusPartialContent}, res.StatusCode)
	got, err := io.Copy(io.Discard, res.Body)
	require.NoError(t, err)
	return got
}

func completeListen(t *testing.T, ta *testApp, tok, id string, secs any) (response, listenSession) {
	t.Helper()
	res := ta.do(http.MethodPost, "/api/v1/listen-sessions/"+id+"/complete", map[string]any{"listened_seconds": secs}, withToken(tok))
	var s listenSession
	if res.Status == http.StatusOK {
		res.JSON(t, &s)
	}
	return res, s
}

func getListen(t *testing.T, ta *testApp, tok, id string) listenSession {
	t.Helper()
	res := ta.do(http.MethodGet, "/api/v1/listen-sessions/"+id, nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var s listenSession
	res.JSON(t, &s)
	return s
}

// bytesPerSecond is the rendition's average rate, read from the song.
func bytesPerSecond(s songResp) int64 {
	for _, r := range s.Renditions {
		if r.Quality == "high" && s.DurationMS != nil {
			return r.SizeBytes * 1000 / int64(*s.DurationMS)
		}
	}
	for _, r := range s.Renditions {
		if s.DurationMS != nil {
			return r.SizeBytes * 1000 / int64(*s.DurationMS)
		}
	}
	return 0
}

func ledgerOK(t *testing.T, ta *testApp) {
	t.Helper()
	rep, err := ta.app.payment.Verify(context.Background())
	require.NoError(t, err)
	require.True(t, rep.OK(), "ledger verify: %v", rep.Problems)
}

// TestListenEndToEnd plays the whole economy over HTTP with a real stream: start (the price is
// held), stream the qualifying bytes, complete; the artist is paid the split, the listener's
// reward is claimable and claimed; a lying client, a preview and bad input are refused.
func TestListenEndToEnd(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock)
	artistID, artistTok := registerUser(t, ta, "artist")
	listenerID, tok := registerUser(t, ta, "listener")
	song := listenSong(t, ta, artistTok)
	bps := bytesPerSecond(song)
	require.Positive(t, bps)
	fund(t, ta, listenerID, money.USD, "1.000000")
	fundRewardPool(t, ta, "1000")
	lid := mustUUID(t, listenerID)

	s := startListen(t, ta, tok, song.ID)
	assert.Equal(t, "active", s.Status)
	assert.False(t, s.PreviewOnly)
	assert.Equal(t, "0.004000", s.Price)
	assert.InDelta(t, 20, s.QualifiesAfterSeconds, 1, "min(30 s, half of 40 s)")
	assert.EqualValues(t, 996_000, balance(t, ta, paymentcontracts.Wallet(lid, money.USD)), "the price is held at once")
	assert.EqualValues(t, 4_000, balance(t, ta, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld)))

	// Another user's token with this session's link is refused.
	_, otherTok := registerUser(t, ta, "listener")
	req, _ := http.NewRequest(http.MethodGet, ta.srv.URL+s.StreamURL, nil)
	req.Header.Set("Authorization", "Bearer "+otherTok)
	res0, err := ta.srv.Client().Do(req)
	require.NoError(t, err)
	res0.Body.Close()
	assert.Equal(t, http.StatusForbidden, res0.StatusCode)
	// ... and another user cannot see or complete the session.
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/listen-sessions/"+s.ID, nil, withToken(otherTok)).Status)
	r, _ := completeListen(t, ta, otherTok, s.ID, 30)
	assert.Equal(t, http.StatusNotFound, r.Status)

	// Bad seconds: 422, nothing changes.
	for _, bad := range []any{-1, "thirty", 1e9, 12.5} {
		r, _ := completeListen(t, ta, tok, s.ID, bad)
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "%v: %s", bad, r.Body)
		assert.Equal(t, "listenreward.invalid_seconds", r.ErrorCode(t))
	}
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodPost, "/api/v1/listen-sessions/"+uuid.NewString()+"/complete",
		map[string]any{"listened_seconds": 30}, withToken(tok)).Status)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/listen-sessions/not-a-uuid", nil, withToken(tok)).Status)

	res := ta.do(http.MethodPost, "/api/v1/listen-sessions/"+s.ID+"/heartbeat", map[string]any{"position_seconds": 12}, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res = ta.do(http.MethodPost, "/api/v1/listen-sessions/"+s.ID+"/heartbeat", map[string]any{"position_seconds": "12"}, withToken(tok))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)

	got := streamBytes(t, ta, tok, s.StreamURL, 32*bps)
	require.EqualValues(t, 32*bps, got)
	clock.Advance(31 * time.Second)
	r, done := completeListen(t, ta, tok, s.ID, 31)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "qualified", done.Status, "reasons %v", done.Reasons)
	require.NotNil(t, done.Payment)
	assert.Equal(t, listenPayment{Price: "0.004000", PlatformFee: "0.000600", Shareholders: "0.000000", Artist: "0.003400", Status: done.Payment.Status}, *done.Payment)
	// Completing twice answers the first result.
	_, again := completeListen(t, ta, tok, s.ID, 5)
	assert.Equal(t, "qualified", again.Status)

	eventually(t, 15*time.Second, func() bool {
		g := getListen(t, ta, tok, s.ID)
		return g.Payment != nil && g.Payment.Status == "paid" && g.Reward != nil && g.Reward.Status == "accrued"
	}, "the listen paid and rewarded")
	aid := mustUUID(t, artistID)
	assert.EqualValues(t, 3_400, balance(t, ta, paymentcontracts.UserAccount(aid, money.USD, paymentcontracts.KindEarnings)))
	assert.EqualValues(t, 0, balance(t, ta, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld)))
	assert.EqualValues(t, 996_000, balance(t, ta, paymentcontracts.Wallet(lid, money.USD)))

	res = ta.do(http.MethodGet, "/api/v1/artists/me/earnings", nil, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var earn struct {
		Songs []struct {
			SongID      string `json:"song_id"`
			Title       string `json:"title"`
			PaidListens int    `json:"paid_listens"`
			Net         string `json:"net"`
		} `json:"songs"`
		Totals struct {
			PaidListens int    `json:"paid_listens"`
			Gross       string `json:"gross"`
			PlatformFee string `json:"platform_fee"`
			Net         string `json:"net"`
		} `json:"totals"`
	}
	res.JSON(t, &earn)
	require.Len(t, earn.Songs, 1)
	assert.Equal(t, "Forty Seconds", earn.Songs[0].Title)
	assert.Equal(t, 1, earn.Totals.PaidListens)
	assert.Equal(t, "0.004000", earn.Totals.Gross)
	assert.Equal(t, "0.000600", earn.Totals.PlatformFee)
	assert.Equal(t, "0.003400", earn.Totals.Net)
	assert.Equal(t, http.StatusForbidden, ta.do(http.MethodGet, "/api/v1/artists/me/earnings", nil, withToken(tok)).Status)
	assert.Equal(t, http.StatusUnprocessableEntity, ta.do(http.MethodGet, "/api/v1/artists/me/earnings?from=yesterday", nil, withToken(artistTok)).Status)

	// A lying client: claims 35 s but only 5 s of audio was fetched.
	clock.Advance(time.Minute)
	liar := startListen(t, ta, tok, song.ID)
	streamBytes(t, ta, tok, liar.StreamURL, 5*bps)
	clock.Advance(36 * time.Second)
	_, lied := completeListen(t, ta, tok, liar.ID, 35)
	assert.Equal(t, "rejected", lied.Status)
	assert.Equal(t, []string{"bytes_not_served"}, lied.Reasons)
	assert.Nil(t, lied.Payment)
	eventually(t, 15*time.Second, func() bool {
		return balance(t, ta, paymentcontracts.UserAccount(lid, money.USD, paymentcontracts.KindHeld)) == 0
	}, "the liar's hold released")
	assert.EqualValues(t, 996_000, balance(t, ta, paymentcontracts.Wallet(lid, money.USD)))

	// Rewards: 1 VIBE claimable; a claim below the minimum is refused; a claim to the balance
	// moves it, and a retry with the same key answers the same claim.
	res = ta.do(http.MethodGet, "/api/v1/listen-rewards", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var rw struct {
		Claimable    string `json:"claimable"`
		ClaimedTotal string `json:"claimed_total"`
		EarnedToday  string `json:"earned_today"`
		DailyCap     string `json:"daily_cap"`
		Items        []struct {
			Status string `json:"status"`
		} `json:"items"`
	}
	res.JSON(t, &rw)
	assert.Equal(t, "1.000000000", rw.Claimable)
	assert.Equal(t, "1.000000000", rw.EarnedToday)
	assert.Equal(t, "100.000000000", rw.DailyCap)
	require.Len(t, rw.Items, 1)
	res = ta.do(http.MethodPost, "/api/v1/listen-rewards", map[string]any{"destination": "balance", "amount": "0.5"},
		withToken(tok), withHeader("Idempotency-Key", "claim-small"))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)
	assert.Equal(t, "listenreward.claim_below_minimum", res.ErrorCode(t))
	res = ta.do(http.MethodPost, "/api/v1/listen-rewards", map[string]any{"destination": "moon"},
		withToken(tok), withHeader("Idempotency-Key", "claim-moon"))
	assert.Equal(t, "listenreward.invalid_destination", res.ErrorCode(t))
	res = ta.do(http.MethodPost, "/api/v1/listen-rewards", map[string]any{"destination": "balance"}, withToken(tok))
	assert.Equal(t, http.StatusBadRequest, res.Status, "the Idempotency-Key is required")
	claim := ta.do(http.MethodPost, "/api/v1/listen-rewards", map[string]any{"destination": "balance"},
		withToken(tok), withHeader("Idempotency-Key", "claim-1"))
	require.Equal(t, http.StatusCreated, claim.Status, string(claim.Body))
	replay := ta.do(http.MethodPost, "/api/v1/listen-rewards", map[string]any{"destination": "balance"},
		withToken(tok), withHeader("Idempotency-Key", "claim-1"))
	assert.Equal(t, http.StatusCreated, replay.Status)
	assert.JSONEq(t, string(claim.Body), string(replay.Body))
	assert.EqualValues(t, 1_000_000_000, balance(t, ta, paymentcontracts.Wallet(lid, money.VIBE)))
	assert.EqualValues(t, 0, balance(t, ta, paymentcontracts.UserAccount(lid, money.VIBE, paymentcontracts.KindRewards)))
	res = ta.do(http.MethodGet, "/api/v1/listen-rewards", nil, withToken(tok))
	res.JSON(t, &rw)
	assert.Equal(t, "0.000000000", rw.Claimable)
	assert.Equal(t, "1.000000000", rw.ClaimedTotal)

	// A listener without money gets a preview: capped stream, never paid.
	_, poorTok := registerUser(t, ta, "listener")
	p := startListen(t, ta, poorTok, song.ID)
	assert.True(t, p.PreviewOnly)
	assert.Positive(t, p.MaxBytes)
	assert.Less(t, p.MaxBytes, 31*bps)
	assert.EqualValues(t, p.MaxBytes, streamBytes(t, ta, poorTok, p.StreamURL, 40*bps), "the preview stops at its cap")
	clock.Advance(31 * time.Second)
	_, pv := completeListen(t, ta, poorTok, p.ID, 30)
	assert.Equal(t, "rejected", pv.Status)
	assert.Contains(t, pv.Reasons, "preview_only")

	// The history lists the listener's sessions, newest first, paginated.
	res = ta.do(http.MethodGet, "/api/v1/listen-sessions?limit=1", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	var page struct {
		Items      []listenSession `json:"items"`
		NextCursor string          `json:"next_cursor"`
	}
	res.JSON(t, &page)
	require.Len(t, page.Items, 1)
	assert.Equal(t, liar.ID, page.Items[0].ID)
	require.NotEmpty(t, page.NextCursor)
	res = ta.do(http.MethodGet, "/api/v1/listen-sessions?limit=1&cursor="+page.NextCursor, nil, withToken(tok))
	page.NextCursor = ""
	res.JSON(t, &page)
	require.Len(t, page.Items, 1)
	assert.Equal(t, s.ID, page.Items[0].ID)
	assert.Empty(t, page.NextCursor)
	res = ta.do(http.MethodPost, "/api/v1/listen-sessions/"+s.ID+"/heartbeat", map[string]any{"position_seconds": 40}, withToken(tok))
	assert.Equal(t, http.StatusConflict, res.Status, "a decided session takes no heartbeat")
	assert.Equal(t, "listenreward.session_not_active", res.ErrorCode(t))

	metrics := ta.do(http.MethodGet, "/metrics", nil)
	for _, line := range []string{`listenreward_paid_listens_total 1`, `listenreward_listens_total{result="qualified"} 1`,
		`listenreward_rejections_total{reason="bytes_not_served"} 1`, `listenreward_rewards_total{status="accrued"} 1`,
		`listenreward_qualified_to_paid_seconds_count 1`} {
		assert.Contains(t, string(metrics.Body), line)
	}
	ledgerOK(t, ta)
}

// TestListenRewardPoolDepleted: when the pool cannot pay a reward the listen is still paid to
// the artist, the reward is unfunded (not owed later) with an event, and the pool never goes
// below zero.
func TestListenRewardPoolDepleted(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock, func(c *Config) { c.Listen.PoolLockBelow = money.MustNew(money.VIBE, 1_000_000_000_000_000) })
	artistID, artistTok := registerUser(t, ta, "artist")
	song := listenSong(t, ta, artistTok)
	bps := bytesPerSecond(song)
	fundRewardPool(t, ta, "1.5")
	start := balance(t, ta, paymentcontracts.System(paymentcontracts.KindRewardPool, money.VIBE))
	var sessions []string
	var toks []string
	for range 2 {
		id, tok := registerUser(t, ta, "listener")
		fund(t, ta, id, money.USD, "1.000000")
		s := startListen(t, ta, tok, song.ID)
		streamBytes(t, ta, tok, s.StreamURL, 30*bps)
		sessions, toks = append(sessions, s.ID), append(toks, tok)
	}
	clock.Advance(30 * time.Second)
	for i := range sessions {
		_, s := completeListen(t, ta, toks[i], sessions[i], 29)
		require.Equal(t, "qualified", s.Status)
		// one at a time, so the first is the funded one
		eventually(t, 15*time.Second, func() bool {
			g := getListen(t, ta, toks[i], sessions[i])
			return g.Reward != nil && g.Reward.Status != "pending"
		}, "reward decided")
	}
	assert.Equal(t, "accrued", getListen(t, ta, toks[0], sessions[0]).Reward.Status)
	second := getListen(t, ta, toks[1], sessions[1])
	assert.Equal(t, "unfunded", second.Reward.Status)
	assert.Equal(t, "paid", second.Payment.Status, "the artist is paid anyway")
	assert.EqualValues(t, 2*3_400, balance(t, ta, paymentcontracts.UserAccount(mustUUID(t, artistID), money.USD, paymentcontracts.KindEarnings)))
	assert.Equal(t, start-1_000_000_000, balance(t, ta, paymentcontracts.System(paymentcontracts.KindRewardPool, money.VIBE)))
	var depleted int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM platform.events WHERE type = 'listenreward.reward_pool_depleted.v1' AND payload->>'session_id' = $1`, sessions[1]).Scan(&depleted))
	assert.Equal(t, 1, depleted)
	res := ta.do(http.MethodGet, "/api/v1/listen-rewards", nil, withToken(toks[1]))
	var rw struct {
		Claimable string `json:"claimable"`
	}
	res.JSON(t, &rw)
	assert.Equal(t, "0.000000000", rw.Claimable, "an unfunded reward is not owed")
	ledgerOK(t, ta)
}

// TestListenRewardClaimOnChain: a listener's reward is claimed to their linked Ethereum wallet
// through the transactions flow (anvil), and a claim to a chain without a linked wallet is
// refused with nothing moved.
func TestListenRewardClaimOnChain(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock, withChains)
	_, adminTok := registerAdmin(t, ta)
	_, artistTok := registerUser(t, ta, "artist")
	listenerID, tok := registerUser(t, ta, "listener")
	song := listenSong(t, ta, artistTok)
	treasuryMint(t, ta, adminTok, "ethereum", "100") // the mint credits the reward pool
	fund(t, ta, listenerID, money.USD, "1.000000")
	_, ethAddr := linkEthWallet(t, ta, tok)
	lid := mustUUID(t, listenerID)

	s := startListen(t, ta, tok, song.ID)
	streamBytes(t, ta, tok, s.StreamURL, 30*bytesPerSecond(song))
	clock.Advance(30 * time.Second)
	_, done := completeListen(t, ta, tok, s.ID, 29)
	require.Equal(t, "qualified", done.Status)
	eventually(t, 15*time.Second, func() bool {
		g := getListen(t, ta, tok, s.ID)
		return g.Reward != nil && g.Reward.Status == "accrued"
	}, "reward accrued")

	res := ta.do(http.MethodPost, "/api/v1/listen-rewards", map[string]any{"destination": "solana"},
		withToken(tok), withHeader("Idempotency-Key", "claim-sol"))
	assert.Equal(t, http.StatusConflict, res.Status, string(res.Body))
	assert.Equal(t, "listenreward.no_linked_wallet", res.ErrorCode(t))
	assert.EqualValues(t, 1_000_000_000, balance(t, ta, paymentcontracts.UserAccount(lid, money.VIBE, paymentcontracts.KindRewards)))

	res = ta.do(http.MethodPost, "/api/v1/listen-rewards", map[string]any{"destination": "ethereum", "amount": "1"},
		withToken(tok), withHeader("Idempotency-Key", "claim-eth"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var claim struct {
		Amount      string `json:"amount"`
		Transaction struct {
			ID        string `json:"id"`
			Chain     string `json:"chain"`
			ToAddress string `json:"to_address"`
		} `json:"transaction"`
	}
	res.JSON(t, &claim)
	assert.Equal(t, "1.000000000", claim.Amount)
	assert.Equal(t, "ethereum", claim.Transaction.Chain)
	assert.Equal(t, ethAddr, claim.Transaction.ToAddress)
	tx := waitTx(t, ta, tok, claim.Transaction.ID, "confirmed")
	assert.NotEmpty(t, tx.TxHash)
	assert.Zero(t, balance(t, ta, paymentcontracts.UserAccount(lid, money.VIBE, paymentcontracts.KindRewards)))
	assert.Zero(t, balance(t, ta, paymentcontracts.Wallet(lid, money.VIBE)), "sent on chain, not left in the balance")
	ledgerOK(t, ta)
}
