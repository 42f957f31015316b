package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

type campaignResp struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Status    string   `json:"status"`
	SongIDs   []string `json:"song_ids"`
	Boost     float64  `json:"boost"`
	Budget    string   `json:"budget"`
	Spent     string   `json:"spent"`
	Remaining string   `json:"remaining"`
	EndReason string   `json:"end_reason"`
}

// boostedSongs reads GET /campaigns/boosted-songs (the listeners' view) as song id -> boost.
func boostedSongs(t *testing.T, ta *testApp, tok string) map[string]float64 {
	t.Helper()
	res := ta.do(http.MethodGet, "/api/v1/campaigns/boosted-songs", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var page struct {
		Items []struct {
			SongID string  `json:"song_id"`
			Title  string  `json:"title"`
			Boost  float64 `json:"boost"`
		} `json:"items"`
	}
	res.JSON(t, &page)
	out := map[string]float64{}
	for _, it := range page.Items {
		require.NotEmpty(t, it.Title)
		out[it.SongID] = it.Boost
	}
	return out
}

// qualifiedListen plays a whole qualified listen of song over HTTP and waits for its reward.
func qualifiedListen(t *testing.T, ta *testApp, clock *listenClock, tok string, song songResp) listenSession {
	t.Helper()
	s := startListen(t, ta, tok, song.ID)
	streamBytes(t, ta, tok, s.StreamURL, 32*bytesPerSecond(song))
	clock.Advance(31 * time.Second)
	r, done := completeListen(t, ta, tok, s.ID, 31)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "qualified", done.Status, "reasons %v", done.Reasons)
	eventually(t, 15*time.Second, func() bool {
		g := getListen(t, ta, tok, s.ID)
		return g.Reward != nil && g.Reward.Status == "accrued"
	}, "the listen rewarded")
	return s
}

func userEvents(t *testing.T, ta *testApp, userID string) []string {
	t.Helper()
	rows, err := ta.app.pool.Query(context.Background(), `SELECT type FROM platform.events WHERE $1 = ANY(user_ids) AND source = 'campaign' ORDER BY seq`, mustUUID(t, userID))
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	return out
}

