package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/music/domain"
)

// CreatePlaylist makes an empty playlist for the caller.
func (a *App) CreatePlaylist(ctx context.Context, v Viewer, d domain.PlaylistDetails) (*domain.Playlist, error) {
	p, err := domain.NewPlaylist(a.d.NewID(), v.UserID, d, a.now())
	if err != nil {
		return nil, err
	}
	return p, a.d.Playlists.AddPlaylist(ctx, p)
}

// PlaylistPage is a playlist with the songs the viewer may see, in order.
type PlaylistPage struct {
	Playlist *domain.Playlist
	Songs    []*domain.Song
}

// GetPlaylist reads a playlist: public ones for everyone, private ones for their owner (404
// for others).
func (a *App) GetPlaylist(ctx context.Context, v Viewer, id uuid.UUID) (PlaylistPage, error) {
	p, err := a.d.Playlists.GetPlaylist(ctx, id)
	if err != nil {
		return PlaylistPage{}, err
	}
	if !p.VisibleTo(v.UserID) {
		return PlaylistPage{}, domain.ErrPlaylistNotFound
	}
	return a.playlistPage(ctx, v, p)
}

func (a *App) playlistPage(ctx context.Context, v Viewer, p *domain.Playlist) (PlaylistPage, error) {
	ids := p.Songs()
	byID, err := a.d.Songs.GetSongs(ctx, ids)
	if err != nil {
		return PlaylistPage{}, err
	}
	page := PlaylistPage{Playlist: p, Songs: []*domain.Song{}}
	for _, id := range ids {
		s, ok := byID[id]
		if !ok {
			continue
		}
		// A song that was unpublished since it was added stays in the list but is shown only to
		// its artist.
		if s.VisibleToPublic() || a.isArtistOf(ctx, v.UserID, s.ArtistID()) {
			page.Songs = append(page.Songs, s)
		}
	}
	return page, nil
}

// ListMyPlaylists lists the caller's playlists.
func (a *App) ListMyPlaylists(ctx context.Context, v Viewer, limit int, after *domain.PageCursor) ([]*domain.Playlist, *domain.PageCursor, error) {
	return a.d.Playlists.ListPlaylistsByOwner(ctx, v.UserID, limit, after)
}

func (a *App) ownPlaylist(ctx context.Context, v Viewer, id uuid.UUID) error {
	p, err := a.d.Playlists.GetPlaylist(ctx, id)
	if err != nil {
		return err
	}
	if p.OwnerID() == v.UserID {
		return nil
	}
	if !p.VisibleTo(v.UserID) {
		return domain.ErrPlaylistNotFound
	}
	return domain.ErrNotOwner
}

// PlaylistChanges is a partial update of a playlist's details.
type PlaylistChanges struct {
	Name        *string
	Description *string
	Public      *bool
}

// UpdatePlaylist renames a playlist or changes its visibility.
func (a *App) UpdatePlaylist(ctx context.Context, v Viewer, id uuid.UUID, c PlaylistChanges) (PlaylistPage, error) {
	return a.editPlaylist(ctx, v, id, func(p *domain.Playlist) error {
		d := domain.PlaylistDetails{Name: p.Name(), Description: p.Description(), Public: p.Public()}
		if c.Name != nil {
			d.Name = *c.Name
		}
		if c.Description != nil {
			d.Description = *c.Description
		}
		if c.Public != nil {
			d.Public = *c.Public
		}
		return p.Update(d, a.now())
	})
}

func (a *App) editPlaylist(ctx context.Context, v Viewer, id uuid.UUID, fn func(*domain.Playlist) error) (PlaylistPage, error) {
	if err := a.ownPlaylist(ctx, v, id); err != nil {
		return PlaylistPage{}, err
	}
	p, err := a.d.Playlists.UpdatePlaylist(ctx, id, fn)
	if err != nil {
		return PlaylistPage{}, err
	}
	return a.playlistPage(ctx, v, p)
}

// AddToPlaylist adds a song the caller can see at a position (nil appends).
func (a *App) AddToPlaylist(ctx context.Context, v Viewer, id, songID uuid.UUID, position *int) (PlaylistPage, error) {
	if _, err := a.GetSong(ctx, v, songID); err != nil {
		return PlaylistPage{}, err
	}
	return a.editPlaylist(ctx, v, id, func(p *domain.Playlist) error { return p.AddSong(songID, position, a.now()) })
}

// RemoveFromPlaylist takes a song out.
func (a *App) RemoveFromPlaylist(ctx context.Context, v Viewer, id, songID uuid.UUID) (PlaylistPage, error) {
	return a.editPlaylist(ctx, v, id, func(p *domain.Playlist) error { return p.RemoveSong(songID, a.now()) })
}

// ReorderPlaylist sets the order of all songs.
func (a *App) ReorderPlaylist(ctx context.Context, v Viewer, id uuid.UUID, order []uuid.UUID) (PlaylistPage, error) {
	return a.editPlaylist(ctx, v, id, func(p *domain.Playlist) error { return p.Reorder(order, a.now()) })
}

// DeletePlaylist removes a playlist of the caller.
func (a *App) DeletePlaylist(ctx context.Context, v Viewer, id uuid.UUID) error {
	if err := a.ownPlaylist(ctx, v, id); err != nil {
		return err
	}
	return a.d.Playlists.DeletePlaylist(ctx, id)
}

// Like marks a visible song as liked (idempotent).
func (a *App) Like(ctx context.Context, v Viewer, songID uuid.UUID) error {
	if _, err := a.GetSong(ctx, v, songID); err != nil {
		return err
	}
	return a.d.Likes.Like(ctx, v.UserID, songID, a.now())
}

// Unlike removes a like (idempotent; unknown songs are 404).
func (a *App) Unlike(ctx context.Context, v Viewer, songID uuid.UUID) error {
	if _, err := a.d.Songs.GetSong(ctx, songID); err != nil {
		return err
	}
	return a.d.Likes.Unlike(ctx, v.UserID, songID)
}

// LikedSong is a liked song with when it was liked.
type LikedSong struct {
	Song    *domain.Song
	LikedAt domain.LikedSong
}

// ListLikes lists the caller's liked songs, newest like first; songs since hidden are skipped.
func (a *App) ListLikes(ctx context.Context, v Viewer, limit int, after *domain.PageCursor) ([]LikedSong, *domain.PageCursor, error) {
	likes, next, err := a.d.Likes.ListLiked(ctx, v.UserID, limit, after)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]uuid.UUID, len(likes))
	for i, l := range likes {
		ids[i] = l.SongID
	}
	byID, err := a.d.Songs.GetSongs(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out := []LikedSong{}
	for _, l := range likes {
		if s, ok := byID[l.SongID]; ok && (s.VisibleToPublic() || a.isArtistOf(ctx, v.UserID, s.ArtistID())) {
			out = append(out, LikedSong{Song: s, LikedAt: l})
		}
	}
	return out, next, nil
}
