package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// Heartbeat reports a client's live position.
type Heartbeat struct {
	ListenerID      uuid.UUID
	SessionID       uuid.UUID
	PositionSeconds int
}

// Beat handles Heartbeat.
type Beat struct{ d Deps }

// NewBeat builds the handler.
func NewBeat(d Deps) (*Beat, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Beat{d: d}, nil
}

// Handle implements the use case.
func (h *Beat) Handle(ctx context.Context, cmd Heartbeat) (SessionView, error) {
	if cmd.PositionSeconds < 0 || cmd.PositionSeconds > domain.MaxSeconds {
		return SessionView{}, domain.ErrInvalidSeconds
	}
	var out *domain.Session
	err := h.d.Sessions.Update(ctx, cmd.SessionID, func(s *domain.Session) error {
		if s.ListenerID() != cmd.ListenerID {
			return domain.ErrSessionNotFound
		}
		out = s
		return s.Heartbeat(cmd.PositionSeconds, h.d.Now())
	})
	if err != nil {
		return SessionView{}, err
	}
	return sessionView(out, nil, h.d.Config.Policy), nil
}
