package music

import (
	"context"
	"net/url"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// Library is the catalog as music players browse it (the Subsonic adapter): reads from the
// store's player read model, writes through the use cases (likes, playlists) with their rules.
func (m *Module) Library() contracts.Library { return library{m} }

type library struct{ m *Module }

func viewerOf(id uuid.UUID) application.Viewer { return application.Viewer{UserID: id} }

func (l library) Artists(ctx context.Context, viewer uuid.UUID) ([]contracts.ArtistEntry, error) {
	return l.m.store.LibraryArtists(ctx, viewer)
}

func (l library) Artist(ctx context.Context, viewer, id uuid.UUID) (contracts.ArtistEntry, []contracts.AlbumEntry, error) {
	return l.m.store.LibraryArtist(ctx, viewer, id)
}

func (l library) Album(ctx context.Context, viewer, id uuid.UUID) (contracts.AlbumEntry, []contracts.Track, error) {
	return l.m.store.LibraryAlbum(ctx, viewer, id)
}

func (l library) Track(ctx context.Context, viewer, id uuid.UUID) (contracts.Track, error) {
	return l.m.store.LibraryTrack(ctx, viewer, id)
}

// errUnknownAlbumList is returned for an album list type the library does not know.
var errUnknownAlbumList = errs.ErrValidation.WithField("type", "is not a known album list type")

func (l library) AlbumList(ctx context.Context, viewer uuid.UUID, q contracts.AlbumListQuery) ([]contracts.AlbumEntry, error) {
	out, ok, err := l.m.store.LibraryAlbumList(ctx, viewer, q)
	if err == nil && !ok {
		return nil, errUnknownAlbumList
	}
	return out, err
}

func (l library) RandomTracks(ctx context.Context, viewer uuid.UUID, size int, genre string, fromYear, toYear int) ([]contracts.Track, error) {
	return l.m.store.LibraryRandomTracks(ctx, viewer, size, genre, fromYear, toYear)
}

func (l library) TracksByGenre(ctx context.Context, viewer uuid.UUID, genre string, count, offset int) ([]contracts.Track, error) {
	return l.m.store.LibraryTracksByGenre(ctx, viewer, genre, count, offset)
}

func (l library) Genres(ctx context.Context) ([]contracts.GenreEntry, error) {
	return l.m.store.LibraryGenres(ctx)
}

func (l library) Search(ctx context.Context, viewer uuid.UUID, q contracts.SearchQuery) (contracts.SearchResult, error) {
	return l.m.store.LibrarySearch(ctx, viewer, q)
}

func (l library) Starred(ctx context.Context, viewer uuid.UUID) ([]contracts.Track, error) {
	return l.m.store.LibraryStarred(ctx, viewer)
}

func (l library) Star(ctx context.Context, viewer, songID uuid.UUID) error {
	return l.m.app.Like(ctx, viewerOf(viewer), songID)
}

func (l library) Unstar(ctx context.Context, viewer, songID uuid.UUID) error {
	return l.m.app.Unlike(ctx, viewerOf(viewer), songID)
}

func (l library) entry(ctx context.Context, viewer uuid.UUID, p *domain.Playlist) (contracts.PlaylistEntry, []contracts.Track, error) {
	ts, err := l.m.store.LibraryTracks(ctx, viewer, p.Songs())
	if err != nil {
		return contracts.PlaylistEntry{}, nil, err
	}
	e := contracts.PlaylistEntry{ID: p.ID(), OwnerID: p.OwnerID(), Name: p.Name(), Comment: p.Description(), Public: p.Public(),
		SongCount: len(ts), CreatedAt: p.CreatedAt(), UpdatedAt: p.UpdatedAt()}
	for _, t := range ts {
		e.DurationMS += int64(t.DurationMS)
	}
	return e, ts, nil
}

func (l library) Playlists(ctx context.Context, viewer uuid.UUID) ([]contracts.PlaylistEntry, error) {
	out := []contracts.PlaylistEntry{}
	var after *domain.PageCursor
	for {
		ps, next, err := l.m.app.ListMyPlaylists(ctx, viewerOf(viewer), 100, after)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			e, _, err := l.entry(ctx, viewer, p)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		if next == nil || len(out) >= 1000 {
			return out, nil
		}
		after = next
	}
}

func (l library) Playlist(ctx context.Context, viewer, id uuid.UUID) (contracts.PlaylistEntry, []contracts.Track, error) {
	page, err := l.m.app.GetPlaylist(ctx, viewerOf(viewer), id)
	if err != nil {
		return contracts.PlaylistEntry{}, nil, err
	}
	return l.entry(ctx, viewer, page.Playlist)
}

func (l library) CreatePlaylist(ctx context.Context, viewer uuid.UUID, name string, songs []uuid.UUID) (contracts.PlaylistEntry, error) {
	p, err := l.m.app.CreatePlaylist(ctx, viewerOf(viewer), domain.PlaylistDetails{Name: name})
	if err != nil {
		return contracts.PlaylistEntry{}, err
	}
	return l.ReplacePlaylistSongs(ctx, viewer, p.ID(), songs)
}

func (l library) ReplacePlaylistSongs(ctx context.Context, viewer, id uuid.UUID, songs []uuid.UUID) (contracts.PlaylistEntry, error) {
	v := viewerOf(viewer)
	page, err := l.m.app.GetPlaylist(ctx, v, id)
	if err != nil {
		return contracts.PlaylistEntry{}, err
	}
	for _, s := range page.Playlist.Songs() {
		if !slices.Contains(songs, s) {
			if _, err := l.m.app.RemoveFromPlaylist(ctx, v, id, s); err != nil {
				return contracts.PlaylistEntry{}, err
			}
		}
	}
	if err := l.add(ctx, v, id, songs); err != nil {
		return contracts.PlaylistEntry{}, err
	}
	e, _, err := l.Playlist(ctx, viewer, id)
	return e, err
}

// add appends the songs not in the playlist yet (a playlist holds a song once).
func (l library) add(ctx context.Context, v application.Viewer, id uuid.UUID, songs []uuid.UUID) error {
	page, err := l.m.app.GetPlaylist(ctx, v, id)
	if err != nil {
		return err
	}
	have := page.Playlist.Songs()
	for _, s := range songs {
		if slices.Contains(have, s) {
			continue
		}
		if _, err := l.m.app.AddToPlaylist(ctx, v, id, s, nil); err != nil {
			return err
		}
		have = append(have, s)
	}
	return nil
}

func (l library) UpdatePlaylist(ctx context.Context, viewer, id uuid.UUID, e contracts.PlaylistEdit) error {
	v := viewerOf(viewer)
	if e.Name != nil || e.Comment != nil || e.Public != nil {
		if _, err := l.m.app.UpdatePlaylist(ctx, v, id, application.PlaylistChanges{Name: e.Name, Description: e.Comment, Public: e.Public}); err != nil {
			return err
		}
	}
	if len(e.RemoveIndexes) > 0 {
		_, ts, err := l.Playlist(ctx, viewer, id)
		if err != nil {
			return err
		}
		for _, i := range e.RemoveIndexes {
			if i < 0 || i >= len(ts) {
				return errs.ErrValidation.WithField("songIndexToRemove", "is not a position in the playlist")
			}
		}
		for _, i := range e.RemoveIndexes {
			if _, err := l.m.app.RemoveFromPlaylist(ctx, v, id, ts[i].ID); err != nil {
				return err
			}
		}
	}
	if len(e.Add) > 0 {
		// the caller must own it even when only adding
		return l.add(ctx, v, id, e.Add)
	}
	if e.Name == nil && e.Comment == nil && e.Public == nil && len(e.RemoveIndexes) == 0 {
		// nothing to change: still only the owner may "edit"
		_, err := l.m.app.UpdatePlaylist(ctx, v, id, application.PlaylistChanges{})
		return err
	}
	return nil
}

func (l library) DeletePlaylist(ctx context.Context, viewer, id uuid.UUID) error {
	return l.m.app.DeletePlaylist(ctx, viewerOf(viewer), id)
}

func (l library) OriginalLink(ctx context.Context, viewer, songID uuid.UUID) (string, error) {
	v := viewerOf(viewer)
	s, err := l.m.app.GetSong(ctx, v, songID)
	if err != nil {
		return "", err
	}
	if !l.m.app.Owns(ctx, v, s) {
		return "", domain.ErrNotOwner
	}
	link, err := l.m.app.IssueStreamLink(ctx, v, songID, domain.QualityOriginal)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("quality", string(link.Quality))
	q.Set("uid", link.UserID.String())
	q.Set("exp", strconv.FormatInt(link.ExpiresAt.Unix(), 10))
	q.Set("sig", link.Signature)
	return "/api/v1/music/stream/" + songID.String() + "?" + q.Encode(), nil
}
