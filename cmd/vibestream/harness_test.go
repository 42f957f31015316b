package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/api"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

func TestMain(m *testing.M) {
	// One set of ZK keys per test binary (their setup takes seconds): every app and every
	// binary started by a test loads them from here.
	dir, err := os.MkdirTemp("", "vibestream-zk-keys-")
	if err != nil {
		panic(err)
	}
	os.Setenv("ZK_KEYS_DIR", dir)
	code := pgtest.Run(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// testApp is the whole application on a fresh database, served by httptest, with every
// response checked against the OpenAPI document.
type testApp struct {
	t        *testing.T
	app      *app
	srv      *httptest.Server
	stopOnce sync.Once
}

// testConfig is the configuration every end-to-end test starts from; tests may adjust it
// through the mutate functions of newTestApp.
func testConfig(t *testing.T) Config {
	t.Helper()
	cfg, err := loadConfig(func(name string) string {
		switch name {
		case "DATA_DIR":
			return t.TempDir()
		case "HTTP_ADDR":
			return "127.0.0.1:0"
		case "STRIPE_LOCAL":
			// stripe-mock costs a process per app: tests that need it opt in (withLocalCards).
			return "false"
		case "ZK_KEYS_DIR":
			return os.Getenv("ZK_KEYS_DIR")
		case "CHAINS_ENABLED":
			// Local chains cost ~1 s per app: tests that need them opt in (withChains).
			return "false"
		}
		return ""
	})
	require.NoError(t, err)
	return cfg
}

func newTestApp(t *testing.T, mutate ...func(*Config)) *testApp {
	t.Helper()
	return newTestAppOn(t, pgtest.NewURL(t), mutate...)
}

// newTestAppOn is newTestApp on an existing database (a restart of the application).
func newTestAppOn(t *testing.T, url string, mutate ...func(*Config)) *testApp {
	t.Helper()
	cfg := testConfig(t)
	for _, m := range mutate {
		m(&cfg)
	}
	pool, err := postgres.Connect(context.Background(), url, 40)
	require.NoError(t, err)
	a, err := newApp(cfg, pool, debugLogger(), jobs.Options{FetchPollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, a.startBackground(context.Background()))
	srv := httptest.NewServer(a.echo)
	ta := &testApp{t: t, app: a, srv: srv}
	t.Cleanup(func() {
		srv.Close()
		ta.stopBackground()
		pool.Close()
	})
	return ta
}

// stopBackground stops the job runner and the background loops (once): the API keeps serving
// but nothing asynchronous runs any more, as if the process had died after its last commit.
func (ta *testApp) stopBackground() {
	ta.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ta.app.stopBackground(ctx)
	})
}

var (
	routerOnce sync.Once
	oaRouter   routers.Router
	oaErr      error
)

func openAPIRouter() (routers.Router, error) {
	routerOnce.Do(func() {
		_, doc, err := api.Document()
		if err != nil {
			oaErr = err
			return
		}
		// Match paths whatever host the test server has.
		cp := *doc
		cp.Servers = openapi3.Servers{{URL: "/"}}
		oaRouter, oaErr = gorillamux.NewRouter(&cp)
	})
	return oaRouter, oaErr
}

// response is a finished request with its body read.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r response) JSON(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), "body: %s", r.Body)
}

// ErrorCode returns the error code of an error response.
func (r response) ErrorCode(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	r.JSON(t, &e)
	return e.Error.Code
}

// request options
type reqOpt func(*http.Request)

func withToken(tok string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

// do sends a request (body marshalled as JSON unless it is an io.Reader or []byte) and
// validates the response against the OpenAPI document.
func (ta *testApp) do(method, path string, body any, opts ...reqOpt) response {
	ta.t.Helper()
	var rd io.Reader
	isJSON := false
	switch b := body.(type) {
	case nil:
	case io.Reader:
		rd = b
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(ta.t, err)
		rd = bytes.NewReader(raw)
		isJSON = true
	}
	req, err := http.NewRequest(method, ta.srv.URL+path, rd)
	require.NoError(ta.t, err)
	if isJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	res, err := ta.srv.Client().Do(req)
	require.NoError(ta.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(ta.t, err)
	out := response{Status: res.StatusCode, Header: res.Header, Body: raw}
	ta.validate(req, out)
	return out
}

// validate checks a response against the OpenAPI operation of its route. Error responses are
// checked against the common error shape; binary bodies are not inspected.
func (ta *testApp) validate(req *http.Request, res response) {
	ta.t.Helper()
	router, err := openAPIRouter()
	require.NoError(ta.t, err)
	vreq := req.Clone(context.Background())
	vreq.URL.Host, vreq.URL.Scheme, vreq.Host = "", "", ""
	route, params, err := router.FindRoute(vreq)
	if err != nil {
		if res.Status == http.StatusNotFound || res.Status == http.StatusMethodNotAllowed {
			return
		}
		ta.t.Fatalf("openapi: %s %s is not documented: %v", req.Method, req.URL.Path, err)
	}
	ct := res.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/json") {
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status:  res.Status,
		Header:  res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(res.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		ta.t.Fatalf("openapi: response of %s %s (%d) does not match the document: %v\nbody: %s", req.Method, req.URL.Path, res.Status, err, res.Body)
	}
}

// eventually waits for cond with a deadline (no sleeps as synchronisation).
func eventually(t *testing.T, timeout time.Duration, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for: %s", timeout, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// debugLogger is silent unless VIBESTREAM_TEST_LOG is set: then the app's errors go to stderr
// (how a test's 500 or "internal error" is traced to its cause).
func debugLogger() *slog.Logger {
	if os.Getenv("VIBESTREAM_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	return observability.DiscardLogger()
}
