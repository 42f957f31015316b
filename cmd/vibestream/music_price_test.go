package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

type pricedSong struct {
	ID                 string `json:"id"`
	StreamPrice        string `json:"stream_price"`
	StreamPriceDefault *bool  `json:"stream_price_default"`
}

func TestMusicStreamPriceDefaultRangeAndCatalog(t *testing.T) {
	ta := newTestApp(t, func(c *Config) {
		c.Music.StreamPriceDefault = usdAmount(t, "0.005")
	})
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	_, other := musicUser(t, ta, usercontracts.RoleArtist)
	s := createSong(t, ta, artist, "Priced")

	var got pricedSong
	ta.do(http.MethodGet, "/api/v1/music/songs/"+s.ID, nil, withToken(artist)).JSON(t, &got)
	assert.Equal(t, "0.005000", got.StreamPrice, "a new song costs the configured default")
	require.NotNil(t, got.StreamPriceDefault)
	assert.True(t, *got.StreamPriceDefault)

	patch := func(tok string, price any) response {
		return ta.do(http.MethodPatch, "/api/v1/music/songs/"+s.ID, map[string]any{"stream_price": price}, withToken(tok))
	}
	res := patch(artist, "0.012345")
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &got)
	assert.Equal(t, "0.012345", got.StreamPrice)
	assert.False(t, *got.StreamPriceDefault)

	id := uuid.MustParse(s.ID)
	sum, err := ta.app.music.Catalog().Song(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, int64(12345), sum.StreamPrice.Units(), "the catalog answers the artist's price in micro-dollars")

	for _, tc := range []struct {
		name  string
		price any
		code  string
	}{
		{"below the minimum", "0.0009", "music.stream_price_out_of_range"},
		{"above the maximum", "0.050001", "music.stream_price_out_of_range"},
		{"zero", "0", "music.stream_price_out_of_range"},
		{"negative", "-0.004", "music.stream_price_out_of_range"},
		{"seven decimals", "0.0040001", "music.stream_price_invalid"},
		{"not a number", "cheap", "music.stream_price_invalid"},
		{"a JSON number", 0.004, "music.stream_price_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := patch(artist, tc.price)
			assert.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			assert.Equal(t, tc.code, res.ErrorCode(t))
		})
	}
	ta.do(http.MethodGet, "/api/v1/music/songs/"+s.ID, nil, withToken(artist)).JSON(t, &got)
	assert.Equal(t, "0.012345", got.StreamPrice, "refused prices change nothing")

	// someone else's song: not theirs to price (a draft is hidden: 404)
	assert.Equal(t, http.StatusNotFound, patch(other, "0.01").Status)

	// null returns the song to the default
	res = patch(artist, nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &got)
	assert.Equal(t, "0.005000", got.StreamPrice)
	assert.True(t, *got.StreamPriceDefault)
	sum, err = ta.app.music.Catalog().Song(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, int64(5000), sum.StreamPrice.Units())
}

func TestMusicStreamPriceConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		bad  string
	}{
		{"defaults", map[string]string{}, ""},
		{"too many decimals", map[string]string{"STREAM_PRICE_DEFAULT": "0.0040001"}, "STREAM_PRICE_DEFAULT"},
		{"zero", map[string]string{"STREAM_PRICE_MIN": "0"}, "STREAM_PRICE_MIN"},
		{"min above max", map[string]string{"STREAM_PRICE_MIN": "0.1", "STREAM_PRICE_MAX": "0.05"}, "STREAM_PRICE_MIN"},
		{"default outside", map[string]string{"STREAM_PRICE_DEFAULT": "0.06"}, "STREAM_PRICE_DEFAULT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(func(name string) string {
				if name == "DATA_DIR" {
					return t.TempDir()
				}
				return tc.env[name]
			})
			if tc.bad == "" {
				require.NoError(t, err)
				assert.Equal(t, int64(4000), cfg.Music.StreamPriceDefault.Units())
				assert.Equal(t, int64(1000), cfg.Music.StreamPriceMin.Units())
				assert.Equal(t, int64(50000), cfg.Music.StreamPriceMax.Units())
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.bad)
		})
	}
}

func usdAmount(t *testing.T, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(money.USD, s)
	require.NoError(t, err)
	return a
}
