package domain

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// Album groups an artist's songs.
type Album struct {
	id          uuid.UUID
	artistID    uuid.UUID
	title       string
	releaseDate *time.Time
	coverURL    string
	createdAt   time.Time
	updatedAt   time.Time
}

// AlbumDetails is the editable part of an album.
type AlbumDetails struct {
	Title       string
	ReleaseDate *time.Time
	CoverURL    string
}

func (d AlbumDetails) validate() (AlbumDetails, error) {
	f := errs.Fields{}
	d.Title = strings.TrimSpace(d.Title)
	d.CoverURL = strings.TrimSpace(d.CoverURL)
	checkText(f, "title", d.Title, 1, 200)
	checkURL(f, "cover_url", d.CoverURL)
	if d.ReleaseDate != nil && (d.ReleaseDate.Year() < 1800 || d.ReleaseDate.Year() > 2200) {
		f.Add("release_date", "must be a date between 1800 and 2200")
	}
	return d, f.Err(errs.ErrValidation)
}

// NewAlbum creates an album of artistID.
func NewAlbum(id, artistID uuid.UUID, d AlbumDetails, now time.Time) (*Album, error) {
	d, err := d.validate()
	if err != nil {
		return nil, err
	}
	return &Album{id: id, artistID: artistID, title: d.Title, releaseDate: d.ReleaseDate, coverURL: d.CoverURL, createdAt: now, updatedAt: now}, nil
}

// RehydrateAlbum rebuilds an album from storage.
func RehydrateAlbum(id, artistID uuid.UUID, title string, releaseDate *time.Time, coverURL string, createdAt, updatedAt time.Time) *Album {
	return &Album{id: id, artistID: artistID, title: title, releaseDate: releaseDate, coverURL: coverURL, createdAt: createdAt, updatedAt: updatedAt}
}

func (a *Album) ID() uuid.UUID           { return a.id }
func (a *Album) ArtistID() uuid.UUID     { return a.artistID }
func (a *Album) Title() string           { return a.title }
func (a *Album) ReleaseDate() *time.Time { return a.releaseDate }
func (a *Album) CoverURL() string        { return a.coverURL }
func (a *Album) CreatedAt() time.Time    { return a.createdAt }
func (a *Album) UpdatedAt() time.Time    { return a.updatedAt }

// Update replaces the editable fields.
func (a *Album) Update(d AlbumDetails, now time.Time) error {
	d, err := d.validate()
	if err != nil {
		return err
	}
	a.title, a.releaseDate, a.coverURL, a.updatedAt = d.Title, d.ReleaseDate, d.CoverURL, now
	return nil
}
