package domain

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Filter selects campaigns for a list.
type Filter struct {
	Status   Status    // empty: any
	ArtistID uuid.UUID // music artist id; uuid.Nil: any
	OwnerID  uuid.UUID // the artist's user id; uuid.Nil: any
	Limit    int
	// After is the cursor: campaigns created before (CreatedAt, ID).
	AfterCreated *time.Time
	AfterID      uuid.UUID
}

// DayStats are one UTC day of a campaign's boosts.
type DayStats struct {
	Day       time.Time
	Listens   int64
	Listeners int64
	Spent     money.Amount
}

// Analytics sums a campaign's boosts.
type Analytics struct {
	Listens   int64
	Listeners int64
	Spent     money.Amount
	Days      []DayStats
}

// Campaigns is the campaign repository. Update loads the campaign under lock, runs fn, saves it
// and writes its events to the outbox in the same transaction.
type Campaigns interface {
	Add(ctx context.Context, c *Campaign) error
	Get(ctx context.Context, id uuid.UUID) (*Campaign, error)
	Update(ctx context.Context, id uuid.UUID, fn func(*Campaign) error) error
	List(ctx context.Context, f Filter) ([]*Campaign, error)
	// Running lists the campaigns of a song that run at now (no lock: the boost preview).
	Running(ctx context.Context, songID uuid.UUID, now time.Time) ([]*Campaign, error)
	// Due lists the campaigns the schedule must look at: scheduled past their start, active or
	// paused past their end, ended with a hold to give back, activations older than staleBefore.
	Due(ctx context.Context, now, staleBefore time.Time, limit int) ([]uuid.UUID, error)
	Analytics(ctx context.Context, id uuid.UUID) (Analytics, error)
}

// Boosts stores the boost payments.
type Boosts interface {
	// Draw returns the session's boost payment if one was drawn before; otherwise it locks the
	// song's active campaigns, calls draw with them, saves what draw changed and the payment it
	// returns (nil: none) in one transaction.
	Draw(ctx context.Context, req BoostRequest, at time.Time, draw func(cs []*Campaign) (*BoostPayment, error)) (*BoostPayment, error)
	// Unsettled lists a campaign's payments the ledger has not settled yet (any campaign when
	// campaignID is uuid.Nil, drawn before olderThan).
	Unsettled(ctx context.Context, campaignID uuid.UUID, olderThan time.Time, limit int) ([]BoostPayment, error)
	MarkSettled(ctx context.Context, sessionID, entryID uuid.UUID, at time.Time) error
	// WithCampaignLock runs fn while holding the campaign's row lock (no new payment can be
	// drawn from it meanwhile).
	WithCampaignLock(ctx context.Context, id uuid.UUID, fn func(ctx context.Context, c *Campaign) error) error
}
