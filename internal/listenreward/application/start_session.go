package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// StartSession starts a listen of a song.
type StartSession struct {
	ListenerID uuid.UUID
	SongID     uuid.UUID
	Quality    string
	ClientIP   string
}

// Start handles StartSession: the session row is written (pending) before the price is held, so
// a crash between the two leaves a row the recovery job finds; the listener's open sessions
// end at the same moment (one active session per account).
type Start struct {
	d   Deps
	obs *observer
}

// NewStart builds the handler.
func NewStart(d Deps) (*Start, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Start{d: d, obs: newObserver(d)}, nil
}

// Handle implements the use case.
func (h *Start) Handle(ctx context.Context, cmd StartSession) (SessionView, error) {
	p := h.d.Config.Policy
	song, err := h.d.Songs.Song(ctx, cmd.SongID)
	if err != nil {
		return SessionView{}, err
	}
	if !song.Ready || (!song.Published && song.ArtistUserID != cmd.ListenerID) {
		return SessionView{}, domain.ErrSongNotPlayable
	}
	now := h.d.Now()
	s, err := domain.NewSession(h.d.NewID(), cmd.ListenerID, domain.Song{ID: song.ID, ArtistUserID: song.ArtistUserID,
		DurationMS: song.DurationMS, Price: song.StreamPrice}, cmd.Quality, cmd.ClientIP, p, now)
	if err != nil {
		return SessionView{}, err
	}
	// What the server observed of the sessions this start ends, read before the transaction
	// (nothing reaches another context while the listener is locked).
	open, err := h.d.Sessions.Open(ctx, cmd.ListenerID)
	if err != nil {
		return SessionView{}, err
	}
	observed := map[uuid.UUID]domain.Observation{}
	for _, o := range open {
		if observed[o.ID()], err = h.obs.observe(ctx, o, now); err != nil {
			return SessionView{}, err
		}
	}
	var ended []*domain.Session
	if err := h.d.Sessions.Begin(ctx, s, func(o *domain.Session, hist domain.History) error {
		ob := observed[o.ID()]
		ob.History = hist
		if err := o.Decide(o.ObservedSeconds(ob.Served, now), domain.EndedBySuperseded, ob, p, now); err != nil &&
			!errors.Is(err, domain.ErrSessionNotActive) {
			return err
		}
		ended = append(ended, o)
		return nil
	}); err != nil {
		return SessionView{}, err
	}
	for _, o := range ended {
		h.d.Metrics.Decided(o.Status(), o.Reasons())
	}

	holdID, preview := uuid.Nil, false
	if s.NeedsHold() {
		r, err := h.d.Ledger.Hold(ctx, holdRequest(s))
		if errors.Is(err, paymentcontracts.ErrAccountNotFound) {
			// A brand-new account whose ledger accounts the registration flow has not opened yet.
			if err = h.d.Ledger.OpenUserAccounts(ctx, cmd.ListenerID); err == nil {
				r, err = h.d.Ledger.Hold(ctx, holdRequest(s))
			}
		}
		switch {
		case errors.Is(err, paymentcontracts.ErrInsufficientFunds):
			preview = true
		case err != nil:
			// The hold may or may not exist: the recovery job settles it.
			return SessionView{}, fmt.Errorf("hold the stream price: %w", err)
		default:
			holdID = r.HoldID
		}
	}
	req := musiccontracts.SessionStreamRequest{SessionID: s.ID(), UserID: cmd.ListenerID, SongID: song.ID, Quality: cmd.Quality,
		ExpiresAt: s.ExpiresAt()}
	if preview {
		req.PreviewSeconds = p.PreviewSeconds
	}
	link, streamErr := h.d.Streams.OpenSessionStream(ctx, req)
	var activateErr error
	err = h.d.Sessions.Update(ctx, s.ID(), func(x *domain.Session) error {
		if streamErr != nil {
			return x.Abort(domain.ReasonStreamFailed, holdID, h.d.Now())
		}
		activateErr = x.Activate(holdID, preview, domain.Stream{URL: link.URL, Quality: link.Quality,
			BytesPerSecond: link.BytesPerSecond, MaxBytes: link.MaxBytes}, h.d.Now())
		s = x
		return nil
	})
	switch {
	case err != nil:
		return SessionView{}, err
	case streamErr != nil:
		return SessionView{}, streamErr
	case activateErr != nil:
		return SessionView{}, activateErr
	}
	return sessionView(s, nil, p), nil
}
