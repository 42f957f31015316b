package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// Expire is the periodic job: it decides the sessions nobody completed once they expire (from
// what the server observed) and settles interrupted starts (a crash between the session row
// and the hold): the hold is asked for again with the same idempotency key, so the ledger
// returns the first one if it was made, and it is released.
type Expire struct {
	d   Deps
	obs *observer
}

// NewExpire builds the job's handler.
func NewExpire(d Deps) (*Expire, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Expire{d: d, obs: newObserver(d)}, nil
}

// ExpireResult counts what one run did.
type ExpireResult struct {
	Expired, Recovered int
}

// Handle runs once over at most batch due sessions.
func (h *Expire) Handle(ctx context.Context, batch int) (ExpireResult, error) {
	now := h.d.Now()
	ids, err := h.d.Sessions.Due(ctx, now, now.Add(-h.d.Config.StalledAfter), batch)
	if err != nil {
		return ExpireResult{}, err
	}
	var res ExpireResult
	var errs []error
	for _, id := range ids {
		s, err := h.d.Sessions.Get(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if s.Starting() {
			if err := h.recover(ctx, s); err != nil {
				errs = append(errs, fmt.Errorf("recover session %s: %w", id, err))
				continue
			}
			res.Recovered++
			continue
		}
		if _, err := decide(ctx, h.d, h.obs, s, domain.EndedByExpiry, -1); err != nil {
			errs = append(errs, fmt.Errorf("expire session %s: %w", id, err))
			continue
		}
		res.Expired++
	}
	return res, errors.Join(errs...)
}

func (h *Expire) recover(ctx context.Context, s *domain.Session) error {
	holdID := uuid.Nil
	if s.NeedsHold() {
		r, err := h.d.Ledger.Hold(ctx, holdRequest(s))
		switch {
		case errors.Is(err, paymentcontracts.ErrInsufficientFunds):
			// Never held (a replay would have answered): nothing to release.
		case err != nil:
			return err
		default:
			holdID = r.HoldID
		}
	}
	return h.d.Sessions.Update(ctx, s.ID(), func(x *domain.Session) error {
		return x.Abort(domain.ReasonStartInterrupted, holdID, h.d.Now())
	})
}
