package httpapi

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// serveBoth answers one request with serveSimple (when it takes it) and with http.ServeContent,
// each through the countingWriter the handler uses.
func serveBoth(t *testing.T, content []byte, method, rng string) (simple, std *httptest.ResponseRecorder, took bool, simpleN, stdN int64) {
	t.Helper()
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	run := func(useSimple bool) (*httptest.ResponseRecorder, bool, int64) {
		req := httptest.NewRequest(method, "/x", nil)
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		rec := httptest.NewRecorder()
		w := &countingWriter{r: echo.NewResponse(rec, echo.New())}
		w.Header().Set("Content-Type", "audio/mpeg")
		ok := false
		if useSimple {
			ok = serveSimple(w, req, bytes.NewReader(content), int64(len(content)), mod)
		} else {
			http.ServeContent(w, req, "", mod, bytes.NewReader(content))
			ok = true
		}
		return rec, ok, w.n
	}
	simple, took, simpleN = run(true)
	std, _, stdN = run(false)
	return
}

// The fast path answers exactly what ServeContent answers (status, headers that matter, body,
// bytes counted), and leaves everything that is not a plain or single simple range to it.
func TestServeSimpleMatchesServeContent(t *testing.T) {
	content := fuzzContent(4321)
	for _, tc := range []struct {
		method, rng string
		takes       bool
	}{
		{http.MethodGet, "", true},
		{http.MethodHead, "", true},
		{http.MethodGet, "bytes=0-0", true},
		{http.MethodGet, "bytes=0-", true},
		{http.MethodGet, "bytes=100-199", true},
		{http.MethodGet, "bytes=100-", true},
		{http.MethodGet, "bytes=4000-99999", true},
		{http.MethodGet, "bytes=4320-4320", true},
		{http.MethodHead, "bytes=10-20", true},
		{http.MethodGet, "bytes=4321-", false},   // past the end: 416 from ServeContent
		{http.MethodGet, "bytes=-100", false},    // suffix
		{http.MethodGet, "bytes=0-1,5-6", false}, // list
		{http.MethodGet, "bytes=20-10", false},   // inverted
		{http.MethodGet, "bytes= 1-2", false},
		{http.MethodGet, "items=1-2", false},
	} {
		simple, std, took, sn, dn := serveBoth(t, content, tc.method, tc.rng)
		if took != tc.takes {
			t.Fatalf("%s %q: serveSimple took=%v, want %v", tc.method, tc.rng, took, tc.takes)
		}
		if !took {
			if simple.Body.Len() != 0 || len(simple.Header()) != 1 {
				t.Fatalf("%s %q: serveSimple wrote although it declined", tc.method, tc.rng)
			}
			continue
		}
		if simple.Code != std.Code || !bytes.Equal(simple.Body.Bytes(), std.Body.Bytes()) || sn != dn {
			t.Fatalf("%s %q: simple %d (%d bytes, counted %d), ServeContent %d (%d bytes, counted %d)",
				tc.method, tc.rng, simple.Code, simple.Body.Len(), sn, std.Code, std.Body.Len(), dn)
		}
		for _, h := range []string{"Content-Length", "Content-Range", "Last-Modified", "Content-Type", "Accept-Ranges"} {
			if simple.Header().Get(h) != std.Header().Get(h) {
				t.Fatalf("%s %q: %s is %q, ServeContent says %q", tc.method, tc.rng, h, simple.Header().Get(h), std.Header().Get(h))
			}
		}
	}
}

// A conditional request always goes to ServeContent.
func TestServeSimpleLeavesConditionalRequests(t *testing.T) {
	for _, h := range []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range"} {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.Header.Set(h, `"x"`)
		rec := httptest.NewRecorder()
		w := &countingWriter{r: echo.NewResponse(rec, echo.New())}
		if serveSimple(w, req, bytes.NewReader([]byte("abc")), 3, time.Now()) {
			t.Fatalf("serveSimple answered a request with %s", h)
		}
	}
}

// FuzzServeSimple: whatever the Range header, when the fast path answers, it answers as
// ServeContent does.
func FuzzServeSimple(f *testing.F) {
	for _, s := range []string{"", "bytes=0-", "bytes=1-2", "bytes=99999-", "bytes=-5", "bytes=3-1", "bytes=007-8"} {
		f.Add(uint16(300), s)
	}
	f.Fuzz(func(t *testing.T, size uint16, rng string) {
		content := fuzzContent(size)
		simple, std, took, sn, dn := serveBoth(t, content, http.MethodGet, rng)
		if !took {
			return
		}
		if simple.Code != std.Code || !bytes.Equal(simple.Body.Bytes(), std.Body.Bytes()) || sn != dn ||
			simple.Header().Get("Content-Range") != std.Header().Get("Content-Range") ||
			simple.Header().Get("Content-Length") != std.Header().Get("Content-Length") {
			t.Fatalf("size %d range %q: simple %d %q, ServeContent %d %q", len(content), rng,
				simple.Code, simple.Header().Get("Content-Range"), std.Code, std.Header().Get("Content-Range"))
		}
	})
}
