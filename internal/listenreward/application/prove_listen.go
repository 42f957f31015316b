package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// RecordedListen is a qualified listen recorded for proving (the facts its proof binds).
type RecordedListen struct {
	SessionID       uuid.UUID
	ListenerID      uuid.UUID
	SongID          uuid.UUID
	ListenedSeconds int
	// Pending is false once the listen was proved or failed for good.
	Pending bool
}

// ListenProofs is where recorded listens wait for their proof and where proofs are made and
// stored (the ZK adapter: gnark and the trees stay out of this layer).
type ListenProofs interface {
	// Recorded returns the recorded listen of a session, or ErrListenNotRecorded.
	Recorded(ctx context.Context, sessionID uuid.UUID) (RecordedListen, error)
	// ProveAndStore proves that the listener listened at least minSeconds of the song and
	// stores the proof, unless the session was already proved (idempotent). It returns an
	// error matching ErrUnprovable when the listen's facts cannot satisfy the circuit.
	ProveAndStore(ctx context.Context, l RecordedListen, minSeconds int) error
	// Fail marks a pending listen as failed for good, with a reason served with the proof.
	Fail(ctx context.Context, sessionID uuid.UUID, reason string) error
}

// Errors of ProveListen and its port.
var (
	// ErrListenNotRecorded: the job ran before the qualified listen was recorded (it retries).
	ErrListenNotRecorded = errs.New(errs.NotFound, "listenreward.listen_not_recorded", "the session's qualified listen is not recorded yet")
	// ErrUnprovable: the listen's facts do not satisfy the circuit (never retried).
	ErrUnprovable = errs.New(errs.Unprocessable, "listenreward.listen_unprovable", "the listen cannot be proved")
)

// ProofMinSeconds is the public minimum a listen proof of a song of durationMS states: the
// qualification threshold of the policy (the platform's minimum, capped at half the song) in
// whole seconds, at least one. Every qualified listen satisfies it, since qualification asks
// for at least the unrounded threshold.
func ProofMinSeconds(p domain.Policy, durationMS int) int {
	t := p.MinListen
	if durationMS > 0 {
		t = p.Threshold(durationMS)
	}
	return max(int(t/time.Second), 1)
}

// ProveListen proves one recorded qualified listen (what the proof job runs).
type ProveListen struct {
	proofs ListenProofs
	songs  Songs
	policy domain.Policy
}

// NewProveListen builds the use case.
func NewProveListen(proofs ListenProofs, songs Songs, policy domain.Policy) (*ProveListen, error) {
	if proofs == nil || songs == nil {
		return nil, errNilDependency
	}
	if policy.MinListen <= 0 {
		return nil, errors.New("listenreward application: the policy needs a positive minimum listen")
	}
	return &ProveListen{proofs: proofs, songs: songs, policy: policy}, nil
}

// Run proves the session's listen. A listen already proved or failed is left alone; a song
// deleted or unpublished since, or facts the circuit refuses, fail the listen for good with a
// reason (returning nil: retrying cannot help). Other errors are returned for the job to retry.
func (u *ProveListen) Run(ctx context.Context, sessionID uuid.UUID) error {
	l, err := u.proofs.Recorded(ctx, sessionID)
	if err != nil {
		return err
	}
	if !l.Pending {
		return nil
	}
	song, err := u.songs.Song(ctx, l.SongID)
	if hasCode(err, "music.song_not_found") {
		return u.proofs.Fail(ctx, sessionID, "the song no longer exists")
	}
	if err != nil {
		return err
	}
	if !song.Published {
		return u.proofs.Fail(ctx, sessionID, "the song is not published")
	}
	err = u.proofs.ProveAndStore(ctx, l, ProofMinSeconds(u.policy, song.DurationMS))
	if e, ok := errs.As(err); ok && errors.Is(e, ErrUnprovable) {
		return u.proofs.Fail(ctx, sessionID, e.Message())
	}
	return err
}

// hasCode reports whether err carries a stable error code (another context's errors are
// matched by code, never by type).
func hasCode(err error, code string) bool {
	var coded interface{ Code() string }
	return errors.As(err, &coded) && coded.Code() == code
}
