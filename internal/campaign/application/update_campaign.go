package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// PatchCampaign changes some terms of a draft; nil fields keep their value.
type PatchCampaign struct {
	ArtistUserID uuid.UUID
	CampaignID   uuid.UUID
	Name         *string
	SongIDs      []uuid.UUID // nil: unchanged
	StartsAt     *time.Time
	EndsAt       *time.Time
	Boost        *domain.Boost
	Budget       *money.Amount
}

// Patch handles PatchCampaign.
type Patch struct{ d Deps }

// NewPatch builds the handler.
func NewPatch(d Deps) (*Patch, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Patch{d: d}, nil
}

// Handle changes the draft; every rule is checked again and a refused change writes nothing.
func (h *Patch) Handle(ctx context.Context, cmd PatchCampaign) (CampaignView, error) {
	cur, err := owned(ctx, h.d.Campaigns, cmd.CampaignID, cmd.ArtistUserID)
	if err != nil {
		return CampaignView{}, err
	}
	d := Draft{Name: cur.Name(), SongIDs: cur.SongIDs(), StartsAt: cur.StartsAt(), EndsAt: cur.EndsAt(), Boost: cur.Boost(), Budget: cur.Budget()}
	if cmd.Name != nil {
		d.Name = *cmd.Name
	}
	if cmd.SongIDs != nil {
		d.SongIDs = cmd.SongIDs
	}
	if cmd.StartsAt != nil {
		d.StartsAt = *cmd.StartsAt
	}
	if cmd.EndsAt != nil {
		d.EndsAt = *cmd.EndsAt
	}
	if cmd.Boost != nil {
		d.Boost = *cmd.Boost
	}
	if cmd.Budget != nil {
		d.Budget = *cmd.Budget
	}
	if cur.Status() != domain.StatusDraft {
		return CampaignView{}, domain.ErrNotDraft
	}
	t, err := terms(ctx, h.d.Songs, d)
	if err != nil {
		return CampaignView{}, err
	}
	var out CampaignView
	err = h.d.Campaigns.Update(ctx, cmd.CampaignID, func(c *domain.Campaign) error {
		if err := c.Change(t, h.d.Now()); err != nil {
			return err
		}
		out = viewOf(c)
		return nil
	})
	return out, err
}

// owned loads a campaign of the caller; another artist's campaign is not found (its existence
// is not revealed).
func owned(ctx context.Context, cs domain.Campaigns, id, caller uuid.UUID) (*domain.Campaign, error) {
	c, err := cs.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.ArtistUserID() != caller {
		return nil, domain.ErrNotFound
	}
	return c, nil
}
