package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// CompleteSession ends a listen with the time the client says it played.
type CompleteSession struct {
	ListenerID      uuid.UUID
	SessionID       uuid.UUID
	ListenedSeconds int
}

// Complete handles CompleteSession: the server decides from what it observed; completing
// twice returns the first decision.
type Complete struct {
	d   Deps
	obs *observer
}

// NewComplete builds the handler.
func NewComplete(d Deps) (*Complete, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Complete{d: d, obs: newObserver(d)}, nil
}

// Handle implements the use case.
func (h *Complete) Handle(ctx context.Context, cmd CompleteSession) (SessionView, error) {
	if cmd.ListenedSeconds < 0 || cmd.ListenedSeconds > domain.MaxSeconds {
		return SessionView{}, domain.ErrInvalidSeconds
	}
	s, err := h.d.Sessions.Get(ctx, cmd.SessionID)
	if err != nil {
		return SessionView{}, err
	}
	if s.ListenerID() != cmd.ListenerID {
		return SessionView{}, domain.ErrSessionNotFound
	}
	if s.Status() == domain.StatusPending {
		return SessionView{}, domain.ErrSessionNotActive.WithMessage("the session is still starting")
	}
	if !s.Status().Terminal() {
		if s, err = decide(ctx, h.d, h.obs, s, domain.EndedByCompletion, cmd.ListenedSeconds); err != nil {
			return SessionView{}, err
		}
	}
	r, err := h.d.Rewards.GetReward(ctx, s.ID())
	if err != nil {
		return SessionView{}, err
	}
	return sessionView(s, r, h.d.Config.Policy), nil
}

// decide evaluates an active session (listened < 0: use what the server observed) and returns
// it as stored.
func decide(ctx context.Context, d Deps, o *observer, s *domain.Session, by domain.EndedBy, listened int) (*domain.Session, error) {
	now := d.Now()
	ob, err := o.observe(ctx, s, now)
	if err != nil {
		return nil, err
	}
	var (
		out     *domain.Session
		decided bool
	)
	err = d.Sessions.Decide(ctx, s.ID(), now, func(x *domain.Session, h domain.History) error {
		out = x
		if x.Status() != domain.StatusActive {
			return nil // decided meanwhile (or still starting): keep what is there
		}
		ob.History = h
		secs := listened
		if secs < 0 {
			secs = x.ObservedSeconds(ob.Served, now)
		}
		at := now
		if by == domain.EndedByExpiry && now.After(x.ExpiresAt()) {
			// Judged as of its expiry, however late the job runs (a stopped job must not turn
			// a good listen into one that lasted too long).
			at = x.ExpiresAt()
		}
		if err := x.Decide(secs, by, ob, d.Config.Policy, at); err != nil && !errors.Is(err, domain.ErrSessionNotActive) {
			return err
		}
		decided = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	if decided {
		d.Metrics.Decided(out.Status(), out.Reasons())
	}
	return out, nil
}
