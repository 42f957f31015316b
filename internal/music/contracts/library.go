package contracts

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Track is a published song as a music player's library shows it.
type Track struct {
	ID         uuid.UUID
	Title      string
	ArtistID   uuid.UUID
	ArtistName string
	// AlbumID is the song's album, or the song's own id when it has none (a single, shown as
	// an album of one).
	AlbumID     uuid.UUID
	AlbumTitle  string
	TrackNumber int
	Genre       string
	// Year is the album's release year, else the year the song was created.
	Year       int
	DurationMS int
	// SizeBytes, ContentType and BitrateKbps describe the default rendition ("high", else
	// the original); Suffix is its file extension.
	SizeBytes   int64
	ContentType string
	BitrateKbps int
	Suffix      string
	PlayCount   int64
	CreatedAt   time.Time
	// StarredAt is when the viewer liked the song (nil: not liked).
	StarredAt *time.Time
}

// AlbumEntry is an album (or a single) with published songs.
type AlbumEntry struct {
	ID         uuid.UUID
	Single     bool
	Title      string
	ArtistID   uuid.UUID
	ArtistName string
	Year       int
	Genre      string
	SongCount  int
	DurationMS int64
	PlayCount  int64
	CreatedAt  time.Time
	// CoverURL is the album's artwork (an absolute http(s) URL its artist set), "" when none.
	CoverURL string
}

// ArtistEntry is an artist with published songs.
type ArtistEntry struct {
	ID         uuid.UUID
	Name       string
	AlbumCount int
}

// GenreEntry is a genre with its published songs and albums.
type GenreEntry struct {
	Name       string
	SongCount  int
	AlbumCount int
}

// Album list orders (the Subsonic getAlbumList2 types).
const (
	AlbumsNewest       = "newest"
	AlbumsRandom       = "random"
	AlbumsFrequent     = "frequent"
	AlbumsRecent       = "recent"
	AlbumsStarred      = "starred"
	AlbumsByName       = "alphabeticalByName"
	AlbumsByArtist     = "alphabeticalByArtist"
	AlbumsByGenre      = "byGenre"
	AlbumsByYear       = "byYear"
	AlbumsHighestRated = "highest"
)

// AlbumListQuery pages an album list of one of the orders above.
type AlbumListQuery struct {
	Type             string
	Size, Offset     int
	Genre            string
	FromYear, ToYear int
}

// SearchQuery searches artists, albums and songs by text (empty text matches everything).
type SearchQuery struct {
	Text                      string
	ArtistCount, ArtistOffset int
	AlbumCount, AlbumOffset   int
	SongCount, SongOffset     int
}

// SearchResult is what a search found.
type SearchResult struct {
	Artists []ArtistEntry
	Albums  []AlbumEntry
	Songs   []Track
}

// PlaylistEntry is one of the viewer's playlists (or a public one).
type PlaylistEntry struct {
	ID         uuid.UUID
	OwnerID    uuid.UUID
	Name       string
	Comment    string
	Public     bool
	SongCount  int
	DurationMS int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// PlaylistEdit changes a playlist: nil fields stay; Add appends songs; RemoveIndexes are
// positions in the playlist as listed before the edit.
type PlaylistEdit struct {
	Name          *string
	Comment       *string
	Public        *bool
	Add           []uuid.UUID
	RemoveIndexes []int
}

// Library is the catalog as a music player browses it (the Subsonic API): published, ready
// songs only, and the viewer's likes and playlists. Errors carry music's codes (kind NotFound
// for an unknown or hidden id).
type Library interface {
	Artists(ctx context.Context, viewer uuid.UUID) ([]ArtistEntry, error)
	Artist(ctx context.Context, viewer, id uuid.UUID) (ArtistEntry, []AlbumEntry, error)
	// Album reads an album or a single (by its song's id), with its tracks in order.
	Album(ctx context.Context, viewer, id uuid.UUID) (AlbumEntry, []Track, error)
	Track(ctx context.Context, viewer, id uuid.UUID) (Track, error)
	AlbumList(ctx context.Context, viewer uuid.UUID, q AlbumListQuery) ([]AlbumEntry, error)
	RandomTracks(ctx context.Context, viewer uuid.UUID, size int, genre string, fromYear, toYear int) ([]Track, error)
	TracksByGenre(ctx context.Context, viewer uuid.UUID, genre string, count, offset int) ([]Track, error)
	Genres(ctx context.Context) ([]GenreEntry, error)
	Search(ctx context.Context, viewer uuid.UUID, q SearchQuery) (SearchResult, error)
	// Starred lists the viewer's liked songs, newest like first.
	Starred(ctx context.Context, viewer uuid.UUID) ([]Track, error)
	Star(ctx context.Context, viewer, songID uuid.UUID) error
	Unstar(ctx context.Context, viewer, songID uuid.UUID) error
	Playlists(ctx context.Context, viewer uuid.UUID) ([]PlaylistEntry, error)
	Playlist(ctx context.Context, viewer, id uuid.UUID) (PlaylistEntry, []Track, error)
	CreatePlaylist(ctx context.Context, viewer uuid.UUID, name string, songs []uuid.UUID) (PlaylistEntry, error)
	// ReplacePlaylistSongs sets a playlist's songs (createPlaylist with an existing id).
	ReplacePlaylistSongs(ctx context.Context, viewer, id uuid.UUID, songs []uuid.UUID) (PlaylistEntry, error)
	UpdatePlaylist(ctx context.Context, viewer, id uuid.UUID, e PlaylistEdit) error
	DeletePlaylist(ctx context.Context, viewer, id uuid.UUID) error
	// OriginalLink signs a link (path and query) to the uploaded original of one of the
	// viewer's own songs; any other song is refused (kind Forbidden or NotFound).
	OriginalLink(ctx context.Context, viewer, songID uuid.UUID) (string, error)
}
