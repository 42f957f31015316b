package domain_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

const bps = 16_000 // bytes per second of the rendition

func usd(units int64) money.Amount  { return money.MustNew(money.USD, units) }
func vibe(units int64) money.Amount { return money.MustNew(money.VIBE, units) }

type fixture struct {
	listener, artist uuid.UUID
	durationMS       int
	preview          bool
}

func newActive(t *testing.T, f fixture) *domain.Session {
	t.Helper()
	if f.listener == uuid.Nil {
		f.listener = uuid.New()
	}
	if f.artist == uuid.Nil {
		f.artist = uuid.New()
	}
	if f.durationMS == 0 {
		f.durationMS = 200_000
	}
	s, err := domain.NewSession(uuid.New(), f.listener, domain.Song{ID: uuid.New(), ArtistUserID: f.artist,
		DurationMS: f.durationMS, Price: usd(4_000)}, "high", "10.0.0.1", domain.DefaultPolicy(), t0)
	require.NoError(t, err)
	require.Equal(t, domain.StatusPending, s.Status())
	hold := uuid.New()
	if f.preview {
		hold = uuid.Nil
	}
	require.NoError(t, s.Activate(hold, f.preview, domain.Stream{URL: "/x", Quality: "high", BytesPerSecond: bps}, t0))
	return s
}

func served(secs int64) domain.Served {
	return domain.Served{Bytes: secs * bps, HighestOffset: secs * bps}
}

func goodObs(secs int64) domain.Observation {
	return domain.Observation{Served: served(secs), Playable: true, FeeBPS: 500}
}

// TestRules has one row per qualification rule and reason code, and rows at each boundary.
func TestRules(t *testing.T) {
	t.Parallel()
	p := domain.DefaultPolicy()
	listener := uuid.New()
	cases := []struct {
		name     string
		f        fixture
		listened int
		at       time.Duration // since the start
		obs      func(o *domain.Observation)
		want     []domain.Reason
	}{
		{name: "qualifies at 30 s", listened: 30, at: 31 * time.Second},
		{name: "too short", listened: 29, at: 31 * time.Second, want: []domain.Reason{domain.ReasonTooShort}},
		{name: "half of a short song qualifies", f: fixture{durationMS: 40_000}, listened: 20, at: 21 * time.Second},
		{name: "under half of a short song", f: fixture{durationMS: 40_000}, listened: 19, at: 21 * time.Second, want: []domain.Reason{domain.ReasonTooShort}},
		{name: "within the clock tolerance", listened: 62, at: 60 * time.Second},
		{name: "more than the wall clock", listened: 63, at: 60 * time.Second, want: []domain.Reason{domain.ReasonExceedsElapsed}},
		{name: "more than the song", f: fixture{durationMS: 100_000}, listened: 101, at: 5 * time.Minute,
			obs: func(o *domain.Observation) { o.Served = served(200) }, want: []domain.Reason{domain.ReasonExceedsSong}},
		{name: "bytes do not cover the position", listened: 60, at: 61 * time.Second,
			obs: func(o *domain.Observation) { o.Served = served(40) }, want: []domain.Reason{domain.ReasonBytesNotServed}},
		{name: "bytes short by the slack only", listened: 60, at: 61 * time.Second,
			obs: func(o *domain.Observation) { o.Served = served(58) }},
		{name: "one range far ahead does not cover the listening", listened: 60, at: 61 * time.Second,
			obs:  func(o *domain.Observation) { o.Served = domain.Served{Bytes: 10 * bps, HighestOffset: 100 * bps} },
			want: []domain.Reason{domain.ReasonBytesNotServed}},
		{name: "session longer than 2 h", f: fixture{durationMS: 3 * 3600_000}, listened: 60, at: 2*time.Hour + time.Second,
			want: []domain.Reason{domain.ReasonSessionTooLong}},
		{name: "song daily limit", listened: 60, at: 61 * time.Second,
			obs: func(o *domain.Observation) { o.History.SongToday = 10 }, want: []domain.Reason{domain.ReasonSongDailyLimit}},
		{name: "under the song daily limit", listened: 60, at: 61 * time.Second,
			obs: func(o *domain.Observation) { o.History.SongToday = 9 }},
		{name: "ip hourly limit", listened: 60, at: 61 * time.Second,
			obs: func(o *domain.Observation) { o.History.IPSongHour = 30 }, want: []domain.Reason{domain.ReasonIPHourlyLimit}},
		{name: "user daily limit", listened: 60, at: 61 * time.Second,
			obs: func(o *domain.Observation) { o.History.UserToday = 500 }, want: []domain.Reason{domain.ReasonDailyLimit}},
		{name: "preview never pays", f: fixture{preview: true}, listened: 30, at: 31 * time.Second, want: []domain.Reason{domain.ReasonPreviewOnly}},
		{name: "own song never pays", f: fixture{listener: listener, artist: listener}, listened: 30, at: 31 * time.Second,
			want: []domain.Reason{domain.ReasonOwnSong}},
		{name: "unpublished or deleted song never pays", listened: 30, at: 31 * time.Second,
			obs: func(o *domain.Observation) { o.Playable = false }, want: []domain.Reason{domain.ReasonSongUnavailable}},
		{name: "a lying client gets every reason that applies", listened: 180, at: 40 * time.Second,
			obs:  func(o *domain.Observation) { o.Served = served(35) },
			want: []domain.Reason{domain.ReasonExceedsElapsed, domain.ReasonBytesNotServed}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newActive(t, c.f)
			obs := goodObs(int64(c.listened))
			if c.obs != nil {
				c.obs(&obs)
			}
			require.NoError(t, s.Decide(c.listened, domain.EndedByCompletion, obs, p, t0.Add(c.at)))
			ev := s.PullEvents()
			require.Len(t, ev, 1)
			if len(c.want) == 0 {
				assert.Equal(t, domain.StatusQualified, s.Status(), "reasons: %v", s.Reasons())
				q, ok := ev[0].(domain.ListenQualified)
				require.True(t, ok)
				assert.Equal(t, s.HoldID(), q.HoldID)
				assert.Equal(t, domain.PaymentPending, s.Payment())
				return
			}
			assert.Equal(t, domain.StatusRejected, s.Status())
			assert.Equal(t, c.want, s.Reasons())
			r, ok := ev[0].(domain.ListenRejected)
			require.True(t, ok)
			assert.Equal(t, s.HoldID(), r.HoldID)
			assert.Equal(t, c.want, r.Reasons)
		})
	}
}

