package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/api"
)

// sourceHash mirrors scripts/build-web.mjs: sha256 over "path\0content\0" of every file under
// web/ except dist/, e2e/, node_modules/ and Go files, in byte order of their paths.
func sourceHash(t *testing.T) string {
	t.Helper()
	var files []string
	require.NoError(t, filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(p)
		if d.IsDir() {
			if rel == "dist" || rel == "e2e" || rel == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") {
			files = append(files, rel)
		}
		return nil
	}))
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		h.Write([]byte(f + "\x00"))
		h.Write(b)
		h.Write([]byte{0})
	}
	require.NotEmpty(t, files, "the console's sources were not found")
	return hex.EncodeToString(h.Sum(nil))
}

// The embedded build must be the build of the sources in the repository: run `make web`.
func TestEmbeddedBuildIsFresh(t *testing.T) {
	require.NotEmpty(t, SourceHash(), "web/dist is not built: run `make web`")
	assert.Equal(t, sourceHash(t), SourceHash(), "web/dist is stale: the console's sources changed since it was built; run `make web`")
	_, err := fs.Stat(Dist(), "index.html")
	require.NoError(t, err)
}

// The console's types are generated from the document the binary serves.
func TestTypesAreGeneratedFromTheServedDocument(t *testing.T) {
	served, _, err := api.Document()
	require.NoError(t, err)
	committed, err := os.ReadFile("src/api/openapi.json")
	require.NoError(t, err)
	assert.JSONEq(t, string(served), string(committed), "web/src/api/openapi.json differs from the served OpenAPI document: run `make web`")
}

func TestHandlerServesAssetsAndFallsBackToIndex(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	get := func(p string) (*http.Response, string) {
		res, err := http.Get(srv.URL + p)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, string(b)
	}
	for _, p := range []string{"/", "/catalog", "/some/deep/link"} {
		res, body := get(p)
		assert.Equal(t, http.StatusOK, res.StatusCode, p)
		assert.Contains(t, body, `<div id="toast"`, p)
		assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"), p)
	}
	entries, err := fs.ReadDir(Dist(), "assets")
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	res, _ := get("/assets/" + entries[0].Name())
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.Header.Get("Cache-Control"), "immutable")
	res, _ = get("/assets/missing.js")
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", nil)
	post, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	post.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, post.StatusCode)
}
