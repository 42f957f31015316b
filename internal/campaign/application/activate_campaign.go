package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/domain"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// ActivateCampaign holds a draft's budget in the artist's VIBE wallet and starts it (scheduled
// before its start date, active within its dates).
type ActivateCampaign struct {
	ArtistUserID uuid.UUID
	CampaignID   uuid.UUID
}

// Activate handles ActivateCampaign. The campaign is marked before the hold and the hold's key
// is the campaign's, so a crash between the two leaves a mark the lifecycle job finishes with
// the same hold; a retry by the artist does the same.
type Activate struct{ d Deps }

// NewActivate builds the handler.
func NewActivate(d Deps) (*Activate, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Activate{d: d}, nil
}

// Handle activates the campaign.
func (h *Activate) Handle(ctx context.Context, cmd ActivateCampaign) (CampaignView, error) {
	if _, err := owned(ctx, h.d.Campaigns, cmd.CampaignID, cmd.ArtistUserID); err != nil {
		return CampaignView{}, err
	}
	if err := h.d.Campaigns.Update(ctx, cmd.CampaignID, func(c *domain.Campaign) error {
		if c.Activating() {
			return nil // a retry after a crash: finish it with the same hold
		}
		return c.BeginActivation(h.d.Now())
	}); err != nil {
		return CampaignView{}, err
	}
	return finishActivation(ctx, h.d, cmd.CampaignID)
}

// finishActivation holds the budget (same key on every attempt) and records the hold; when the
// wallet cannot cover it the mark is cleared and the campaign stays a draft.
func finishActivation(ctx context.Context, d Deps, id uuid.UUID) (CampaignView, error) {
	c, err := d.Campaigns.Get(ctx, id)
	if err != nil {
		return CampaignView{}, err
	}
	if !c.Activating() {
		return viewOf(c), nil
	}
	if err := d.Ledger.OpenUserAccounts(ctx, c.ArtistUserID()); err != nil {
		return CampaignView{}, err
	}
	hold, err := d.Ledger.Hold(ctx, paymentcontracts.HoldRequest{IdempotencyKey: holdKey(id), Owner: c.ArtistUserID(), Amount: c.Budget(),
		Details: paymentcontracts.Details{Reason: "campaign_budget", Metadata: map[string]string{"campaign_id": id.String()}}})
	if errors.Is(err, paymentcontracts.ErrInsufficientFunds) {
		d.Metrics.Refused("insufficient_vibe")
		if err := d.Campaigns.Update(ctx, id, func(c *domain.Campaign) error { c.AbortActivation(d.Now()); return nil }); err != nil {
			return CampaignView{}, err
		}
		return CampaignView{}, domain.ErrInsufficientBalance
	}
	if err != nil {
		return CampaignView{}, err
	}
	var out CampaignView
	err = d.Campaigns.Update(ctx, id, func(c *domain.Campaign) error {
		if !c.Activating() {
			out = viewOf(c)
			return nil
		}
		if err := c.Activate(hold.HoldID, d.Now()); err != nil {
			return err
		}
		out = viewOf(c)
		return nil
	})
	if errors.Is(err, domain.ErrOutsideDates) {
		// Too late to run (the end date passed while the hold was taken): give it back.
		if _, rerr := d.Ledger.Release(ctx, paymentcontracts.ReleaseRequest{IdempotencyKey: releaseKey(id), HoldID: hold.HoldID,
			Details: paymentcontracts.Details{Reason: "campaign_budget_release", Metadata: map[string]string{"campaign_id": id.String()}}}); rerr != nil {
			return CampaignView{}, rerr
		}
		if uerr := d.Campaigns.Update(ctx, id, func(c *domain.Campaign) error { c.AbortActivation(d.Now()); return nil }); uerr != nil {
			return CampaignView{}, uerr
		}
		return CampaignView{}, err
	}
	if err == nil {
		d.Metrics.Transition(out.Status)
	}
	return out, err
}
