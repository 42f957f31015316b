package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// Artist is the public profile of a user with the artist role.
type Artist struct {
	id        uuid.UUID
	userID    uuid.UUID
	name      string
	bio       string
	imageURL  string
	verified  bool
	createdAt time.Time
	updatedAt time.Time
}

// ArtistProfile is the editable part of an artist.
type ArtistProfile struct {
	Name     string
	Bio      string
	ImageURL string
}

func (p ArtistProfile) validate(f errs.Fields) ArtistProfile {
	p.Name = strings.TrimSpace(p.Name)
	p.Bio = strings.TrimSpace(p.Bio)
	p.ImageURL = strings.TrimSpace(p.ImageURL)
	checkText(f, "name", p.Name, 1, 200)
	checkText(f, "bio", p.Bio, 0, 5000)
	checkURL(f, "image_url", p.ImageURL)
	return p
}

// NewArtist creates the profile of user userID.
func NewArtist(id, userID uuid.UUID, p ArtistProfile, now time.Time) (*Artist, error) {
	f := errs.Fields{}
	p = p.validate(f)
	if userID == uuid.Nil {
		f.Add("user_id", "is required")
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return nil, err
	}
	return &Artist{id: id, userID: userID, name: p.Name, bio: p.Bio, imageURL: p.ImageURL, createdAt: now, updatedAt: now}, nil
}

// RehydrateArtist rebuilds an artist from storage.
func RehydrateArtist(id, userID uuid.UUID, name, bio, imageURL string, verified bool, createdAt, updatedAt time.Time) *Artist {
	return &Artist{id: id, userID: userID, name: name, bio: bio, imageURL: imageURL, verified: verified, createdAt: createdAt, updatedAt: updatedAt}
}

func (a *Artist) ID() uuid.UUID        { return a.id }
func (a *Artist) UserID() uuid.UUID    { return a.userID }
func (a *Artist) Name() string         { return a.name }
func (a *Artist) Bio() string          { return a.bio }
func (a *Artist) ImageURL() string     { return a.imageURL }
func (a *Artist) Verified() bool       { return a.verified }
func (a *Artist) CreatedAt() time.Time { return a.createdAt }
func (a *Artist) UpdatedAt() time.Time { return a.updatedAt }

// UpdateProfile replaces the editable fields.
func (a *Artist) UpdateProfile(p ArtistProfile, now time.Time) error {
	f := errs.Fields{}
	p = p.validate(f)
	if err := f.Err(errs.ErrValidation); err != nil {
		return err
	}
	a.name, a.bio, a.imageURL, a.updatedAt = p.Name, p.Bio, p.ImageURL, now
	return nil
}

// SetVerified is an admin's decision.
func (a *Artist) SetVerified(v bool, now time.Time) {
	a.verified, a.updatedAt = v, now
}

func checkText(f errs.Fields, field, v string, min, max int) {
	n := utf8.RuneCountInString(v)
	switch {
	case min > 0 && n == 0:
		f.Add(field, "is required")
	case n < min:
		f.Add(field, "is too short")
	case n > max:
		f.Add(field, "must be at most "+itoa(max)+" characters")
	}
}

func checkURL(f errs.Fields, field, v string) {
	if v == "" {
		return
	}
	if len(v) > 2000 || !(strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://")) || strings.ContainsAny(v, " \t\n") {
		f.Add(field, "must be an http(s) URL")
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
