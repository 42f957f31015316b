// Package domain holds the campaign context's rules: a campaign's invariants, its lifecycle,
// the boost it pays from its held budget and the milestones of its spending.
package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Status is where a campaign is in its lifecycle.
type Status string

// Statuses. A draft is editable and holds nothing. Activation holds the budget: before the
// start date the campaign is scheduled, within its dates active. Paused stops boosting; ended
// is final (what is left of the budget goes back to the artist).
const (
	StatusDraft     Status = "draft"
	StatusScheduled Status = "scheduled"
	StatusActive    Status = "active"
	StatusPaused    Status = "paused"
	StatusEnded     Status = "ended"
)

// ParseStatus accepts the five statuses.
func ParseStatus(s string) (Status, error) {
	switch st := Status(s); st {
	case StatusDraft, StatusScheduled, StatusActive, StatusPaused, StatusEnded:
		return st, nil
	}
	return "", ErrInvalidStatus
}

// EndReason says why a campaign ended.
type EndReason string

// End reasons.
const (
	EndedByArtist    EndReason = "artist"
	EndedOnSchedule  EndReason = "schedule"
	EndedByBudget    EndReason = "budget_exhausted"
	EndedBeforeStart EndReason = "not_started"
)

// Limits of the original design.
const (
	MinNameRunes = 3
	MaxNameRunes = 100
	MinDuration  = 24 * time.Hour
	MaxDuration  = 90 * 24 * time.Hour
	MinBoost     = Boost(10)
	MaxBoost     = Boost(100)
	MaxSongs     = 50
)

// Boost is a reward multiplier in tenths: 25 is 2.5x.
type Boost int

