package postgres

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres/musicdb"
)

// SessionServes implements application.SessionServes on music.session_streams: one row per
// session, updated by one upsert per request (no transaction around the body, no lock held
// while bytes go out).
type SessionServes struct {
	q *musicdb.Queries
}

var _ application.SessionServes = (*SessionServes)(nil)

// NewSessionServes builds the session byte accounting on the store's pool.
func NewSessionServes(s *Store) *SessionServes { return &SessionServes{q: s.q} }

// Reserve adds a range to its session's row (creating it).
func (s *SessionServes) Reserve(ctx context.Context, r application.SessionServe) error {
	if r.End < r.Start || r.Start < 0 {
		return errors.New("music: a session range must not end before it starts")
	}
	return s.q.ReserveSessionBytes(ctx, musicdb.ReserveSessionBytesParams{SessionID: r.SessionID, SongID: r.SongID, UserID: r.UserID,
		Bytes: r.End - r.Start, RangeEnd: r.End, At: r.At})
}

// Return takes back what was reserved for r but not delivered.
func (s *SessionServes) Return(ctx context.Context, r application.SessionServe, delivered int64) error {
	shortfall := r.End - r.Start - delivered
	if shortfall <= 0 {
		return nil
	}
	return s.q.ReturnSessionBytes(ctx, musicdb.ReturnSessionBytesParams{SessionID: r.SessionID, Shortfall: shortfall, RangeEnd: r.End,
		Reached: r.Start + delivered, At: r.At})
}

// Streamed reads a session's row; a session nothing was served for reads as zero.
func (s *SessionServes) Streamed(ctx context.Context, sessionID uuid.UUID) (contracts.SessionStreamed, error) {
	row, err := s.q.SessionStreamed(ctx, sessionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return contracts.SessionStreamed{}, nil
	}
	if err != nil {
		return contracts.SessionStreamed{}, err
	}
	return contracts.SessionStreamed{Requests: row.Requests, BytesServed: row.BytesServed, HighestOffset: row.HighestOffset}, nil
}
