// Package domain holds the listen-reward context's model: listen sessions with the server-side
// qualification and fraud rules, the split of a stream price, rewards and claims.
package domain

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Status is where a session is in its life.
type Status string

// Session statuses. A session is pending from its row's creation until its hold and stream
// link exist, active while it plays, then qualified or rejected for good.
const (
	StatusPending   Status = "pending"
	StatusActive    Status = "active"
	StatusQualified Status = "qualified"
	StatusRejected  Status = "rejected"
)

// Terminal reports a decided session.
func (s Status) Terminal() bool { return s == StatusQualified || s == StatusRejected }

// Reason is a stable code saying why a session was rejected.
type Reason string

// Rejection reasons (stable codes shown in the API and kept with the decision).
const (
	ReasonPreviewOnly      Reason = "preview_only"
	ReasonOwnSong          Reason = "own_song"
	ReasonSongUnavailable  Reason = "song_unavailable"
	ReasonTooShort         Reason = "listen_too_short"
	ReasonExceedsElapsed   Reason = "exceeds_elapsed_time"
	ReasonExceedsSong      Reason = "exceeds_song_length"
	ReasonBytesNotServed   Reason = "bytes_not_served"
	ReasonSessionTooLong   Reason = "session_too_long"
	ReasonSongDailyLimit   Reason = "song_daily_limit"
	ReasonIPHourlyLimit    Reason = "ip_hourly_limit"
	ReasonDailyLimit       Reason = "daily_limit"
	ReasonSuperseded       Reason = "superseded_before_start"
	ReasonStartInterrupted Reason = "start_interrupted"
	ReasonStreamFailed     Reason = "stream_unavailable"
)

// AllReasons lists every reason code (for metrics and documentation).
func AllReasons() []Reason {
	return []Reason{ReasonPreviewOnly, ReasonOwnSong, ReasonSongUnavailable, ReasonTooShort, ReasonExceedsElapsed,
		ReasonExceedsSong, ReasonBytesNotServed, ReasonSessionTooLong, ReasonSongDailyLimit, ReasonIPHourlyLimit,
		ReasonDailyLimit, ReasonSuperseded, ReasonStartInterrupted, ReasonStreamFailed}
}

// EndedBy says what ended a session.
type EndedBy string

// What ends a session.
const (
	EndedByCompletion EndedBy = "completed"
	EndedBySuperseded EndedBy = "superseded"
	EndedByExpiry     EndedBy = "expired"
	EndedByStart      EndedBy = "start_failed"
)

// PaymentStatus follows the money of a qualified session.
type PaymentStatus string

// Payment statuses.
const (
	PaymentNone    PaymentStatus = "none"
	PaymentPending PaymentStatus = "pending"
	PaymentPaid    PaymentStatus = "paid"
)

// Policy holds the qualification rules' parameters.
type Policy struct {
	// MinListen is the least that qualifies (capped at half the song).
	MinListen time.Duration
	// ClockTolerance is how much the claimed time may exceed the wall-clock time.
	ClockTolerance time.Duration
	// MaxSession is the longest a session may last in wall-clock time.
	MaxSession time.Duration
	// Grace is added to the song's length to make the session's expiry.
	Grace time.Duration
	// BytesSlack is how many seconds of audio short of the claimed position the served bytes
	// may be (rounding of the rendition's average rate).
	BytesSlack time.Duration
	// PreviewSeconds is how much a preview may stream.
	PreviewSeconds int
	// Fraud limits on paid listens.
	MaxPerSongPerDay int
	MaxPerIPSongHour int
	MaxPerUserPerDay int
}

// DefaultPolicy is the defaults.
func DefaultPolicy() Policy {
	return Policy{MinListen: 30 * time.Second, ClockTolerance: 2 * time.Second, MaxSession: 2 * time.Hour,
		Grace: 5 * time.Minute, BytesSlack: 2 * time.Second, PreviewSeconds: 30,
		MaxPerSongPerDay: 10, MaxPerIPSongHour: 30, MaxPerUserPerDay: 500}
}

// Threshold is the listening time that qualifies a song of durationMS: min(MinListen, half).
func (p Policy) Threshold(durationMS int) time.Duration {
	half := time.Duration(durationMS) * time.Millisecond / 2
	return min(p.MinListen, half)
}

