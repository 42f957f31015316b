package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/domain"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// Transition is one of the artist's lifecycle commands on an activated campaign.
type Transition string

// The artist's transitions.
const (
	Pause  Transition = "pause"
	Resume Transition = "resume"
	End    Transition = "end"
)

// TransitionCampaign asks for a pause, resume or end.
type TransitionCampaign struct {
	ArtistUserID uuid.UUID
	CampaignID   uuid.UUID
	Do           Transition
}

// Transitions handles TransitionCampaign; an end gives back what is left of the budget.
type Transitions struct{ d Deps }

// NewTransitions builds the handler.
func NewTransitions(d Deps) (*Transitions, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Transitions{d: d}, nil
}

// Handle applies the transition.
func (h *Transitions) Handle(ctx context.Context, cmd TransitionCampaign) (CampaignView, error) {
	if _, err := owned(ctx, h.d.Campaigns, cmd.CampaignID, cmd.ArtistUserID); err != nil {
		return CampaignView{}, err
	}
	var out CampaignView
	err := h.d.Campaigns.Update(ctx, cmd.CampaignID, func(c *domain.Campaign) error {
		now := h.d.Now()
		var err error
		switch cmd.Do {
		case Pause:
			err = c.Pause(now)
		case Resume:
			err = c.Resume(now)
		case End:
			err = c.End(now)
		default:
			err = domain.ErrInvalidTransition
		}
		if err != nil {
			return err
		}
		out = viewOf(c)
		return nil
	})
	if err != nil {
		return CampaignView{}, err
	}
	h.d.Metrics.Transition(out.Status)
	if out.Status == domain.StatusEnded {
		if err := giveBack(ctx, h.d, cmd.CampaignID); err != nil {
			return CampaignView{}, err
		}
	}
	return out, nil
}

// giveBack returns what is left of an ended campaign's hold to the artist. Under the campaign's
// lock (no boost can be drawn from it any more) it first settles every boost already drawn,
// so the release never takes money a listener was promised; each ledger command has a fixed
// key, so a crash anywhere here is finished by the next attempt.
func giveBack(ctx context.Context, d Deps, id uuid.UUID) error {
	return d.Boosts.WithCampaignLock(ctx, id, func(ctx context.Context, c *domain.Campaign) error {
		if !c.NeedsRelease() {
			return nil
		}
		for {
			pending, err := d.Boosts.Unsettled(ctx, id, farFuture, 500)
			if err != nil {
				return err
			}
			for _, p := range pending {
				if err := settleBoost(ctx, d, c.HoldID(), p); err != nil {
					return err
				}
			}
			if len(pending) < 500 {
				break
			}
		}
		if c.Remaining().IsPositive() {
			if _, err := d.Ledger.Release(ctx, paymentcontracts.ReleaseRequest{IdempotencyKey: releaseKey(id), HoldID: c.HoldID(),
				Details: paymentcontracts.Details{Reason: "campaign_budget_release", Metadata: map[string]string{"campaign_id": id.String()}}}); err != nil {
				return err
			}
		}
		c.Released(d.Now())
		return nil
	})
}

// settleBoost pays one drawn boost from the campaign's hold into the listener's rewards.
func settleBoost(ctx context.Context, d Deps, holdID uuid.UUID, p domain.BoostPayment) error {
	if p.SettledAt != nil {
		return nil
	}
	entry := uuid.Nil
	if p.Extra.IsPositive() {
		r, err := d.Ledger.Settle(ctx, settleRequest(holdID, p))
		if errors.Is(err, paymentcontracts.ErrAccountNotFound) {
			// A listener whose accounts the registration flow has not opened yet.
			if err := d.Ledger.OpenUserAccounts(ctx, p.ListenerID); err != nil {
				return err
			}
			r, err = d.Ledger.Settle(ctx, settleRequest(holdID, p))
		}
		if err != nil {
			return err
		}
		entry = r.EntryID
		if !r.Replayed {
			d.Metrics.Boosted(p.Extra)
		}
	}
	return d.Boosts.MarkSettled(ctx, p.SessionID, entry, d.Now())
}

// farFuture selects every unsettled boost of a campaign, whatever clock drew it.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
