package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// seedConfig is the optional catalog set-up before the load (-seed-artists with -seed-audio):
// artists with real songs (uploaded, transcoded, published), an ownership offering on each
// artist's first song, and VIBE minted to the reward pool.
type seedConfig struct {
	artists int
	audio   string
	mint    string
}

var seedWords = []string{"Aurora", "Drift", "Ember", "Harbor", "Lumen", "Meadow", "Nimbus", "Orbit", "Prism", "Quartz", "Riverbed", "Solstice", "Tidal", "Umbra", "Velvet", "Willow"}

// seed builds the catalog idempotently: an artist of the pool that already has songs is left
// alone, so a second run on the same database adds nothing.
func (r *run) seed(ctx context.Context, sc seedConfig, out io.Writer) error {
	files, err := filepath.Glob(filepath.Join(sc.audio, "*"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("-seed-audio %s: no audio files", sc.audio)
	}
	sort.Strings(files)
	base := r.cfg.urls[0]
	for k := range sc.artists {
		a := &user{r: r, api: base, email: fmt.Sprintf("%s_artist_%d@load.test", r.cfg.prefix, k), ip: fmt.Sprintf("10.255.0.%d", k%250)}
		name := strings.TrimSuffix(a.email, "@load.test")
		var t tokens
		status, err := r.c.do(ctx, call{method: http.MethodPost, url: base + "/api/v1/auth/register",
			body: map[string]any{"email": a.email, "username": name, "password": r.cfg.password, "display_name": "Artist " + name, "role": "artist"},
			out:  &t, want: []int{http.StatusCreated, http.StatusConflict}})
		if err != nil {
			return fmt.Errorf("register %s: %w", a.email, err)
		}
		if status == http.StatusConflict {
			if _, err := r.c.do(ctx, call{method: http.MethodPost, url: base + "/api/v1/auth/login",
				body: map[string]any{"login": a.email, "password": r.cfg.password}, out: &t}); err != nil {
				return fmt.Errorf("login %s: %w", a.email, err)
			}
			var me struct {
				ID string `json:"id"`
			}
			if _, err := r.c.do(ctx, call{method: http.MethodGet, url: base + "/api/v1/users/me", token: t.AccessToken, out: &me}); err != nil {
				return err
			}
			t.User.ID = me.ID
		}
		a.id, a.token = t.User.ID, t.AccessToken
		var mine songPage
		if _, err := r.c.do(ctx, call{method: http.MethodGet, url: base + "/api/v1/music/songs?limit=1&artist_id=" + a.id, token: a.token, out: &mine}); err == nil && len(mine.Items) > 0 {
			continue
		}
		var first string
		for j, f := range files {
			title := fmt.Sprintf("%s %s %d", seedWords[(k+j)%len(seedWords)], seedWords[(k*7+j*3+1)%len(seedWords)], k*len(files)+j)
			id, err := r.seedSong(ctx, a, title, f)
			if err != nil {
				return err
			}
			if first == "" {
				first = id
			}
		}
		if _, err := r.c.do(ctx, call{method: http.MethodPost, url: base + "/api/v1/ownership/offerings", token: a.token,
			idem: "vibeload-offering:" + first,
			body: map[string]any{"song_id": first, "shareholder_bps": 2000, "shares_for_sale": 5000, "price_per_share": "0.010000"}}); err != nil {
			return fmt.Errorf("offering on %s: %w", first, err)
		}
		fmt.Fprintf(out, "vibeload: seeded artist %s with %d songs\n", name, len(files))
	}
	if sc.mint != "" && r.admin != "" {
		var tx struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		if _, err := r.c.do(ctx, call{method: http.MethodPost, url: base + "/api/v1/admin/treasury/mint", token: r.admin,
			idem: fmt.Sprintf("vibeload-mint:%d", time.Now().UnixNano()), body: map[string]any{"blockchain": "ethereum", "amount": sc.mint}, out: &tx}); err != nil {
			return fmt.Errorf("mint: %w", err)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for tx.Status != "confirmed" {
			if tx.Status == "failed" || time.Now().After(deadline) {
				return fmt.Errorf("mint %s: %s", tx.ID, tx.Status)
			}
			time.Sleep(200 * time.Millisecond)
			if _, err := r.c.do(ctx, call{method: http.MethodGet, url: base + "/api/v1/transactions/" + tx.ID, token: r.admin, out: &tx}); err != nil {
				return err
			}
		}
		fmt.Fprintf(out, "vibeload: minted %s VIBE to the reward pool\n", sc.mint)
	}
	return nil
}

func (r *run) seedSong(ctx context.Context, a *user, title, file string) (string, error) {
	base := a.api
	var s struct {
		ID            string `json:"id"`
		Status        string `json:"status"`
		FailureReason string `json:"failure_reason"`
	}
	if _, err := r.c.do(ctx, call{method: http.MethodPost, url: base + "/api/v1/music/songs", token: a.token,
		body: map[string]any{"title": title, "genre": "Ambient"}, out: &s}); err != nil {
		return "", fmt.Errorf("create song: %w", err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", filepath.Base(file))
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, base+"/api/v1/music/songs/"+s.ID+"/audio", &buf)
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := r.c.http.Do(req)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		return "", fmt.Errorf("upload %s: %d %s", file, res.StatusCode, body)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for s.Status != "ready" {
		if s.Status == "failed" || time.Now().After(deadline) {
			return "", fmt.Errorf("song %s: %s %s", s.ID, s.Status, s.FailureReason)
		}
		time.Sleep(250 * time.Millisecond)
		if _, err := r.c.do(ctx, call{method: http.MethodGet, url: base + "/api/v1/music/songs/" + s.ID, token: a.token, out: &s}); err != nil {
			return "", err
		}
	}
	if _, err := r.c.do(ctx, call{method: http.MethodPatch, url: base + "/api/v1/music/songs/" + s.ID, token: a.token,
		body: map[string]any{"published": true}}); err != nil {
		return "", fmt.Errorf("publish: %w", err)
	}
	return s.ID, nil
}
