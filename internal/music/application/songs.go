package application

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// CreateSong adds a draft song to the caller's catalog.
func (a *App) CreateSong(ctx context.Context, v Viewer, d domain.SongDetails) (*domain.Song, error) {
	ar, err := a.artistOf(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	if err := a.checkAlbum(ctx, ar.ID(), d.AlbumID); err != nil {
		return nil, err
	}
	s, err := domain.NewSong(a.d.NewID(), ar, d, a.now())
	if err != nil {
		return nil, err
	}
	return s, a.d.Songs.AddSong(ctx, s)
}

func (a *App) checkAlbum(ctx context.Context, artistID uuid.UUID, albumID *uuid.UUID) error {
	if albumID == nil {
		return nil
	}
	al, err := a.d.Albums.GetAlbum(ctx, *albumID)
	if err != nil {
		if errors.Is(err, domain.ErrAlbumNotFound) {
			return errs.ErrValidation.WithField("album_id", "no such album")
		}
		return err
	}
	if al.ArtistID() != artistID {
		return errs.ErrValidation.WithField("album_id", "must be one of your albums")
	}
	return nil
}

// GetSong reads a song: published songs for everyone, the rest for their artist only.
func (a *App) GetSong(ctx context.Context, v Viewer, id uuid.UUID) (*domain.Song, error) {
	s, err := a.d.Songs.GetSong(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.VisibleToPublic() && !a.isArtistOf(ctx, v.UserID, s.ArtistID()) {
		return nil, domain.ErrSongNotFound
	}
	return s, nil
}

// SongChanges is a partial update; nil fields stay as they are.
type SongChanges struct {
	Title       *string
	Genre       *string
	Explicit    *bool
	AlbumID     **uuid.UUID
	TrackNumber **int
	Published   *bool
	// StreamPrice sets the per-stream price (already parsed); a nil inner value returns the
	// song to the platform default.
	StreamPrice **money.Amount
}

// UpdateSong edits a song of the caller (publishing included).
func (a *App) UpdateSong(ctx context.Context, v Viewer, id uuid.UUID, c SongChanges) (*domain.Song, error) {
	cur, err := a.ownSong(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if c.AlbumID != nil {
		if err := a.checkAlbum(ctx, cur.ArtistID(), *c.AlbumID); err != nil {
			return nil, err
		}
	}
	return a.d.Songs.UpdateSong(ctx, id, func(s *domain.Song) error {
		d := s.Details()
		if c.Title != nil {
			d.Title = *c.Title
		}
		if c.Genre != nil {
			d.Genre = *c.Genre
		}
		if c.Explicit != nil {
			d.Explicit = *c.Explicit
		}
		if c.AlbumID != nil {
			d.AlbumID = *c.AlbumID
			if d.AlbumID == nil {
				d.TrackNumber = nil
			}
		}
		if c.TrackNumber != nil {
			d.TrackNumber = *c.TrackNumber
		}
		if err := s.Update(d, a.now()); err != nil {
			return err
		}
		if c.StreamPrice != nil {
			if err := s.SetStreamPrice(*c.StreamPrice, a.d.Prices, a.now()); err != nil {
				return err
			}
		}
		if c.Published != nil {
			if *c.Published {
				return s.Publish(a.now())
			}
			s.Unpublish(a.now())
		}
		return nil
	})
}

// DeleteSong unpublishes a song of the caller for good; its audio stays.
func (a *App) DeleteSong(ctx context.Context, v Viewer, id uuid.UUID) error {
	if _, err := a.ownSong(ctx, v, id); err != nil {
		return err
	}
	_, err := a.d.Songs.UpdateSong(ctx, id, func(s *domain.Song) error {
		s.Delete(a.now())
		return nil
	})
	return err
}

// ownSong returns the song if the caller is its artist: 404 when it does not exist (or is
// hidden from the caller), 403 when it is visible but someone else's.
func (a *App) ownSong(ctx context.Context, v Viewer, id uuid.UUID) (*domain.Song, error) {
	s, err := a.d.Songs.GetSong(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.isArtistOf(ctx, v.UserID, s.ArtistID()) {
		return s, nil
	}
	if !s.VisibleToPublic() {
		return nil, domain.ErrSongNotFound
	}
	return nil, domain.ErrNotOwner
}

// SearchSongs searches or lists the published catalog.
func (a *App) SearchSongs(ctx context.Context, q domain.SongQuery) ([]*domain.Song, *domain.SongCursor, error) {
	q.Text = strings.TrimSpace(q.Text)
	q.Genre = strings.ToLower(strings.TrimSpace(q.Genre))
	f := errs.Fields{}
	if len([]rune(q.Text)) > 200 {
		f.Add("q", "must be at most 200 characters")
	}
	if len(q.Genre) > 50 {
		f.Add("genre", "must be at most 50 characters")
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return nil, nil, err
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	return a.d.Songs.SearchSongs(ctx, q)
}
