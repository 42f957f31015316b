package main

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // the Subsonic token scheme
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/musictest"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// subsonicClient signs requests to /rest/ the way players do.
type subsonicClient struct {
	t        *testing.T
	ta       *testApp
	user     string
	secret   string
	mode     string // "token" (default), "plain", "enc", "apikey"
	password string // overrides the secret (wrong-password tests)
}

func (s subsonicClient) auth(q url.Values) {
	pw := s.secret
	if s.password != "" {
		pw = s.password
	}
	switch s.mode {
	case "plain":
		q.Set("u", s.user)
		q.Set("p", pw)
	case "enc":
		q.Set("u", s.user)
		q.Set("p", "enc:"+hex.EncodeToString([]byte(pw)))
	case "apikey":
		q.Set("apiKey", pw)
	case "none":
	default:
		salt := uuid.NewString()[:12]
		sum := md5.Sum([]byte(pw + salt)) //nolint:gosec
		q.Set("u", s.user)
		q.Set("t", hex.EncodeToString(sum[:]))
		q.Set("s", salt)
	}
	q.Set("v", "1.16.1")
	q.Set("c", "vibestream-test")
}

// raw sends GET /rest/<method> with params (already signed) and headers.
func (s subsonicClient) raw(method string, q url.Values, hdr ...string) *http.Response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.ta.srv.URL+"/rest/"+method+"?"+q.Encode(), nil)
	require.NoError(s.t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := s.ta.srv.Client().Do(req)
	require.NoError(s.t, err)
	return res
}

func (s subsonicClient) query(params map[string]string, f string) url.Values {
	q := url.Values{}
	for k, v := range params {
		for _, x := range strings.Split(v, "\x00") {
			q.Add(k, x)
		}
	}
	s.auth(q)
	if f != "" {
		q.Set("f", f)
	}
	return q
}

// call answers the JSON subsonic-response object and the same request's XML, as trees.
func (s subsonicClient) call(method string, params map[string]string) (jsonTree, xmlTree map[string]any) {
	s.t.Helper()
	res := s.raw(method, s.query(params, "json"))
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(s.t, err)
	require.Equal(s.t, http.StatusOK, res.StatusCode, "%s: %s", method, body)
	require.Contains(s.t, res.Header.Get("Content-Type"), "application/json", method)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var root map[string]map[string]any
	require.NoError(s.t, dec.Decode(&root), "%s: %s", method, body)
	jsonTree = root["subsonic-response"]
	require.NotNil(s.t, jsonTree, "%s: %s", method, body)

	res = s.raw(method, s.query(params, ""))
	body, err = io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(s.t, err)
	require.Contains(s.t, res.Header.Get("Content-Type"), "application/xml", method)
	xmlTree = xmlToTree(s.t, body)
	return jsonTree, xmlTree
}

// ok calls a method, checks that both formats say status ok and carry the same data, and
// returns the JSON tree.
func (s subsonicClient) ok(method string, params map[string]string) map[string]any {
	s.t.Helper()
	j, x := s.call(method, params)
	require.Equal(s.t, "ok", j["status"], "%s: %v", method, j)
	assert.Equal(s.t, "1.16.1", j["version"])
	assert.Equal(s.t, "vibestream", j["type"])
	assert.Equal(s.t, true, j["openSubsonic"])
	assert.Equal(s.t, normalize(j), x, "%s: XML and JSON carry the same data", method)
	return j
}

// exec calls a method with side effects once, in format f ("json" or "" for XML), and checks
// that it succeeded; it returns the JSON tree (or the XML one).
func (s subsonicClient) exec(method string, params map[string]string, f string) map[string]any {
	s.t.Helper()
	res := s.raw(method, s.query(params, f))
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(s.t, err)
	var tree map[string]any
	if f == "json" {
		var root map[string]map[string]any
		require.NoError(s.t, json.Unmarshal(body, &root), "%s", body)
		tree = root["subsonic-response"]
		require.Equal(s.t, "ok", tree["status"], "%s: %s", method, body)
	} else {
		tree = xmlToTree(s.t, body)
		require.Equal(s.t, "ok", tree["status"], "%s: %s", method, body)
	}
	return tree
}

// okAny calls a method whose answer is random in both formats and checks both are ok.
func (s subsonicClient) okAny(method string, params map[string]string) map[string]any {
	s.t.Helper()
	j, x := s.call(method, params)
	require.Equal(s.t, "ok", j["status"], "%s: %v", method, j)
	require.Equal(s.t, "ok", x["status"], "%s: %v", method, x)
	return j
}

// failed calls a method and checks both formats fail with code.
func (s subsonicClient) failed(method string, params map[string]string, code int) {
	s.t.Helper()
	j, x := s.call(method, params)
	require.Equal(s.t, "failed", j["status"], "%s: %v", method, j)
	e := j["error"].(map[string]any)
	assert.Equal(s.t, json.Number(fmt.Sprint(code)), e["code"], "%s: %v", method, e)
	assert.Equal(s.t, normalize(j), x, "%s: XML and JSON carry the same error", method)
}

