package httpx_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/observability"
)

var errThingTaken = errs.New(errs.Conflict, "test.thing_taken", "that thing is taken")

type fakeAuth struct{}

func (fakeAuth) Authenticate(_ context.Context, tok string) (httpx.Principal, error) {
	if tok == "good" {
		return httpx.Principal{UserID: uuid.New(), Permissions: []string{"read:music"}}, nil
	}
	return httpx.Principal{}, errs.ErrUnauthenticated.WithMessage("bad token")
}

func newServer(t *testing.T) *echo.Echo {
	t.Helper()
	e := httpx.New(httpx.Options{Logger: observability.DiscardLogger(), Registerer: prometheus.NewRegistry(), BodyLimit: "1K"})
	e.Use(httpx.Authenticate(fakeAuth{}))
	e.GET("/conflict", func(echo.Context) error { return errThingTaken.Wrap(errors.New("pq: duplicate key secret_constraint")) })
	e.GET("/driver", func(echo.Context) error { return fmt.Errorf("pgx: connection refused to 10.0.0.1") })
	e.GET("/panic", func(echo.Context) error { panic("kaboom") })
	e.GET("/fields", func(echo.Context) error {
		f := errs.Fields{}
		f.Add("email", "must be a valid address")
		return f.Err(errs.ErrValidation)
	})
	e.GET("/limited", func(echo.Context) error {
		return errs.New(errs.TooManyRequests, "test.slow_down", "slow down").WithRetryAfter(1500_000_000)
	})
	e.GET("/private", func(c echo.Context) error { return c.String(200, httpx.MustPrincipal(c).UserID.String()) }, httpx.Require())
	e.GET("/admin", func(c echo.Context) error { return c.NoContent(204) }, httpx.Require("admin:users"))
	e.POST("/echo", func(c echo.Context) error {
		var body struct {
			N int `json:"n"`
		}
		if err := httpx.Bind(c, &body); err != nil {
			return err
		}
		return c.JSON(200, body)
	})
	return e
}

func call(e *echo.Echo, method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) httpx.ErrorDetail {
	t.Helper()
	var b httpx.ErrorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &b), rec.Body.String())
	return b.Error
}

func TestErrorsMapToStatusAndNeverLeakCauses(t *testing.T) {
	t.Parallel()
	e := newServer(t)
	cases := []struct {
		path   string
		status int
		code   string
	}{
		{"/conflict", 409, "test.thing_taken"},
		{"/driver", 500, "internal"},
		{"/panic", 500, "internal"},
		{"/fields", 422, "validation_failed"},
		{"/nowhere", 404, "http.not_found"},
		{"/private", 401, "auth.unauthenticated"},
	}
	for _, c := range cases {
		rec := call(e, http.MethodGet, c.path, "")
		assert.Equal(t, c.status, rec.Code, c.path)
		d := decode(t, rec)
		assert.Equal(t, c.code, d.Code, c.path)
		assert.NotEmpty(t, d.RequestID)
		body := rec.Body.String()
		for _, leak := range []string{"pq:", "pgx", "secret_constraint", "10.0.0.1", "kaboom", "goroutine"} {
			assert.NotContains(t, body, leak, c.path)
		}
	}
	d := decode(t, call(e, http.MethodGet, "/fields", ""))
	assert.Equal(t, "must be a valid address", d.Fields["email"])
}

func TestRetryAfterIsRoundedUp(t *testing.T) {
	t.Parallel()
	rec := call(newServer(t), http.MethodGet, "/limited", "")
	assert.Equal(t, 429, rec.Code)
	assert.Equal(t, "2", rec.Header().Get("Retry-After"))
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newServer(t)
	assert.Equal(t, 200, call(e, "GET", "/private", "", "Authorization", "Bearer good").Code)
	assert.Equal(t, 401, call(e, "GET", "/private", "", "Authorization", "Bearer bad").Code)
	assert.Equal(t, 401, call(e, "GET", "/private", "", "Authorization", "Basic Zm9vOmJhcg==").Code)
	rec := call(e, "GET", "/admin", "", "Authorization", "Bearer good")
	assert.Equal(t, 403, rec.Code)
	assert.Equal(t, "auth.forbidden", decode(t, rec).Code)
}

