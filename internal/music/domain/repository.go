package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Artists stores artist profiles.
type Artists interface {
	GetArtist(ctx context.Context, id uuid.UUID) (*Artist, error)
	ArtistByUser(ctx context.Context, userID uuid.UUID) (*Artist, error)
	// AddArtist stores a new profile; when the user already has one it returns that one instead.
	AddArtist(ctx context.Context, a *Artist) (*Artist, error)
	// UpdateArtist loads an artist for update, runs fn and saves it (renaming reaches its songs).
	UpdateArtist(ctx context.Context, id uuid.UUID, fn func(*Artist) error) (*Artist, error)
}

// Albums stores albums.
type Albums interface {
	GetAlbum(ctx context.Context, id uuid.UUID) (*Album, error)
	AddAlbum(ctx context.Context, a *Album) error
	UpdateAlbum(ctx context.Context, id uuid.UUID, fn func(*Album) error) (*Album, error)
	// DeleteAlbum removes an album; its songs stay, without album.
	DeleteAlbum(ctx context.Context, id uuid.UUID) error
	ListAlbumsByArtist(ctx context.Context, artistID uuid.UUID) ([]*Album, error)
}

// Songs stores songs. UpdateSong turns the events a song recorded into outbox events and jobs
// in the same transaction.
type Songs interface {
	GetSong(ctx context.Context, id uuid.UUID) (*Song, error)
	AddSong(ctx context.Context, s *Song) error
	UpdateSong(ctx context.Context, id uuid.UUID, fn func(*Song) error) (*Song, error)
	// SearchSongs lists songs visible to listeners (published, ready, not deleted).
	SearchSongs(ctx context.Context, q SongQuery) ([]*Song, *SongCursor, error)
	// ListSongsByArtist lists an artist's songs, with drafts when includeHidden.
	ListSongsByArtist(ctx context.Context, artistID uuid.UUID, includeHidden bool, limit int) ([]*Song, error)
	GetSongs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*Song, error)
}

// SongQuery is a catalog search.
type SongQuery struct {
	Text     string
	Genre    string
	ArtistID *uuid.UUID
	Limit    int
	After    *SongCursor
}

// SongCursor is the position after the last song of a page: its relevance (for text searches)
// or creation time, and its id.
type SongCursor struct {
	Score     float64   `json:"s,omitempty"`
	CreatedAt time.Time `json:"c,omitempty"`
	ID        uuid.UUID `json:"i"`
}

// Playlists stores playlists.
type Playlists interface {
	GetPlaylist(ctx context.Context, id uuid.UUID) (*Playlist, error)
	AddPlaylist(ctx context.Context, p *Playlist) error
	UpdatePlaylist(ctx context.Context, id uuid.UUID, fn func(*Playlist) error) (*Playlist, error)
	DeletePlaylist(ctx context.Context, id uuid.UUID) error
	ListPlaylistsByOwner(ctx context.Context, owner uuid.UUID, limit int, after *PageCursor) ([]*Playlist, *PageCursor, error)
}

// PageCursor is a position in a list ordered by time then id.
type PageCursor struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"i"`
}

// Likes stores which user likes which song.
type Likes interface {
	Like(ctx context.Context, user, song uuid.UUID, at time.Time) error
	Unlike(ctx context.Context, user, song uuid.UUID) error
	// ListLiked lists a user's liked song ids, newest like first.
	ListLiked(ctx context.Context, user uuid.UUID, limit int, after *PageCursor) ([]LikedSong, *PageCursor, error)
}

// LikedSong is one entry of a user's likes.
type LikedSong struct {
	SongID  uuid.UUID
	LikedAt time.Time
}

// StreamRecord is one streaming request's outcome.
type StreamRecord struct {
	SongID      uuid.UUID
	UserID      uuid.UUID
	SessionID   string
	Quality     Quality
	RangeStart  int64
	BytesServed int64
	Started     bool
	At          time.Time
	// LinkKey names the stream link (a signed link, or the quality and session of a bearer
	// request): its requests add up to one listen.
	LinkKey string
	// PlayThreshold is how many bytes of this link must be served before the listen counts as
	// a play (PlayThresholdBytes).
	PlayThreshold int64
}
