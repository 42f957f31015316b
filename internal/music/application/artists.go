package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// EnsureArtist gives a user with the artist role their profile (idempotent): called when
// user.registered.v1 arrives.
func (a *App) EnsureArtist(ctx context.Context, userID uuid.UUID, name string) error {
	_, err := a.ensureArtist(ctx, userID, name)
	return err
}

// ArtistPage is an artist with what listeners can see of their work (or all of it, for the
// artist themself).
type ArtistPage struct {
	Artist *domain.Artist
	Songs  []*domain.Song
	Albums []*domain.Album
}

// GetArtist reads an artist's page.
func (a *App) GetArtist(ctx context.Context, v Viewer, id uuid.UUID) (ArtistPage, error) {
	ar, err := a.d.Artists.GetArtist(ctx, id)
	if err != nil {
		return ArtistPage{}, err
	}
	own := ar.UserID() == v.UserID
	songs, err := a.d.Songs.ListSongsByArtist(ctx, id, own, 200)
	if err != nil {
		return ArtistPage{}, err
	}
	albums, err := a.d.Albums.ListAlbumsByArtist(ctx, id)
	if err != nil {
		return ArtistPage{}, err
	}
	return ArtistPage{Artist: ar, Songs: songs, Albums: albums}, nil
}

// MyArtist returns (creating if needed) the caller's artist profile.
func (a *App) MyArtist(ctx context.Context, v Viewer) (*domain.Artist, error) {
	return a.artistOf(ctx, v.UserID)
}

// UpdateMyArtist edits the caller's profile.
func (a *App) UpdateMyArtist(ctx context.Context, v Viewer, p domain.ArtistProfile) (*domain.Artist, error) {
	ar, err := a.artistOf(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	return a.d.Artists.UpdateArtist(ctx, ar.ID(), func(x *domain.Artist) error { return x.UpdateProfile(p, a.now()) })
}

// SetArtistVerified is an admin's decision.
func (a *App) SetArtistVerified(ctx context.Context, v Viewer, id uuid.UUID, verified bool) (*domain.Artist, error) {
	if !v.Admin {
		return nil, errs.ErrForbidden
	}
	return a.d.Artists.UpdateArtist(ctx, id, func(x *domain.Artist) error {
		x.SetVerified(verified, a.now())
		return nil
	})
}