func TestEveryReasonHasARow(t *testing.T) {
	t.Parallel()
	// The start-failure reasons are covered by TestStartFailures.
	assert.Len(t, domain.AllReasons(), 14)
}

func TestDecidingTwiceKeepsTheFirstDecision(t *testing.T) {
	t.Parallel()
	s := newActive(t, fixture{})
	require.NoError(t, s.Decide(60, domain.EndedByCompletion, goodObs(60), domain.DefaultPolicy(), t0.Add(61*time.Second)))
	s.PullEvents()
	err := s.Decide(10, domain.EndedByCompletion, goodObs(60), domain.DefaultPolicy(), t0.Add(62*time.Second))
	require.ErrorIs(t, err, domain.ErrSessionNotActive)
	assert.Equal(t, domain.StatusQualified, s.Status())
	assert.Equal(t, 60, s.Listened())
	assert.Empty(t, s.PullEvents())
}

func TestBadSeconds(t *testing.T) {
	t.Parallel()
	for _, secs := range []int{-1, domain.MaxSeconds + 1} {
		s := newActive(t, fixture{})
		require.ErrorIs(t, s.Decide(secs, domain.EndedByCompletion, goodObs(60), domain.DefaultPolicy(), t0), domain.ErrInvalidSeconds)
		require.ErrorIs(t, s.Heartbeat(secs, t0), domain.ErrInvalidSeconds)
		assert.Equal(t, domain.StatusActive, s.Status())
	}
}

func TestStartFailures(t *testing.T) {
	t.Parallel()
	t.Run("superseded while starting announces its hold when the start records it", func(t *testing.T) {
		s, err := domain.NewSession(uuid.New(), uuid.New(), domain.Song{ID: uuid.New(), ArtistUserID: uuid.New(), DurationMS: 100_000, Price: usd(4000)}, "", "", domain.DefaultPolicy(), t0)
		require.NoError(t, err)
		require.NoError(t, s.Decide(0, domain.EndedBySuperseded, domain.Observation{}, domain.DefaultPolicy(), t0))
		assert.Equal(t, []domain.Reason{domain.ReasonSuperseded}, s.Reasons())
		assert.Empty(t, s.PullEvents(), "its hold is not known yet")
		hold := uuid.New()
		require.ErrorIs(t, s.Activate(hold, false, domain.Stream{}, t0), domain.ErrSessionSuperseded)
		ev := s.PullEvents()
		require.Len(t, ev, 1)
		assert.Equal(t, hold, ev[0].(domain.ListenRejected).HoldID)
	})
	for _, r := range []domain.Reason{domain.ReasonStartInterrupted, domain.ReasonStreamFailed} {
		t.Run(string(r), func(t *testing.T) {
			s, err := domain.NewSession(uuid.New(), uuid.New(), domain.Song{ID: uuid.New(), ArtistUserID: uuid.New(), DurationMS: 100_000, Price: usd(4000)}, "", "", domain.DefaultPolicy(), t0)
			require.NoError(t, err)
			hold := uuid.New()
			require.NoError(t, s.Abort(r, hold, t0))
			assert.Equal(t, domain.StatusRejected, s.Status())
			assert.Equal(t, []domain.Reason{r}, s.Reasons())
			ev := s.PullEvents()
			require.Len(t, ev, 1)
			assert.Equal(t, hold, ev[0].(domain.ListenRejected).HoldID)
		})
	}
}

