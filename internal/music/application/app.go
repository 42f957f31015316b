// Package application holds the music context's use cases. Each file is one use case (or a
// small family of them) run by App, which owns the ports they share.
package application

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// AudioStore is the storage the use cases need: a local staging area and content-addressed
// objects.
type AudioStore interface {
	StagingDir() string
	// Key is the content address of a file with the given hex SHA-256.
	Key(sha256Hex string) (string, error)
	PutFile(ctx context.Context, key, path, contentType string) error
	Fetch(ctx context.Context, key string) (path string, cleanup func(), err error)
}

// AudioInfo is what the file itself says.
type AudioInfo struct {
	Format      string
	ContentType string
	DurationMS  int
	BitrateKbps int
	Lossless    bool
	Tags        map[string]string
}

// AudioTools recognises and transcodes audio.
type AudioTools interface {
	// Sniff names the format from the first bytes, or "" when it is not accepted audio.
	Sniff(head []byte) string
	// Inspect confirms the file is decodable audio of format and reads its properties.
	Inspect(ctx context.Context, path, format string) (AudioInfo, error)
	// CanTranscode reports whether renditions can be made (ffmpeg present).
	CanTranscode() bool
	// Decode decodes the audio in full, stopping after limit of audio, and reports the decoded
	// length and the decoder's error count.
	Decode(ctx context.Context, path string, limit time.Duration) (domain.DecodeReport, error)
	// Transcode encodes src into an MP3 at dst within e's bounds; it returns the rendition's
	// content type. Overrunning a bound gives an error matching ErrJobLimit.
	Transcode(ctx context.Context, src, dst string, e Encode) (contentType string, err error)
}

// Encode is one rendition to make and the bounds it must stay within.
type Encode struct {
	Kbps        int
	MaxDuration time.Duration
	MaxBytes    int64
	Timeout     time.Duration
}

// ErrJobLimit marks a transcoding that overran its time or size bound: retrying would only
// burn the same CPU again, so the song fails at once.
var ErrJobLimit = errors.New("the audio exceeded the transcoding limits")

// UserNames gives a display name for a user (for profiles created lazily); optional.
type UserNames interface {
	DisplayName(ctx context.Context, userID uuid.UUID) (string, error)
}

// StreamRecorder keeps what each stream request served.
type StreamRecorder interface {
	Record(ctx context.Context, r domain.StreamRecord)
}

// Deps are App's collaborators.
type Deps struct {
	Artists   domain.Artists
	Albums    domain.Albums
	Songs     domain.Songs
	Playlists domain.Playlists
	Likes     domain.Likes
	Store     AudioStore
	Tools     AudioTools
	Streams   StreamRecorder
	Signer    *Signer
	Names     UserNames // optional
	// Prices is the per-stream price range; the zero value means DefaultPrices.
	Prices domain.PriceRange
	// UploadMaxBytes bounds an upload.
	UploadMaxBytes int64
	// Ladder lists the transcoded renditions; nil means DefaultLadder.
	Ladder []Rung
	Now    func() time.Time
	NewID  func() uuid.UUID
}

// Rung is one transcoded rendition of the ladder.
type Rung struct {
	Quality domain.Quality
	Kbps    int
}

// DefaultLadder is a low rendition for poor connections and a high one for everyday listening.
var DefaultLadder = []Rung{{domain.QualityLow, 96}, {domain.QualityHigh, 256}}

// DefaultPrices is the original design's per-stream price range: 0.004 USD by default,
// artists choose between 0.001 and 0.05.
var DefaultPrices = domain.PriceRange{Default: money.MustNew(money.USD, 4000), Min: money.MustNew(money.USD, 1000),
	Max: money.MustNew(money.USD, 50000)}

// App runs the music use cases.
type App struct {
	d Deps
}

// New checks the dependencies and builds the application.
func New(d Deps) (*App, error) {
	switch {
	case d.Artists == nil, d.Albums == nil, d.Songs == nil, d.Playlists == nil, d.Likes == nil:
		return nil, errors.New("music application: a repository is missing")
	case d.Store == nil, d.Tools == nil, d.Streams == nil, d.Signer == nil:
		return nil, errors.New("music application: storage, audio tools, stream recorder and signer are required")
	case d.UploadMaxBytes <= 0:
		return nil, errors.New("music application: UploadMaxBytes must be positive")
	}
	if d.Ladder == nil {
		d.Ladder = DefaultLadder
	}
	if d.Prices.Default.IsZero() {
		d.Prices = DefaultPrices
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.NewID == nil {
		d.NewID = uuid.New
	}
	return &App{d: d}, nil
}

func (a *App) now() time.Time { return a.d.Now().UTC() }

// Prices is the per-stream price range songs are priced in.
func (a *App) Prices() domain.PriceRange { return a.d.Prices }

// Viewer is who asks.
type Viewer struct {
	UserID uuid.UUID
	Admin  bool
}

// artistOf returns the caller's artist profile, creating it on the first artist action.
func (a *App) artistOf(ctx context.Context, user uuid.UUID) (*domain.Artist, error) {
	ar, err := a.d.Artists.ArtistByUser(ctx, user)
	if err == nil || !errors.Is(err, domain.ErrArtistNotFound) {
		return ar, err
	}
	return a.ensureArtist(ctx, user, "")
}

func (a *App) ensureArtist(ctx context.Context, user uuid.UUID, name string) (*domain.Artist, error) {
	if name == "" && a.d.Names != nil {
		if n, err := a.d.Names.DisplayName(ctx, user); err == nil {
			name = n
		}
	}
	if name == "" {
		name = "Artist " + user.String()[:8]
	}
	ar, err := domain.NewArtist(a.d.NewID(), user, domain.ArtistProfile{Name: truncate(name, 200)}, a.now())
	if err != nil {
		return nil, err
	}
	return a.d.Artists.AddArtist(ctx, ar)
}

// isArtistOf reports whether user owns artistID's profile.
func (a *App) isArtistOf(ctx context.Context, user, artistID uuid.UUID) bool {
	if user == uuid.Nil {
		return false
	}
	ar, err := a.d.Artists.GetArtist(ctx, artistID)
	return err == nil && ar.UserID() == user
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// limitedReader fails with errTooLarge once more than n bytes were read.
type limitedReader struct {
	r io.Reader
	n int64
}

var errTooLarge = errors.New("upload too large")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, errTooLarge
	}
	return n, err
}

// Owns reports whether the viewer is the artist of song s.
func (a *App) Owns(ctx context.Context, v Viewer, s *domain.Song) bool {
	return a.isArtistOf(ctx, v.UserID, s.ArtistID())
}