// Song is what the session knows of its song when it starts.
type Song struct {
	ID           uuid.UUID
	ArtistUserID uuid.UUID
	DurationMS   int
	Price        money.Amount
}

// Stream is the session's stream link as issued by the music context.
type Stream struct {
	URL            string
	Quality        string
	BytesPerSecond int64
	MaxBytes       int64
}

// Served is what the stream endpoint served under the session's link (server-observed).
type Served struct {
	Bytes         int64
	HighestOffset int64
}

// History counts the listener's paid listens that the fraud limits look at.
type History struct {
	SongToday  int // paid listens of this song by this user today (UTC)
	UserToday  int // paid listens by this user today, all songs
	IPSongHour int // paid listens of this song from this client IP in the last hour
}

// Observation is everything the server knows when it decides a session.
type Observation struct {
	Served   Served
	Playable bool // published, ready and not deleted
	History  History
	// FeeBPS and ShareholderBPS split the price.
	FeeBPS         int
	ShareholderBPS int
}

// ListenQualified is recorded when a session qualifies.
type ListenQualified struct {
	SessionID, SongID, ListenerID, ArtistUserID, HoldID uuid.UUID
	Split                                               Split
	ListenedSeconds                                     int
	At                                                  time.Time
}

// ListenRejected is recorded when a session that may hold money is rejected.
type ListenRejected struct {
	SessionID, SongID, ListenerID, HoldID uuid.UUID
	Reasons                               []Reason
	At                                    time.Time
}

// Session is one play of one song by one listener, decided from what the server observed.
type Session struct {
	id, listenerID uuid.UUID
	song           Song
	clientIP       string
	quality        string
	ownSong        bool
	previewOnly    bool
	holdID         uuid.UUID
	starting       bool // the start has not recorded its hold outcome yet
	stream         Stream
	status         Status
	startedAt      time.Time
	expiresAt      time.Time
	position       int
	listened       int
	reasons        []Reason
	endedBy        EndedBy
	decidedAt      *time.Time
	split          *Split
	payment        PaymentStatus
	entryID        uuid.UUID
	paidAt         *time.Time
	events         []any
}

// NewSession starts a pending session: it needs its hold (unless it can never pay) and its
// stream link before it is active.
func NewSession(id, listenerID uuid.UUID, song Song, quality, clientIP string, policy Policy, now time.Time) (*Session, error) {
	if song.Price.Asset() != money.USD || !song.Price.IsPositive() {
		return nil, ErrInvalidPrice
	}
	if quality != "" && quality != "low" && quality != "high" && quality != "original" {
		return nil, ErrInvalidQuality
	}
	life := time.Duration(song.DurationMS)*time.Millisecond + policy.Grace
	return &Session{id: id, listenerID: listenerID, song: song, clientIP: clientIP, quality: quality,
		ownSong: song.ArtistUserID == listenerID, status: StatusPending, starting: true, startedAt: now,
		expiresAt: now.Add(min(life, policy.MaxSession)), payment: PaymentNone}, nil
}

// RehydrateSession is for repositories only.
func RehydrateSession(id, listenerID uuid.UUID, song Song, clientIP, quality string, previewOnly bool, holdID uuid.UUID,
	starting bool, stream Stream, status Status, startedAt, expiresAt time.Time, position, listened int, reasons []Reason, endedBy EndedBy,
	decidedAt *time.Time, split *Split, payment PaymentStatus, entryID uuid.UUID, paidAt *time.Time) *Session {
	return &Session{id: id, listenerID: listenerID, song: song, clientIP: clientIP, quality: quality,
		ownSong: song.ArtistUserID == listenerID, previewOnly: previewOnly, holdID: holdID, starting: starting, stream: stream, status: status,
		startedAt: startedAt, expiresAt: expiresAt, position: position, listened: listened, reasons: reasons,
		endedBy: endedBy, decidedAt: decidedAt, split: split, payment: payment, entryID: entryID, paidAt: paidAt}
}

