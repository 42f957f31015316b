package application

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// SessionServes keeps, per listen session, what the stream endpoint served under the
// session's links. Reserve runs before a response body goes out, so what a client has
// received is always counted; Return takes back what a short write did not deliver.
type SessionServes interface {
	Reserve(ctx context.Context, s SessionServe) error
	Return(ctx context.Context, s SessionServe, delivered int64) error
	Streamed(ctx context.Context, sessionID uuid.UUID) (contracts.SessionStreamed, error)
}

// SessionServe is one request's range under a session link: [Start, End).
type SessionServe struct {
	SessionID uuid.UUID
	SongID    uuid.UUID
	UserID    uuid.UUID
	Start     int64
	End       int64
	At        time.Time
}

// SessionLink is a verified session link's parts.
type SessionLink struct {
	SongID    uuid.UUID
	UserID    uuid.UUID
	Quality   domain.Quality
	SessionID uuid.UUID
	// MaxBytes caps what the link serves (0: the whole rendition).
	MaxBytes  int64
	ExpiresAt int64
}

// SessionStreams implements contracts.Streams: stream links bound to a listen session, whose
// MAC covers the song, the user, the quality, the expiry, the session and the byte cap.
type SessionStreams struct {
	app    *App
	serves SessionServes
}

var _ contracts.Streams = (*SessionStreams)(nil)

// NewSessionStreams builds the session stream use cases on app's catalog and signer.
func NewSessionStreams(app *App, serves SessionServes) (*SessionStreams, error) {
	if app == nil || serves == nil {
		return nil, errors.New("music application: app and session serves are required")
	}
	return &SessionStreams{app: app, serves: serves}, nil
}

func (s *Signer) sessionMAC(l SessionLink) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("vibestream-session-stream-v1\x00"))
	m.Write(l.SongID[:])
	m.Write(l.UserID[:])
	m.Write(l.SessionID[:])
	m.Write([]byte(l.Quality))
	m.Write([]byte{0})
	m.Write([]byte(strconv.FormatInt(l.ExpiresAt, 10)))
	m.Write([]byte{0})
	m.Write([]byte(strconv.FormatInt(l.MaxBytes, 10)))
	return m.Sum(nil)
}

// SignSession returns the signature of a session link.
func (s *Signer) SignSession(l SessionLink) string {
	return base64.RawURLEncoding.EncodeToString(s.sessionMAC(l))
}

// VerifySession checks a session link's signature, then its expiry.
func (s *Signer) VerifySession(l SessionLink, sig string, now time.Time) error {
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.sessionMAC(l)) {
		return domain.ErrBadSignature
	}
	if now.Unix() > l.ExpiresAt {
		return domain.ErrExpiredSignature
	}
	return nil
}

// OpenSessionStream signs a link for the session after checking the user may play the song
// in that quality. A preview's cap is the byte offset of PreviewSeconds of the rendition at
// its average rate.
func (ss *SessionStreams) OpenSessionStream(ctx context.Context, req contracts.SessionStreamRequest) (contracts.SessionStream, error) {
	if req.SessionID == uuid.Nil || req.UserID == uuid.Nil {
		return contracts.SessionStream{}, errs.ErrValidation.WithMessage("a session stream needs a session and a user")
	}
	if req.PreviewSeconds < 0 {
		return contracts.SessionStream{}, errs.ErrValidation.WithField("preview_seconds", "must not be negative")
	}
	q, err := domain.ParseQuality(req.Quality)
	if err != nil {
		return contracts.SessionStream{}, err
	}
	song, r, err := ss.app.authorizeStream(ctx, Viewer{UserID: req.UserID}, req.SongID, q)
	if err != nil {
		return contracts.SessionStream{}, err
	}
	now := ss.app.now()
	exp := req.ExpiresAt
	if exp.IsZero() {
		exp = now.Add(ss.app.d.Signer.TTL())
	}
	if !exp.After(now) {
		return contracts.SessionStream{}, errs.ErrValidation.WithField("expires_at", "must be in the future")
	}
	var durMS int64
	if d := song.DurationMS(); d != nil {
		durMS = int64(*d)
	}
	bps := int64(r.BitrateKbps) * 125
	if durMS > 0 {
		bps = r.Size * 1000 / durMS
	}
	var maxBytes int64
	if req.PreviewSeconds > 0 {
		maxBytes = r.Size
		if durMS > 0 && int64(req.PreviewSeconds)*1000 < durMS {
			maxBytes = r.Size * int64(req.PreviewSeconds) * 1000 / durMS
		} else if durMS == 0 && bps > 0 {
			maxBytes = min(r.Size, bps*int64(req.PreviewSeconds))
		}
	}
	l := SessionLink{SongID: req.SongID, UserID: req.UserID, Quality: r.Quality, SessionID: req.SessionID, MaxBytes: maxBytes,
		ExpiresAt: exp.Unix()}
	v := url.Values{}
	v.Set("quality", string(l.Quality))
	v.Set("uid", l.UserID.String())
	v.Set("sid", l.SessionID.String())
	v.Set("max", strconv.FormatInt(l.MaxBytes, 10))
	v.Set("exp", strconv.FormatInt(l.ExpiresAt, 10))
	v.Set("sig", ss.app.d.Signer.SignSession(l))
	return contracts.SessionStream{URL: "/api/v1/music/stream/" + req.SongID.String() + "?" + v.Encode(), Quality: string(l.Quality),
		SizeBytes: r.Size, BytesPerSecond: bps, MaxBytes: maxBytes}, nil
}

// CheckSessionLink verifies a session link presented to the stream endpoint.
func (ss *SessionStreams) CheckSessionLink(l SessionLink, sig string) error {
	if l.MaxBytes < 0 {
		return domain.ErrBadSignature
	}
	return ss.app.d.Signer.VerifySession(l, sig, ss.app.now())
}

// Reserve counts a range before its body is sent.
func (ss *SessionStreams) Reserve(ctx context.Context, s SessionServe) error {
	if s.At.IsZero() {
		s.At = ss.app.now()
	}
	return ss.serves.Reserve(ctx, s)
}

// Return takes back the part of a reserved range that was not delivered.
func (ss *SessionStreams) Return(ctx context.Context, s SessionServe, delivered int64) error {
	if s.At.IsZero() {
		s.At = ss.app.now()
	}
	return ss.serves.Return(ctx, s, delivered)
}

// SessionStreamed returns what was served under the session's links (zero when nothing).
func (ss *SessionStreams) SessionStreamed(ctx context.Context, sessionID uuid.UUID) (contracts.SessionStreamed, error) {
	return ss.serves.Streamed(ctx, sessionID)
}
