package subsonic

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"
)

// APIVersion is the Subsonic API version served; ServerType names the server (OpenSubsonic).
const (
	APIVersion = "1.16.1"
	ServerType = "vibestream"
	xmlns      = "http://subsonic.org/restapi"
)

// Response is <subsonic-response>: one struct serves both formats (attributes in XML are
// fields in JSON, repeated elements are arrays), as the Subsonic documentation gives them.
type Response struct {
	XMLName       xml.Name `xml:"http://subsonic.org/restapi subsonic-response" json:"-"`
	Status        string   `xml:"status,attr" json:"status"`
	Version       string   `xml:"version,attr" json:"version"`
	Type          string   `xml:"type,attr" json:"type"`
	ServerVersion string   `xml:"serverVersion,attr" json:"serverVersion"`
	OpenSubsonic  bool     `xml:"openSubsonic,attr" json:"openSubsonic"`

	Error                  *Error         `xml:"error,omitempty" json:"error,omitempty"`
	License                *License       `xml:"license,omitempty" json:"license,omitempty"`
	OpenSubsonicExtensions []Extension    `xml:"openSubsonicExtensions,omitempty" json:"openSubsonicExtensions,omitempty"`
	MusicFolders           *MusicFolders  `xml:"musicFolders,omitempty" json:"musicFolders,omitempty"`
	Indexes                *Indexes       `xml:"indexes,omitempty" json:"indexes,omitempty"`
	Artists                *ArtistsID3    `xml:"artists,omitempty" json:"artists,omitempty"`
	Artist                 *ArtistID3     `xml:"artist,omitempty" json:"artist,omitempty"`
	Album                  *AlbumID3      `xml:"album,omitempty" json:"album,omitempty"`
	Song                   *Child         `xml:"song,omitempty" json:"song,omitempty"`
	Directory              *Directory     `xml:"directory,omitempty" json:"directory,omitempty"`
	AlbumList              *AlbumList     `xml:"albumList,omitempty" json:"albumList,omitempty"`
	AlbumList2             *AlbumList2    `xml:"albumList2,omitempty" json:"albumList2,omitempty"`
	RandomSongs            *Songs         `xml:"randomSongs,omitempty" json:"randomSongs,omitempty"`
	SongsByGenre           *Songs         `xml:"songsByGenre,omitempty" json:"songsByGenre,omitempty"`
	Genres                 *Genres        `xml:"genres,omitempty" json:"genres,omitempty"`
	SearchResult2          *SearchResult2 `xml:"searchResult2,omitempty" json:"searchResult2,omitempty"`
	SearchResult3          *SearchResult3 `xml:"searchResult3,omitempty" json:"searchResult3,omitempty"`
	Playlists              *Playlists     `xml:"playlists,omitempty" json:"playlists,omitempty"`
	Playlist               *Playlist      `xml:"playlist,omitempty" json:"playlist,omitempty"`
	Starred                *Starred       `xml:"starred,omitempty" json:"starred,omitempty"`
	Starred2               *Starred2      `xml:"starred2,omitempty" json:"starred2,omitempty"`
	User                   *User          `xml:"user,omitempty" json:"user,omitempty"`
	NowPlaying             *NowPlaying    `xml:"nowPlaying,omitempty" json:"nowPlaying,omitempty"`
}

// Error is <error code message>.
type Error struct {
	Code    int    `xml:"code,attr" json:"code"`
	Message string `xml:"message,attr" json:"message"`
}

// License is <license>.
type License struct {
	Valid          bool       `xml:"valid,attr" json:"valid"`
	Email          string     `xml:"email,attr,omitempty" json:"email,omitempty"`
	LicenseExpires *time.Time `xml:"licenseExpires,attr,omitempty" json:"licenseExpires,omitempty"`
}

// Extension is one <openSubsonicExtensions>.
type Extension struct {
	Name     string `xml:"name,attr" json:"name"`
	Versions []int  `xml:"versions" json:"versions"`
}

// MusicFolders is <musicFolders>.
type MusicFolders struct {
	MusicFolder []MusicFolder `xml:"musicFolder" json:"musicFolder"`
}

// MusicFolder is <musicFolder>.
type MusicFolder struct {
	ID   int    `xml:"id,attr" json:"id"`
	Name string `xml:"name,attr" json:"name"`
}

// Indexes is <indexes> (getIndexes).
type Indexes struct {
	LastModified    int64   `xml:"lastModified,attr" json:"lastModified"`
	IgnoredArticles string  `xml:"ignoredArticles,attr" json:"ignoredArticles"`
	Index           []Index `xml:"index" json:"index"`
}

// Index is one letter of <indexes>.
type Index struct {
	Name   string   `xml:"name,attr" json:"name"`
	Artist []Artist `xml:"artist" json:"artist"`
}

// Artist is a non-ID3 <artist>.
type Artist struct {
	ID      string     `xml:"id,attr" json:"id"`
	Name    string     `xml:"name,attr" json:"name"`
	Starred *time.Time `xml:"starred,attr,omitempty" json:"starred,omitempty"`
}

