package domain

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// MaxPlaylistSongs bounds a playlist's length.
const MaxPlaylistSongs = 5000

// ErrPlaylistFull is returned when a playlist holds MaxPlaylistSongs songs.
var ErrPlaylistFull = errs.New(errs.Conflict, "music.playlist_full", "the playlist is full")

// Playlist is a user's ordered list of songs, public or private.
type Playlist struct {
	id          uuid.UUID
	ownerID     uuid.UUID
	name        string
	description string
	public      bool
	songs       []uuid.UUID
	createdAt   time.Time
	updatedAt   time.Time
}

// PlaylistDetails is the editable part of a playlist.
type PlaylistDetails struct {
	Name        string
	Description string
	Public      bool
}

func (d PlaylistDetails) validate() (PlaylistDetails, error) {
	f := errs.Fields{}
	d.Name = strings.TrimSpace(d.Name)
	d.Description = strings.TrimSpace(d.Description)
	checkText(f, "name", d.Name, 1, 200)
	checkText(f, "description", d.Description, 0, 2000)
	return d, f.Err(errs.ErrValidation)
}

// NewPlaylist creates an empty playlist of owner.
func NewPlaylist(id, owner uuid.UUID, d PlaylistDetails, now time.Time) (*Playlist, error) {
	d, err := d.validate()
	if err != nil {
		return nil, err
	}
	return &Playlist{id: id, ownerID: owner, name: d.Name, description: d.Description, public: d.Public, createdAt: now, updatedAt: now}, nil
}

// RehydratePlaylist rebuilds a playlist from storage; songs in order.
func RehydratePlaylist(id, owner uuid.UUID, name, description string, public bool, songs []uuid.UUID, createdAt, updatedAt time.Time) *Playlist {
	return &Playlist{id: id, ownerID: owner, name: name, description: description, public: public, songs: songs, createdAt: createdAt, updatedAt: updatedAt}
}

func (p *Playlist) ID() uuid.UUID        { return p.id }
func (p *Playlist) OwnerID() uuid.UUID   { return p.ownerID }
func (p *Playlist) Name() string         { return p.name }
func (p *Playlist) Description() string  { return p.description }
func (p *Playlist) Public() bool         { return p.public }
func (p *Playlist) Songs() []uuid.UUID   { return append([]uuid.UUID(nil), p.songs...) }
func (p *Playlist) CreatedAt() time.Time { return p.createdAt }
func (p *Playlist) UpdatedAt() time.Time { return p.updatedAt }

// VisibleTo reports whether user may see the playlist.
func (p *Playlist) VisibleTo(user uuid.UUID) bool { return p.public || p.ownerID == user }

// Update renames the playlist or changes its visibility.
func (p *Playlist) Update(d PlaylistDetails, now time.Time) error {
	d, err := d.validate()
	if err != nil {
		return err
	}
	p.name, p.description, p.public, p.updatedAt = d.Name, d.Description, d.Public, now
	return nil
}

// AddSong inserts a song at position (0-based; nil or past the end appends).
func (p *Playlist) AddSong(song uuid.UUID, position *int, now time.Time) error {
	for _, s := range p.songs {
		if s == song {
			return ErrAlreadyInPlaylist
		}
	}
	if len(p.songs) >= MaxPlaylistSongs {
		return ErrPlaylistFull
	}
	at := len(p.songs)
	if position != nil {
		if *position < 0 {
			return errs.ErrValidation.WithField("position", "must be 0 or more")
		}
		at = min(*position, len(p.songs))
	}
	p.songs = append(p.songs, uuid.Nil)
	copy(p.songs[at+1:], p.songs[at:])
	p.songs[at] = song
	p.updatedAt = now
	return nil
}

// RemoveSong takes a song out.
func (p *Playlist) RemoveSong(song uuid.UUID, now time.Time) error {
	for i, s := range p.songs {
		if s == song {
			p.songs = append(p.songs[:i], p.songs[i+1:]...)
			p.updatedAt = now
			return nil
		}
	}
	return ErrNotInPlaylist
}

// Reorder sets a new order, which must list exactly the playlist's songs.
func (p *Playlist) Reorder(order []uuid.UUID, now time.Time) error {
	if len(order) != len(p.songs) {
		return errs.ErrValidation.WithField("song_ids", "must list every song of the playlist exactly once")
	}
	have := make(map[uuid.UUID]bool, len(p.songs))
	for _, s := range p.songs {
		have[s] = true
	}
	for _, s := range order {
		if !have[s] {
			return errs.ErrValidation.WithField("song_ids", "must list every song of the playlist exactly once")
		}
		delete(have, s)
	}
	p.songs = append([]uuid.UUID(nil), order...)
	p.updatedAt = now
	return nil
}
