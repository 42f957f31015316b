package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

var (
	now    = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	artist = uuid.MustParse("00000000-0000-0000-0000-00000000a001")
	music  = uuid.MustParse("00000000-0000-0000-0000-00000000b001")
)

func vibe(s string) money.Amount { return mustAmount(money.Parse(money.VIBE, s)) }

func mustAmount(a money.Amount, err error) money.Amount {
	if err != nil {
		panic(err)
	}
	return a
}

func ownSong() domain.Song {
	return domain.Song{ID: uuid.New(), ArtistID: music, ArtistUserID: artist, Published: true}
}

func terms() domain.Terms {
	return domain.Terms{Name: "Winter push", Songs: []domain.Song{ownSong()}, StartsAt: now.Add(time.Hour),
		EndsAt: now.Add(time.Hour + 7*24*time.Hour), Boost: 20, Budget: vibe("100")}
}

func TestNewCampaignRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*domain.Terms)
		err    error
	}{
		{"valid", func(*domain.Terms) {}, nil},
		{"name trimmed to 3 runes is fine", func(x *domain.Terms) { x.Name = "  abc  " }, nil},
		{"name of 2 runes after trimming", func(x *domain.Terms) { x.Name = "  ab   " }, domain.ErrInvalidName},
		{"name of 100 runes", func(x *domain.Terms) { x.Name = strings.Repeat("é", 100) }, nil},
		{"name of 101 runes", func(x *domain.Terms) { x.Name = strings.Repeat("é", 101) }, domain.ErrInvalidName},
		{"start now is not the future", func(x *domain.Terms) { x.StartsAt = now }, domain.ErrStartInPast},
		{"start in the past", func(x *domain.Terms) { x.StartsAt = now.Add(-time.Minute) }, domain.ErrStartInPast},
		{"exactly one day", func(x *domain.Terms) { x.EndsAt = x.StartsAt.Add(24 * time.Hour) }, nil},
		{"under one day", func(x *domain.Terms) { x.EndsAt = x.StartsAt.Add(24*time.Hour - time.Second) }, domain.ErrInvalidDuration},
		{"exactly 90 days", func(x *domain.Terms) { x.EndsAt = x.StartsAt.Add(90 * 24 * time.Hour) }, nil},
		{"91 days", func(x *domain.Terms) { x.EndsAt = x.StartsAt.Add(91 * 24 * time.Hour) }, domain.ErrInvalidDuration},
		{"end before start", func(x *domain.Terms) { x.EndsAt = x.StartsAt.Add(-time.Hour) }, domain.ErrInvalidDuration},
		{"boost 1.0", func(x *domain.Terms) { x.Boost = 10 }, nil},
		{"boost 10.0", func(x *domain.Terms) { x.Boost = 100 }, nil},
		{"boost 0.9", func(x *domain.Terms) { x.Boost = 9 }, domain.ErrInvalidBoost},
		{"boost 10.1", func(x *domain.Terms) { x.Boost = 101 }, domain.ErrInvalidBoost},
		{"budget zero", func(x *domain.Terms) { x.Budget = money.Zero(money.VIBE) }, domain.ErrInvalidBudget},
		{"budget negative", func(x *domain.Terms) { x.Budget = money.MustNew(money.VIBE, -1) }, domain.ErrInvalidBudget},
		{"budget in USD", func(x *domain.Terms) { x.Budget = money.MustNew(money.USD, 5) }, domain.ErrInvalidBudget},
		{"no songs", func(x *domain.Terms) { x.Songs = nil }, domain.ErrNoSongs},
		{"a song twice", func(x *domain.Terms) { x.Songs = append(x.Songs, x.Songs[0]) }, domain.ErrNoSongs},
		{"someone else's song", func(x *domain.Terms) {
			s := ownSong()
			s.ArtistUserID = uuid.New()
			x.Songs = append(x.Songs, s)
		}, domain.ErrSongNotOwned},
		{"an unpublished song", func(x *domain.Terms) {
			s := ownSong()
			s.Published = false
			x.Songs = []domain.Song{s}
		}, domain.ErrSongNotPublished},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := terms()
			tc.change(&x)
			c, err := domain.NewCampaign(uuid.New(), artist, x, now)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.Nil(t, c)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, domain.StatusDraft, c.Status())
			assert.Equal(t, strings.TrimSpace(x.Name), c.Name())
			assert.True(t, c.Spent().IsZero())
		})
	}
}