// ArtistsID3 is <artists> (getArtists).
type ArtistsID3 struct {
	IgnoredArticles string     `xml:"ignoredArticles,attr" json:"ignoredArticles"`
	Index           []IndexID3 `xml:"index" json:"index"`
}

// IndexID3 is one letter of <artists>.
type IndexID3 struct {
	Name   string      `xml:"name,attr" json:"name"`
	Artist []ArtistID3 `xml:"artist" json:"artist"`
}

// ArtistID3 is <artist> (ID3), with its albums in getArtist.
type ArtistID3 struct {
	ID         string     `xml:"id,attr" json:"id"`
	Name       string     `xml:"name,attr" json:"name"`
	CoverArt   string     `xml:"coverArt,attr,omitempty" json:"coverArt,omitempty"`
	AlbumCount int        `xml:"albumCount,attr" json:"albumCount"`
	Album      []AlbumID3 `xml:"album,omitempty" json:"album,omitempty"`
}

// AlbumID3 is <album> (ID3), with its songs in getAlbum.
type AlbumID3 struct {
	ID        string    `xml:"id,attr" json:"id"`
	Name      string    `xml:"name,attr" json:"name"`
	Artist    string    `xml:"artist,attr,omitempty" json:"artist,omitempty"`
	ArtistID  string    `xml:"artistId,attr,omitempty" json:"artistId,omitempty"`
	CoverArt  string    `xml:"coverArt,attr,omitempty" json:"coverArt,omitempty"`
	SongCount int       `xml:"songCount,attr" json:"songCount"`
	Duration  int       `xml:"duration,attr" json:"duration"`
	PlayCount int64     `xml:"playCount,attr" json:"playCount"`
	Created   time.Time `xml:"created,attr" json:"created"`
	Year      int       `xml:"year,attr,omitempty" json:"year,omitempty"`
	Genre     string    `xml:"genre,attr,omitempty" json:"genre,omitempty"`
	Song      []Child   `xml:"song,omitempty" json:"song,omitempty"`
}

// Child is a song (or, with IsDir, an album) entry: <song>, <child>, <entry>, <album>.
type Child struct {
	ID          string     `xml:"id,attr" json:"id"`
	Parent      string     `xml:"parent,attr,omitempty" json:"parent,omitempty"`
	IsDir       bool       `xml:"isDir,attr" json:"isDir"`
	Title       string     `xml:"title,attr" json:"title"`
	Album       string     `xml:"album,attr,omitempty" json:"album,omitempty"`
	Artist      string     `xml:"artist,attr,omitempty" json:"artist,omitempty"`
	Track       int        `xml:"track,attr,omitempty" json:"track,omitempty"`
	Year        int        `xml:"year,attr,omitempty" json:"year,omitempty"`
	Genre       string     `xml:"genre,attr,omitempty" json:"genre,omitempty"`
	CoverArt    string     `xml:"coverArt,attr,omitempty" json:"coverArt,omitempty"`
	Size        int64      `xml:"size,attr,omitempty" json:"size,omitempty"`
	ContentType string     `xml:"contentType,attr,omitempty" json:"contentType,omitempty"`
	Suffix      string     `xml:"suffix,attr,omitempty" json:"suffix,omitempty"`
	Duration    int        `xml:"duration,attr,omitempty" json:"duration,omitempty"`
	BitRate     int        `xml:"bitRate,attr,omitempty" json:"bitRate,omitempty"`
	Path        string     `xml:"path,attr,omitempty" json:"path,omitempty"`
	PlayCount   int64      `xml:"playCount,attr,omitempty" json:"playCount,omitempty"`
	Created     *time.Time `xml:"created,attr,omitempty" json:"created,omitempty"`
	Starred     *time.Time `xml:"starred,attr,omitempty" json:"starred,omitempty"`
	AlbumID     string     `xml:"albumId,attr,omitempty" json:"albumId,omitempty"`
	ArtistID    string     `xml:"artistId,attr,omitempty" json:"artistId,omitempty"`
	Type        string     `xml:"type,attr,omitempty" json:"type,omitempty"`
	MediaType   string     `xml:"mediaType,attr,omitempty" json:"mediaType,omitempty"`
	IsVideo     *bool      `xml:"isVideo,attr,omitempty" json:"isVideo,omitempty"`
	// now playing entries only
	Username   string `xml:"username,attr,omitempty" json:"username,omitempty"`
	MinutesAgo *int   `xml:"minutesAgo,attr,omitempty" json:"minutesAgo,omitempty"`
	PlayerID   *int   `xml:"playerId,attr,omitempty" json:"playerId,omitempty"`
}

// Directory is <directory> (getMusicDirectory).
type Directory struct {
	ID     string  `xml:"id,attr" json:"id"`
	Parent string  `xml:"parent,attr,omitempty" json:"parent,omitempty"`
	Name   string  `xml:"name,attr" json:"name"`
	Child  []Child `xml:"child" json:"child"`
}

// AlbumList is <albumList> (getAlbumList).
type AlbumList struct {
	Album []Child `xml:"album" json:"album"`
}

// AlbumList2 is <albumList2>.
type AlbumList2 struct {
	Album []AlbumID3 `xml:"album" json:"album"`
}