// xmlToTree reads Subsonic XML into the JSON documentation's shape, normalised: attributes are
// string fields, child elements arrays under their names, character data "value".
func xmlToTree(t *testing.T, body []byte) map[string]any {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(body))
	type frame struct {
		m    map[string]any
		text strings.Builder
	}
	var stack []*frame
	var root map[string]any
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "%s", body)
		switch e := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				require.Equal(t, "subsonic-response", e.Name.Local)
				require.Equal(t, "http://subsonic.org/restapi", e.Name.Space)
			}
			f := &frame{m: map[string]any{}}
			for _, a := range e.Attr {
				if a.Name.Local == "xmlns" || a.Name.Space == "xmlns" {
					continue
				}
				f.m[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1].m
				list, _ := parent[e.Name.Local].([]any)
				parent[e.Name.Local] = append(list, f.m)
			} else {
				root = f.m
			}
			stack = append(stack, f)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(e)
			}
		case xml.EndElement:
			f := stack[len(stack)-1]
			if s := strings.TrimSpace(f.text.String()); s != "" {
				f.m["value"] = s
			}
			stack = stack[:len(stack)-1]
		}
	}
	return root
}

// normalize turns a JSON tree into xmlToTree's shape: scalars as strings, objects and arrays
// of scalars as arrays of objects, empty arrays dropped.
func normalize(v map[string]any) map[string]any {
	out := map[string]any{}
	for k, x := range v {
		switch y := x.(type) {
		case map[string]any:
			out[k] = []any{normalize(y)}
		case []any:
			if len(y) == 0 {
				continue
			}
			list := make([]any, len(y))
			for i, e := range y {
				if m, ok := e.(map[string]any); ok {
					list[i] = normalize(m)
				} else {
					list[i] = map[string]any{"value": fmt.Sprint(e)}
				}
			}
			out[k] = list
		default:
			out[k] = fmt.Sprint(y)
		}
	}
	return out
}

// createAppPassword makes an app password through the REST API and returns its id and secret.
func createAppPassword(t *testing.T, ta *testApp, tok, name string) (string, string) {
	t.Helper()
	res := ta.do(http.MethodPost, "/api/v1/users/me/app-passwords", map[string]any{"name": name}, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var body struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Secret string `json:"secret"`
	}
	res.JSON(t, &body)
	require.Len(t, body.Secret, 32)
	return body.ID, body.Secret
}