// Getters.
func (s *Session) ID() uuid.UUID                         { return s.id }
func (s *Session) ListenerID() uuid.UUID                 { return s.listenerID }
func (s *Session) Song() Song                            { return s.song }
func (s *Session) ClientIP() string                      { return s.clientIP }
func (s *Session) Quality() string                       { return s.quality }
func (s *Session) OwnSong() bool                         { return s.ownSong }
func (s *Session) PreviewOnly() bool                     { return s.previewOnly }
func (s *Session) HoldID() uuid.UUID                     { return s.holdID }
func (s *Session) Starting() bool                        { return s.starting }
func (s *Session) Stream() Stream                        { return s.stream }
func (s *Session) Status() Status                        { return s.status }
func (s *Session) StartedAt() time.Time                  { return s.startedAt }
func (s *Session) ExpiresAt() time.Time                  { return s.expiresAt }
func (s *Session) Position() int                         { return s.position }
func (s *Session) Listened() int                         { return s.listened }
func (s *Session) Reasons() []Reason                     { return slices.Clone(s.reasons) }
func (s *Session) EndedBy() EndedBy                      { return s.endedBy }
func (s *Session) DecidedAt() *time.Time                 { return s.decidedAt }
func (s *Session) Split() *Split                         { return s.split }
func (s *Session) Payment() PaymentStatus                { return s.payment }
func (s *Session) EntryID() uuid.UUID                    { return s.entryID }
func (s *Session) PaidAt() *time.Time                    { return s.paidAt }
func (s *Session) NeedsHold() bool                       { return !s.ownSong }
func (s *Session) QualifiesAfter(p Policy) time.Duration { return p.Threshold(s.song.DurationMS) }

// PullEvents drains the recorded domain events.
func (s *Session) PullEvents() []any {
	e := s.events
	s.events = nil
	return e
}

// Activate records the hold (uuid.Nil when nothing was held) and the stream link. A session
// that a newer one ended while it was starting stays rejected: its hold, if any, is recorded
// and its release announced, and ErrSessionSuperseded is returned.
func (s *Session) Activate(holdID uuid.UUID, previewOnly bool, stream Stream, now time.Time) error {
	s.starting = false
	if s.status != StatusPending {
		if holdID != uuid.Nil && s.holdID == uuid.Nil {
			s.holdID = holdID
			s.events = append(s.events, ListenRejected{SessionID: s.id, SongID: s.song.ID, ListenerID: s.listenerID,
				HoldID: holdID, Reasons: s.Reasons(), At: now})
		}
		return ErrSessionSuperseded
	}
	s.holdID, s.previewOnly, s.stream, s.status = holdID, previewOnly, stream, StatusActive
	return nil
}

// Abort rejects a session whose start could not finish (the hold, if it was made, is released).
func (s *Session) Abort(reason Reason, holdID uuid.UUID, now time.Time) error {
	if !s.starting {
		return nil
	}
	s.starting = false
	if s.status.Terminal() {
		if holdID != uuid.Nil && s.holdID == uuid.Nil {
			s.holdID = holdID
			s.events = append(s.events, ListenRejected{SessionID: s.id, SongID: s.song.ID, ListenerID: s.listenerID,
				HoldID: holdID, Reasons: s.Reasons(), At: now})
		}
		return nil
	}
	s.holdID = holdID
	s.reject([]Reason{reason}, EndedByStart, 0, now, true)
	return nil
}

// Heartbeat records the client's live position (informative; never trusted beyond what the
// server observed).
func (s *Session) Heartbeat(position int, now time.Time) error {
	if position < 0 || position > MaxSeconds {
		return ErrInvalidSeconds
	}
	if s.status != StatusActive {
		return ErrSessionNotActive
	}
	s.position = max(s.position, position)
	return nil
}

// MaxSeconds bounds any seconds value a client may send (one day).
const MaxSeconds = 86_400

// ObservedSeconds is what the server saw of a session at t: the served bytes at the rendition's
// rate, bounded by the wall-clock time and the song, and by the client's last heartbeat if it
// sent one.
func (s *Session) ObservedSeconds(served Served, t time.Time) int {
	if s.stream.BytesPerSecond <= 0 {
		return 0
	}
	secs := min(served.Bytes, served.HighestOffset) / s.stream.BytesPerSecond
	if t.After(s.expiresAt) {
		t = s.expiresAt
	}
	elapsed := int64(t.Sub(s.startedAt) / time.Second)
	secs = min(secs, elapsed, int64((s.song.DurationMS+999)/1000))
	if s.position > 0 {
		secs = min(secs, int64(s.position))
	}
	return int(max(secs, 0))
}

