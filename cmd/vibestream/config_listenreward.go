package main

import (
	"time"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward"
)

// ListenConfig is the listen economy's configuration (listen sessions, fraud limits, rewards).
type ListenConfig struct {
	// PlatformFeeBPS is STREAM_PLATFORM_FEE_BPS; -1 (unset) follows the phases by registered users.
	PlatformFeeBPS int
	Policy         listenreward.Policy
	Rewards        listenreward.RewardPolicy
	ExpireEvery    time.Duration
	StalledAfter   time.Duration
	PoolLockBelow  money.Amount
	// Clock drives the context's clock (nil: time.Now); not read from the environment, the
	// benchmark and tests set it to play listens faster than real time.
	Clock func() time.Time
}

func (e *env) vibe(name, def string) money.Amount {
	s := e.str(name, def)
	a, err := money.Parse(money.VIBE, s)
	if err != nil || a.IsNegative() {
		e.fail(name, "must be a VIBE amount with at most 9 decimals, got %q", s)
		return money.Zero(money.VIBE)
	}
	return a
}

func loadListenConfig(e *env) ListenConfig {
	p := listenreward.DefaultPolicy()
	p.MinListen = e.duration("LISTEN_MIN_DURATION", p.MinListen)
	p.Grace = e.duration("LISTEN_SESSION_GRACE", p.Grace)
	p.MaxSession = e.duration("LISTEN_MAX_SESSION", p.MaxSession)
	p.PreviewSeconds = e.integer("LISTEN_PREVIEW_SECONDS", p.PreviewSeconds, 1, 600)
	p.MaxPerSongPerDay = e.integer("FRAUD_MAX_LISTENS_PER_SONG_PER_DAY", p.MaxPerSongPerDay, 1, 1_000_000)
	p.MaxPerIPSongHour = e.integer("FRAUD_MAX_LISTENS_PER_IP_PER_SONG_PER_HOUR", p.MaxPerIPSongHour, 1, 1_000_000)
	p.MaxPerUserPerDay = e.integer("FRAUD_MAX_LISTENS_PER_USER_PER_DAY", p.MaxPerUserPerDay, 1, 1_000_000)
	r := listenreward.DefaultRewardPolicy()
	r.Base = e.vibe("REWARD_BASE", "1")
	r.DailyCap = e.vibe("REWARD_DAILY_CAP", "100")
	r.SessionCap = e.vibe("REWARD_SESSION_CAP", "1000")
	r.MinClaim = e.vibe("REWARD_MIN_CLAIM", "1")
	if !r.MinClaim.IsPositive() {
		e.fail("REWARD_MIN_CLAIM", "must be positive")
	}
	return ListenConfig{
		PlatformFeeBPS: e.integer("STREAM_PLATFORM_FEE_BPS", -1, -1, listenreward.MaxBPS),
		Policy:         p,
		Rewards:        r,
		ExpireEvery:    e.duration("LISTEN_EXPIRY_INTERVAL", 30*time.Second),
		StalledAfter:   e.duration("LISTEN_START_STALLED_AFTER", time.Minute),
		PoolLockBelow:  e.vibe("REWARD_POOL_LOCK_BELOW", "1000000"),
	}
}