func usernameOf(t *testing.T, ta *testApp, tok string) string {
	t.Helper()
	res := ta.do(http.MethodGet, "/api/v1/users/me", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	var u struct {
		Username string `json:"username"`
	}
	res.JSON(t, &u)
	return u.Username
}

// subsonicCatalog is an artist with an album of one song (the 40 s tone, genre "ambient") and
// a single (a 2 s tone), both published, plus an unpublished draft.
type subsonicCatalog struct {
	artistID, artistTok string
	album               string
	song, single, draft songResp
}

func newSubsonicCatalog(t *testing.T, ta *testApp) subsonicCatalog {
	t.Helper()
	var c subsonicCatalog
	c.artistID, c.artistTok = registerUser(t, ta, "artist")
	res := ta.do(http.MethodPost, "/api/v1/music/albums", map[string]any{"title": "Sine Waves", "release_date": "2025-03-01"}, withToken(c.artistTok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var album struct {
		ID string `json:"id"`
	}
	res.JSON(t, &album)
	c.album = album.ID
	c.song = listenSong(t, ta, c.artistTok)
	res = ta.do(http.MethodPatch, "/api/v1/music/songs/"+c.song.ID, map[string]any{"album_id": album.ID, "track_number": 1, "genre": "Ambient"},
		withToken(c.artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	c.single = readySong(t, ta, c.artistTok, "Short Single", "tone.mp3", true)
	c.draft = readySong(t, ta, c.artistTok, "Hidden Draft", "tone.mp3", false)
	return c
}

func str(v any) string { return fmt.Sprint(v) }

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "%v is not an object", v)
	return m
}

func list(v any) []any { l, _ := v.([]any); return l }

// TestSubsonicEveryMethodInXMLAndJSON calls every method the server offers, in both formats,
// and checks the data (with the Subsonic element and attribute names) and that XML and JSON
// carry the same.
func TestSubsonicEveryMethodInXMLAndJSON(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock)
	cat := newSubsonicCatalog(t, ta)
	listenerID, tok := registerUser(t, ta, "listener")
	fund(t, ta, listenerID, money.USD, "1.000000")
	_, secret := createAppPassword(t, ta, tok, "Test player")
	sc := subsonicClient{t: t, ta: ta, user: usernameOf(t, ta, tok), secret: secret}

	sc.ok("ping", nil)
	assert.Equal(t, "true", str(sc.ok("getLicense", nil)["license"].(map[string]any)["valid"]))
	exts := list(sc.ok("getOpenSubsonicExtensions", nil)["openSubsonicExtensions"])
	names := []string{}
	for _, e := range exts {
		names = append(names, str(obj(t, e)["name"]))
	}
	assert.Contains(t, names, "apiKeyAuthentication")
	anon := subsonicClient{t: t, ta: ta, mode: "none"}
	anon.ok("getOpenSubsonicExtensions", nil) // public, as OpenSubsonic requires
	anon.failed("ping", nil, 10)
	folders := list(obj(t, sc.ok("getMusicFolders", nil)["musicFolders"])["musicFolder"])
	require.Len(t, folders, 1)

	// Artists, by index letter, the ID3 way and the directory way.
	artists := obj(t, sc.ok("getArtists", nil)["artists"])
	idx := list(artists["index"])
	require.NotEmpty(t, idx)
	var artist map[string]any
	for _, i := range idx {
		for _, a := range list(obj(t, i)["artist"]) {
			artist = obj(t, a)
		}
	}
	require.NotNil(t, artist)
	assert.Equal(t, "ar-", str(artist["id"])[:3])
	assert.Equal(t, "2", str(artist["albumCount"]), "the album and the single")
	ind := obj(t, sc.ok("getIndexes", nil)["indexes"])
	assert.NotEmpty(t, list(ind["index"]))

	ar := obj(t, sc.ok("getArtist", map[string]string{"id": str(artist["id"])})["artist"])
	albums := list(ar["album"])
	require.Len(t, albums, 2)
	albumIDs := map[string]string{}
	for _, a := range albums {
		albumIDs[str(obj(t, a)["name"])] = str(obj(t, a)["id"])
	}
	require.Equal(t, "al-"+cat.album, albumIDs["Sine Waves"])
	require.Equal(t, "al-"+cat.single.ID, albumIDs["Short Single"], "a song without album is an album of one")

	al := obj(t, sc.ok("getAlbum", map[string]string{"id": "al-" + cat.album})["album"])
	assert.Equal(t, "Sine Waves", al["name"])
	assert.Equal(t, "2025", str(al["year"]))
	songs := list(al["song"])
	require.Len(t, songs, 1)
	song := obj(t, songs[0])
	assert.Equal(t, cat.song.ID, song["id"])
	assert.Equal(t, "Forty Seconds", song["title"])
	assert.Equal(t, "ambient", song["genre"])
	assert.Equal(t, "1", str(song["track"]))
	assert.Equal(t, "40", str(song["duration"]))
	assert.Equal(t, "audio/mpeg", song["contentType"])
	assert.Equal(t, "mp3", song["suffix"])
	assert.Equal(t, "false", str(song["isDir"]))
	assert.Equal(t, "al-"+cat.album, song["albumId"])

	got := obj(t, sc.ok("getSong", map[string]string{"id": cat.song.ID})["song"])
	assert.Equal(t, song["title"], got["title"])
	dir := obj(t, sc.ok("getMusicDirectory", map[string]string{"id": str(artist["id"])})["directory"])
	assert.Len(t, list(dir["child"]), 2)
	dir = obj(t, sc.ok("getMusicDirectory", map[string]string{"id": "al-" + cat.album})["directory"])
	assert.Len(t, list(dir["child"]), 1)

	// Album lists of every type the issue names (and the older getAlbumList).
	for _, typ := range []string{"newest", "random", "frequent", "alphabeticalByName", "alphabeticalByArtist", "highest"} {
		call := sc.ok
		if typ == "random" {
			call = sc.okAny
		}
		l := list(obj(t, call("getAlbumList2", map[string]string{"type": typ})["albumList2"])["album"])
		assert.Len(t, l, 2, typ)
		l = list(obj(t, call("getAlbumList", map[string]string{"type": typ})["albumList"])["album"])
		assert.Len(t, l, 2, typ)
	}
	l := list(obj(t, sc.ok("getAlbumList2", map[string]string{"type": "byGenre", "genre": "ambient"})["albumList2"])["album"])
	assert.Len(t, l, 2)
	assert.Empty(t, list(obj(t, sc.ok("getAlbumList2", map[string]string{"type": "byGenre", "genre": "polka"})["albumList2"])["album"]))
	l = list(obj(t, sc.ok("getAlbumList2", map[string]string{"type": "byYear", "fromYear": "2024", "toYear": "2025"})["albumList2"])["album"])
	assert.Len(t, l, 1, "the album of 2025 (the single is dated by its creation)")
	l = list(obj(t, sc.ok("getAlbumList2", map[string]string{"type": "alphabeticalByName", "size": "1", "offset": "1"})["albumList2"])["album"])
	require.Len(t, l, 1)
	assert.Equal(t, "Sine Waves", obj(t, l[0])["name"], "paged by name")
	assert.Empty(t, list(obj(t, sc.ok("getAlbumList2", map[string]string{"type": "starred"})["albumList2"])["album"]))
	assert.Empty(t, list(obj(t, sc.ok("getAlbumList2", map[string]string{"type": "recent"})["albumList2"])["album"]))

	rnd := list(obj(t, sc.okAny("getRandomSongs", map[string]string{"size": "5"})["randomSongs"])["song"])
	assert.Len(t, rnd, 2, "the draft is never listed")
	assert.Len(t, list(obj(t, sc.okAny("getRandomSongs", map[string]string{"size": "1"})["randomSongs"])["song"]), 1)
	byGenre := list(obj(t, sc.ok("getSongsByGenre", map[string]string{"genre": "ambient", "count": "1"})["songsByGenre"])["song"])
	assert.Len(t, byGenre, 1)
	genres := list(obj(t, sc.ok("getGenres", nil)["genres"])["genre"])
	require.Len(t, genres, 1)
	assert.Equal(t, "ambient", obj(t, genres[0])["value"])
	assert.Equal(t, "2", str(obj(t, genres[0])["songCount"]))
	assert.Equal(t, "2", str(obj(t, genres[0])["albumCount"]))

	// Search.
	r3 := obj(t, sc.ok("search3", map[string]string{"query": "forty"})["searchResult3"])
	require.Len(t, list(r3["song"]), 1)
	assert.Equal(t, cat.song.ID, obj(t, list(r3["song"])[0])["id"])
	r3 = obj(t, sc.ok("search3", map[string]string{"query": ""})["searchResult3"])
	assert.Len(t, list(r3["song"]), 2, "an empty query lists everything")
	assert.Len(t, list(r3["album"]), 2)
	assert.Len(t, list(r3["artist"]), 1)
	r3 = obj(t, sc.ok("search3", map[string]string{"query": "hidden"})["searchResult3"])
	assert.Empty(t, list(r3["song"]), "drafts are not found")
	r2 := obj(t, sc.ok("search2", map[string]string{"query": "sine"})["searchResult2"])
	assert.Len(t, list(r2["album"]), 1)

	// Likes (each change once, one in XML, one in JSON).
	sc.exec("star", map[string]string{"id": cat.song.ID}, "")
	st := obj(t, sc.ok("getStarred2", nil)["starred2"])
	require.Len(t, list(st["song"]), 1)
	assert.NotEmpty(t, obj(t, list(st["song"])[0])["starred"])
	assert.Len(t, list(obj(t, sc.ok("getStarred", nil)["starred"])["song"]), 1)
	assert.Len(t, list(obj(t, sc.ok("getAlbumList2", map[string]string{"type": "starred"})["albumList2"])["album"]), 1)
	res := ta.do(http.MethodGet, "/api/v1/music/me/likes", nil, withToken(tok))
	assert.Contains(t, string(res.Body), cat.song.ID, "a star is a like of the REST API")
	sc.exec("unstar", map[string]string{"id": cat.song.ID}, "json")
	assert.Empty(t, list(obj(t, sc.ok("getStarred2", nil)["starred2"])["song"]))

	// Playlists.
	pl := obj(t, sc.exec("createPlaylist", map[string]string{"name": "Mix", "songId": cat.song.ID + "\x00" + cat.single.ID}, "json")["playlist"])
	plID := str(pl["id"])
	assert.EqualValues(t, 2, pl["songCount"])
	assert.Len(t, list(pl["entry"]), 2)
	x := sc.exec("createPlaylist", map[string]string{"playlistId": plID, "songId": cat.song.ID + "\x00" + cat.single.ID}, "")
	assert.Len(t, list(x["playlist"].([]any)[0].(map[string]any)["entry"]), 2, "createPlaylist with an id replaces its songs (XML)")
	sc.exec("updatePlaylist", map[string]string{"playlistId": plID, "name": "Mix 2", "songIndexToRemove": "0", "public": "true"}, "")
	pl = obj(t, sc.ok("getPlaylist", map[string]string{"id": plID})["playlist"])
	assert.Equal(t, "Mix 2", pl["name"])
	assert.Equal(t, "true", str(pl["public"]))
	require.Len(t, list(pl["entry"]), 1)
	assert.Equal(t, cat.single.ID, obj(t, list(pl["entry"])[0])["id"])
	sc.exec("updatePlaylist", map[string]string{"playlistId": plID, "songIdToAdd": cat.song.ID}, "json")
	pls := list(obj(t, sc.ok("getPlaylists", nil)["playlists"])["playlist"])
	require.Len(t, pls, 1)
	assert.Equal(t, "2", str(obj(t, pls[0])["songCount"]))
	assert.Equal(t, sc.user, obj(t, pls[0])["owner"])
	sc.exec("deletePlaylist", map[string]string{"id": plID}, "")
	assert.Empty(t, list(obj(t, sc.ok("getPlaylists", nil)["playlists"])["playlist"]))

	u := obj(t, sc.ok("getUser", map[string]string{"username": sc.user})["user"])
	assert.Equal(t, "true", str(u["streamRole"]))
	assert.Equal(t, "false", str(u["adminRole"]))
	assert.Empty(t, list(obj(t, sc.ok("getNowPlaying", nil)["nowPlaying"])["entry"]))

	// Cover art: a real PNG of the size asked.
	cres := sc.raw("getCoverArt", sc.query(map[string]string{"id": "al-" + cat.album, "size": "64"}, ""))
	defer cres.Body.Close()
	assert.Equal(t, "image/png", cres.Header.Get("Content-Type"))
	img, err := png.Decode(cres.Body)
	require.NoError(t, err)
	assert.Equal(t, 64, img.Bounds().Dx())
	// an album whose artist set artwork redirects to it
	res = ta.do(http.MethodPatch, "/api/v1/music/albums/"+cat.album, map[string]any{"cover_url": "https://img.example.com/sine.jpg"}, withToken(cat.artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	noRedirect := *ta.srv.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	creq, _ := http.NewRequest(http.MethodGet, ta.srv.URL+"/rest/getCoverArt?"+sc.query(map[string]string{"id": "al-" + cat.album}, "").Encode(), nil)
	cres2, err := noRedirect.Do(creq)
	require.NoError(t, err)
	cres2.Body.Close()
	assert.Equal(t, http.StatusFound, cres2.StatusCode)
	assert.Equal(t, "https://img.example.com/sine.jpg", cres2.Header.Get("Location"))

	// Now playing follows a stream; the .view suffix and POST form bodies work too.
	sres := sc.raw("stream.view", sc.query(map[string]string{"id": cat.song.ID}, ""), "Range", "bytes=0-1023")
	io.Copy(io.Discard, sres.Body)
	sres.Body.Close()
	require.Equal(t, http.StatusPartialContent, sres.StatusCode)
	np := list(obj(t, sc.ok("getNowPlaying", nil)["nowPlaying"])["entry"])
	require.Len(t, np, 1)
	assert.Equal(t, sc.user, obj(t, np[0])["username"])
	form := sc.query(map[string]string{"id": cat.song.ID}, "json")
	pres, err := ta.srv.Client().Post(ta.srv.URL+"/rest/getSong.view", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	pbody, _ := io.ReadAll(pres.Body)
	pres.Body.Close()
	assert.Contains(t, string(pbody), `"title":"Forty Seconds"`)
}

// TestSubsonicBadInputAnswersSubsonicErrors: missing parameters (10), unknown ids (70), what we
// do not support (0), not authorized (50): always a Subsonic error, in both formats, never a 500.
func TestSubsonicBadInputAnswersSubsonicErrors(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock)
	cat := newSubsonicCatalog(t, ta)
	_, tok := registerUser(t, ta, "listener")
	_, secret := createAppPassword(t, ta, tok, "Test player")
	sc := subsonicClient{t: t, ta: ta, user: usernameOf(t, ta, tok), secret: secret}

	for _, c := range []struct {
		method string
		params map[string]string
		code   int
	}{
		{"getArtist", nil, 10},
		{"getAlbum", nil, 10},
		{"getSong", nil, 10},
		{"getMusicDirectory", nil, 10},
		{"getAlbumList2", nil, 10},
		{"getAlbumList2", map[string]string{"type": "byGenre"}, 10},
		{"getAlbumList2", map[string]string{"type": "byYear", "fromYear": "2000"}, 10},
		{"getAlbumList2", map[string]string{"type": "newest", "size": "many"}, 10},
		{"getAlbumList2", map[string]string{"type": "sideways"}, 10},
		{"getSongsByGenre", nil, 10},
		{"search2", nil, 10},
		{"getPlaylist", nil, 10},
		{"createPlaylist", nil, 10},
		{"updatePlaylist", nil, 10},
		{"deletePlaylist", nil, 10},
		{"star", nil, 10},
		{"scrobble", nil, 10},
		{"stream", nil, 10},
		{"download", nil, 10},
		{"getCoverArt", nil, 10},
		{"getUser", nil, 10},
		{"getArtist", map[string]string{"id": "ar-" + uuid.NewString()}, 70},
		{"getArtist", map[string]string{"id": "garbage"}, 70},
		{"getAlbum", map[string]string{"id": "al-" + uuid.NewString()}, 70},
		{"getSong", map[string]string{"id": uuid.NewString()}, 70},
		{"getSong", map[string]string{"id": cat.draft.ID}, 70},
		{"getMusicDirectory", map[string]string{"id": "xx"}, 70},
		{"getPlaylist", map[string]string{"id": uuid.NewString()}, 70},
		{"deletePlaylist", map[string]string{"id": uuid.NewString()}, 70},
		{"star", map[string]string{"id": uuid.NewString()}, 70},
		{"star", map[string]string{"id": cat.draft.ID}, 70},
		{"star", map[string]string{"albumId": "al-" + cat.album}, 0},
		{"stream", map[string]string{"id": uuid.NewString()}, 70},
		{"stream", map[string]string{"id": cat.draft.ID}, 70},
		{"stream", map[string]string{"id": "not-a-song"}, 70},
		{"download", map[string]string{"id": cat.song.ID}, 50},
		{"download", map[string]string{"id": uuid.NewString()}, 70},
		{"getCoverArt", map[string]string{"id": "nope"}, 70},
		{"createPlaylist", map[string]string{"name": "x", "songId": uuid.NewString()}, 70},
		{"getUser", map[string]string{"username": "someone_else"}, 50},
		{"getPlaylists", map[string]string{"username": "someone_else"}, 50},
		{"getPodcasts", nil, 0},
		{"jukeboxControl", nil, 0},
	} {
		t.Run(c.method+fmt.Sprint(c.params), func(t *testing.T) {
			sc := sc
			sc.t = t
			sc.failed(c.method, c.params, c.code)
		})
	}
	// Another listener's private playlist is not found; theirs to change only.
	_, tok2 := registerUser(t, ta, "listener")
	_, secret2 := createAppPassword(t, ta, tok2, "Other")
	other := subsonicClient{t: t, ta: ta, user: usernameOf(t, ta, tok2), secret: secret2}
	pl := obj(t, sc.exec("createPlaylist", map[string]string{"name": "Mine"}, "json")["playlist"])
	other.failed("getPlaylist", map[string]string{"id": str(pl["id"])}, 70)
	other.failed("deletePlaylist", map[string]string{"id": str(pl["id"])}, 70)
	sc.exec("updatePlaylist", map[string]string{"playlistId": str(pl["id"]), "public": "true"}, "json")
	other.ok("getPlaylist", map[string]string{"id": str(pl["id"])})
	other.failed("updatePlaylist", map[string]string{"playlistId": str(pl["id"]), "name": "Theirs"}, 50)
	other.failed("deletePlaylist", map[string]string{"id": str(pl["id"])}, 50)
	// Hostile text is a Subsonic error (10) in both formats, not the REST API's JSON error.
	for _, f := range []string{"json", ""} {
		for _, bad := range []string{"query=%FF%FE", "query=a%00b", "query=%zz"} {
			q := sc.query(nil, f)
			req, _ := http.NewRequest(http.MethodGet, ta.srv.URL+"/rest/search3?"+q.Encode()+"&"+bad, nil)
			res, err := ta.srv.Client().Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			assert.Equal(t, http.StatusOK, res.StatusCode, bad)
			if f == "json" {
				assert.Contains(t, string(body), `"code":10`, bad)
			} else {
				assert.Contains(t, string(body), `code="10"`, bad)
			}
		}
	}
	// A stream error is a Subsonic error body too, whatever the format asked.
	res := sc.raw("stream", sc.query(map[string]string{"id": cat.draft.ID}, ""))
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, string(body), `code="70"`)
}

// TestSubsonicAuthentication: token, plain and enc: passwords and the API key work with an app
// password; the account password, a wrong one, a revoked app password (at once) and malformed
// requests fail with the Subsonic codes; failures are throttled.
func TestSubsonicAuthentication(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock, func(c *Config) { c.User.LoginMaxFailuresPerAccount = 12 })
	_, tok := registerUser(t, ta, "listener")
	user := usernameOf(t, ta, tok)
	id, secret := createAppPassword(t, ta, tok, "Phone")
	_, secret2 := createAppPassword(t, ta, tok, "Laptop")
	for _, mode := range []string{"token", "plain", "enc", "apikey"} {
		sc := subsonicClient{t: t, ta: ta, user: user, secret: secret, mode: mode}
		sc.ok("ping", nil)
		sc.secret = secret2
		sc.ok("ping", nil)
	}
	// Listing shows both, never a secret; last_used_at is set.
	res := ta.do(http.MethodGet, "/api/v1/users/me/app-passwords", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	assert.NotContains(t, string(res.Body), secret)
	var listed struct {
		Items []struct {
			ID         string     `json:"id"`
			Name       string     `json:"name"`
			LastUsedAt *time.Time `json:"last_used_at"`
		} `json:"items"`
	}
	res.JSON(t, &listed)
	require.Len(t, listed.Items, 2)
	assert.Equal(t, "Laptop", listed.Items[0].Name)
	assert.NotNil(t, listed.Items[1].LastUsedAt)

	// The secret is stored sealed, never in the clear nor as a bare md5.
	var sealed []byte
	require.NoError(t, ta.app.pool.QueryRow(t.Context(), `SELECT sealed FROM users.app_passwords WHERE id = $1`, mustUUID(t, id)).Scan(&sealed))
	assert.NotContains(t, string(sealed), secret)
	keyFile := filepath.Join(ta.app.cfg.DataDir, "keys", "app-passwords.key")
	info, err := os.Stat(keyFile)
	require.NoError(t, err, "the key lives under DATA_DIR")
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	bad := subsonicClient{t: t, ta: ta, user: user, secret: secret}
	for _, c := range []struct {
		name string
		sc   subsonicClient
		q    map[string]string
		code int
	}{
		{"the account password (token)", subsonicClient{t: t, ta: ta, user: user, password: testPassword}, nil, 40},
		{"the account password (plain)", subsonicClient{t: t, ta: ta, user: user, password: testPassword, mode: "plain"}, nil, 40},
		{"another user", subsonicClient{t: t, ta: ta, user: "nobody_here", secret: secret}, nil, 40},
		{"no credentials", subsonicClient{t: t, ta: ta, mode: "none"}, nil, 10},
		{"a user without password", subsonicClient{t: t, ta: ta, mode: "none"}, map[string]string{"u": user}, 10},
		{"a token without salt", subsonicClient{t: t, ta: ta, mode: "none"}, map[string]string{"u": user, "t": "abc"}, 10},
		{"an API key with a user", subsonicClient{t: t, ta: ta, mode: "none"}, map[string]string{"u": user, "apiKey": secret}, 43},
		{"an unknown API key", subsonicClient{t: t, ta: ta, mode: "apikey", password: otherFirstChar(secret)}, nil, 44},
		{"bad enc hex", subsonicClient{t: t, ta: ta, mode: "none"}, map[string]string{"u": user, "p": "enc:zz"}, 40},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.sc.t = t
			c.sc.failed("ping", c.q, c.code)
		})
	}
	_ = bad

	// Revoking stops it at once (token and key alike); the other keeps working.
	assert.Equal(t, http.StatusNoContent, ta.do(http.MethodDelete, "/api/v1/users/me/app-passwords/"+id, nil, withToken(tok)).Status)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodDelete, "/api/v1/users/me/app-passwords/"+id, nil, withToken(tok)).Status)
	subsonicClient{t: t, ta: ta, user: user, secret: secret}.failed("ping", nil, 40)
	subsonicClient{t: t, ta: ta, user: user, secret: secret, mode: "apikey"}.failed("ping", nil, 44)
	subsonicClient{t: t, ta: ta, user: user, secret: secret2}.ok("ping", nil)
	// Another user cannot revoke mine.
	_, otherTok := registerUser(t, ta, "listener")
	res = ta.do(http.MethodGet, "/api/v1/users/me/app-passwords", nil, withToken(tok))
	res.JSON(t, &listed)
	require.Len(t, listed.Items, 1)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodDelete, "/api/v1/users/me/app-passwords/"+listed.Items[0].ID, nil, withToken(otherTok)).Status)
	assert.Equal(t, http.StatusUnprocessableEntity, ta.do(http.MethodPost, "/api/v1/users/me/app-passwords", map[string]any{"name": ""}, withToken(tok)).Status)

	// Failures are throttled like logins: past the limit even the right secret waits. (Each
	// failed() above sent two requests, JSON and XML; the last success reset this client's count.)
	// (the earlier wrong attempts on this account counted too)
	wrong := subsonicClient{t: t, ta: ta, user: user, password: "wrong-wrong-wrong"}
	var throttled *http.Response
	codes := []string{}
	for range 20 {
		throttled = wrong.raw("ping", wrong.query(nil, "json"))
		b, _ := io.ReadAll(throttled.Body)
		throttled.Body.Close()
		if strings.Contains(string(b), `"code":0`) {
			codes = append(codes, "0")
			break
		}
		require.Contains(t, string(b), `"code":40`)
		codes = append(codes, "40")
	}
	require.Equal(t, "0", codes[len(codes)-1], "throttled after repeated failures: %v", codes)
	assert.NotEmpty(t, throttled.Header.Get("Retry-After"), "throttled answers say when to retry")
	right := subsonicClient{t: t, ta: ta, user: user, secret: secret2}
	right.failed("ping", nil, 0)
}

