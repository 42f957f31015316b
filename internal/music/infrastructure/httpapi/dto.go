package httpapi

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// optional tells an absent JSON field (Set false) from an explicit null (Set true, V nil).
type optional[T any] struct {
	Set bool
	V   *T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.V = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.V = &v
	return nil
}

type renditionDTO struct {
	Quality     string `json:"quality"`
	ContentType string `json:"content_type"`
	SizeBytes   int64  `json:"size_bytes"`
	BitrateKbps int    `json:"bitrate_kbps"`
}

type audioDTO struct {
	Format    string            `json:"format"`
	SHA256    string            `json:"sha256"`
	SizeBytes int64             `json:"size_bytes"`
	Tags      map[string]string `json:"tags"`
}

type songDTO struct {
	ID            uuid.UUID  `json:"id"`
	Title         string     `json:"title"`
	ArtistID      uuid.UUID  `json:"artist_id"`
	ArtistName    string     `json:"artist_name"`
	AlbumID       *uuid.UUID `json:"album_id"`
	TrackNumber   *int       `json:"track_number"`
	Genre         string     `json:"genre"`
	Explicit      bool       `json:"explicit"`
	DurationMS    *int       `json:"duration_ms"`
	Status        string     `json:"status"`
	FailureReason string     `json:"failure_reason,omitempty"`
	Published     bool       `json:"published"`
	Deleted       bool       `json:"deleted,omitempty"`
	PlayCount     int64      `json:"play_count"`
	// StreamPrice is what one paid listen costs (USD decimal string).
	StreamPrice        string         `json:"stream_price"`
	StreamPriceDefault *bool          `json:"stream_price_default,omitempty"`
	Renditions         []renditionDTO `json:"renditions"`
	Audio              *audioDTO      `json:"audio,omitempty"`
	CreatedAt          time.Time      `json:"created_at"`
	UpdatedAt          time.Time      `json:"updated_at"`
}

// toSong maps a song; owner-only details (failure reason, the original's hash and tags) are
// shown to its artist only.
func toSong(prices domain.PriceRange, s *domain.Song, owner bool) songDTO {
	d := s.Details()
	out := songDTO{ID: s.ID(), Title: d.Title, ArtistID: s.ArtistID(), ArtistName: s.ArtistName(), AlbumID: d.AlbumID,
		TrackNumber: d.TrackNumber, Genre: d.Genre, Explicit: d.Explicit, DurationMS: s.DurationMS(), Status: string(s.Status()),
		Published: s.Published(), PlayCount: s.PlayCount(), StreamPrice: s.StreamPrice(prices).String(), Renditions: []renditionDTO{},
		CreatedAt: s.CreatedAt(), UpdatedAt: s.UpdatedAt()}
	if s.Status() == domain.StatusReady {
		for _, r := range s.Renditions() {
			out.Renditions = append(out.Renditions, renditionDTO{Quality: string(r.Quality), ContentType: r.ContentType, SizeBytes: r.Size, BitrateKbps: r.BitrateKbps})
		}
	}
	if owner {
		def := s.OwnStreamPrice() == nil
		out.StreamPriceDefault = &def
		out.FailureReason = s.FailureReason()
		out.Deleted = s.Deleted()
		if o := s.Original(); o != nil {
			tags := o.Tags
			if tags == nil {
				tags = map[string]string{}
			}
			out.Audio = &audioDTO{Format: o.Format, SHA256: o.SHA256, SizeBytes: o.Size, Tags: tags}
		}
	}
	return out
}

type artistDTO struct {
	ID        uuid.UUID `json:"id"`
	UserID    uuid.UUID `json:"user_id"`
	Name      string    `json:"name"`
	Bio       string    `json:"bio"`
	ImageURL  string    `json:"image_url"`
	Verified  bool      `json:"verified"`
	CreatedAt time.Time `json:"created_at"`
}

func toArtist(a *domain.Artist) artistDTO {
	return artistDTO{ID: a.ID(), UserID: a.UserID(), Name: a.Name(), Bio: a.Bio(), ImageURL: a.ImageURL(), Verified: a.Verified(), CreatedAt: a.CreatedAt()}
}

type artistPageDTO struct {
	artistDTO
	Songs  []songDTO  `json:"songs"`
	Albums []albumDTO `json:"albums"`
}

type albumDTO struct {
	ID          uuid.UUID `json:"id"`
	ArtistID    uuid.UUID `json:"artist_id"`
	Title       string    `json:"title"`
	ReleaseDate *string   `json:"release_date"`
	CoverURL    string    `json:"cover_url"`
	CreatedAt   time.Time `json:"created_at"`
}

func toAlbum(a *domain.Album) albumDTO {
	out := albumDTO{ID: a.ID(), ArtistID: a.ArtistID(), Title: a.Title(), CoverURL: a.CoverURL(), CreatedAt: a.CreatedAt()}
	if d := a.ReleaseDate(); d != nil {
		s := d.Format("2006-01-02")
		out.ReleaseDate = &s
	}
	return out
}

type albumPageDTO struct {
	albumDTO
	ArtistName string    `json:"artist_name"`
	Songs      []songDTO `json:"songs"`
}

type playlistDTO struct {
	ID          uuid.UUID `json:"id"`
	OwnerID     uuid.UUID `json:"owner_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Public      bool      `json:"public"`
	SongCount   int       `json:"song_count"`
	Songs       []songDTO `json:"songs,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toPlaylist(p *domain.Playlist) playlistDTO {
	return playlistDTO{ID: p.ID(), OwnerID: p.OwnerID(), Name: p.Name(), Description: p.Description(), Public: p.Public(),
		SongCount: len(p.Songs()), CreatedAt: p.CreatedAt(), UpdatedAt: p.UpdatedAt()}
}

func toPlaylistPage(prices domain.PriceRange, pg application.PlaylistPage, viewer uuid.UUID) playlistDTO {
	out := toPlaylist(pg.Playlist)
	out.Songs = make([]songDTO, 0, len(pg.Songs))
	for _, s := range pg.Songs {
		out.Songs = append(out.Songs, toSong(prices, s, false))
	}
	return out
}

type likedSongDTO struct {
	Song    songDTO   `json:"song"`
	LikedAt time.Time `json:"liked_at"`
}

type streamURLDTO struct {
	URL       string    `json:"url"`
	Quality   string    `json:"quality"`
	ExpiresAt time.Time `json:"expires_at"`
}