func TestParseBoost(t *testing.T) {
	t.Parallel()
	ok := map[string]domain.Boost{"1": 10, "1.0": 10, "2.5": 25, "10": 100, "10.0": 100, "3.50": 35, "9.9": 99}
	for in, want := range ok {
		t.Run(in, func(t *testing.T) {
			b, err := domain.ParseBoost(in)
			require.NoError(t, err)
			assert.Equal(t, want, b)
		})
	}
	for _, in := range []string{"10.05", "0.9", "10.1", "", ".5", "2.", "-2", "2,5", "1e1", "11", "abc", "2.55"} {
		t.Run("bad "+in, func(t *testing.T) {
			_, err := domain.ParseBoost(in)
			require.ErrorIs(t, err, domain.ErrInvalidBoost)
		})
	}
	assert.Equal(t, "2.5", domain.Boost(25).String())
	assert.Equal(t, "10.0", domain.Boost(100).String())
}

func TestBoostExtraIsBaseTimesBoostMinusOneFloored(t *testing.T) {
	t.Parallel()
	cases := []struct {
		boost      domain.Boost
		base, want string
	}{{10, "1", "0"}, {20, "1", "1"}, {25, "1.2", "1.8"}, {11, "0.000000009", "0"}, {15, "0.000000003", "0.000000001"}, {100, "2", "18"}}
	for _, tc := range cases {
		t.Run(tc.boost.String()+"x"+tc.base, func(t *testing.T) {
			got, err := tc.boost.Extra(vibe(tc.base))
			require.NoError(t, err)
			assert.Equal(t, vibe(tc.want), got)
		})
	}
}

func draft(t *testing.T) *domain.Campaign {
	t.Helper()
	c, err := domain.NewCampaign(uuid.New(), artist, terms(), now)
	require.NoError(t, err)
	return c
}

