package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Draft is what an artist asks for when creating or changing a campaign.
type Draft struct {
	Name     string
	SongIDs  []uuid.UUID
	StartsAt time.Time
	EndsAt   time.Time
	Boost    domain.Boost
	Budget   money.Amount
}

// CreateCampaign creates a draft campaign of the caller's songs.
type CreateCampaign struct {
	ArtistUserID uuid.UUID
	Draft
}

// Create handles CreateCampaign.
type Create struct{ d Deps }

// NewCreate builds the handler.
func NewCreate(d Deps) (*Create, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Create{d: d}, nil
}

// Handle creates the draft.
func (h *Create) Handle(ctx context.Context, cmd CreateCampaign) (CampaignView, error) {
	t, err := terms(ctx, h.d.Songs, cmd.Draft)
	if err != nil {
		return CampaignView{}, err
	}
	c, err := domain.NewCampaign(h.d.NewID(), cmd.ArtistUserID, t, h.d.Now())
	if err != nil {
		return CampaignView{}, err
	}
	if err := h.d.Campaigns.Add(ctx, c); err != nil {
		return CampaignView{}, err
	}
	return viewOf(c), nil
}

// terms looks the songs up in the catalog so the domain can check they are the artist's own
// and published.
func terms(ctx context.Context, songs Songs, d Draft) (domain.Terms, error) {
	t := domain.Terms{Name: d.Name, StartsAt: d.StartsAt, EndsAt: d.EndsAt, Boost: d.Boost, Budget: d.Budget}
	if len(d.SongIDs) == 0 || len(d.SongIDs) > domain.MaxSongs {
		return t, domain.ErrNoSongs
	}
	for _, id := range d.SongIDs {
		s, err := songs.Song(ctx, id)
		if err != nil {
			return t, err
		}
		t.Songs = append(t.Songs, domain.Song{ID: s.ID, ArtistID: s.ArtistID, ArtistUserID: s.ArtistUserID, Published: s.Published && s.Ready})
	}
	return t, nil
}
