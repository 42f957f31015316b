// Package contracts is the music context's public face: the integration events it publishes and
// the narrow queries and commands other contexts may use.
package contracts

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Source names the music context in event envelopes.
const Source = "music"

// Integration event types published by the music context.
const (
	// SongReadyV1 is published when a song's audio has been processed and can be streamed
	// (payload SongReady).
	SongReadyV1 = "music.song_ready.v1"
)

// SongReady is the payload of music.song_ready.v1.
type SongReady struct {
	SongID     uuid.UUID `json:"song_id"`
	ArtistID   uuid.UUID `json:"artist_id"`
	DurationMS int       `json:"duration_ms"`
	ReadyAt    time.Time `json:"ready_at"`
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