func statuses(evs []any) []domain.Status {
	var out []domain.Status
	for _, e := range evs {
		if s, ok := e.(domain.StatusChanged); ok {
			out = append(out, s.To)
		}
	}
	return out
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	hold := uuid.New()
	start, end := now.Add(time.Hour), now.Add(time.Hour+7*24*time.Hour)

	t.Run("activate before the dates schedules, the job starts and ends it", func(t *testing.T) {
		c := draft(t)
		require.NoError(t, c.BeginActivation(now))
		assert.True(t, c.Activating())
		require.NoError(t, c.Activate(hold, now))
		assert.Equal(t, domain.StatusScheduled, c.Status())
		assert.False(t, c.Running(now))
		assert.False(t, c.Tick(start.Add(-time.Nanosecond)))
		assert.True(t, c.Tick(start))
		assert.Equal(t, domain.StatusActive, c.Status())
		assert.True(t, c.Running(start))
		assert.True(t, c.Tick(end))
		assert.Equal(t, domain.StatusEnded, c.Status())
		assert.Equal(t, domain.EndedOnSchedule, c.EndReason())
		assert.True(t, c.NeedsRelease())
		assert.Equal(t, []domain.Status{domain.StatusScheduled, domain.StatusActive, domain.StatusEnded}, statuses(c.PullEvents()))
	})
	t.Run("activate within the dates is active at once", func(t *testing.T) {
		c := draft(t)
		require.NoError(t, c.Activate(hold, start.Add(time.Minute)))
		assert.Equal(t, domain.StatusActive, c.Status())
	})
	t.Run("activate after the dates is refused", func(t *testing.T) {
		c := draft(t)
		require.ErrorIs(t, c.BeginActivation(end), domain.ErrOutsideDates)
		require.ErrorIs(t, c.Activate(hold, end), domain.ErrOutsideDates)
		assert.Equal(t, domain.StatusDraft, c.Status())
	})
	t.Run("activate only from draft", func(t *testing.T) {
		c := draft(t)
		require.NoError(t, c.Activate(hold, start))
		require.ErrorIs(t, c.Activate(hold, start), domain.ErrInvalidTransition)
		require.ErrorIs(t, c.BeginActivation(start), domain.ErrInvalidTransition)
	})
	t.Run("pause only from active, resume only from paused", func(t *testing.T) {
		c := draft(t)
		require.ErrorIs(t, c.Pause(now), domain.ErrInvalidTransition)
		require.ErrorIs(t, c.Resume(now), domain.ErrInvalidTransition)
		require.NoError(t, c.Activate(hold, now))
		require.ErrorIs(t, c.Pause(now), domain.ErrInvalidTransition, "scheduled is not active")
		c.Tick(start)
		require.ErrorIs(t, c.Resume(start), domain.ErrInvalidTransition)
		require.NoError(t, c.Pause(start))
		assert.False(t, c.Running(start))
		require.ErrorIs(t, c.Pause(start), domain.ErrInvalidTransition)
		require.NoError(t, c.Resume(start))
		assert.True(t, c.Running(start))
	})
	t.Run("resume after the end date is refused", func(t *testing.T) {
		c := draft(t)
		require.NoError(t, c.Activate(hold, start))
		require.NoError(t, c.Pause(start))
		require.ErrorIs(t, c.Resume(end), domain.ErrOutsideDates)
	})
	t.Run("end from active, paused or scheduled; not from draft or ended", func(t *testing.T) {
		c := draft(t)
		require.ErrorIs(t, c.End(now), domain.ErrInvalidTransition)
		require.NoError(t, c.Activate(hold, start))
		require.NoError(t, c.End(start))
		assert.Equal(t, domain.EndedByArtist, c.EndReason())
		require.ErrorIs(t, c.End(start), domain.ErrInvalidTransition)

		p := draft(t)
		require.NoError(t, p.Activate(hold, start))
		require.NoError(t, p.Pause(start))
		require.NoError(t, p.End(start))

		s := draft(t)
		require.NoError(t, s.Activate(hold, now))
		require.NoError(t, s.End(now))
		assert.Equal(t, domain.EndedBeforeStart, s.EndReason())
	})
	t.Run("a draft changes and is checked again; others do not change", func(t *testing.T) {
		c := draft(t)
		x := terms()
		x.Boost = 35
		require.NoError(t, c.Change(x, now))
		assert.Equal(t, domain.Boost(35), c.Boost())
		x.Boost = 101
		require.ErrorIs(t, c.Change(x, now), domain.ErrInvalidBoost)
		assert.Equal(t, domain.Boost(35), c.Boost(), "a refused change changes nothing")
		require.NoError(t, c.BeginActivation(now))
		require.ErrorIs(t, c.Change(terms(), now), domain.ErrActivationUnderway)
		c.AbortActivation(now)
		require.NoError(t, c.Activate(hold, now))
		require.ErrorIs(t, c.Change(terms(), now), domain.ErrNotDraft)
	})
}

func TestSpendNeverOverdrawsAndEndsWhenItCannotPay(t *testing.T) {
	t.Parallel()
	x := terms()
	x.Budget = vibe("2.5")
	c, err := domain.NewCampaign(uuid.New(), artist, x, now)
	require.NoError(t, err)
	start := x.StartsAt
	require.ErrorIs(t, c.Spend(vibe("1"), start), domain.ErrNotRunning, "a draft pays nothing")
	require.NoError(t, c.Activate(uuid.New(), start))
	c.PullEvents()
	require.NoError(t, c.Spend(vibe("1"), start))
	require.NoError(t, c.Spend(vibe("1"), start))
	require.ErrorIs(t, c.Spend(vibe("1"), start), domain.ErrBudgetExhausted)
	assert.Equal(t, vibe("2"), c.Spent())
	assert.Equal(t, vibe("0.5"), c.Remaining())
	assert.Equal(t, domain.StatusEnded, c.Status())
	assert.Equal(t, domain.EndedByBudget, c.EndReason())
	require.ErrorIs(t, c.Spend(vibe("0.1"), start), domain.ErrNotRunning, "an ended campaign pays nothing")
	var pcts []int
	for _, e := range c.PullEvents() {
		if m, ok := e.(domain.MilestoneReached); ok {
			pcts = append(pcts, m.Percent)
		}
	}
	assert.Equal(t, []int{25, 50, 75}, pcts)
}

