// Package subsonic serves the Subsonic / OpenSubsonic API (/rest/*) so that stock music
// players browse, search and stream VibeStream. It is a driving adapter: it owns no data and
// reaches the contexts only through their public contracts (user's PlayerAuth, music's
// Library, listenreward's Plays). Streams go through listen sessions, so a qualified play from
// a player is paid and rewarded exactly like one through the REST API, and their bytes are
// served by the music context's own session links (the same byte accounting).
package subsonic

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	listencontracts "github.com/vibestream/vibestream/internal/listenreward/contracts"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Deps are the contracts the adapter drives.
type Deps struct {
	Auth    usercontracts.PlayerAuth
	Library musiccontracts.Library
	Plays   listencontracts.Plays
	// Media serves the signed stream links the contexts hand out (the application's own HTTP
	// handler): stream and download replay the player's request onto them in-process.
	Media http.Handler
	// ServerVersion is reported in every response.
	ServerVersion string
	Logger        *slog.Logger
}

// API is the mounted adapter.
type API struct {
	d       Deps
	methods map[string]method
}

// method is one endpoint; it writes its own answer for binary bodies (stream, download,
// getCoverArt) and returns the payload otherwise.
type method struct {
	perm string // permission needed ("" for any authenticated user)
	run  func(c echo.Context, a *call) (*Response, error)
}

// call is one authenticated request.
type call struct {
	account usercontracts.PlayerAccount
	ctx     context.Context
}

// New builds the adapter.
func New(d Deps) (*API, error) {
	if d.Auth == nil || d.Library == nil || d.Plays == nil || d.Media == nil {
		return nil, errors.New("subsonic: auth, library, plays and media are required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	api := &API{d: d}
	api.methods = api.table()
	return api, nil
}

// Prefix is where the API is mounted.
const Prefix = "/rest/"

// Routes mounts /rest/<method> and /rest/<method>.view, GET and POST.
func (api *API) Routes(e *echo.Echo) {
	// Parameters are checked here (invalid UTF-8, NUL) so that bad text is a Subsonic error.
	httpx.OwnText(e.GET(Prefix+":method", api.serve))
	httpx.OwnText(e.POST(Prefix+":method", api.serve))
	httpx.OwnText(e.HEAD(Prefix+":method", api.serve))
}

func (api *API) serve(c echo.Context) error {
	name := strings.TrimSuffix(c.Param("method"), ".view")
	if err := c.Request().ParseForm(); err != nil {
		return api.writeError(c, fail(CodeMissingParam, "the request's parameters cannot be read"))
	}
	for k, vs := range c.Request().Form {
		for _, v := range append([]string{k}, vs...) {
			if p := httpx.CheckText(v); p != "" {
				return api.writeError(c, fail(CodeMissingParam, "the parameter "+strconv.Quote(k)+" "+p))
			}
			if len(v) > httpx.MaxQueryValueBytes {
				return api.writeError(c, fail(CodeMissingParam, "the parameter "+strconv.Quote(k)+" is too long"))
			}
		}
	}
	m, ok := api.methods[name]
	if ok && name == "getOpenSubsonicExtensions" {
		// OpenSubsonic: publicly accessible, so clients learn how to authenticate
		res, err := m.run(c, &call{ctx: c.Request().Context()})
		if err != nil {
			return api.writeError(c, err)
		}
		return write(c, res, api.d.ServerVersion)
	}
	acc, err := api.authenticate(c)
	if err != nil {
		return api.writeError(c, err)
	}
	if !ok {
		return api.writeError(c, fail(CodeGeneric, "the method "+strconv.Quote(name)+" is not supported by this server"))
	}
	if m.perm != "" && !slices.Contains(acc.Permissions, m.perm) {
		return api.writeError(c, fail(CodeNotAuthorized, "the user is not authorized for "+name))
	}
	res, err := m.run(c, &call{account: acc, ctx: c.Request().Context()})
	if err != nil {
		return api.writeError(c, err)
	}
	if res == nil {
		return nil // the method sent its own body
	}
	return write(c, res, api.d.ServerVersion)
}

func (api *API) writeError(c echo.Context, err error) error {
	ae := errorOf(c.Request().Context(), api.d.Logger, err)
	if e, ok := errs.As(err); ok && e.RetryAfter() > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter().Seconds()+0.999)))
	}
	return write(c, &Response{Status: "failed", Error: &Error{Code: ae.code, Message: ae.msg}}, api.d.ServerVersion)
}

// authenticate reads u + p (plain or enc:hex), u + t + s, or apiKey.
func (api *API) authenticate(c echo.Context) (usercontracts.PlayerAccount, error) {
	key, u := param(c, "apiKey"), param(c, "u")
	switch {
	case key != "" && (u != "" || param(c, "p") != "" || param(c, "t") != ""):
		return usercontracts.PlayerAccount{}, fail(CodeConflictingAut, "an apiKey may not be combined with u, p or t")
	case key == "" && u == "":
		return usercontracts.PlayerAccount{}, missing("u")
	case key == "" && param(c, "p") == "" && (param(c, "t") == "" || param(c, "s") == ""):
		if param(c, "t") != "" {
			return usercontracts.PlayerAccount{}, missing("s")
		}
		return usercontracts.PlayerAccount{}, missing("p or t and s")
	}
	acc, err := api.d.Auth.AuthenticatePlayer(c.Request().Context(), usercontracts.PlayerCredentials{Username: u, Password: param(c, "p"),
		Token: param(c, "t"), Salt: param(c, "s"), APIKey: key, ClientIP: c.RealIP()})
	switch {
	case errors.Is(err, usercontracts.ErrPlayerAPIKey):
		return acc, fail(CodeInvalidAPIKey, "Invalid API key")
	case errors.Is(err, usercontracts.ErrPlayerCredentials):
		return acc, fail(CodeWrongAuth, "Wrong username or password")
	}
	return acc, err
}

// param reads a query or form parameter.
func param(c echo.Context, name string) string { return c.Request().FormValue(name) }

// params reads every value of a repeated parameter.
func params(c echo.Context, name string) []string {
	_ = c.Request().ParseForm()
	return c.Request().Form[name]
}

func intParam(c echo.Context, name string, def, lo, hi int) (int, error) {
	v := param(c, name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fail(CodeMissingParam, "the parameter "+name+" must be an integer")
	}
	return min(max(n, lo), hi), nil
}

func boolParam(c echo.Context, name string, def bool) bool {
	switch strings.ToLower(param(c, name)) {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	return def
}

// Ids: songs are plain UUIDs; albums, artists and playlists carry a prefix so that
// getMusicDirectory and getCoverArt know what they are given.
const (
	artistPrefix = "ar-"
	albumPrefix  = "al-"
)

func artistID(id uuid.UUID) string { return artistPrefix + id.String() }
func albumID(id uuid.UUID) string  { return albumPrefix + id.String() }

// parseID reads an id with the given prefix ("" for songs and playlists); a malformed id is
// simply not found.
func parseID(s, prefix string) (uuid.UUID, error) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return uuid.Nil, fail(CodeNotFound, "not found: "+strconv.Quote(s))
	}
	id, err := uuid.Parse(rest)
	if err != nil {
		return uuid.Nil, fail(CodeNotFound, "not found: "+strconv.Quote(s))
	}
	return id, nil
}

func requiredID(c echo.Context, name, prefix string) (uuid.UUID, error) {
	v := param(c, name)
	if v == "" {
		return uuid.Nil, missing(name)
	}
	return parseID(v, prefix)
}
