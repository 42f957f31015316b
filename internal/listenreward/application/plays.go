package application

import (
	"context"
	"hash/maphash"
	"sync"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/listenreward/contracts"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// Plays drives sessions for players that know nothing of them (contracts.Plays): a stream
// request continues the listener's open session of the song or starts one; a scrobble
// completes it with what the server observed.
type Plays struct {
	d     Deps
	start *Start
	obs   *observer
	// locks serialise one listener's plays in this instance: a player often opens two
	// requests for one song at once, which must not start two sessions (the second would end
	// the first). Across instances the second start supersedes the first, as on the API.
	locks [64]sync.Mutex
	seed  maphash.Seed
}

// NewPlays builds the use case.
func NewPlays(d Deps, start *Start) (*Plays, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	if start == nil {
		return nil, errNilDependency
	}
	return &Plays{d: d, start: start, obs: newObserver(d), seed: maphash.MakeSeed()}, nil
}

func (h *Plays) lock(listener uuid.UUID) *sync.Mutex {
	return &h.locks[maphash.Bytes(h.seed, listener[:])%uint64(len(h.locks))]
}

// openOf returns the listener's active, unexpired session of the song (nil when none).
func (h *Plays) openOf(ctx context.Context, listener, song uuid.UUID, quality string) (*domain.Session, error) {
	open, err := h.d.Sessions.Open(ctx, listener)
	if err != nil {
		return nil, err
	}
	now := h.d.Now()
	for _, s := range open {
		if s.Song().ID == song && s.Status() == domain.StatusActive && now.Before(s.ExpiresAt()) &&
			(quality == "" || quality == s.Stream().Quality) {
			return s, nil
		}
	}
	return nil, nil
}

// Play implements contracts.Plays.
func (h *Plays) Play(ctx context.Context, req contracts.PlayRequest) (contracts.PlaySession, error) {
	mu := h.lock(req.ListenerID)
	mu.Lock()
	defer mu.Unlock()
	s, err := h.openOf(ctx, req.ListenerID, req.SongID, req.Quality)
	if err != nil {
		return contracts.PlaySession{}, err
	}
	if s != nil {
		out := playOf(sessionView(s, nil, h.d.Config.Policy))
		out.Continued = true
		return out, nil
	}
	v, err := h.start.Handle(ctx, StartSession{ListenerID: req.ListenerID, SongID: req.SongID, Quality: req.Quality, ClientIP: req.ClientIP})
	if err != nil {
		return contracts.PlaySession{}, err
	}
	return playOf(v), nil
}

// Finish implements contracts.Plays.
func (h *Plays) Finish(ctx context.Context, listener, song uuid.UUID) (contracts.PlaySession, bool, error) {
	mu := h.lock(listener)
	mu.Lock()
	defer mu.Unlock()
	open, err := h.d.Sessions.Open(ctx, listener)
	if err != nil {
		return contracts.PlaySession{}, false, err
	}
	for _, s := range open {
		if s.Song().ID != song || s.Status() != domain.StatusActive {
			continue
		}
		out, err := decide(ctx, h.d, h.obs, s, domain.EndedByCompletion, -1)
		if err != nil {
			return contracts.PlaySession{}, false, err
		}
		return playOf(sessionView(out, nil, h.d.Config.Policy)), true, nil
	}
	return contracts.PlaySession{}, false, nil
}

// NowPlaying implements contracts.Plays.
func (h *Plays) NowPlaying(ctx context.Context, listener uuid.UUID) ([]contracts.PlaySession, error) {
	open, err := h.d.Sessions.Open(ctx, listener)
	if err != nil {
		return nil, err
	}
	out := make([]contracts.PlaySession, 0, len(open))
	for _, s := range open {
		if s.Status() == domain.StatusActive {
			out = append(out, playOf(sessionView(s, nil, h.d.Config.Policy)))
		}
	}
	return out, nil
}

func playOf(v SessionView) contracts.PlaySession {
	return contracts.PlaySession{ID: v.ID, SongID: v.SongID, Status: v.Status, PreviewOnly: v.PreviewOnly, StreamURL: v.StreamURL,
		Quality: v.Quality, StartedAt: v.StartedAt, ExpiresAt: v.ExpiresAt, Reasons: v.Reasons}
}
