package application

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/music/domain"
)

// Signer makes and checks stream links: an HMAC-SHA256 over the song, the user, the quality and
// the expiry, so a player that cannot send headers can still be authorised.
type Signer struct {
	secret []byte
	ttl    time.Duration
}

// NewSigner needs a secret of at least 32 bytes and a positive lifetime.
func NewSigner(secret []byte, ttl time.Duration) (*Signer, error) {
	if len(secret) < 32 {
		return nil, errors.New("stream url secret must be at least 32 bytes")
	}
	if ttl <= 0 {
		return nil, errors.New("stream url lifetime must be positive")
	}
	return &Signer{secret: append([]byte(nil), secret...), ttl: ttl}, nil
}

// TTL is how long a link lives.
func (s *Signer) TTL() time.Duration { return s.ttl }

func (s *Signer) mac(song, user uuid.UUID, q domain.Quality, exp int64) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("vibestream-stream-v1\x00"))
	m.Write(song[:])
	m.Write(user[:])
	m.Write([]byte(q))
	m.Write([]byte{0})
	m.Write([]byte(strconv.FormatInt(exp, 10)))
	return m.Sum(nil)
}

// Sign returns the signature of a link.
func (s *Signer) Sign(song, user uuid.UUID, q domain.Quality, exp time.Time) string {
	return base64.RawURLEncoding.EncodeToString(s.mac(song, user, q, exp.Unix()))
}

// Verify checks a link's signature, then its expiry (a forged link is told apart from an
// expired one only once the signature holds).
func (s *Signer) Verify(song, user uuid.UUID, q domain.Quality, exp int64, sig string, now time.Time) error {
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(song, user, q, exp)) {
		return domain.ErrBadSignature
	}
	if now.Unix() > exp {
		return domain.ErrExpiredSignature
	}
	return nil
}

// StreamLink is a signed link's parts.
type StreamLink struct {
	SongID    uuid.UUID
	UserID    uuid.UUID
	Quality   domain.Quality
	ExpiresAt time.Time
	Signature string
}

// IssueStreamLink signs a short-lived link for the caller, after checking they may play the
// song now.
func (a *App) IssueStreamLink(ctx context.Context, v Viewer, songID uuid.UUID, q domain.Quality) (StreamLink, error) {
	if _, _, err := a.authorizeStream(ctx, v, songID, q); err != nil {
		return StreamLink{}, err
	}
	exp := a.now().Add(a.d.Signer.TTL()).Truncate(time.Second)
	return StreamLink{SongID: songID, UserID: v.UserID, Quality: q, ExpiresAt: exp,
		Signature: a.d.Signer.Sign(songID, v.UserID, q, exp)}, nil
}

// CheckStreamLink verifies a link presented instead of a token and returns its user.
func (a *App) CheckStreamLink(songID, userID uuid.UUID, q domain.Quality, exp int64, sig string) error {
	return a.d.Signer.Verify(songID, userID, q, exp, sig, a.now())
}

// StreamTarget is what to serve.
type StreamTarget struct {
	Song      *domain.Song
	Rendition domain.Rendition
}

// AuthorizeStream decides whether v may stream a song in quality q and picks the rendition:
// unpublished songs play for their artist only (404 for others), a song not ready is a
// conflict.
func (a *App) AuthorizeStream(ctx context.Context, v Viewer, songID uuid.UUID, q domain.Quality) (StreamTarget, error) {
	s, r, err := a.authorizeStream(ctx, v, songID, q)
	return StreamTarget{Song: s, Rendition: r}, err
}

func (a *App) authorizeStream(ctx context.Context, v Viewer, songID uuid.UUID, q domain.Quality) (*domain.Song, domain.Rendition, error) {
	s, err := a.d.Songs.GetSong(ctx, songID)
	if err != nil {
		return nil, domain.Rendition{}, err
	}
	if !s.VisibleToPublic() && !a.isArtistOf(ctx, v.UserID, s.ArtistID()) {
		return nil, domain.Rendition{}, domain.ErrSongNotFound
	}
	if s.Status() != domain.StatusReady {
		return nil, domain.Rendition{}, domain.ErrSongNotReady.WithMessage("the song's audio is " + string(s.Status()))
	}
	r, err := s.Rendition(q)
	return s, r, err
}

// RecordStream notes what one request served.
func (a *App) RecordStream(ctx context.Context, r domain.StreamRecord) {
	if r.At.IsZero() {
		r.At = a.now()
	}
	a.d.Streams.Record(ctx, r)
}
