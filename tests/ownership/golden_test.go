package ownership_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var uuidRe = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// golden compares a response body, with ids normalised and indented, to testdata/<name>.json.
func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	b := uuidRe.ReplaceAll(body, []byte("00000000-0000-0000-0000-000000000000"))
	var out bytes.Buffer
	require.NoError(t, json.Indent(&out, b, "", "  "))
	out.WriteByte('\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./tests/ownership/ -run Golden -update")
	assert.Equal(t, string(want), out.String())
}

func TestGoldenResponseShapes(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	v := newEnv(t, envOpts{now: func() time.Time { return at }})
	artist, alice, bob := v.user("0"), v.user("100"), v.user("100")
	song := v.song(artist, "Golden")
	r := v.do(http.MethodPost, "/api/v1/ownership/offerings", artist, map[string]any{"song_id": song, "shareholder_bps": 1500,
		"shares_for_sale": 2500, "price_per_share": "0.02", "min_purchase_shares": 10, "closes_at": at.Add(30 * 24 * time.Hour)})
	require.Equal(t, http.StatusCreated, r.Code, string(r.Raw))
	golden(t, "offering", r.Raw)
	off := uuid.MustParse(r.Body["id"].(string))
	r = v.buy(off, alice, 1000)
	require.Equal(t, http.StatusCreated, r.Code)
	golden(t, "purchase", r.Raw)
	require.NoError(t, v.mod.HandleStreamPaid(context.Background(), paycontracts.StreamPaid{SessionID: uuid.New(), SongID: song, Shareholders: "0.0006"}))
	require.Equal(t, http.StatusCreated, v.order(alice, song, "sell", 300, "0.03", "GTC").Code)
	require.Equal(t, http.StatusCreated, v.order(alice, song, "sell", 100, "0.035", "GTC").Code)
	r = v.order(bob, song, "buy", 400, "0.031", "GTC")
	require.Equal(t, http.StatusCreated, r.Code)
	golden(t, "order", r.Raw)
	golden(t, "book", v.do(http.MethodGet, "/api/v1/ownership/songs/"+song.String()+"/book", uuid.Nil, nil).Raw)
	golden(t, "trades", v.do(http.MethodGet, "/api/v1/ownership/songs/"+song.String()+"/trades", uuid.Nil, nil).Raw)
	golden(t, "register", v.do(http.MethodGet, "/api/v1/ownership/songs/"+song.String(), uuid.Nil, nil).Raw)
	golden(t, "portfolio", v.do(http.MethodGet, "/api/v1/user/portfolio", alice, nil).Raw)
	golden(t, "orders", v.do(http.MethodGet, "/api/v1/ownership/orders?status=open", bob, nil).Raw)
	golden(t, "error", v.order(bob, song, "buy", 1, "0.0000001", "GTC").Raw)
}
