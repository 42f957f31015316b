package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// SessionQueries answers a listener's questions about their sessions.
type SessionQueries struct{ d Deps }

// NewSessionQueries builds the queries.
func NewSessionQueries(d Deps) (*SessionQueries, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &SessionQueries{d: d}, nil
}

// Get returns one of the listener's sessions (someone else's reads as not found).
func (q *SessionQueries) Get(ctx context.Context, listenerID, id uuid.UUID) (SessionView, error) {
	s, err := q.d.Sessions.Get(ctx, id)
	if err != nil {
		return SessionView{}, err
	}
	if s.ListenerID() != listenerID {
		return SessionView{}, domain.ErrSessionNotFound
	}
	r, err := q.d.Rewards.GetReward(ctx, id)
	if err != nil {
		return SessionView{}, err
	}
	return sessionView(s, r, q.d.Config.Policy), nil
}

// List pages the listener's sessions, newest first; next is the cursor of the following page
// (zero when this is the last).
func (q *SessionQueries) List(ctx context.Context, listenerID uuid.UUID, before domain.Cursor, limit int) ([]SessionView, domain.Cursor, error) {
	ss, err := q.d.Sessions.List(ctx, listenerID, before, limit+1)
	if err != nil {
		return nil, domain.Cursor{}, err
	}
	var next domain.Cursor
	if len(ss) > limit {
		ss = ss[:limit]
		last := ss[len(ss)-1]
		next = domain.Cursor{StartedAt: last.StartedAt(), ID: last.ID()}
	}
	out := make([]SessionView, 0, len(ss))
	for _, s := range ss {
		r, err := q.d.Rewards.GetReward(ctx, s.ID())
		if err != nil {
			return nil, domain.Cursor{}, err
		}
		out = append(out, sessionView(s, r, q.d.Config.Policy))
	}
	return out, next, nil
}