// TestCampaignEndToEnd: an artist's campaign raises the rewards of real listens over HTTP and
// spends its held budget until it ends itself; bad input is refused with stable codes.
func TestCampaignEndToEnd(t *testing.T) {
	clock := &listenClock{}
	ta := listenApp(t, clock, func(c *Config) { c.Campaign.Clock = clock.Now })
	artistID, artistTok := registerUser(t, ta, "artist")
	_, otherArtistTok := registerUser(t, ta, "artist")
	song := listenSong(t, ta, artistTok)
	fundRewardPool(t, ta, "1000")
	require.NoError(t, ta.app.payment.Ledger().OpenUserAccounts(context.Background(), mustUUID(t, artistID)))
	fund(t, ta, artistID, money.VIBE, "10")
	aid := mustUUID(t, artistID)

	starts := clock.Now().Add(time.Minute).UTC()
	body := map[string]any{"name": "  Winter push  ", "song_ids": []string{song.ID}, "starts_at": starts.Format(time.RFC3339Nano),
		"ends_at": starts.Add(7 * 24 * time.Hour).Format(time.RFC3339Nano), "boost": 3.0, "budget": "4"}

	// Bad input: each refused with its code, nothing written.
	for _, tc := range []struct {
		name   string
		change map[string]any
		tok    string
		status int
		code   string
	}{
		{"boost 10.05", map[string]any{"boost": 10.05}, artistTok, 422, "campaign.invalid_boost"},
		{"boost 0.5", map[string]any{"boost": "0.5"}, artistTok, 422, "campaign.invalid_boost"},
		{"start in the past", map[string]any{"starts_at": clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}, artistTok, 422, "campaign.start_in_past"},
		{"91 days", map[string]any{"ends_at": starts.Add(91 * 24 * time.Hour).Format(time.RFC3339Nano)}, artistTok, 422, "campaign.invalid_duration"},
		{"someone else's song", map[string]any{}, otherArtistTok, 403, "campaign.song_not_owned"},
		{"budget zero", map[string]any{"budget": "0"}, artistTok, 422, "campaign.invalid_budget"},
		{"name too short", map[string]any{"name": "  ab "}, artistTok, 422, "campaign.invalid_name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := map[string]any{}
			for k, v := range body {
				b[k] = v
			}
			for k, v := range tc.change {
				b[k] = v
			}
			res := ta.do(http.MethodPost, "/api/v1/campaigns", b, withToken(tc.tok))
			require.Equal(t, tc.status, res.Status, string(res.Body))
			assert.Equal(t, tc.code, res.ErrorCode(t))
		})
	}
	var n int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM campaign.campaigns`).Scan(&n))
	assert.Zero(t, n, "nothing half-written")

	res := ta.do(http.MethodPost, "/api/v1/campaigns", body, withToken(artistTok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var c campaignResp
	res.JSON(t, &c)
	assert.Equal(t, "draft", c.Status)
	assert.Equal(t, "Winter push", c.Name)
	assert.Equal(t, 3.0, c.Boost)
	assert.Equal(t, "4.000000000", c.Budget)
	assert.Equal(t, "0.000000000", c.Spent)
	assert.Equal(t, "4.000000000", c.Remaining)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/campaigns/"+c.ID, nil, withToken(otherArtistTok)).Status)

	// PATCH a draft.
	res = ta.do(http.MethodPatch, "/api/v1/campaigns/"+c.ID, map[string]any{"boost": "3.0", "name": "Winter push!"}, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &c)
	assert.Equal(t, "Winter push!", c.Name)

	// Activate before the start: scheduled, the budget held.
	res = ta.do(http.MethodPost, "/api/v1/campaigns/"+c.ID+"/activate", nil, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &c)
	assert.Equal(t, "scheduled", c.Status)
	assert.EqualValues(t, 4_000_000_000, balance(t, ta, paymentcontracts.UserAccount(aid, money.VIBE, paymentcontracts.KindHeld)))
	assert.EqualValues(t, 6_000_000_000, balance(t, ta, paymentcontracts.Wallet(aid, money.VIBE)))
	assert.Equal(t, http.StatusConflict, ta.do(http.MethodPatch, "/api/v1/campaigns/"+c.ID, map[string]any{"boost": 2}, withToken(artistTok)).Status)

	// The job starts it on its date.
	clock.Advance(time.Minute)
	_, err := ta.app.campaign.Tick(context.Background())
	require.NoError(t, err)
	res = ta.do(http.MethodGet, "/api/v1/campaigns/"+c.ID, nil, withToken(artistTok))
	res.JSON(t, &c)
	require.Equal(t, "active", c.Status)
	// listeners see the song boosted (3.0x) while it runs
	_, fanTok := registerUser(t, ta, "listener")
	assert.Equal(t, map[string]float64{song.ID: 3.0}, boostedSongs(t, ta, fanTok))

	// Pause and resume.
	res = ta.do(http.MethodPost, "/api/v1/campaigns/"+c.ID+"/pause", nil, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	assert.Empty(t, boostedSongs(t, ta, fanTok), "a paused campaign boosts nothing")
	assert.Equal(t, http.StatusConflict, ta.do(http.MethodPost, "/api/v1/campaigns/"+c.ID+"/pause", nil, withToken(artistTok)).Status)
	res = ta.do(http.MethodPost, "/api/v1/campaigns/"+c.ID+"/resume", nil, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	assert.Equal(t, map[string]float64{song.ID: 3.0}, boostedSongs(t, ta, fanTok))

	// Two listeners: 1 VIBE base from the pool + 2 VIBE boost from the campaign each; the
	// budget (4) is then spent and the campaign ends itself.
	var listeners []string
	for i := 0; i < 2; i++ {
		id, tok := registerUser(t, ta, "listener")
		require.NoError(t, ta.app.payment.Ledger().OpenUserAccounts(context.Background(), mustUUID(t, id)))
		fund(t, ta, id, money.USD, "1.000000")
		qualifiedListen(t, ta, clock, tok, song)
		listeners = append(listeners, id)
		eventually(t, 10*time.Second, func() bool {
			return balance(t, ta, paymentcontracts.UserAccount(mustUUID(t, id), money.VIBE, paymentcontracts.KindRewards)) == 3_000_000_000
		}, "base + boost in the listener's rewards")
	}
	res = ta.do(http.MethodGet, "/api/v1/campaigns/"+c.ID, nil, withToken(artistTok))
	res.JSON(t, &c)
	assert.Equal(t, "ended", c.Status)
	assert.Equal(t, "budget_exhausted", c.EndReason)
	assert.Empty(t, boostedSongs(t, ta, fanTok), "an ended campaign boosts nothing")
	assert.Equal(t, "4.000000000", c.Spent)
	assert.Equal(t, "0.000000000", c.Remaining)
	assert.EqualValues(t, 0, balance(t, ta, paymentcontracts.UserAccount(aid, money.VIBE, paymentcontracts.KindHeld)))

	// A third listen earns the base only.
	id3, tok3 := registerUser(t, ta, "listener")
	require.NoError(t, ta.app.payment.Ledger().OpenUserAccounts(context.Background(), mustUUID(t, id3)))
	fund(t, ta, id3, money.USD, "1.000000")
	qualifiedListen(t, ta, clock, tok3, song)
	assert.EqualValues(t, 1_000_000_000, balance(t, ta, paymentcontracts.UserAccount(mustUUID(t, id3), money.VIBE, paymentcontracts.KindRewards)))

	res = ta.do(http.MethodGet, "/api/v1/campaigns/"+c.ID+"/analytics", nil, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var an struct {
		Listens       int64  `json:"boosted_listens"`
		Listeners     int64  `json:"unique_listeners"`
		Spent         string `json:"spent"`
		CostPerListen string `json:"cost_per_listen"`
		PerDay        []struct {
			Listens int64 `json:"boosted_listens"`
		} `json:"per_day"`
	}
	res.JSON(t, &an)
	assert.EqualValues(t, 2, an.Listens)
	assert.EqualValues(t, 2, an.Listeners)
	assert.Equal(t, "4.000000000", an.Spent)
	assert.Equal(t, "2.000000000", an.CostPerListen)
	require.NotEmpty(t, an.PerDay)

	res = ta.do(http.MethodGet, "/api/v1/campaigns?status=ended", nil, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	assert.True(t, strings.Contains(string(res.Body), c.ID))
	res = ta.do(http.MethodGet, "/api/v1/campaigns?status=active", nil, withToken(artistTok))
	assert.False(t, strings.Contains(string(res.Body), c.ID))
	assert.Equal(t, http.StatusUnprocessableEntity, ta.do(http.MethodGet, "/api/v1/campaigns?status=nope", nil, withToken(artistTok)).Status)

	// The artist got every state change and milestone (the WebSocket sends the user's events).
	assert.Equal(t, []string{"campaign.activated.v1", "campaign.started.v1", "campaign.paused.v1", "campaign.resumed.v1",
		"campaign.milestone_reached.v1", "campaign.milestone_reached.v1", "campaign.milestone_reached.v1", "campaign.milestone_reached.v1",
		"campaign.ended.v1"}, userEvents(t, ta, artistID))
	m := ta.do(http.MethodGet, "/metrics", nil)
	assert.Contains(t, string(m.Body), "campaign_boosted_listens_total 2")
	assert.Contains(t, string(m.Body), "campaign_boost_volume_nano_vibe_total 4e+09")
	ledgerOK(t, ta)
}
