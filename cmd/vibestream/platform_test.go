package main

import (
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/api"
	"github.com/vibestream/vibestream/internal/kernel/errs"
)

func TestHealthAndQueueStatus(t *testing.T) {
	ta := newTestApp(t)
	res := ta.do(http.MethodGet, "/health", nil)
	require.Equal(t, http.StatusOK, res.Status)
	var h map[string]any
	res.JSON(t, &h)
	assert.Equal(t, "healthy", h["status"])
	assert.Equal(t, "vibestream", h["service"])

	res = ta.do(http.MethodGet, "/health/ready", nil)
	assert.Equal(t, http.StatusOK, res.Status)

	res = ta.do(http.MethodGet, "/api/v1/queue-status", nil)
	require.Equal(t, http.StatusOK, res.Status)
	var qs struct {
		Queues map[string]map[string]float64 `json:"queues"`
	}
	res.JSON(t, &qs)
	assert.Contains(t, qs.Queues, "events")
}

func TestReadinessFailsWhenTheDatabaseIsDown(t *testing.T) {
	ta := newTestApp(t)
	// Stop the workers first: they need the pool to shut down cleanly.
	ta.app.stopBackground(context.Background())
	ta.app.pool.Close()
	res := ta.do(http.MethodGet, "/health/ready", nil)
	assert.Equal(t, http.StatusServiceUnavailable, res.Status)
	assert.Contains(t, string(res.Body), `"database":"down"`)
}

func TestUnknownRouteAnswersTheErrorShape(t *testing.T) {
	ta := newTestApp(t)
	res := ta.do(http.MethodGet, "/api/v1/does-not-exist", nil)
	assert.Equal(t, http.StatusNotFound, res.Status)
	assert.Equal(t, "http.not_found", res.ErrorCode(t))
}

func TestMetricsCountRequests(t *testing.T) {
	ta := newTestApp(t)
	ta.do(http.MethodGet, "/health", nil)
	res := ta.do(http.MethodGet, "/metrics", nil)
	require.Equal(t, http.StatusOK, res.Status)
	body := string(res.Body)
	assert.Contains(t, body, `http_requests_total{method="GET",route="/health",status="200"}`)
	assert.Contains(t, body, "http_request_duration_seconds_bucket")
	assert.Contains(t, body, "go_goroutines")
}

// TestOpenAPIMatchesRoutes fails when a route is missing from the document or the document
// lists a route that does not exist.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ta := newTestApp(t)
	_, doc, err := api.Document()
	require.NoError(t, err)
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range ta.app.echo.Routes() {
		if r.Method == "echo_route_not_found" || strings.HasPrefix(r.Method, "echo_") {
			continue
		}
		if r.Path == "/*" {
			continue // the web console's files (web.Handler), not an API route
		}
		if strings.HasPrefix(r.Path, subsonicRoutes) {
			continue // the Subsonic protocol: an external API documented in the README
		}
		served[r.Method+" "+echoPathToOpenAPI(r.Path)] = true
	}
	var missing, extra []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	assert.Empty(t, missing, "routes served but not in the OpenAPI document")
	assert.Empty(t, extra, "routes in the OpenAPI document but not served")
	assert.NotEmpty(t, served)
}

// echoPathToOpenAPI turns /songs/:id into /songs/{id}.
func echoPathToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func TestErrorCodesAreUnique(t *testing.T) {
	assert.Empty(t, errs.DuplicateCodes())
	assert.Greater(t, len(errs.Codes()), 5, "the registry must see the linked contexts' errors")
}

// The binary serves the web console at / (deep links get index.html) and leaves /api alone:
// an unknown API path is still a JSON 404.
func TestWebConsoleIsServedAndTheAPIStaysJSON(t *testing.T) {
	ta := newTestApp(t)
	for _, p := range []string{"/", "/catalog"} {
		res, err := http.Get(ta.srv.URL + p) // not ta.do: the console is not an API operation
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, p)
		assert.Contains(t, string(body), `<main id="main"`, p)
	}
	res := ta.do(http.MethodGet, "/api/v1/nope", nil)
	assert.Equal(t, http.StatusNotFound, res.Status)
	assert.Contains(t, string(res.Body), `"code":"http.not_found"`)
	res = ta.do(http.MethodGet, "/health", nil)
	assert.Contains(t, string(res.Body), `"status"`)
}
