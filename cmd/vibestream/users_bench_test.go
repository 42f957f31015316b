package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// benchServer is the full application (production argon2id cost) behind httptest, for
// benchmarks (the harness's testApp needs a *testing.T).
func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	cfg, err := loadConfig(func(name string) string {
		switch name {
		case "DATA_DIR":
			return b.TempDir()
		case "HTTP_ADDR":
			return "127.0.0.1:0"
		case "ZK_KEYS_DIR":
			return os.Getenv("ZK_KEYS_DIR")
		}
		return ""
	})
	require.NoError(b, err)
	pool, err := postgres.Connect(context.Background(), pgtest.NewURL(b), 40)
	require.NoError(b, err)
	a, err := newApp(cfg, pool, observability.DiscardLogger(), jobs.Options{FetchPollInterval: 50 * time.Millisecond})
	require.NoError(b, err)
	require.NoError(b, a.startBackground(context.Background()))
	srv := httptest.NewServer(a.echo)
	b.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.stopBackground(ctx)
		pool.Close()
	})
	return srv
}

func postJSON(b *testing.B, c *http.Client, url string, body any, want int) map[string]any {
	b.Helper()
	raw, _ := json.Marshal(body)
	res, err := c.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode != want {
		b.Fatalf("%s: status %d: %v", url, res.StatusCode, out)
	}
	return out
}

// BenchmarkLoginHTTP is a whole login over HTTP: lookup, argon2id verification at the default
// cost, refresh-token insert, access-token signing.
func BenchmarkLoginHTTP(b *testing.B) {
	srv := benchServer(b)
	c := srv.Client()
	postJSON(b, c, srv.URL+"/api/v1/auth/register", map[string]any{"email": "bench@example.com", "username": "bench",
		"password": testPassword, "display_name": "Bench"}, http.StatusCreated)
	b.ResetTimer()
	for b.Loop() {
		postJSON(b, c, srv.URL+"/api/v1/auth/login", map[string]any{"login": "bench@example.com", "password": testPassword}, http.StatusOK)
	}
}

// BenchmarkUsersMeHTTP is an authenticated GET /api/v1/users/me (token verification plus one
// primary-key read), run in parallel.
func BenchmarkUsersMeHTTP(b *testing.B) {
	srv := benchServer(b)
	c := srv.Client()
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	out := postJSON(b, c, srv.URL+"/api/v1/auth/register", map[string]any{"email": "me@example.com", "username": "me_bench",
		"password": testPassword, "display_name": "Bench"}, http.StatusCreated)
	tok := fmt.Sprint(out["access_token"])
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/users/me", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = bytes.NewBuffer(nil).ReadFrom(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
}
