// Package contracts is the music context's public face: the integration events it publishes and
// the narrow queries and commands other contexts may use.
package contracts

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Source names the music context in event envelopes.
const Source = "music"

// Integration event types published by the music context.
const (
	// SongReadyV1 is published when a song's audio has been processed and can be streamed
	// (payload SongReady).
	SongReadyV1 = "music.song_ready.v1"
	// SongPublishedV1 is published, in the publishing transaction, each time a song becomes
	// visible to listeners (payload SongPublished). A song unpublished and published again
	// publishes it again: subscribers are idempotent on the song.
	SongPublishedV1 = "music.song_published.v1"
	// TicketSoldV1 is published to the concert's artist when a ticket's payment is confirmed
	// (payload TicketSold), so the artist sees sales live over the WebSocket.
	TicketSoldV1 = "music.ticket_sold.v1"
)

// TicketSold is the payload of music.ticket_sold.v1.
type TicketSold struct {
	ConcertID   uuid.UUID `json:"concert_id"`
	TicketID    uuid.UUID `json:"ticket_id"`
	TicketsSold int       `json:"tickets_sold"`
	TicketsLeft int       `json:"tickets_left"`
	At          time.Time `json:"at"`
}

// SongReady is the payload of music.song_ready.v1.
type SongReady struct {
	SongID     uuid.UUID `json:"song_id"`
	ArtistID   uuid.UUID `json:"artist_id"`
	DurationMS int       `json:"duration_ms"`
	ReadyAt    time.Time `json:"ready_at"`
}

// SongPublished is the payload of music.song_published.v1.
type SongPublished struct {
	SongID      uuid.UUID `json:"song_id"`
	ArtistID    uuid.UUID `json:"artist_id"`
	PublishedAt time.Time `json:"published_at"`
}

// PublishedSongs lists the songs listeners can see (published, not deleted), for contexts
// that keep their own view of the whole catalog (the listen proofs' catalog tree).
type PublishedSongs interface {
	// ListPublishedSongIDs returns up to limit published song ids greater than after, in
	// ascending order (keyset paging: pass the last id of a page to get the next; uuid.Nil
	// starts at the beginning). An empty page is the end.
	ListPublishedSongIDs(ctx context.Context, after uuid.UUID, limit int) ([]uuid.UUID, error)
}

// SongSummary is what other contexts may know about a song.
type SongSummary struct {
	ID           uuid.UUID
	ArtistID     uuid.UUID
	ArtistUserID uuid.UUID
	Title        string
	DurationMS   int
	Ready        bool
	Published    bool
	// StreamPrice is what one qualified listen costs the listener (USD).
	StreamPrice money.Amount
}

// StreamTotals sums what a user streamed of a song.
type StreamTotals struct {
	Starts      int64
	BytesServed int64
}

// Catalog answers other contexts' questions about songs.
type Catalog interface {
	// Song returns a song's summary, or an error whose code is music.song_not_found.
	Song(ctx context.Context, id uuid.UUID) (SongSummary, error)
	// StreamTotals sums the stream starts and bytes served of a song to a user.
	StreamTotals(ctx context.Context, songID, userID uuid.UUID) (StreamTotals, error)
}

// ArtistProfiles lets the orchestrator give new artist accounts their profile.
type ArtistProfiles interface {
	// EnsureArtist creates the artist profile of a user unless it exists (idempotent).
	EnsureArtist(ctx context.Context, userID uuid.UUID, name string) error
}

// SessionStreamRequest asks for a stream link bound to a listen session.
type SessionStreamRequest struct {
	SessionID uuid.UUID
	UserID    uuid.UUID
	SongID    uuid.UUID
	// Quality is a rendition name ("low", "high", "original"); empty picks the default.
	Quality string
	// PreviewSeconds > 0 limits the link to the bytes of that much audio of the rendition.
	PreviewSeconds int
	// ExpiresAt is when the link stops working (the session's expiry).
	ExpiresAt time.Time
}

// SessionStream is a signed stream link bound to a session.
type SessionStream struct {
	// URL is the path and query of the link, relative to the API origin.
	URL     string
	Quality string
	// SizeBytes is the rendition's size; BytesPerSecond its average rate (size / duration).
	SizeBytes      int64
	BytesPerSecond int64
	// MaxBytes is the preview cap (0: the whole rendition).
	MaxBytes int64
}

// SessionStreamed is what the stream endpoint served under one session link, as observed by
// the server (committed before the stream request returned).
type SessionStreamed struct {
	Requests    int64
	BytesServed int64
	// HighestOffset is one past the last byte served in any request.
	HighestOffset int64
}

// Streams issues session-bound stream links and reports what they served.
type Streams interface {
	// OpenSessionStream signs a link for the session after checking the user may play the
	// song (errors carry music.song_not_found, music.song_not_ready...).
	OpenSessionStream(ctx context.Context, req SessionStreamRequest) (SessionStream, error)
	// SessionStreamed returns what was served under the session's links (zero when nothing).
	SessionStreamed(ctx context.Context, sessionID uuid.UUID) (SessionStreamed, error)
}