func TestNewSessionValidates(t *testing.T) {
	t.Parallel()
	p := domain.DefaultPolicy()
	_, err := domain.NewSession(uuid.New(), uuid.New(), domain.Song{Price: usd(0), DurationMS: 1000}, "", "", p, t0)
	require.ErrorIs(t, err, domain.ErrInvalidPrice)
	_, err = domain.NewSession(uuid.New(), uuid.New(), domain.Song{Price: usd(1), DurationMS: 1000}, "ultra", "", p, t0)
	require.ErrorIs(t, err, domain.ErrInvalidQuality)
	s, err := domain.NewSession(uuid.New(), uuid.New(), domain.Song{Price: usd(1), DurationMS: 180_000}, "", "", p, t0)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(3*time.Minute+p.Grace), s.ExpiresAt())
	long, err := domain.NewSession(uuid.New(), uuid.New(), domain.Song{Price: usd(1), DurationMS: 5 * 3600_000}, "", "", p, t0)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(p.MaxSession), long.ExpiresAt(), "a session never outlives 2 h")
}

func TestObservedSeconds(t *testing.T) {
	t.Parallel()
	s := newActive(t, fixture{durationMS: 200_000})
	assert.Equal(t, 40, s.ObservedSeconds(served(40), t0.Add(time.Minute)), "bytes bound it")
	assert.Equal(t, 60, s.ObservedSeconds(served(200), t0.Add(time.Minute)), "wall clock bounds it")
	assert.Equal(t, 200, s.ObservedSeconds(served(500), t0.Add(time.Hour)), "the song and the expiry bound it")
	require.NoError(t, s.Heartbeat(45, t0.Add(time.Minute)))
	require.NoError(t, s.Heartbeat(20, t0.Add(time.Minute)), "an older heartbeat does not move the position back")
	assert.Equal(t, 45, s.ObservedSeconds(served(200), t0.Add(time.Minute)), "the last heartbeat bounds it")
}

// TestSplitProperty: random prices and percentages: the parts sum to the price, none is
// negative, each is floored.
func TestSplitProperty(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20_000 {
		price := usd(1 + rng.Int64N(100_000_000))
		fee, share := rng.IntN(domain.MaxBPS+1), rng.IntN(domain.MaxBPS+1)
		s, err := domain.NewSplit(price, fee, share)
		require.NoError(t, err, "case %d", i)
		sum := s.PlatformFee.Units() + s.Shareholders.Units() + s.Artist.Units()
		require.Equal(t, price.Units(), sum, "case %d: %d %d %d", i, price.Units(), fee, share)
		require.False(t, s.PlatformFee.IsNegative() || s.Shareholders.IsNegative() || s.Artist.IsNegative(), "case %d", i)
		require.Equal(t, price.Units()*int64(fee)/domain.MaxBPS, s.PlatformFee.Units())
		require.Equal(t, (price.Units()-s.PlatformFee.Units())*int64(share)/domain.MaxBPS, s.Shareholders.Units())
	}
}

func TestSplitExamples(t *testing.T) {
	t.Parallel()
	s, err := domain.NewSplit(usd(4_000), 1_500, 0)
	require.NoError(t, err)
	assert.Equal(t, []int64{600, 0, 3_400}, []int64{s.PlatformFee.Units(), s.Shareholders.Units(), s.Artist.Units()})
	s, err = domain.NewSplit(usd(3), 3_333, 5_000) // 0.999 -> 0; 1.5 -> 1; artist takes 2
	require.NoError(t, err)
	assert.Equal(t, []int64{0, 1, 2}, []int64{s.PlatformFee.Units(), s.Shareholders.Units(), s.Artist.Units()})
	_, err = domain.NewSplit(usd(1), -1, 0)
	require.ErrorIs(t, err, domain.ErrInvalidSplit)
	_, err = domain.NewSplit(usd(1), 0, 10_001)
	require.ErrorIs(t, err, domain.ErrInvalidSplit)
	_, err = domain.NewSplit(vibe(1), 0, 0)
	require.ErrorIs(t, err, domain.ErrInvalidPrice)
}