// TestSubsonicStreamIsAPaidListen plays a song the way a stock player does (stream with
// ranges and a seek, then scrobble): the stream continues one listen session, the scrobble
// completes it with the server-observed listening, and the listen is paid and rewarded as the
// REST API would pay it. The streamed bytes are real audio (ffprobe), and a listener without
// funds gets the preview.
func TestSubsonicStreamIsAPaidListen(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock)
	cat := newSubsonicCatalog(t, ta)
	listenerID, tok := registerUser(t, ta, "listener")
	fund(t, ta, listenerID, money.USD, "1.000000")
	fundRewardPool(t, ta, "1000")
	_, secret := createAppPassword(t, ta, tok, "Player")
	sc := subsonicClient{t: t, ta: ta, user: usernameOf(t, ta, tok), secret: secret}
	lid, aid := mustUUID(t, listenerID), mustUUID(t, cat.artistID)
	earnings := paymentcontracts.UserAccount(aid, money.USD, paymentcontracts.KindEarnings)
	artistBefore := balance(t, ta, earnings)

	get := func(rng string) (*http.Response, []byte) {
		res := sc.raw("stream", sc.query(map[string]string{"id": cat.song.ID}, ""), "Range", rng)
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		return res, b
	}
	first, head := get("bytes=0-65535")
	require.Equal(t, http.StatusPartialContent, first.StatusCode, string(head))
	session := first.Header.Get("X-Listen-Session")
	require.NotEmpty(t, session)
	assert.Equal(t, "audio/mpeg", first.Header.Get("Content-Type"))
	assert.EqualValues(t, 996_000, balance(t, ta, paymentcontracts.Wallet(lid, money.USD)), "the price is held at the first stream")
	total := int64(0)
	_, err := fmt.Sscanf(first.Header.Get("Content-Range")[strings.Index(first.Header.Get("Content-Range"), "/")+1:], "%d", &total)
	require.NoError(t, err)
	// a seek and the rest of the file: the same session
	seek, _ := get(fmt.Sprintf("bytes=%d-", total/2))
	assert.Equal(t, session, seek.Header.Get("X-Listen-Session"))
	rest, body := get(fmt.Sprintf("bytes=65536-%d", total-1))
	assert.Equal(t, session, rest.Header.Get("X-Listen-Session"))
	full := append(head, body...)
	require.EqualValues(t, total, len(full))
	// past the end: 416, as HTTP says
	past, _ := get(fmt.Sprintf("bytes=%d-", total+10))
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, past.StatusCode)

	if probe, err := exec.LookPath("ffprobe"); err == nil {
		f := filepath.Join(t.TempDir(), "streamed.mp3")
		require.NoError(t, os.WriteFile(f, full, 0o600))
		out, err := exec.Command(probe, "-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "default=nw=1", f).CombinedOutput()
		require.NoError(t, err, string(out))
		assert.Contains(t, string(out), "codec_name=mp3")
		assert.Contains(t, string(out), "duration=40")
		// ffprobe reading the stream URL itself, as a player would (seeking with ranges)
		q := sc.query(map[string]string{"id": cat.song.ID}, "")
		out, err = exec.Command(probe, "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1",
			ta.srv.URL+"/rest/stream.view?"+q.Encode()).CombinedOutput()
		require.NoError(t, err, string(out))
		assert.Contains(t, string(out), "duration=40")
	}

	// The artist and the listener watch over the WebSocket.
	watch := func(tok string) <-chan string {
		c, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(ta.srv.URL, "http")+"/api/v1/ws",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
		require.NoError(t, err)
		t.Cleanup(func() { c.CloseNow() })
		types := make(chan string, 64)
		go func() {
			for {
				_, b, err := c.Read(context.Background())
				if err != nil {
					return
				}
				var env struct {
					Type string `json:"type"`
				}
				if json.Unmarshal(b, &env) == nil {
					types <- env.Type
				}
			}
		}()
		return types
	}
	artistWS, listenerWS := watch(cat.artistTok), watch(tok)

	// "now playing" changes nothing; the submission completes with what the server observed.
	sc.ok("scrobble", map[string]string{"id": cat.song.ID, "submission": "false"})
	clock.Advance(41 * time.Second)
	sc.ok("scrobble", map[string]string{"id": cat.song.ID, "submission": "true", "time": fmt.Sprint(time.Now().UnixMilli())})
	var s listenSession
	eventually(t, 15*time.Second, func() bool {
		s = getListen(t, ta, tok, session)
		return s.Payment != nil && s.Payment.Status == "paid" && s.Reward != nil && s.Reward.Status == "accrued"
	}, "the Subsonic listen paid and rewarded")
	assert.Equal(t, "qualified", s.Status)
	assert.Equal(t, "completed", s.EndedBy)
	artistGot := balance(t, ta, earnings) - artistBefore
	assert.Positive(t, artistGot, "the artist is paid")
	artistShare, err := money.Parse(money.USD, s.Payment.Artist)
	require.NoError(t, err)
	assert.Equal(t, artistShare.Units(), artistGot)
	assert.EqualValues(t, 996_000, balance(t, ta, paymentcontracts.Wallet(lid, money.USD)), "one listen, one price")
	seen := func(ch <-chan string, want string) bool {
		deadline := time.After(15 * time.Second)
		for {
			select {
			case typ := <-ch:
				if typ == want {
					return true
				}
			case <-deadline:
				return false
			}
		}
	}
	assert.True(t, seen(artistWS, "payment.stream_paid.v1"), "the artist sees the payment over the WebSocket")
	assert.True(t, seen(listenerWS, "listenreward.reward_issued.v1"), "the listener sees the reward over the WebSocket")
	// The REST API shows the play: recent and frequent lists put the album first.
	recent := list(obj(t, sc.ok("getAlbumList2", map[string]string{"type": "recent"})["albumList2"])["album"])
	require.NotEmpty(t, recent)
	assert.Equal(t, "al-"+cat.album, obj(t, recent[0])["id"])
	// a second scrobble pays nothing more
	sc.ok("scrobble", map[string]string{"id": cat.song.ID})
	assert.EqualValues(t, 996_000, balance(t, ta, paymentcontracts.Wallet(lid, money.USD)))
	ledgerOK(t, ta)

	// maxBitRate picks the low rendition (the single's 128 kbps upload has one), format=raw
	// the original.
	sizeOf := func(params map[string]string) (int64, string) {
		res := sc.raw("stream", sc.query(params, ""), "Range", "bytes=0-99")
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusPartialContent, res.StatusCode)
		cr, n := res.Header.Get("Content-Range"), int64(0)
		_, err := fmt.Sscanf(cr[strings.Index(cr, "/")+1:], "%d", &n)
		require.NoError(t, err)
		return n, res.Header.Get("X-Listen-Session")
	}
	high, s1 := sizeOf(map[string]string{"id": cat.single.ID})
	low, s2 := sizeOf(map[string]string{"id": cat.single.ID, "maxBitRate": "64"})
	assert.Less(t, low, high, "the low rendition is smaller")
	assert.NotEqual(t, s1, s2, "another rendition is another listen")
	raw, _ := sizeOf(map[string]string{"id": cat.single.ID, "format": "raw"})
	assert.Equal(t, int64(len(musictest.Read(t, "tone.mp3"))), raw, "format=raw is the uploaded original")

	// A listener without funds gets the preview: the stream stops at the preview cap.
	_, poorTok := registerUser(t, ta, "listener")
	_, poorSecret := createAppPassword(t, ta, poorTok, "Player")
	poor := subsonicClient{t: t, ta: ta, user: usernameOf(t, ta, poorTok), secret: poorSecret}
	pres := poor.raw("stream", poor.query(map[string]string{"id": cat.song.ID}, ""))
	n, _ := io.Copy(io.Discard, pres.Body)
	pres.Body.Close()
	assert.Equal(t, http.StatusOK, pres.StatusCode)
	assert.Less(t, n, total, "a preview")
	ps := getListen(t, ta, poorTok, pres.Header.Get("X-Listen-Session"))
	assert.True(t, ps.PreviewOnly)

	// The artist downloads their own original; listeners cannot.
	_, artistSecret := createAppPassword(t, ta, cat.artistTok, "Studio")
	art := subsonicClient{t: t, ta: ta, user: usernameOf(t, ta, cat.artistTok), secret: artistSecret}
	dres := art.raw("download", art.query(map[string]string{"id": cat.song.ID}, ""))
	dn, _ := io.Copy(io.Discard, dres.Body)
	dres.Body.Close()
	assert.Equal(t, http.StatusOK, dres.StatusCode)
	assert.Positive(t, dn)
	sc.failed("download", map[string]string{"id": cat.song.ID}, 50)
}