func TestBindAndBodyLimit(t *testing.T) {
	t.Parallel()
	e := newServer(t)
	assert.Equal(t, 200, call(e, "POST", "/echo", `{"n": 3}`).Code)
	rec := call(e, "POST", "/echo", `{"n": "x"}`)
	assert.Equal(t, 400, rec.Code)
	assert.Equal(t, "must be a int", decode(t, rec).Fields["n"])
	assert.Equal(t, 400, call(e, "POST", "/echo", `{"n":`).Code)
	big := `{"n": 1, "pad": "` + strings.Repeat("x", 2048) + `"}`
	rec = call(e, "POST", "/echo", big)
	assert.Equal(t, 413, rec.Code)
	assert.Equal(t, "http.body_too_large", decode(t, rec).Code)
}

func TestRequestIDIsKeptOrMade(t *testing.T) {
	t.Parallel()
	e := newServer(t)
	rec := call(e, "GET", "/conflict", "", "X-Request-ID", "abc-123")
	assert.Equal(t, "abc-123", rec.Header().Get("X-Request-ID"))
	assert.Equal(t, "abc-123", decode(t, rec).RequestID)
	rec = call(e, "GET", "/conflict", "")
	_, err := uuid.Parse(rec.Header().Get("X-Request-ID"))
	assert.NoError(t, err)
}

func TestCursorRoundTripAndTampering(t *testing.T) {
	t.Parallel()
	type pos struct {
		ID string `json:"id"`
	}
	c := httpx.EncodeCursor(pos{ID: "x"})
	var p pos
	ok, err := httpx.DecodeCursor(c, &p)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "x", p.ID)
	_, err = httpx.DecodeCursor("%%%", &p)
	assert.ErrorIs(t, err, httpx.ErrBadCursor)
}

func TestQueryTokenOnlyWhereAllowed(t *testing.T) {
	t.Parallel()
	e := httpx.New(httpx.Options{Logger: observability.DiscardLogger(), Registerer: prometheus.NewRegistry()})
	e.Use(httpx.Authenticate(fakeAuth{}))
	ok := func(c echo.Context) error { return c.NoContent(204) }
	httpx.AllowQueryToken(e.GET("/socket", ok, httpx.Require()))
	e.GET("/plain", ok, httpx.Require())
	assert.Equal(t, 204, call(e, "GET", "/socket?access_token=good", "").Code)
	assert.Equal(t, 401, call(e, "GET", "/socket?access_token=bad", "").Code)
	assert.Equal(t, 401, call(e, "GET", "/plain?access_token=good", "").Code, "other routes ignore the query token")
}

// currentAuth's tokens claim admin:users; the account's current permissions decide.
type currentAuth struct{ now map[uuid.UUID][]string }

var adminID = uuid.New()

func (currentAuth) Authenticate(_ context.Context, _ string) (httpx.Principal, error) {
	return httpx.Principal{UserID: adminID, Permissions: []string{"admin:users"}}, nil
}

func (a currentAuth) CurrentPermissions(_ context.Context, id uuid.UUID) ([]string, error) {
	return a.now[id], nil
}

func TestPrivilegedPermissionsAreCheckedAgainstTheCurrentRoles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		auth httpx.Authenticator
		want int
	}{
		{"still an admin", currentAuth{now: map[uuid.UUID][]string{adminID: {"admin:users"}}}, 204},
		{"demoted since the token was issued", currentAuth{now: map[uuid.UUID][]string{adminID: {"read:music"}}}, 403},
		{"no source of current permissions", fakeAdminOnlyToken{}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := httpx.New(httpx.Options{Logger: observability.DiscardLogger(), Registerer: prometheus.NewRegistry()})
			e.Use(httpx.Authenticate(tc.auth))
			e.GET("/admin", func(c echo.Context) error { return c.NoContent(204) }, httpx.Require("admin:users"))
			e.GET("/plain", func(c echo.Context) error { return c.NoContent(204) }, httpx.Require())
			assert.Equal(t, tc.want, call(e, "GET", "/admin", "", "Authorization", "Bearer x").Code)
			assert.Equal(t, 204, call(e, "GET", "/plain", "", "Authorization", "Bearer x").Code)
		})
	}
	// a principal set by other means (signed links, test harnesses) is vouched for by its setter
	e := httpx.New(httpx.Options{Logger: observability.DiscardLogger(), Registerer: prometheus.NewRegistry()})
	e.Use(httpx.Authenticate(currentAuth{now: map[uuid.UUID][]string{}}))
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().Header.Get("X-Test") != "" {
				httpx.SetPrincipal(c, httpx.Principal{UserID: uuid.New(), Permissions: []string{"admin:users"}})
			}
			return next(c)
		}
	})
	e.GET("/admin", func(c echo.Context) error { return c.NoContent(204) }, httpx.Require("admin:users"))
	assert.Equal(t, 204, call(e, "GET", "/admin", "", "X-Test", "1").Code)
	assert.Equal(t, 204, call(e, "GET", "/admin", "", "X-Test", "1", "Authorization", "Bearer x").Code, "set after the token: the setter decides")
	assert.Equal(t, 403, call(e, "GET", "/admin", "", "Authorization", "Bearer x").Code)
}

