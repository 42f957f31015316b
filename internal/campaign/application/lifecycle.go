package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/domain"
)

// Lifecycle is the scheduled job's use case: it starts scheduled campaigns on their start date,
// ends campaigns on their end date, gives back what is left of ended campaigns' holds, finishes
// activations a crash interrupted and settles boosts a crash left drawn but unpaid.
type Lifecycle struct{ d Deps }

// NewLifecycle builds the handler.
func NewLifecycle(d Deps) (*Lifecycle, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Lifecycle{d: d}, nil
}

// LifecycleResult counts what one run did.
type LifecycleResult struct {
	Changed, Released, Activations, Settled int
}

// Handle runs the schedule once over at most batch campaigns and boosts.
func (h *Lifecycle) Handle(ctx context.Context, batch int) (LifecycleResult, error) {
	var res LifecycleResult
	now := h.d.Now()
	stale := now.Add(-h.d.StaleAfter)
	ids, err := h.d.Campaigns.Due(ctx, now, stale, batch)
	if err != nil {
		return res, err
	}
	var errsSeen []error
	for _, id := range ids {
		c, err := h.d.Campaigns.Get(ctx, id)
		if err != nil {
			errsSeen = append(errsSeen, err)
			continue
		}
		if c.Activating() && !c.Snapshot().UpdatedAt.After(stale) {
			if _, err := finishActivation(ctx, h.d, id); err != nil && !errors.Is(err, domain.ErrInsufficientBalance) &&
				!errors.Is(err, domain.ErrOutsideDates) {
				errsSeen = append(errsSeen, err)
			}
			res.Activations++
		}
		var to domain.Status
		if err := h.d.Campaigns.Update(ctx, id, func(c *domain.Campaign) error {
			if c.Tick(h.d.Now()) {
				to = c.Status()
			}
			return nil
		}); err != nil {
			errsSeen = append(errsSeen, err)
			continue
		}
		if to != "" {
			res.Changed++
			h.d.Metrics.Transition(to)
		}
		c, err = h.d.Campaigns.Get(ctx, id)
		if err != nil {
			errsSeen = append(errsSeen, err)
			continue
		}
		if c.NeedsRelease() {
			if err := giveBack(ctx, h.d, id); err != nil {
				errsSeen = append(errsSeen, err)
				continue
			}
			res.Released++
		}
	}
	pending, err := h.d.Boosts.Unsettled(ctx, uuid.Nil, stale, batch)
	if err != nil {
		return res, errors.Join(append(errsSeen, err)...)
	}
	for _, p := range pending {
		c, err := h.d.Campaigns.Get(ctx, p.CampaignID)
		if err != nil {
			errsSeen = append(errsSeen, err)
			continue
		}
		if err := settleBoost(ctx, h.d, c.HoldID(), p); err != nil {
			errsSeen = append(errsSeen, err)
			continue
		}
		res.Settled++
	}
	return res, errors.Join(errsSeen...)
}
