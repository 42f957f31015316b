package application

import (
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// CampaignView is a campaign as the API shows it.
type CampaignView struct {
	ID, ArtistID, ArtistUserID uuid.UUID
	Name                       string
	Status                     domain.Status
	SongIDs                    []uuid.UUID
	StartsAt, EndsAt           time.Time
	Boost                      domain.Boost
	Budget, Spent, Remaining   money.Amount
	EndReason                  domain.EndReason
	CreatedAt, UpdatedAt       time.Time
	EndedAt                    *time.Time
}

func viewOf(c *domain.Campaign) CampaignView {
	x := c.Snapshot()
	return CampaignView{ID: x.ID, ArtistID: x.ArtistID, ArtistUserID: x.ArtistUserID, Name: x.Name, Status: x.Status,
		SongIDs: x.SongIDs, StartsAt: x.StartsAt, EndsAt: x.EndsAt, Boost: x.Boost, Budget: x.Budget, Spent: x.Spent,
		Remaining: c.Remaining(), EndReason: x.EndReason, CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt, EndedAt: x.EndedAt}
}

// AnalyticsView sums a campaign's boosted listens.
type AnalyticsView struct {
	CampaignID    uuid.UUID
	Listens       int64
	Listeners     int64
	Spent         money.Amount
	CostPerListen money.Amount
	Days          []DayView
}

// DayView is one UTC day of boosts.
type DayView struct {
	Day           time.Time
	Listens       int64
	Listeners     int64
	Spent         money.Amount
	CostPerListen money.Amount
}

func perListen(spent money.Amount, listens int64) money.Amount {
	if listens <= 0 {
		return money.Zero(money.VIBE)
	}
	a, err := spent.MulDiv(1, listens)
	if err != nil {
		return money.Zero(money.VIBE)
	}
	return a
}