// Songs is <randomSongs> and <songsByGenre>.
type Songs struct {
	Song []Child `xml:"song" json:"song"`
}

// Genres is <genres>.
type Genres struct {
	Genre []Genre `xml:"genre" json:"genre"`
}

// Genre is <genre songCount albumCount>name</genre>.
type Genre struct {
	SongCount  int    `xml:"songCount,attr" json:"songCount"`
	AlbumCount int    `xml:"albumCount,attr" json:"albumCount"`
	Value      string `xml:",chardata" json:"value"`
}

// SearchResult2 is <searchResult2>.
type SearchResult2 struct {
	Artist []Artist `xml:"artist" json:"artist"`
	Album  []Child  `xml:"album" json:"album"`
	Song   []Child  `xml:"song" json:"song"`
}

// SearchResult3 is <searchResult3>.
type SearchResult3 struct {
	Artist []ArtistID3 `xml:"artist" json:"artist"`
	Album  []AlbumID3  `xml:"album" json:"album"`
	Song   []Child     `xml:"song" json:"song"`
}

// Playlists is <playlists>.
type Playlists struct {
	Playlist []Playlist `xml:"playlist" json:"playlist"`
}

// Playlist is <playlist>, with its entries in getPlaylist.
type Playlist struct {
	ID        string    `xml:"id,attr" json:"id"`
	Name      string    `xml:"name,attr" json:"name"`
	Comment   string    `xml:"comment,attr,omitempty" json:"comment,omitempty"`
	Owner     string    `xml:"owner,attr,omitempty" json:"owner,omitempty"`
	Public    bool      `xml:"public,attr" json:"public"`
	SongCount int       `xml:"songCount,attr" json:"songCount"`
	Duration  int       `xml:"duration,attr" json:"duration"`
	Created   time.Time `xml:"created,attr" json:"created"`
	Changed   time.Time `xml:"changed,attr" json:"changed"`
	CoverArt  string    `xml:"coverArt,attr,omitempty" json:"coverArt,omitempty"`
	Entry     []Child   `xml:"entry,omitempty" json:"entry,omitempty"`
}

// Starred is <starred> (getStarred).
type Starred struct {
	Artist []Artist `xml:"artist" json:"artist"`
	Album  []Child  `xml:"album" json:"album"`
	Song   []Child  `xml:"song" json:"song"`
}

// Starred2 is <starred2> (getStarred2).
type Starred2 struct {
	Artist []ArtistID3 `xml:"artist" json:"artist"`
	Album  []AlbumID3  `xml:"album" json:"album"`
	Song   []Child     `xml:"song" json:"song"`
}

// User is <user>.
type User struct {
	Username            string `xml:"username,attr" json:"username"`
	Email               string `xml:"email,attr,omitempty" json:"email,omitempty"`
	ScrobblingEnabled   bool   `xml:"scrobblingEnabled,attr" json:"scrobblingEnabled"`
	AdminRole           bool   `xml:"adminRole,attr" json:"adminRole"`
	SettingsRole        bool   `xml:"settingsRole,attr" json:"settingsRole"`
	DownloadRole        bool   `xml:"downloadRole,attr" json:"downloadRole"`
	UploadRole          bool   `xml:"uploadRole,attr" json:"uploadRole"`
	PlaylistRole        bool   `xml:"playlistRole,attr" json:"playlistRole"`
	CoverArtRole        bool   `xml:"coverArtRole,attr" json:"coverArtRole"`
	CommentRole         bool   `xml:"commentRole,attr" json:"commentRole"`
	PodcastRole         bool   `xml:"podcastRole,attr" json:"podcastRole"`
	StreamRole          bool   `xml:"streamRole,attr" json:"streamRole"`
	JukeboxRole         bool   `xml:"jukeboxRole,attr" json:"jukeboxRole"`
	ShareRole           bool   `xml:"shareRole,attr" json:"shareRole"`
	VideoConversionRole bool   `xml:"videoConversionRole,attr" json:"videoConversionRole"`
	Folder              []int  `xml:"folder" json:"folder"`
}

// NowPlaying is <nowPlaying>.
type NowPlaying struct {
	Entry []Child `xml:"entry" json:"entry"`
}

var callbackName = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$`)

// write sends r in the format the request asked for (f=xml by default, json, jsonp).
func write(c echo.Context, r *Response, serverVersion string) error {
	r.Version, r.Type, r.ServerVersion, r.OpenSubsonic = APIVersion, ServerType, serverVersion, true
	if r.Status == "" {
		r.Status = "ok"
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	switch f := param(c, "f"); f {
	case "json", "jsonp":
		body, err := json.Marshal(map[string]*Response{"subsonic-response": r})
		if err != nil {
			return err
		}
		if cb := param(c, "callback"); f == "jsonp" && callbackName.MatchString(cb) {
			c.Response().Header().Set("X-Content-Type-Options", "nosniff")
			return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", append(append([]byte(cb+"("), body...), ')', ';'))
		}
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, body)
	default:
		body, err := xml.Marshal(r)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, echo.MIMEApplicationXMLCharsetUTF8, append([]byte(xml.Header), body...))
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