func TestSubsonicNormalizeSortsNothingAway(t *testing.T) {
	// normalize keeps every field (a guard for the equality checks above)
	in := map[string]any{"a": json.Number("1"), "b": []any{json.Number("2")}, "c": map[string]any{"d": true}, "e": []any{}}
	out := normalize(in)
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"a", "b", "c"}, keys)
}

// TestSubsonicPlayerThatNeverScrobblesIsDecidedAtExpiry: the listen of a player that streams
// a whole song and never scrobbles is judged when its session expires, on what the server
// served; and a player's parallel first requests for one song open one session, not two.
func TestSubsonicPlayerThatNeverScrobblesIsDecidedAtExpiry(t *testing.T) {
	t.Parallel()
	clock := &listenClock{}
	ta := listenApp(t, clock)
	cat := newSubsonicCatalog(t, ta)
	listenerID, tok := registerUser(t, ta, "listener")
	fund(t, ta, listenerID, money.USD, "1.000000")
	fundRewardPool(t, ta, "1000")
	_, secret := createAppPassword(t, ta, tok, "Player")
	sc := subsonicClient{t: t, ta: ta, user: usernameOf(t, ta, tok), secret: secret}

	sessions := make(chan string, 4)
	for range 4 {
		go func() {
			res := sc.raw("stream", sc.query(map[string]string{"id": cat.song.ID}, ""), "Range", "bytes=0-1023")
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			sessions <- res.Header.Get("X-Listen-Session")
		}()
	}
	first := <-sessions
	require.NotEmpty(t, first)
	for range 3 {
		assert.Equal(t, first, <-sessions, "concurrent requests continue one session")
	}
	assert.EqualValues(t, 996_000, balance(t, ta, paymentcontracts.Wallet(mustUUID(t, listenerID), money.USD)), "one hold")

	res := sc.raw("stream", sc.query(map[string]string{"id": cat.song.ID}, ""))
	n, _ := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	require.Equal(t, first, res.Header.Get("X-Listen-Session"))
	require.Positive(t, n)
	clock.Advance(time.Hour)
	_, err := ta.app.listen.ExpireDue(t.Context())
	require.NoError(t, err)
	var s listenSession
	eventually(t, 15*time.Second, func() bool {
		s = getListen(t, ta, tok, first)
		return s.Payment != nil && s.Payment.Status == "paid"
	}, "the expired listen paid")
	assert.Equal(t, "qualified", s.Status)
	assert.Equal(t, "expired", s.EndedBy)
	// the next stream of the song is a new listen
	res = sc.raw("stream", sc.query(map[string]string{"id": cat.song.ID}, ""), "Range", "bytes=0-9")
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	assert.NotEqual(t, first, res.Header.Get("X-Listen-Session"))
}

// otherFirstChar returns secret with its first character changed (a key that is surely not
// the secret: replacing it with a fixed letter matched the secret 1 time in 62).
func otherFirstChar(secret string) string {
	if secret[0] == 'x' {
		return "y" + secret[1:]
	}
	return "x" + secret[1:]
}
