package domain

import (
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// RewardStatus is what became of a listen's reward.
type RewardStatus string

// Reward statuses: pending while the pool payment runs; accrued (paid in full), capped (paid
// but reduced, possibly to zero, by a cap) or unfunded (the pool could not pay; not owed).
const (
	RewardPending  RewardStatus = "pending"
	RewardAccrued  RewardStatus = "accrued"
	RewardCapped   RewardStatus = "capped"
	RewardUnfunded RewardStatus = "unfunded"
)

// RewardPolicy parameterises rewards.
type RewardPolicy struct {
	Base       money.Amount // VIBE per qualified listen
	DailyCap   money.Amount // per user per UTC day
	SessionCap money.Amount // per session
	// BonusAfter: listens longer than this get BonusTenths (12 = 1.2x).
	BonusAfter  time.Duration
	BonusTenths int64
	MinClaim    money.Amount
}

// DefaultRewardPolicy is the defaults.
func DefaultRewardPolicy() RewardPolicy {
	return RewardPolicy{Base: money.MustNew(money.VIBE, 1_000_000_000), DailyCap: money.MustNew(money.VIBE, 100_000_000_000),
		SessionCap: money.MustNew(money.VIBE, 1_000_000_000_000), BonusAfter: 3 * time.Minute, BonusTenths: 12,
		MinClaim: money.MustNew(money.VIBE, 1_000_000_000)}
}

// RewardIssued is recorded when a reward is decided for good.
type RewardIssued struct {
	SessionID, ListenerID, SongID uuid.UUID
	Amount                        money.Amount
	Status                        RewardStatus
	At                            time.Time
}

// Reward is the VIBE a qualified listen earns.
type Reward struct {
	sessionID, listenerID, songID uuid.UUID
	amount                        money.Amount
	capped                        bool
	status                        RewardStatus
	day                           time.Time
	createdAt                     time.Time
	settledAt                     *time.Time
	events                        []any
}

// Day is the UTC calendar day of t (the daily caps and limits count by it).
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// NewReward decides the amount of a listen's reward: Base x duration bonus x boost, capped
// per session and by what is left of the listener's daily cap (earnedToday).
func NewReward(s *Session, boostTenths int, earnedToday money.Amount, p RewardPolicy, now time.Time) (*Reward, error) {
	if s.Status() != StatusQualified {
		return nil, ErrRewardNotApplicable
	}
	if boostTenths < 0 {
		boostTenths = 0
	}
	bonus := int64(10)
	if time.Duration(s.Listened())*time.Second > p.BonusAfter {
		bonus = p.BonusTenths
	}
	amount, err := p.Base.MulDiv(bonus*int64(boostTenths), 100)
	if err != nil {
		return nil, err
	}
	capped := false
	if amount.Cmp(p.SessionCap) > 0 {
		amount, capped = p.SessionCap, true
	}
	left, err := p.DailyCap.Sub(earnedToday)
	if err != nil {
		return nil, err
	}
	if left.IsNegative() {
		left = money.Zero(money.VIBE)
	}
	if amount.Cmp(left) > 0 {
		amount, capped = left, true
	}
	r := &Reward{sessionID: s.ID(), listenerID: s.ListenerID(), songID: s.Song().ID, amount: amount, capped: capped,
		status: RewardPending, day: Day(now), createdAt: now}
	if amount.IsZero() {
		r.settle(RewardCapped, now)
	}
	return r, nil
}

// RehydrateReward is for repositories only.
func RehydrateReward(sessionID, listenerID, songID uuid.UUID, amount money.Amount, capped bool, status RewardStatus,
	day, createdAt time.Time, settledAt *time.Time) *Reward {
	return &Reward{sessionID: sessionID, listenerID: listenerID, songID: songID, amount: amount, capped: capped,
		status: status, day: day, createdAt: createdAt, settledAt: settledAt}
}

// Getters.
func (r *Reward) SessionID() uuid.UUID  { return r.sessionID }
func (r *Reward) ListenerID() uuid.UUID { return r.listenerID }
func (r *Reward) SongID() uuid.UUID     { return r.songID }
func (r *Reward) Amount() money.Amount  { return r.amount }
func (r *Reward) Capped() bool          { return r.capped }
func (r *Reward) Status() RewardStatus  { return r.status }
func (r *Reward) Day() time.Time        { return r.day }
func (r *Reward) CreatedAt() time.Time  { return r.createdAt }
func (r *Reward) SettledAt() *time.Time { return r.settledAt }
func (r *Reward) Settled() bool         { return r.status != RewardPending }

// PullEvents drains the recorded domain events.
func (r *Reward) PullEvents() []any {
	e := r.events
	r.events = nil
	return e
}

// Funded records that the pool paid the reward.
func (r *Reward) Funded(now time.Time) {
	if r.Settled() {
		return
	}
	st := RewardAccrued
	if r.capped {
		st = RewardCapped
	}
	r.settle(st, now)
}

// Unfunded records that the pool could not pay: the reward is not owed later.
func (r *Reward) Unfunded(now time.Time) {
	if r.Settled() {
		return
	}
	r.settle(RewardUnfunded, now)
}

func (r *Reward) settle(st RewardStatus, now time.Time) {
	r.status, r.settledAt = st, &now
	r.events = append(r.events, RewardIssued{SessionID: r.sessionID, ListenerID: r.listenerID, SongID: r.songID,
		Amount: r.amount, Status: st, At: now})
}

// Destination is where a claim sends VIBE.
type Destination string

// Claim destinations.
const (
	DestinationBalance  Destination = "balance"
	DestinationEthereum Destination = "ethereum"
	DestinationSolana   Destination = "solana"
)

// ParseDestination accepts balance, ethereum and solana.
func ParseDestination(s string) (Destination, error) {
	switch d := Destination(s); d {
	case DestinationBalance, DestinationEthereum, DestinationSolana:
		return d, nil
	}
	return "", ErrInvalidDestination
}

// CheckClaim validates a claim's amount against the minimum and what is claimable.
func CheckClaim(amount, claimable money.Amount, p RewardPolicy) error {
	if amount.Asset() != money.VIBE || !amount.IsPositive() {
		return ErrInvalidClaimAmount
	}
	if amount.Cmp(p.MinClaim) < 0 {
		return ErrClaimBelowMinimum.WithMessage("the minimum claim is " + p.MinClaim.String() + " VIBE")
	}
	if amount.Cmp(claimable) > 0 {
		return ErrNothingToClaim
	}
	return nil
}
