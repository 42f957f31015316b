package domain

import (
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Status is where a song's audio stands.
type Status string

// The song statuses: draft -> processing -> ready | failed.
const (
	StatusDraft      Status = "draft"
	StatusProcessing Status = "processing"
	StatusReady      Status = "ready"
	StatusFailed     Status = "failed"
)

// ParseStatus reads a stored status.
func ParseStatus(s string) (Status, error) {
	switch Status(s) {
	case StatusDraft, StatusProcessing, StatusReady, StatusFailed:
		return Status(s), nil
	}
	return "", errors.New("unknown song status " + s)
}

// Quality names a rendition of a song's audio.
type Quality string

// The ladder: the uploaded original and two transcoded renditions.
const (
	QualityOriginal Quality = "original"
	QualityHigh     Quality = "high"
	QualityLow      Quality = "low"
)

// ParseQuality reads ?quality=; empty means high.
func ParseQuality(s string) (Quality, error) {
	switch Quality(s) {
	case "":
		return QualityHigh, nil
	case QualityOriginal, QualityHigh, QualityLow:
		return Quality(s), nil
	}
	return "", errs.ErrValidation.WithField("quality", "must be one of low, high, original")
}

// Rendition is one stored encoding of a song's audio, addressed by its content.
type Rendition struct {
	Quality     Quality
	Key         string
	ContentType string
	Size        int64
	BitrateKbps int
	SHA256      string
}

// Original describes an accepted upload.
type Original struct {
	Rendition
	Format     string
	DurationMS int
	Tags       map[string]string
}

// SongReady is recorded when a song's audio becomes playable.
type SongReady struct {
	SongID     uuid.UUID
	ArtistID   uuid.UUID
	DurationMS int
	At         time.Time
}

// SongPublished is recorded when a song becomes visible to listeners (again).
type SongPublished struct {
	SongID   uuid.UUID
	ArtistID uuid.UUID
	At       time.Time
}

// UploadAccepted is recorded when new audio replaces a song's original: it asks for transcoding.
type UploadAccepted struct {
	SongID  uuid.UUID
	Version int
	Key     string
}

// SongDetails is what an artist sets on a song.
type SongDetails struct {
	Title       string
	Genre       string
	Explicit    bool
	AlbumID     *uuid.UUID
	TrackNumber *int
}

func (d SongDetails) validate() (SongDetails, error) {
	f := errs.Fields{}
	d.Title = strings.TrimSpace(d.Title)
	d.Genre = strings.ToLower(strings.TrimSpace(d.Genre))
	checkText(f, "title", d.Title, 1, 200)
	checkText(f, "genre", d.Genre, 0, 50)
	if d.TrackNumber != nil {
		if *d.TrackNumber < 1 || *d.TrackNumber > 999 {
			f.Add("track_number", "must be between 1 and 999")
		}
		if d.AlbumID == nil {
			f.Add("track_number", "needs an album_id")
		}
	}
	return d, f.Err(errs.ErrValidation)
}

// Song is a track of an artist, with its audio's lifecycle.
type Song struct {
	id            uuid.UUID
	artistID      uuid.UUID
	artistName    string
	details       SongDetails
	durationMS    *int
	status        Status
	failureReason string
	published     bool
	deleted       bool
	playCount     int64
	original      *Original
	uploadVersion int
	renditions    []Rendition
	// streamPrice is the artist's per-stream price; nil follows the platform default
	streamPrice *money.Amount
	createdAt   time.Time
	updatedAt   time.Time

	events []any
}

// NewSong creates a draft song of artist.
func NewSong(id uuid.UUID, artist *Artist, d SongDetails, now time.Time) (*Song, error) {
	d, err := d.validate()
	if err != nil {
		return nil, err
	}
	return &Song{id: id, artistID: artist.ID(), artistName: artist.Name(), details: d, status: StatusDraft, createdAt: now, updatedAt: now}, nil
}

// SongState is the stored form of a song, for repositories.
type SongState struct {
	ID            uuid.UUID
	ArtistID      uuid.UUID
	ArtistName    string
	Details       SongDetails
	DurationMS    *int
	Status        Status
	FailureReason string
	Published     bool
	Deleted       bool
	PlayCount     int64
	Original      *Original
	UploadVersion int
	Renditions    []Rendition
	// StreamPrice is nil when the song follows the platform's default price.
	StreamPrice *money.Amount
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RehydrateSong rebuilds a song from storage.
func RehydrateSong(s SongState) *Song {
	return &Song{id: s.ID, artistID: s.ArtistID, artistName: s.ArtistName, details: s.Details, durationMS: s.DurationMS,
		status: s.Status, failureReason: s.FailureReason, published: s.Published, deleted: s.Deleted, playCount: s.PlayCount,
		original: s.Original, uploadVersion: s.UploadVersion, renditions: s.Renditions, streamPrice: s.StreamPrice, createdAt: s.CreatedAt, updatedAt: s.UpdatedAt}
}

// State returns the stored form.
func (s *Song) State() SongState {
	return SongState{ID: s.id, ArtistID: s.artistID, ArtistName: s.artistName, Details: s.details, DurationMS: s.durationMS,
		Status: s.status, FailureReason: s.failureReason, Published: s.published, Deleted: s.deleted, PlayCount: s.playCount,
		Original: s.original, UploadVersion: s.uploadVersion, Renditions: s.renditions, StreamPrice: s.streamPrice, CreatedAt: s.createdAt, UpdatedAt: s.updatedAt}
}

func (s *Song) ID() uuid.UUID            { return s.id }
func (s *Song) ArtistID() uuid.UUID      { return s.artistID }
func (s *Song) ArtistName() string       { return s.artistName }
func (s *Song) Details() SongDetails     { return s.details }
func (s *Song) Title() string            { return s.details.Title }
func (s *Song) DurationMS() *int         { return s.durationMS }
func (s *Song) Status() Status           { return s.status }
func (s *Song) FailureReason() string    { return s.failureReason }
func (s *Song) Published() bool          { return s.published }
func (s *Song) Deleted() bool            { return s.deleted }
func (s *Song) PlayCount() int64         { return s.playCount }
func (s *Song) Original() *Original      { return s.original }
func (s *Song) UploadVersion() int       { return s.uploadVersion }
func (s *Song) Renditions() []Rendition  { return s.renditions }
func (s *Song) CreatedAt() time.Time     { return s.createdAt }
func (s *Song) UpdatedAt() time.Time     { return s.updatedAt }
func (s *Song) OwnedBy(a uuid.UUID) bool { return s.artistID == a }
func (s *Song) VisibleToPublic() bool    { return s.published && !s.deleted }
func (s *Song) PullEvents() (out []any)  { out, s.events = s.events, nil; return out }

// Update replaces the artist-editable details.
func (s *Song) Update(d SongDetails, now time.Time) error {
	if s.deleted {
		return ErrSongDeleted
	}
	d, err := d.validate()
	if err != nil {
		return err
	}
	s.details, s.updatedAt = d, now
	return nil
}

// OwnStreamPrice is the price the artist set, or nil when the song follows the default.
func (s *Song) OwnStreamPrice() *money.Amount { return s.streamPrice }

// StreamPrice is what one qualified listen of the song costs under r.
func (s *Song) StreamPrice(r PriceRange) money.Amount {
	if s.streamPrice != nil {
		return *s.streamPrice
	}
	return r.Default
}

// SetStreamPrice sets the artist's per-stream price within r; nil returns the song to the
// platform default.
func (s *Song) SetStreamPrice(p *money.Amount, r PriceRange, now time.Time) error {
	if s.deleted {
		return ErrSongDeleted
	}
	if p != nil {
		if err := r.Check(*p); err != nil {
			return err
		}
		v := *p
		p = &v
	}
	s.streamPrice, s.updatedAt = p, now
	return nil
}

// Publish makes the song visible to listeners; only a ready song can be published.
func (s *Song) Publish(now time.Time) error {
	if s.deleted {
		return ErrSongDeleted
	}
	if s.status != StatusReady {
		return ErrSongNotReady.WithMessage("only a song whose audio is ready can be published")
	}
	if !s.published {
		s.events = append(s.events, SongPublished{SongID: s.id, ArtistID: s.artistID, At: now})
	}
	s.published, s.updatedAt = true, now
	return nil
}

// Unpublish hides the song from listeners.
func (s *Song) Unpublish(now time.Time) {
	s.published, s.updatedAt = false, now
}

// Delete unpublishes the song for good; its audio is kept because payments refer to it.
func (s *Song) Delete(now time.Time) {
	s.published, s.deleted, s.updatedAt = false, true, now
}

// AcceptUpload replaces the song's audio with a new original; transcoding follows. It returns
// the upload version the transcoding job must present.
func (s *Song) AcceptUpload(o Original, now time.Time) (int, error) {
	if s.deleted {
		return 0, ErrSongDeleted
	}
	if s.status == StatusProcessing {
		return 0, ErrSongProcessing
	}
	o.Quality = QualityOriginal
	s.original = &o
	d := o.DurationMS
	s.durationMS = &d
	s.status = StatusProcessing
	s.failureReason = ""
	s.uploadVersion++
	s.renditions = []Rendition{o.Rendition}
	s.updatedAt = now
	s.events = append(s.events, UploadAccepted{SongID: s.id, Version: s.uploadVersion, Key: o.Key})
	return s.uploadVersion, nil
}

// ErrStaleUpload tells a transcoding job that a newer upload replaced the audio it worked on.
var ErrStaleUpload = errs.New(errs.Conflict, "music.stale_upload", "a newer upload replaced this audio")

// MarkReady records the transcoded renditions of upload version v and makes the song playable.
// decodedMS is the length a full decode measured, which replaces the header's claim (0: no
// decoder was available, the header's duration stays).
func (s *Song) MarkReady(v int, decodedMS int, renditions []Rendition, now time.Time) error {
	if v != s.uploadVersion || s.status != StatusProcessing || s.original == nil {
		return ErrStaleUpload
	}
	if decodedMS > 0 {
		s.durationMS = &decodedMS
		s.original.DurationMS = decodedMS
	}
	all := []Rendition{s.original.Rendition}
	for _, r := range renditions {
		if r.Quality != QualityOriginal {
			all = append(all, r)
		}
	}
	s.renditions, s.status, s.failureReason, s.updatedAt = all, StatusReady, "", now
	d := 0
	if s.durationMS != nil {
		d = *s.durationMS
	}
	s.events = append(s.events, SongReady{SongID: s.id, ArtistID: s.artistID, DurationMS: d, At: now})
	return nil
}

// MarkFailed records why upload version v could not be processed.
func (s *Song) MarkFailed(v int, reason string, now time.Time) error {
	if v != s.uploadVersion || s.status != StatusProcessing {
		return ErrStaleUpload
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	s.status, s.failureReason, s.updatedAt = StatusFailed, reason, now
	return nil
}

// Rendition picks the audio to serve for quality q. A rung that was not produced because it
// would have been an upscale falls back to the original, which is then no better than q.
func (s *Song) Rendition(q Quality) (Rendition, error) {
	var orig *Rendition
	for i := range s.renditions {
		r := &s.renditions[i]
		if r.Quality == q {
			return *r, nil
		}
		if r.Quality == QualityOriginal {
			orig = r
		}
	}
	if orig != nil {
		return *orig, nil
	}
	return Rendition{}, ErrRenditionMissing
}