type fakeAdminOnlyToken struct{}

func (fakeAdminOnlyToken) Authenticate(_ context.Context, _ string) (httpx.Principal, error) {
	return httpx.Principal{UserID: adminID, Permissions: []string{"admin:users"}}, nil
}

func TestNULAndInvalidUTF8AreRefusedAtTheEdge(t *testing.T) {
	t.Parallel()
	e := newServer(t)
	e.GET("/things/:id", func(c echo.Context) error { return c.NoContent(204) })
	e.POST("/things", func(c echo.Context) error {
		var body map[string]any
		if err := httpx.Bind(c, &body); err != nil {
			return err
		}
		return c.NoContent(204)
	})
	for _, tc := range []struct {
		name, method, target, body string
		header                     []string
		status                     int
		code, field                string
	}{
		{"clean", "POST", "/things", `{"title":"Caf\u00e9 ok","tags":["a"]}`, nil, 204, "", ""},
		{"NUL in a string field", "POST", "/things", `{"title":"a\u0000b"}`, nil, 422, "http.invalid_text", "title"},
		{"NUL nested", "POST", "/things", `{"a":{"b":["x","y\u0000"]}}`, nil, 422, "http.invalid_text", "a.b[1]"},
		{"invalid UTF-8 in the body", "POST", "/things", "{\"title\":\"a\xffb\"}", nil, 422, "http.invalid_text", ""},
		{"malformed JSON is Bind's 400", "POST", "/things", `{"title":`, nil, 400, "bad_request", ""},
		{"NUL in a query value", "GET", "/things/x?q=a%00b", "", nil, 422, "http.invalid_text", "q"},
		{"invalid UTF-8 in a query value", "GET", "/things/x?genre=%ff", "", nil, 422, "http.invalid_text", "genre"},
		{"cut multi-byte character in a query value", "GET", "/things/x?q=%e2%82", "", nil, 422, "http.invalid_text", "q"},
		{"bad percent-encoding", "GET", "/things/x?q=%zz", "", nil, 422, "http.invalid_text", ""},
		{"NUL in a path segment", "GET", "/things/a%00b", "", nil, 422, "http.invalid_text", "path"},
		{"invalid UTF-8 in a path segment", "GET", "/things/%c3", "", nil, 422, "http.invalid_text", "path"},
		{"invalid UTF-8 in Idempotency-Key", "GET", "/things/x", "", []string{"Idempotency-Key", "k\xff"}, 400, "http.invalid_header", ""},
		{"multi-byte query is fine", "GET", "/things/x?q=caf%C3%A9", "", nil, 204, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := call(e, tc.method, tc.target, tc.body, tc.header...)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			if tc.code == "" {
				return
			}
			d := decode(t, rec)
			assert.Equal(t, tc.code, d.Code)
			if tc.field != "" {
				assert.Contains(t, d.Fields, tc.field)
			}
		})
	}
}

func TestOverlongTextIsRefusedWhateverTheField(t *testing.T) {
	t.Parallel()
	e := httpx.New(httpx.Options{Logger: observability.DiscardLogger(), Registerer: prometheus.NewRegistry(), BodyLimit: "1M"})
	e.POST("/things", func(c echo.Context) error { return c.NoContent(204) })
	e.GET("/things", func(c echo.Context) error { return c.NoContent(204) })
	ok := `{"reason":"` + strings.Repeat("é", httpx.MaxJSONStringChars) + `"}`
	assert.Equal(t, 204, call(e, "POST", "/things", ok).Code, "the ceiling counts characters, not bytes")
	rec := call(e, "POST", "/things", `{"a":{"reason":"`+strings.Repeat("x", 900_000/10)+`"}}`)
	require.Equal(t, 422, rec.Code)
	d := decode(t, rec)
	assert.Equal(t, "http.text_too_long", d.Code)
	assert.Contains(t, d.Fields, "a.reason")
	rec = call(e, "GET", "/things?q="+strings.Repeat("q", httpx.MaxQueryValueBytes+1), "")
	require.Equal(t, 422, rec.Code)
	assert.Equal(t, "http.text_too_long", decode(t, rec).Code)
}
