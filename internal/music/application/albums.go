package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/music/domain"
)

// AlbumPage is an album with its songs visible to the viewer, by track number.
type AlbumPage struct {
	Album  *domain.Album
	Artist *domain.Artist
	Songs  []*domain.Song
}

// CreateAlbum adds an album to the caller's catalog.
func (a *App) CreateAlbum(ctx context.Context, v Viewer, d domain.AlbumDetails) (*domain.Album, error) {
	ar, err := a.artistOf(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	al, err := domain.NewAlbum(a.d.NewID(), ar.ID(), d, a.now())
	if err != nil {
		return nil, err
	}
	return al, a.d.Albums.AddAlbum(ctx, al)
}

// GetAlbum reads an album.
func (a *App) GetAlbum(ctx context.Context, v Viewer, id uuid.UUID) (AlbumPage, error) {
	al, err := a.d.Albums.GetAlbum(ctx, id)
	if err != nil {
		return AlbumPage{}, err
	}
	ar, err := a.d.Artists.GetArtist(ctx, al.ArtistID())
	if err != nil {
		return AlbumPage{}, err
	}
	songs, err := a.d.Songs.ListSongsByArtist(ctx, ar.ID(), ar.UserID() == v.UserID, 1000)
	if err != nil {
		return AlbumPage{}, err
	}
	var in []*domain.Song
	for _, s := range songs {
		if id := s.Details().AlbumID; id != nil && *id == al.ID() {
			in = append(in, s)
		}
	}
	sortByTrack(in)
	return AlbumPage{Album: al, Artist: ar, Songs: in}, nil
}

func sortByTrack(s []*domain.Song) {
	track := func(x *domain.Song) int {
		if t := x.Details().TrackNumber; t != nil {
			return *t
		}
		return 1 << 30
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && track(s[j]) < track(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func (a *App) ownAlbum(ctx context.Context, v Viewer, id uuid.UUID) error {
	al, err := a.d.Albums.GetAlbum(ctx, id)
	if err != nil {
		return err
	}
	if !a.isArtistOf(ctx, v.UserID, al.ArtistID()) {
		return domain.ErrNotOwner
	}
	return nil
}

// UpdateAlbum edits an album of the caller.
func (a *App) UpdateAlbum(ctx context.Context, v Viewer, id uuid.UUID, d domain.AlbumDetails) (*domain.Album, error) {
	if err := a.ownAlbum(ctx, v, id); err != nil {
		return nil, err
	}
	return a.d.Albums.UpdateAlbum(ctx, id, func(al *domain.Album) error { return al.Update(d, a.now()) })
}

// DeleteAlbum removes an album of the caller; its songs stay, without album.
func (a *App) DeleteAlbum(ctx context.Context, v Viewer, id uuid.UUID) error {
	if err := a.ownAlbum(ctx, v, id); err != nil {
		return err
	}
	return a.d.Albums.DeleteAlbum(ctx, id)
}