func TestPhaseFee(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		users int64
		bps   int
	}{{0, 0}, {999, 0}, {1_000, 500}, {9_999, 500}, {10_000, 1_500}, {1 << 40, 1_500}} {
		assert.Equal(t, c.bps, domain.PhaseFee(c.users, domain.DefaultFeePhases, domain.DefaultFeeAbove), "users %d", c.users)
	}
}

func qualified(t *testing.T, listened int) *domain.Session {
	s := newActive(t, fixture{durationMS: 400_000})
	require.NoError(t, s.Decide(listened, domain.EndedByCompletion, goodObs(int64(listened)), domain.DefaultPolicy(), t0.Add(time.Duration(listened+1)*time.Second)))
	return s
}

func TestRewards(t *testing.T) {
	t.Parallel()
	p := domain.DefaultRewardPolicy()
	const one = 1_000_000_000
	cases := []struct {
		name     string
		listened int
		boost    int
		earned   int64
		amount   int64
		status   domain.RewardStatus
	}{
		{"base", 60, 10, 0, one, domain.RewardPending},
		{"exactly 3 minutes gets no bonus", 180, 10, 0, one, domain.RewardPending},
		{"over 3 minutes gets 1.2x", 181, 10, 0, 1_200_000_000, domain.RewardPending},
		{"boost 2.5x with bonus", 200, 25, 0, 3_000_000_000, domain.RewardPending},
		{"daily cap reduces", 60, 10, 99_500_000_000, 500_000_000, domain.RewardPending},
		{"daily cap reached", 60, 10, 100 * one, 0, domain.RewardCapped},
		{"session cap", 60, 20_000, 0, 0, domain.RewardPending},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pp := p
			if c.name == "session cap" {
				pp.DailyCap = vibe(1_000_000 * one)
				c.amount = 1_000 * one
			}
			r, err := domain.NewReward(qualified(t, c.listened), c.boost, vibe(c.earned), pp, t0)
			require.NoError(t, err)
			assert.Equal(t, c.amount, r.Amount().Units())
			assert.Equal(t, c.status, r.Status())
			if c.status == domain.RewardPending {
				r.Funded(t0)
				want := domain.RewardAccrued
				if r.Capped() {
					want = domain.RewardCapped
				}
				assert.Equal(t, want, r.Status())
				require.Len(t, r.PullEvents(), 1)
				r.Unfunded(t0)
				assert.Equal(t, want, r.Status(), "a settled reward stays settled")
				assert.Empty(t, r.PullEvents())
			}
		})
	}
	t.Run("unfunded", func(t *testing.T) {
		r, err := domain.NewReward(qualified(t, 60), 10, vibe(0), p, t0)
		require.NoError(t, err)
		r.Unfunded(t0)
		assert.Equal(t, domain.RewardUnfunded, r.Status())
		ev := r.PullEvents()
		require.Len(t, ev, 1)
		assert.Equal(t, domain.RewardUnfunded, ev[0].(domain.RewardIssued).Status)
	})
	t.Run("only qualified listens", func(t *testing.T) {
		_, err := domain.NewReward(newActive(t, fixture{}), 10, vibe(0), p, t0)
		require.ErrorIs(t, err, domain.ErrRewardNotApplicable)
	})
}

func TestClaims(t *testing.T) {
	t.Parallel()
	p := domain.DefaultRewardPolicy()
	require.NoError(t, domain.CheckClaim(vibe(1_000_000_000), vibe(5_000_000_000), p))
	require.ErrorIs(t, domain.CheckClaim(vibe(999_999_999), vibe(5_000_000_000), p), domain.ErrClaimBelowMinimum)
	require.ErrorIs(t, domain.CheckClaim(vibe(6_000_000_000), vibe(5_000_000_000), p), domain.ErrNothingToClaim)
	require.ErrorIs(t, domain.CheckClaim(vibe(0), vibe(5_000_000_000), p), domain.ErrInvalidClaimAmount)
	require.ErrorIs(t, domain.CheckClaim(usd(5), vibe(5_000_000_000), p), domain.ErrInvalidClaimAmount)
	for _, d := range []string{"balance", "ethereum", "solana"} {
		_, err := domain.ParseDestination(d)
		require.NoError(t, err)
	}
	_, err := domain.ParseDestination("bitcoin")
	require.ErrorIs(t, err, domain.ErrInvalidDestination)
}

func TestErrorCodesAreUnique(t *testing.T) {
	t.Parallel()
	assert.Empty(t, errs.DuplicateCodes())
}
