package subsonic

import (
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

const (
	folderID   = 1
	folderName = "VibeStream"
)

func (api *API) table() map[string]method {
	read, library, listen := usercontracts.PermReadMusic, usercontracts.PermWriteLibrary, usercontracts.PermWriteListen
	return map[string]method{
		"ping":                      {"", func(echo.Context, *call) (*Response, error) { return &Response{}, nil }},
		"getLicense":                {"", api.getLicense},
		"getOpenSubsonicExtensions": {"", api.getExtensions},
		"getMusicFolders":           {read, api.getMusicFolders},
		"getIndexes":                {read, api.getIndexes},
		"getArtists":                {read, api.getArtists},
		"getArtist":                 {read, api.getArtist},
		"getAlbum":                  {read, api.getAlbum},
		"getSong":                   {read, api.getSong},
		"getMusicDirectory":         {read, api.getMusicDirectory},
		"getAlbumList":              {read, api.getAlbumList},
		"getAlbumList2":             {read, api.getAlbumList2},
		"getRandomSongs":            {read, api.getRandomSongs},
		"getSongsByGenre":           {read, api.getSongsByGenre},
		"getGenres":                 {read, api.getGenres},
		"search2":                   {read, api.search2},
		"search3":                   {read, api.search3},
		"getPlaylists":              {read, api.getPlaylists},
		"getPlaylist":               {read, api.getPlaylist},
		"createPlaylist":            {library, api.createPlaylist},
		"updatePlaylist":            {library, api.updatePlaylist},
		"deletePlaylist":            {library, api.deletePlaylist},
		"star":                      {library, api.star},
		"unstar":                    {library, api.unstar},
		"getStarred":                {read, api.getStarred},
		"getStarred2":               {read, api.getStarred2},
		"stream":                    {listen, api.stream},
		"download":                  {read, api.download},
		"getCoverArt":               {read, api.getCoverArt},
		"scrobble":                  {listen, api.scrobble},
		"getUser":                   {"", api.getUser},
		"getNowPlaying":             {read, api.getNowPlaying},
	}
}

func (api *API) getLicense(echo.Context, *call) (*Response, error) {
	return &Response{License: &License{Valid: true}}, nil
}

func (api *API) getExtensions(echo.Context, *call) (*Response, error) {
	return &Response{OpenSubsonicExtensions: []Extension{
		{Name: "apiKeyAuthentication", Versions: []int{1}},
		{Name: "formPost", Versions: []int{1}},
	}}, nil
}

func (api *API) getMusicFolders(echo.Context, *call) (*Response, error) {
	return &Response{MusicFolders: &MusicFolders{MusicFolder: []MusicFolder{{ID: folderID, Name: folderName}}}}, nil
}

// indexLetter groups names the Subsonic way: by their upper-cased first letter, "#" for the rest.
func indexLetter(name string) string {
	for _, r := range name {
		if unicode.IsLetter(r) {
			return strings.ToUpper(string(r))
		}
		return "#"
	}
	return "#"
}

func (api *API) getIndexes(c echo.Context, a *call) (*Response, error) {
	as, err := api.d.Library.Artists(a.ctx, a.account.UserID)
	if err != nil {
		return nil, err
	}
	out := &Indexes{IgnoredArticles: "", Index: []Index{}}
	for _, x := range as {
		l := indexLetter(x.Name)
		if n := len(out.Index); n == 0 || out.Index[n-1].Name != l {
			out.Index = append(out.Index, Index{Name: l})
		}
		out.Index[len(out.Index)-1].Artist = append(out.Index[len(out.Index)-1].Artist, Artist{ID: artistID(x.ID), Name: x.Name})
	}
	return &Response{Indexes: out}, nil
}

func artistOf(x musiccontracts.ArtistEntry) ArtistID3 {
	return ArtistID3{ID: artistID(x.ID), Name: x.Name, CoverArt: artistID(x.ID), AlbumCount: x.AlbumCount}
}

func (api *API) getArtists(c echo.Context, a *call) (*Response, error) {
	as, err := api.d.Library.Artists(a.ctx, a.account.UserID)
	if err != nil {
		return nil, err
	}
	out := &ArtistsID3{IgnoredArticles: "", Index: []IndexID3{}}
	for _, x := range as {
		l := indexLetter(x.Name)
		if n := len(out.Index); n == 0 || out.Index[n-1].Name != l {
			out.Index = append(out.Index, IndexID3{Name: l})
		}
		out.Index[len(out.Index)-1].Artist = append(out.Index[len(out.Index)-1].Artist, artistOf(x))
	}
	return &Response{Artists: out}, nil
}

func (api *API) getArtist(c echo.Context, a *call) (*Response, error) {
	id, err := requiredID(c, "id", artistPrefix)
	if err != nil {
		return nil, err
	}
	x, albums, err := api.d.Library.Artist(a.ctx, a.account.UserID, id)
	if err != nil {
		return nil, err
	}
	out := artistOf(x)
	out.Album = make([]AlbumID3, len(albums))
	for i, al := range albums {
		out.Album[i] = albumOf(al)
	}
	return &Response{Artist: &out}, nil
}

func albumOf(x musiccontracts.AlbumEntry) AlbumID3 {
	return AlbumID3{ID: albumID(x.ID), Name: x.Title, Artist: x.ArtistName, ArtistID: artistID(x.ArtistID), CoverArt: albumID(x.ID),
		SongCount: x.SongCount, Duration: int((x.DurationMS + 999) / 1000), PlayCount: x.PlayCount, Created: x.CreatedAt.UTC(),
		Year: x.Year, Genre: x.Genre}
}

// albumChild is an album as a directory entry (getAlbumList, search2, getStarred).
func albumChild(x musiccontracts.AlbumEntry) Child {
	created := x.CreatedAt.UTC()
	return Child{ID: albumID(x.ID), Parent: artistID(x.ArtistID), IsDir: true, Title: x.Title, Album: x.Title, Artist: x.ArtistName,
		Year: x.Year, Genre: x.Genre, CoverArt: albumID(x.ID), Duration: int((x.DurationMS + 999) / 1000), PlayCount: x.PlayCount,
		Created: &created, AlbumID: albumID(x.ID), ArtistID: artistID(x.ArtistID)}
}

var falseVal = false

func songOf(t musiccontracts.Track) Child {
	created := t.CreatedAt.UTC()
	var starred *time.Time
	if t.StarredAt != nil {
		s := t.StarredAt.UTC()
		starred = &s
	}
	return Child{ID: t.ID.String(), Parent: albumID(t.AlbumID), Title: t.Title, Album: t.AlbumTitle, Artist: t.ArtistName,
		Track: t.TrackNumber, Year: t.Year, Genre: t.Genre, CoverArt: albumID(t.AlbumID), Size: t.SizeBytes, ContentType: t.ContentType,
		Suffix: t.Suffix, Duration: (t.DurationMS + 999) / 1000, BitRate: t.BitrateKbps,
		Path: pathOf(t), PlayCount: t.PlayCount, Created: &created, Starred: starred, AlbumID: albumID(t.AlbumID),
		ArtistID: artistID(t.ArtistID), Type: "music", MediaType: "song", IsVideo: &falseVal}
}

// pathOf is a virtual path (some players group by it); it never names a stored file.
func pathOf(t musiccontracts.Track) string {
	clean := func(s string) string { return strings.NewReplacer("/", "_", "\\", "_").Replace(s) }
	return clean(t.ArtistName) + "/" + clean(t.AlbumTitle) + "/" + clean(t.Title) + "." + t.Suffix
}

func songsOf(ts []musiccontracts.Track) []Child {
	out := make([]Child, len(ts))
	for i, t := range ts {
		out[i] = songOf(t)
	}
	return out
}

func (api *API) getAlbum(c echo.Context, a *call) (*Response, error) {
	id, err := requiredID(c, "id", albumPrefix)
	if err != nil {
		return nil, err
	}
	al, ts, err := api.d.Library.Album(a.ctx, a.account.UserID, id)
	if err != nil {
		return nil, err
	}
	out := albumOf(al)
	out.Song = songsOf(ts)
	return &Response{Album: &out}, nil
}

func (api *API) getSong(c echo.Context, a *call) (*Response, error) {
	id, err := requiredID(c, "id", "")
	if err != nil {
		return nil, err
	}
	t, err := api.d.Library.Track(a.ctx, a.account.UserID, id)
	if err != nil {
		return nil, err
	}
	s := songOf(t)
	return &Response{Song: &s}, nil
}

func (api *API) getMusicDirectory(c echo.Context, a *call) (*Response, error) {
	raw := param(c, "id")
	if raw == "" {
		return nil, missing("id")
	}
	if strings.HasPrefix(raw, artistPrefix) {
		id, err := parseID(raw, artistPrefix)
		if err != nil {
			return nil, err
		}
		x, albums, err := api.d.Library.Artist(a.ctx, a.account.UserID, id)
		if err != nil {
			return nil, err
		}
		d := &Directory{ID: raw, Name: x.Name, Child: make([]Child, len(albums))}
		for i, al := range albums {
			d.Child[i] = albumChild(al)
		}
		return &Response{Directory: d}, nil
	}
	id, err := parseID(raw, albumPrefix)
	if err != nil {
		return nil, err
	}
	al, ts, err := api.d.Library.Album(a.ctx, a.account.UserID, id)
	if err != nil {
		return nil, err
	}
	return &Response{Directory: &Directory{ID: raw, Parent: artistID(al.ArtistID), Name: al.Title, Child: songsOf(ts)}}, nil
}

func (api *API) albumList(c echo.Context, a *call) ([]musiccontracts.AlbumEntry, error) {
	typ := param(c, "type")
	if typ == "" {
		return nil, missing("type")
	}
	size, err := intParam(c, "size", 10, 0, 500)
	if err != nil {
		return nil, err
	}
	offset, err := intParam(c, "offset", 0, 0, 1<<20)
	if err != nil {
		return nil, err
	}
	q := musiccontracts.AlbumListQuery{Type: typ, Size: size, Offset: offset, Genre: param(c, "genre")}
	switch typ {
	case musiccontracts.AlbumsByGenre:
		if q.Genre == "" {
			return nil, missing("genre")
		}
	case musiccontracts.AlbumsByYear:
		if param(c, "fromYear") == "" {
			return nil, missing("fromYear")
		}
		if param(c, "toYear") == "" {
			return nil, missing("toYear")
		}
		if q.FromYear, err = intParam(c, "fromYear", 0, 0, 9999); err != nil {
			return nil, err
		}
		if q.ToYear, err = intParam(c, "toYear", 0, 0, 9999); err != nil {
			return nil, err
		}
	}
	return api.d.Library.AlbumList(a.ctx, a.account.UserID, q)
}

func (api *API) getAlbumList(c echo.Context, a *call) (*Response, error) {
	as, err := api.albumList(c, a)
	if err != nil {
		return nil, err
	}
	out := &AlbumList{Album: make([]Child, len(as))}
	for i, x := range as {
		out.Album[i] = albumChild(x)
	}
	return &Response{AlbumList: out}, nil
}

func (api *API) getAlbumList2(c echo.Context, a *call) (*Response, error) {
	as, err := api.albumList(c, a)
	if err != nil {
		return nil, err
	}
	out := &AlbumList2{Album: make([]AlbumID3, len(as))}
	for i, x := range as {
		out.Album[i] = albumOf(x)
	}
	return &Response{AlbumList2: out}, nil
}

func (api *API) getRandomSongs(c echo.Context, a *call) (*Response, error) {
	size, err := intParam(c, "size", 10, 0, 500)
	if err != nil {
		return nil, err
	}
	from, err := intParam(c, "fromYear", 0, 0, 9999)
	if err != nil {
		return nil, err
	}
	to, err := intParam(c, "toYear", 0, 0, 9999)
	if err != nil {
		return nil, err
	}
	ts, err := api.d.Library.RandomTracks(a.ctx, a.account.UserID, size, param(c, "genre"), from, to)
	if err != nil {
		return nil, err
	}
	return &Response{RandomSongs: &Songs{Song: songsOf(ts)}}, nil
}

func (api *API) getSongsByGenre(c echo.Context, a *call) (*Response, error) {
	genre := param(c, "genre")
	if genre == "" {
		return nil, missing("genre")
	}
	count, err := intParam(c, "count", 10, 0, 500)
	if err != nil {
		return nil, err
	}
	offset, err := intParam(c, "offset", 0, 0, 1<<20)
	if err != nil {
		return nil, err
	}
	ts, err := api.d.Library.TracksByGenre(a.ctx, a.account.UserID, genre, count, offset)
	if err != nil {
		return nil, err
	}
	return &Response{SongsByGenre: &Songs{Song: songsOf(ts)}}, nil
}

func (api *API) getGenres(c echo.Context, a *call) (*Response, error) {
	gs, err := api.d.Library.Genres(a.ctx)
	if err != nil {
		return nil, err
	}
	out := &Genres{Genre: make([]Genre, len(gs))}
	for i, g := range gs {
		out.Genre[i] = Genre{SongCount: g.SongCount, AlbumCount: g.AlbumCount, Value: g.Name}
	}
	return &Response{Genres: out}, nil
}

func (api *API) search(c echo.Context, a *call, needQuery bool) (musiccontracts.SearchResult, error) {
	q := musiccontracts.SearchQuery{Text: param(c, "query")}
	if needQuery && q.Text == "" && !c.Request().Form.Has("query") {
		return q2r(), missing("query")
	}
	var err error
	for _, p := range []struct {
		name string
		def  int
		dst  *int
	}{{"artistCount", 20, &q.ArtistCount}, {"artistOffset", 0, &q.ArtistOffset}, {"albumCount", 20, &q.AlbumCount},
		{"albumOffset", 0, &q.AlbumOffset}, {"songCount", 20, &q.SongCount}, {"songOffset", 0, &q.SongOffset}} {
		hi := 500
		if strings.HasSuffix(p.name, "Offset") {
			hi = 1 << 20
		}
		if *p.dst, err = intParam(c, p.name, p.def, 0, hi); err != nil {
			return q2r(), err
		}
	}
	return api.d.Library.Search(a.ctx, a.account.UserID, q)
}

func q2r() musiccontracts.SearchResult { return musiccontracts.SearchResult{} }

func (api *API) search2(c echo.Context, a *call) (*Response, error) {
	r, err := api.search(c, a, true)
	if err != nil {
		return nil, err
	}
	out := &SearchResult2{Artist: make([]Artist, len(r.Artists)), Album: make([]Child, len(r.Albums)), Song: songsOf(r.Songs)}
	for i, x := range r.Artists {
		out.Artist[i] = Artist{ID: artistID(x.ID), Name: x.Name}
	}
	for i, x := range r.Albums {
		out.Album[i] = albumChild(x)
	}
	return &Response{SearchResult2: out}, nil
}

func (api *API) search3(c echo.Context, a *call) (*Response, error) {
	// OpenSubsonic: an empty query lists everything (players sync their library this way)
	r, err := api.search(c, a, false)
	if err != nil {
		return nil, err
	}
	out := &SearchResult3{Artist: make([]ArtistID3, len(r.Artists)), Album: make([]AlbumID3, len(r.Albums)), Song: songsOf(r.Songs)}
	for i, x := range r.Artists {
		out.Artist[i] = artistOf(x)
	}
	for i, x := range r.Albums {
		out.Album[i] = albumOf(x)
	}
	return &Response{SearchResult3: out}, nil
}

func (api *API) getStarred(c echo.Context, a *call) (*Response, error) {
	ts, err := api.d.Library.Starred(a.ctx, a.account.UserID)
	if err != nil {
		return nil, err
	}
	return &Response{Starred: &Starred{Artist: []Artist{}, Album: []Child{}, Song: songsOf(ts)}}, nil
}

func (api *API) getStarred2(c echo.Context, a *call) (*Response, error) {
	ts, err := api.d.Library.Starred(a.ctx, a.account.UserID)
	if err != nil {
		return nil, err
	}
	return &Response{Starred2: &Starred2{Artist: []ArtistID3{}, Album: []AlbumID3{}, Song: songsOf(ts)}}, nil
}

// starIDs reads the song ids of star/unstar; only songs can be starred (our likes).
func starIDs(c echo.Context) ([]uuid.UUID, error) {
	if len(params(c, "albumId")) > 0 || len(params(c, "artistId")) > 0 {
		return nil, fail(CodeGeneric, "only songs can be starred on this server (albumId and artistId are not supported)")
	}
	raw := params(c, "id")
	if len(raw) == 0 {
		return nil, missing("id")
	}
	out := make([]uuid.UUID, 0, len(raw))
	for _, r := range raw {
		id, err := parseID(r, "")
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func (api *API) star(c echo.Context, a *call) (*Response, error) {
	ids, err := starIDs(c)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := api.d.Library.Star(a.ctx, a.account.UserID, id); err != nil {
			return nil, err
		}
	}
	return &Response{}, nil
}

func (api *API) unstar(c echo.Context, a *call) (*Response, error) {
	ids, err := starIDs(c)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := api.d.Library.Unstar(a.ctx, a.account.UserID, id); err != nil {
			return nil, err
		}
	}
	return &Response{}, nil
}

func (api *API) getUser(c echo.Context, a *call) (*Response, error) {
	name := param(c, "username")
	if name == "" {
		return nil, missing("username")
	}
	if !strings.EqualFold(name, a.account.Username) {
		return nil, fail(CodeNotAuthorized, "a user may only read their own account")
	}
	has := func(p string) bool {
		for _, x := range a.account.Permissions {
			if x == p {
				return true
			}
		}
		return false
	}
	admin := false
	for _, r := range a.account.Roles {
		admin = admin || r == usercontracts.RoleAdmin
	}
	return &Response{User: &User{Username: a.account.Username, ScrobblingEnabled: true, AdminRole: admin,
		DownloadRole: has(usercontracts.PermWriteMusic), PlaylistRole: has(usercontracts.PermWriteLibrary),
		StreamRole: has(usercontracts.PermWriteListen), CoverArtRole: false, Folder: []int{folderID}}}, nil
}

func (api *API) getNowPlaying(c echo.Context, a *call) (*Response, error) {
	// Only the caller's own plays: other listeners' are theirs.
	ss, err := api.d.Plays.NowPlaying(a.ctx, a.account.UserID)
	if err != nil {
		return nil, err
	}
	out := &NowPlaying{Entry: []Child{}}
	now := time.Now()
	for _, s := range ss {
		t, err := api.d.Library.Track(a.ctx, a.account.UserID, s.SongID)
		if err != nil {
			continue // unpublished since
		}
		e := songOf(t)
		mins, player := int(now.Sub(s.StartedAt)/time.Minute), 1
		e.Username, e.MinutesAgo, e.PlayerID = a.account.Username, &mins, &player
		out.Entry = append(out.Entry, e)
	}
	return &Response{NowPlaying: out}, nil
}