func TestSpendingTheLastUnitReachesOneHundredPercentAndEnds(t *testing.T) {
	t.Parallel()
	x := terms()
	x.Budget = vibe("4")
	c, err := domain.NewCampaign(uuid.New(), artist, x, now)
	require.NoError(t, err)
	require.NoError(t, c.Activate(uuid.New(), x.StartsAt))
	c.PullEvents()
	var pcts []int
	for i := 0; i < 4; i++ {
		require.NoError(t, c.Spend(vibe("1"), x.StartsAt))
		for _, e := range c.PullEvents() {
			if m, ok := e.(domain.MilestoneReached); ok {
				pcts = append(pcts, m.Percent)
			}
		}
	}
	assert.Equal(t, []int{25, 50, 75, 100}, pcts, "each milestone once, in order")
	assert.True(t, c.Remaining().IsZero())
	assert.Equal(t, domain.StatusEnded, c.Status())
	// One spend crossing two milestones records both.
	y, err := domain.NewCampaign(uuid.New(), artist, x, now)
	require.NoError(t, err)
	require.NoError(t, y.Activate(uuid.New(), x.StartsAt))
	y.PullEvents()
	require.NoError(t, y.Spend(vibe("2.1"), x.StartsAt))
	pcts = nil
	for _, e := range y.PullEvents() {
		if m, ok := e.(domain.MilestoneReached); ok {
			pcts = append(pcts, m.Percent)
		}
	}
	assert.Equal(t, []int{25, 50}, pcts)
}

func TestOverlappingCampaignsTheHigherBoostPaysAndAnExhaustedOneGivesWay(t *testing.T) {
	t.Parallel()
	song := ownSong()
	mk := func(boost domain.Boost, budget string, created time.Time) *domain.Campaign {
		x := terms()
		x.Songs, x.Boost, x.Budget = []domain.Song{song}, boost, vibe(budget)
		c, err := domain.NewCampaign(uuid.New(), artist, x, created)
		require.NoError(t, err)
		require.NoError(t, c.Activate(uuid.New(), x.StartsAt))
		return c
	}
	at := terms().StartsAt
	low := mk(15, "100", now)
	high := mk(30, "3", now)
	assert.Equal(t, high, domain.Best([]*domain.Campaign{low, high}, at))
	req := domain.BoostRequest{SessionID: uuid.New(), SongID: song.ID, ListenerID: uuid.New(), Base: vibe("1")}
	p, err := domain.DrawBoost([]*domain.Campaign{low, high}, req, at)
	require.NoError(t, err)
	require.NotNil(t, p)
	assert.Equal(t, high.ID(), p.CampaignID)
	assert.Equal(t, vibe("2"), p.Extra)
	assert.Equal(t, domain.Boost(30), p.Boost)
	// The high one has 1 left: it cannot pay 2, ends itself, and the low one pays.
	p, err = domain.DrawBoost([]*domain.Campaign{low, high}, req, at)
	require.NoError(t, err)
	require.NotNil(t, p)
	assert.Equal(t, low.ID(), p.CampaignID)
	assert.Equal(t, vibe("0.5"), p.Extra)
	assert.Equal(t, domain.StatusEnded, high.Status())
	assert.Equal(t, vibe("1"), high.Remaining())
	// Equal boosts: the older campaign pays.
	older := mk(15, "100", now.Add(-time.Hour))
	assert.Equal(t, older, domain.Best([]*domain.Campaign{low, older}, at))
	// Nothing runs: no payment.
	p, err = domain.DrawBoost([]*domain.Campaign{low, older}, req, now)
	require.NoError(t, err)
	assert.Nil(t, p)
}
