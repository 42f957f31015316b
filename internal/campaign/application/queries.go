package application

import (
	"context"
	"sort"
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

// BoostedSong is a song a running campaign boosts now: the best boost and when it ends.
type BoostedSong struct {
	SongID  uuid.UUID
	Title   string
	Boost   domain.Boost
	EndsAt  time.Time
	Running uuid.UUID // the campaign whose boost applies
}

// maxBoostedCampaigns bounds the active campaigns the boosted list looks at.
const maxBoostedCampaigns = 100

// Boosted lists the songs boosted now (listeners' view): per song the highest boost among the
// running campaigns (as Boosts.Boost picks it), highest boost first, then by title.
func (q *Queries) Boosted(ctx context.Context) ([]BoostedSong, error) {
	cs, err := q.d.Campaigns.List(ctx, domain.Filter{Status: domain.StatusActive, Limit: maxBoostedCampaigns})
	if err != nil {
		return nil, err
	}
	now := q.d.Now()
	bySong := map[uuid.UUID][]*domain.Campaign{}
	for _, c := range cs {
		for _, id := range c.SongIDs() {
			bySong[id] = append(bySong[id], c)
		}
	}
	out := make([]BoostedSong, 0, len(bySong))
	for id, running := range bySong {
		best := domain.Best(running, now)
		if best == nil {
			continue
		}
		b := BoostedSong{SongID: id, Boost: best.Boost(), EndsAt: best.EndsAt(), Running: best.ID()}
		if s, err := q.d.Songs.Song(ctx, id); err == nil {
			b.Title = s.Title
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Boost != out[j].Boost {
			return out[i].Boost > out[j].Boost
		}
		return out[i].Title < out[j].Title
	})
	return out, nil
}
