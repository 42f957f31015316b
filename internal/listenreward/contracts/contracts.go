// Package contracts is the listen-reward context's public face: the integration events it
// publishes about listen sessions and rewards, and the narrow ports other contexts answer.
package contracts

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Source names the listen-reward context in event envelopes.
const Source = "listenreward"

// Integration events published by the listen-reward context.
const (
	// ListenQualifiedV1 is written in the transaction that qualifies a session (payload
	// ListenQualified); the payment of the listen follows from it.
	ListenQualifiedV1 = "listenreward.listen_qualified.v1"
	// ListenRejectedV1 is written in the transaction that rejects (or supersedes) a session
	// that held money (payload ListenRejected); the release of the hold follows from it.
	ListenRejectedV1 = "listenreward.listen_rejected.v1"
	// RewardIssuedV1 is published to the listener when a reward is decided (payload
	// RewardIssued).
	RewardIssuedV1 = "listenreward.reward_issued.v1"
	// RewardPoolDepletedV1 is published when the reward pool cannot pay a reward (payload
	// RewardIssued with status "unfunded").
	RewardPoolDepletedV1 = "listenreward.reward_pool_depleted.v1"
)

// ListenQualified is the payload of listenreward.listen_qualified.v1. Amounts are USD
// decimal strings; the four parts are the split decided at qualification and they sum to
// Price exactly.
type ListenQualified struct {
	SessionID       uuid.UUID `json:"session_id"`
	SongID          uuid.UUID `json:"song_id"`
	ListenerID      uuid.UUID `json:"listener_id"`
	ArtistUserID    uuid.UUID `json:"artist_user_id"`
	HoldID          uuid.UUID `json:"hold_id"`
	Price           string    `json:"price"`
	PlatformFee     string    `json:"platform_fee"`
	Shareholders    string    `json:"shareholders"`
	Artist          string    `json:"artist"`
	ListenedSeconds int       `json:"listened_seconds"`
	QualifiedAt     time.Time `json:"qualified_at"`
}

// ListenRejected is the payload of listenreward.listen_rejected.v1.
type ListenRejected struct {
	SessionID  uuid.UUID `json:"session_id"`
	SongID     uuid.UUID `json:"song_id"`
	ListenerID uuid.UUID `json:"listener_id"`
	// HoldID is the hold to release (uuid.Nil for a preview, which held nothing).
	HoldID     uuid.UUID `json:"hold_id"`
	Reasons    []string  `json:"reasons"`
	RejectedAt time.Time `json:"rejected_at"`
}

// RewardIssued is the payload of listenreward.reward_issued.v1 and
// listenreward.reward_pool_depleted.v1. Amount is a VIBE decimal string.
type RewardIssued struct {
	SessionID  uuid.UUID `json:"session_id"`
	ListenerID uuid.UUID `json:"listener_id"`
	SongID     uuid.UUID `json:"song_id"`
	Amount     string    `json:"amount"`
	// Status is "accrued", "capped" or "unfunded".
	Status   string    `json:"status"`
	IssuedAt time.Time `json:"issued_at"`
}

// Rewards lets the flow issue the reward of a paid listen.
type Rewards interface {
	// IssueReward decides and books the reward of a qualified session; idempotent on the
	// session id.
	IssueReward(ctx context.Context, sessionID uuid.UUID) error
}

// Boost is the reward multiplier that applies to a listen, in tenths (10 = 1.0x, 25 = 2.5x),
// and the campaign that pays the extra above the base reward (uuid.Nil when none applies).
type Boost struct {
	Tenths     int
	CampaignID uuid.UUID
}

// BoostRequest asks the campaign that applies to a qualified listen to pay its boost: Base is
// the reward the reward pool pays (after the duration bonus and the caps); the campaign pays
// Base x (boost - 1) on top, from its own held budget.
type BoostRequest struct {
	SessionID  uuid.UUID
	SongID     uuid.UUID
	ListenerID uuid.UUID
	Base       money.Amount
	// At is when the listen qualified (the campaign must be running then).
	At time.Time
}

// BoostPaid is what a campaign paid for a listen: the boost that applied (1.0x and uuid.Nil
// when none) and the extra VIBE credited to the listener's rewards account.
type BoostPaid struct {
	Boost
	Extra money.Amount
}

// RewardBoosts is answered by the campaign context; without it every listen gets 1.0x.
type RewardBoosts interface {
	// Boost is the multiplier that would apply to a listen of the song at at (no money moves).
	Boost(ctx context.Context, songID uuid.UUID, at time.Time) (Boost, error)
	// PayBoost draws the extra above the base from the best running campaign's held budget and
	// credits it to the listener's rewards account; idempotent on the session id (a retry
	// returns the first outcome and pays nothing more).
	PayBoost(ctx context.Context, req BoostRequest) (BoostPaid, error)
}

// RoyaltyShares is answered by the ownership context (a later issue): the basis points of
// each stream price (after the platform fee) that go to the song's shareholders, 0 when the
// song has no offering.
type RoyaltyShares interface {
	ShareholderBPS(ctx context.Context, songID uuid.UUID) (int, error)
}

// ListenProver is the port of the ZK issue: it is told of every qualified listen and proves
// it in the background; the payment never waits for it.
type ListenProver interface {
	ProveListen(ctx context.Context, sessionID uuid.UUID) error
}

// Listens lets the flow record what became of a qualified listen's payment.
type Listens interface {
	// ListenPaid records that the ledger settled a qualified session (entry, time); idempotent.
	ListenPaid(ctx context.Context, sessionID, entryID uuid.UUID, paidAt time.Time) error
}

// NoProver is the ListenProver until the ZK issue: it proves nothing.
type NoProver struct{}

// ProveListen implements ListenProver.
func (NoProver) ProveListen(context.Context, uuid.UUID) error { return nil }

// PlayRequest asks to play a song for a listener whose client has no session of its own (a
// Subsonic player calling stream).
type PlayRequest struct {
	ListenerID uuid.UUID
	SongID     uuid.UUID
	// Quality is a rendition name ("low", "high", "original"); empty picks the default.
	Quality  string
	ClientIP string
}

// PlaySession is a listen session as a player adapter sees it.
type PlaySession struct {
	ID     uuid.UUID
	SongID uuid.UUID
	// Status is "active", "qualified" or "rejected".
	Status      string
	PreviewOnly bool
	// StreamURL is the session's signed stream link (path and query, relative to the API
	// origin); the bytes it serves are what the session is judged on.
	StreamURL string
	Quality   string
	StartedAt time.Time
	ExpiresAt time.Time
	Reasons   []string
	// Continued: Play found the listener's open session of the song rather than starting one.
	Continued bool
}

// Plays lets a player adapter (the Subsonic API) drive listen sessions exactly as the listen
// session API does: the price is held at the start, the decision is the server's.
type Plays interface {
	// Play continues the listener's open session of the song (same quality, not expired) or
	// starts one, as POST /listen-sessions would (which ends the listener's other sessions).
	Play(ctx context.Context, req PlayRequest) (PlaySession, error)
	// Finish completes the listener's open session of the song with the listening the server
	// observed (bytes served, bounded by the wall time and the song); found is false when the
	// listener has no open session of it.
	Finish(ctx context.Context, listenerID, songID uuid.UUID) (s PlaySession, found bool, err error)
	// NowPlaying lists the listener's open sessions.
	NowPlaying(ctx context.Context, listenerID uuid.UUID) ([]PlaySession, error)
}