// ParseBoost reads a decimal multiplier ("2", "2.5", "10.0"): 1.0 to 10.0 in steps of 0.1.
func ParseBoost(s string) (Boost, error) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || !digits(whole) || (hasDot && (len(frac) < 1 || !digits(frac))) {
		return 0, ErrInvalidBoost
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 1 {
		return 0, ErrInvalidBoost
	}
	w, _ := strconv.Atoi(whole)
	t := w * 10
	if frac != "" {
		t += int(frac[0] - '0')
	}
	b := Boost(t)
	if b < MinBoost || b > MaxBoost {
		return 0, ErrInvalidBoost
	}
	return b, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String renders the multiplier with one decimal ("2.5").
func (b Boost) String() string { return strconv.Itoa(int(b)/10) + "." + strconv.Itoa(int(b)%10) }

// Extra is what the boost adds above base: base x (boost - 1), floored to the minor unit.
func (b Boost) Extra(base money.Amount) (money.Amount, error) {
	if b <= 10 || !base.IsPositive() {
		return money.Zero(base.Asset()), nil
	}
	return base.MulDiv(int64(b-10), 10)
}

// Song is what the rules need to know about a song named by a campaign.
type Song struct {
	ID           uuid.UUID
	ArtistID     uuid.UUID
	ArtistUserID uuid.UUID
	Published    bool
}

// Terms are the editable part of a campaign.
type Terms struct {
	Name     string
	Songs    []Song
	StartsAt time.Time
	EndsAt   time.Time
	Boost    Boost
	Budget   money.Amount
}

// Campaign is an artist's paid boost of listen rewards on some of their songs.
type Campaign struct {
	id           uuid.UUID
	artistUserID uuid.UUID
	artistID     uuid.UUID
	name         string
	songIDs      []uuid.UUID
	startsAt     time.Time
	endsAt       time.Time
	boost        Boost
	budget       money.Amount
	spent        money.Amount
	status       Status
	holdID       uuid.UUID
	activating   bool
	milestone    int
	endReason    EndReason
	released     bool
	createdAt    time.Time
	updatedAt    time.Time
	endedAt      *time.Time
	events       []any
}

// NewCampaign creates a draft after checking every rule of the original design.
func NewCampaign(id, artistUserID uuid.UUID, t Terms, now time.Time) (*Campaign, error) {
	c := &Campaign{id: id, artistUserID: artistUserID, status: StatusDraft, createdAt: now, updatedAt: now,
		spent: money.Zero(money.VIBE)}
	if err := c.setTerms(t, now); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Campaign) setTerms(t Terms, now time.Time) error {
	name := strings.TrimSpace(t.Name)
	if n := utf8.RuneCountInString(name); !utf8.ValidString(name) || n < MinNameRunes || n > MaxNameRunes {
		return ErrInvalidName
	}
	if !t.StartsAt.After(now) {
		return ErrStartInPast
	}
	if d := t.EndsAt.Sub(t.StartsAt); d < MinDuration || d > MaxDuration {
		return ErrInvalidDuration
	}
	if t.Boost < MinBoost || t.Boost > MaxBoost {
		return ErrInvalidBoost
	}
	if t.Budget.Asset() != money.VIBE || !t.Budget.IsPositive() {
		return ErrInvalidBudget
	}
	if len(t.Songs) == 0 || len(t.Songs) > MaxSongs {
		return ErrNoSongs
	}
	seen := map[uuid.UUID]bool{}
	ids := make([]uuid.UUID, 0, len(t.Songs))
	var artistID uuid.UUID
	for _, s := range t.Songs {
		if seen[s.ID] {
			return ErrNoSongs
		}
		seen[s.ID] = true
		if s.ArtistUserID != c.artistUserID {
			return ErrSongNotOwned
		}
		if !s.Published {
			return ErrSongNotPublished
		}
		artistID = s.ArtistID
		ids = append(ids, s.ID)
	}
	c.name, c.songIDs, c.startsAt, c.endsAt, c.boost, c.budget, c.artistID = name, ids, t.StartsAt.UTC(), t.EndsAt.UTC(), t.Boost, t.Budget, artistID
	return nil
}

// Change replaces the terms of a draft (PATCH): every rule is checked again.
func (c *Campaign) Change(t Terms, now time.Time) error {
	if c.status != StatusDraft {
		return ErrNotDraft
	}
	if c.activating {
		return ErrActivationUnderway
	}
	if err := c.setTerms(t, now); err != nil {
		return err
	}
	c.updatedAt = now
	return nil
}

// BeginActivation checks that a draft may be activated now and marks it as activating while the
// budget is held (a crash in between leaves a mark the lifecycle job resolves).
func (c *Campaign) BeginActivation(now time.Time) error {
	if c.status != StatusDraft {
		return ErrInvalidTransition
	}
	if !now.Before(c.endsAt) {
		return ErrOutsideDates
	}
	c.activating, c.updatedAt = true, now
	return nil
}

// AbortActivation clears the mark after the hold was refused or given back.
func (c *Campaign) AbortActivation(now time.Time) {
	if c.status == StatusDraft {
		c.activating, c.updatedAt = false, now
	}
}

// Activate records the budget's hold: scheduled before the start date, active within the dates.
func (c *Campaign) Activate(holdID uuid.UUID, now time.Time) error {
	if c.status != StatusDraft {
		return ErrInvalidTransition
	}
	if !now.Before(c.endsAt) {
		return ErrOutsideDates
	}
	c.holdID, c.activating = holdID, false
	if now.Before(c.startsAt) {
		c.transition(StatusScheduled, "", now)
	} else {
		c.transition(StatusActive, "", now)
	}
	return nil
}

// Tick applies the schedule: a scheduled campaign starts on its start date, a running or paused
// one ends on its end date. It reports whether anything changed.
func (c *Campaign) Tick(now time.Time) bool {
	switch c.status {
	case StatusScheduled, StatusActive, StatusPaused:
		if !now.Before(c.endsAt) {
			c.end(EndedOnSchedule, now)
			return true
		}
		if c.status == StatusScheduled && !now.Before(c.startsAt) {
			c.transition(StatusActive, "", now)
			return true
		}
	}
	return false
}

// Pause stops boosting: only from active.
func (c *Campaign) Pause(now time.Time) error {
	if c.status != StatusActive {
		return ErrInvalidTransition
	}
	c.transition(StatusPaused, "", now)
	return nil
}

// Resume boosts again: only from paused, and only within the dates.
func (c *Campaign) Resume(now time.Time) error {
	if c.status != StatusPaused {
		return ErrInvalidTransition
	}
	if !now.Before(c.endsAt) {
		return ErrOutsideDates
	}
	c.transition(StatusActive, "", now)
	return nil
}

// End stops the campaign for good: from active or paused (and from scheduled, so an artist can
// take back a budget held for a campaign that has not started).
func (c *Campaign) End(now time.Time) error {
	switch c.status {
	case StatusActive, StatusPaused:
		c.end(EndedByArtist, now)
	case StatusScheduled:
		c.end(EndedBeforeStart, now)
	default:
		return ErrInvalidTransition
	}
	return nil
}

// Running reports whether the campaign boosts listens at now.
func (c *Campaign) Running(now time.Time) bool {
	return c.status == StatusActive && !now.Before(c.startsAt) && now.Before(c.endsAt)
}

// Spend draws extra from the budget for one boosted listen. When what is left cannot pay it,
// the campaign ends itself (budget_exhausted) and ErrBudgetExhausted is returned; a campaign
// whose budget is spent to the last unit ends too, since it can pay no further boost.
func (c *Campaign) Spend(extra money.Amount, now time.Time) error {
	if !c.Running(now) {
		return ErrNotRunning
	}
	if extra.Asset() != money.VIBE || extra.IsNegative() {
		return ErrInvalidBudget
	}
	left := c.Remaining()
	if extra.Cmp(left) > 0 {
		c.end(EndedByBudget, now)
		return ErrBudgetExhausted
	}
	spent, err := c.spent.Add(extra)
	if err != nil {
		return err
	}
	c.spent, c.updatedAt = spent, now
	for _, pct := range []int{25, 50, 75, 100} {
		if c.milestone >= pct {
			continue
		}
		// spent / budget >= pct / 100, in integers.
		need, err := c.budget.MulDiv(int64(pct), 100)
		if err != nil {
			return err
		}
		if pct == 100 {
			need = c.budget
		}
		if c.spent.Cmp(need) >= 0 {
			c.milestone = pct
			c.events = append(c.events, MilestoneReached{CampaignID: c.id, ArtistUserID: c.artistUserID, Percent: pct,
				Spent: c.spent, Budget: c.budget, At: now})
		}
	}
	if c.Remaining().IsZero() {
		c.end(EndedByBudget, now)
	}
	return nil
}

// Released records that what was left of the hold went back to the artist.
func (c *Campaign) Released(now time.Time) {
	c.released, c.updatedAt = true, now
}

// NeedsRelease reports an ended campaign whose hold still has to be given back.
func (c *Campaign) NeedsRelease() bool {
	return c.status == StatusEnded && c.holdID != uuid.Nil && !c.released
}

func (c *Campaign) end(reason EndReason, now time.Time) {
	c.endReason = reason
	c.endedAt = &now
	c.transition(StatusEnded, reason, now)
}

func (c *Campaign) transition(to Status, reason EndReason, now time.Time) {
	from := c.status
	c.status, c.updatedAt = to, now
	c.events = append(c.events, StatusChanged{CampaignID: c.id, ArtistUserID: c.artistUserID, From: from, To: to,
		Reason: reason, Spent: c.spent, Remaining: c.Remaining(), At: now})
}

// Remaining is the budget not yet spent.
func (c *Campaign) Remaining() money.Amount {
	r, err := c.budget.Sub(c.spent)
	if err != nil || r.IsNegative() {
		return money.Zero(money.VIBE)
	}
	return r
}

// PullEvents drains the recorded domain events.
func (c *Campaign) PullEvents() []any {
	e := c.events
	c.events = nil
	return e
}

// Snapshot is the stored form of a campaign (repositories only).
type Snapshot struct {
	ID, ArtistUserID, ArtistID uuid.UUID
	Name                       string
	SongIDs                    []uuid.UUID
	StartsAt, EndsAt           time.Time
	Boost                      Boost
	Budget, Spent              money.Amount
	Status                     Status
	HoldID                     uuid.UUID
	Activating                 bool
	Milestone                  int
	EndReason                  EndReason
	Released                   bool
	CreatedAt, UpdatedAt       time.Time
	EndedAt                    *time.Time
}

// Rehydrate rebuilds a stored campaign (repositories only).
func Rehydrate(s Snapshot) *Campaign {
	return &Campaign{id: s.ID, artistUserID: s.ArtistUserID, artistID: s.ArtistID, name: s.Name, songIDs: s.SongIDs,
		startsAt: s.StartsAt, endsAt: s.EndsAt, boost: s.Boost, budget: s.Budget, spent: s.Spent, status: s.Status,
		holdID: s.HoldID, activating: s.Activating, milestone: s.Milestone, endReason: s.EndReason, released: s.Released,
		createdAt: s.CreatedAt, updatedAt: s.UpdatedAt, endedAt: s.EndedAt}
}

// Snapshot returns the stored form.
func (c *Campaign) Snapshot() Snapshot {
	return Snapshot{ID: c.id, ArtistUserID: c.artistUserID, ArtistID: c.artistID, Name: c.name, SongIDs: c.songIDs,
		StartsAt: c.startsAt, EndsAt: c.endsAt, Boost: c.boost, Budget: c.budget, Spent: c.spent, Status: c.status,
		HoldID: c.holdID, Activating: c.activating, Milestone: c.milestone, EndReason: c.endReason, Released: c.released,
		CreatedAt: c.createdAt, UpdatedAt: c.updatedAt, EndedAt: c.endedAt}
}

// Getters.
func (c *Campaign) ID() uuid.UUID           { return c.id }
func (c *Campaign) ArtistUserID() uuid.UUID { return c.artistUserID }
func (c *Campaign) ArtistID() uuid.UUID     { return c.artistID }
func (c *Campaign) Name() string            { return c.name }
func (c *Campaign) SongIDs() []uuid.UUID    { return c.songIDs }
func (c *Campaign) StartsAt() time.Time     { return c.startsAt }
func (c *Campaign) EndsAt() time.Time       { return c.endsAt }
func (c *Campaign) Boost() Boost            { return c.boost }
func (c *Campaign) Budget() money.Amount    { return c.budget }
func (c *Campaign) Spent() money.Amount     { return c.spent }
func (c *Campaign) Status() Status          { return c.status }
func (c *Campaign) HoldID() uuid.UUID       { return c.holdID }
func (c *Campaign) Activating() bool        { return c.activating }
func (c *Campaign) EndReason() EndReason    { return c.endReason }

// StatusChanged is recorded on every lifecycle transition.
type StatusChanged struct {
	CampaignID, ArtistUserID uuid.UUID
	From, To                 Status
	Reason                   EndReason
	Spent, Remaining         money.Amount
	At                       time.Time
}

// MilestoneReached is recorded when spending crosses 25, 50, 75 or 100% of the budget.
type MilestoneReached struct {
	CampaignID, ArtistUserID uuid.UUID
	Percent                  int
	Spent, Budget            money.Amount
	At                       time.Time
}
