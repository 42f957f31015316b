package subsonic

import (
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
)

func (api *API) playlistOf(a *call, p musiccontracts.PlaylistEntry) Playlist {
	owner := ""
	if p.OwnerID == a.account.UserID {
		owner = a.account.Username
	}
	return Playlist{ID: p.ID.String(), Name: p.Name, Comment: p.Comment, Owner: owner, Public: p.Public, SongCount: p.SongCount,
		Duration: int((p.DurationMS + 999) / 1000), Created: p.CreatedAt.UTC(), Changed: p.UpdatedAt.UTC()}
}

func (api *API) getPlaylists(c echo.Context, a *call) (*Response, error) {
	if u := param(c, "username"); u != "" && u != a.account.Username {
		return nil, fail(CodeNotAuthorized, "a user may only list their own playlists")
	}
	ps, err := api.d.Library.Playlists(a.ctx, a.account.UserID)
	if err != nil {
		return nil, err
	}
	out := &Playlists{Playlist: make([]Playlist, len(ps))}
	for i, p := range ps {
		out.Playlist[i] = api.playlistOf(a, p)
	}
	return &Response{Playlists: out}, nil
}

func (api *API) getPlaylist(c echo.Context, a *call) (*Response, error) {
	id, err := requiredID(c, "id", "")
	if err != nil {
		return nil, err
	}
	return api.playlistResponse(a, id)
}

func (api *API) playlistResponse(a *call, id uuid.UUID) (*Response, error) {
	p, ts, err := api.d.Library.Playlist(a.ctx, a.account.UserID, id)
	if err != nil {
		return nil, err
	}
	out := api.playlistOf(a, p)
	out.Entry = songsOf(ts)
	if out.Entry == nil {
		out.Entry = []Child{}
	}
	return &Response{Playlist: &out}, nil
}

func songIDs(c echo.Context, name string) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for _, r := range params(c, name) {
		id, err := parseID(r, "")
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// createPlaylist makes a playlist (name) or replaces the songs of one (playlistId), and
// returns it (Subsonic 1.14+).
func (api *API) createPlaylist(c echo.Context, a *call) (*Response, error) {
	songs, err := songIDs(c, "songId")
	if err != nil {
		return nil, err
	}
	if raw := param(c, "playlistId"); raw != "" {
		id, err := parseID(raw, "")
		if err != nil {
			return nil, err
		}
		if _, err := api.d.Library.ReplacePlaylistSongs(a.ctx, a.account.UserID, id, songs); err != nil {
			return nil, err
		}
		return api.playlistResponse(a, id)
	}
	name := param(c, "name")
	if name == "" {
		return nil, missing("name or playlistId")
	}
	p, err := api.d.Library.CreatePlaylist(a.ctx, a.account.UserID, name, songs)
	if err != nil {
		return nil, err
	}
	return api.playlistResponse(a, p.ID)
}

func (api *API) updatePlaylist(c echo.Context, a *call) (*Response, error) {
	id, err := requiredID(c, "playlistId", "")
	if err != nil {
		return nil, err
	}
	var e musiccontracts.PlaylistEdit
	form := c.Request().Form
	if form.Has("name") {
		v := param(c, "name")
		e.Name = &v
	}
	if form.Has("comment") {
		v := param(c, "comment")
		e.Comment = &v
	}
	if form.Has("public") {
		v := boolParam(c, "public", false)
		e.Public = &v
	}
	if e.Add, err = songIDs(c, "songIdToAdd"); err != nil {
		return nil, err
	}
	for _, r := range params(c, "songIndexToRemove") {
		i, err := strconv.Atoi(r)
		if err != nil {
			return nil, fail(CodeMissingParam, "songIndexToRemove must be an integer")
		}
		e.RemoveIndexes = append(e.RemoveIndexes, i)
	}
	if err := api.d.Library.UpdatePlaylist(a.ctx, a.account.UserID, id, e); err != nil {
		return nil, err
	}
	return &Response{}, nil
}

func (api *API) deletePlaylist(c echo.Context, a *call) (*Response, error) {
	id, err := requiredID(c, "id", "")
	if err != nil {
		return nil, err
	}
	if err := api.d.Library.DeletePlaylist(a.ctx, a.account.UserID, id); err != nil {
		return nil, err
	}
	return &Response{}, nil
}
