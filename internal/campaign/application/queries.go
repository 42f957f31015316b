package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/domain"
)

// Queries answers the artist's reads: one campaign, a list, and a campaign's analytics.
type Queries struct{ d Deps }

// NewQueries builds the handler.
func NewQueries(d Deps) (*Queries, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Queries{d: d}, nil
}

// Get returns a campaign of the caller (admins see any).
func (q *Queries) Get(ctx context.Context, caller uuid.UUID, admin bool, id uuid.UUID) (CampaignView, error) {
	c, err := q.d.Campaigns.Get(ctx, id)
	if err != nil {
		return CampaignView{}, err
	}
	if !admin && c.ArtistUserID() != caller {
		return CampaignView{}, domain.ErrNotFound
	}
	return viewOf(c), nil
}

// ListCampaigns filters campaigns; OwnerID limits them to one artist's own (uuid.Nil: any, for
// admins).
type ListCampaigns struct {
	OwnerID      uuid.UUID
	ArtistID     uuid.UUID
	Status       domain.Status
	Limit        int
	AfterCreated *time.Time
	AfterID      uuid.UUID
}

// List returns a page of campaigns, newest first.
func (q *Queries) List(ctx context.Context, l ListCampaigns) ([]CampaignView, error) {
	cs, err := q.d.Campaigns.List(ctx, domain.Filter{Status: l.Status, ArtistID: l.ArtistID, OwnerID: l.OwnerID, Limit: l.Limit,
		AfterCreated: l.AfterCreated, AfterID: l.AfterID})
	if err != nil {
		return nil, err
	}
	out := make([]CampaignView, len(cs))
	for i, c := range cs {
		out[i] = viewOf(c)
	}
	return out, nil
}

// Analytics sums a campaign's boosted listens: listens, unique listeners, VIBE spent, cost per
// listen, per UTC day.
func (q *Queries) Analytics(ctx context.Context, caller uuid.UUID, admin bool, id uuid.UUID) (AnalyticsView, error) {
	if _, err := q.Get(ctx, caller, admin, id); err != nil {
		return AnalyticsView{}, err
	}
	a, err := q.d.Campaigns.Analytics(ctx, id)
	if err != nil {
		return AnalyticsView{}, err
	}
	v := AnalyticsView{CampaignID: id, Listens: a.Listens, Listeners: a.Listeners, Spent: a.Spent, CostPerListen: perListen(a.Spent, a.Listens),
		Days: []DayView{}}
	for _, d := range a.Days {
		v.Days = append(v.Days, DayView{Day: d.Day, Listens: d.Listens, Listeners: d.Listeners, Spent: d.Spent,
			CostPerListen: perListen(d.Spent, d.Listens)})
	}
	return v, nil
}