// Decide evaluates the session with the claimed listening time (the server-observed one when
// it ends by supersession or expiry) and records the decision and its event. A decided
// session returns ErrSessionNotActive and keeps its first decision.
func (s *Session) Decide(listened int, by EndedBy, obs Observation, p Policy, now time.Time) error {
	if listened < 0 || listened > MaxSeconds {
		return ErrInvalidSeconds
	}
	if s.status.Terminal() {
		return ErrSessionNotActive
	}
	if s.status == StatusPending {
		// A newer session ended this one while it was starting: its hold (if any) is released
		// by the start itself (Activate) or by the recovery of interrupted starts.
		s.reject([]Reason{ReasonSuperseded}, by, 0, now, false)
		return nil
	}
	reasons := Evaluate(s, listened, obs, p, now)
	if len(reasons) > 0 {
		s.reject(reasons, by, listened, now, true)
		return nil
	}
	split, err := NewSplit(s.song.Price, obs.FeeBPS, obs.ShareholderBPS)
	if err != nil {
		return err
	}
	s.status, s.listened, s.endedBy, s.split, s.payment = StatusQualified, listened, by, &split, PaymentPending
	s.decidedAt = &now
	s.events = append(s.events, ListenQualified{SessionID: s.id, SongID: s.song.ID, ListenerID: s.listenerID,
		ArtistUserID: s.song.ArtistUserID, HoldID: s.holdID, Split: split, ListenedSeconds: listened, At: now})
	return nil
}

// reject decides the session against; announce is false only while its hold is unknown (a
// session superseded before it started announces its hold when the start records it).
func (s *Session) reject(reasons []Reason, by EndedBy, listened int, now time.Time, announce bool) {
	s.status, s.reasons, s.endedBy, s.listened = StatusRejected, reasons, by, listened
	s.decidedAt = &now
	if announce {
		s.events = append(s.events, ListenRejected{SessionID: s.id, SongID: s.song.ID, ListenerID: s.listenerID,
			HoldID: s.holdID, Reasons: slices.Clone(reasons), At: now})
	}
}

// MarkPaid records the settlement of a qualified session; a second call is a no-op.
func (s *Session) MarkPaid(entryID uuid.UUID, at time.Time) error {
	if s.status != StatusQualified {
		return ErrRewardNotApplicable
	}
	if s.payment == PaymentPaid {
		return nil
	}
	s.payment, s.entryID, s.paidAt = PaymentPaid, entryID, &at
	return nil
}

// Evaluate applies every qualification rule and returns the reasons that fail (none: the
// listen qualifies).
func Evaluate(s *Session, listened int, obs Observation, p Policy, now time.Time) []Reason {
	var out []Reason
	add := func(ok bool, r Reason) {
		if !ok {
			out = append(out, r)
		}
	}
	add(!s.previewOnly, ReasonPreviewOnly)
	add(!s.ownSong, ReasonOwnSong)
	add(obs.Playable, ReasonSongUnavailable)
	listenedD := time.Duration(listened) * time.Second
	add(listenedD >= p.Threshold(s.song.DurationMS), ReasonTooShort)
	elapsed := now.Sub(s.startedAt)
	add(listenedD <= elapsed+p.ClockTolerance, ReasonExceedsElapsed)
	add(listened <= (s.song.DurationMS+999)/1000, ReasonExceedsSong)
	need := int64(0)
	if covered := listenedD - p.BytesSlack; covered > 0 {
		need = int64(covered/time.Second) * s.stream.BytesPerSecond
	}
	add(s.stream.BytesPerSecond > 0 && obs.Served.Bytes >= need && obs.Served.HighestOffset >= need, ReasonBytesNotServed)
	add(elapsed <= p.MaxSession, ReasonSessionTooLong)
	add(obs.History.SongToday < p.MaxPerSongPerDay, ReasonSongDailyLimit)
	add(obs.History.IPSongHour < p.MaxPerIPSongHour, ReasonIPHourlyLimit)
	add(obs.History.UserToday < p.MaxPerUserPerDay, ReasonDailyLimit)
	return out
}
