package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Bad ranges answer 416 in the one error shape with Content-Range; a zero-length suffix is
// unsatisfiable; more than a few ranges get the whole file instead of a huge multipart.
func TestMusicStreamRangeErrorsAndRangeCount(t *testing.T) {
	ta := musicApp(t)
	_, artist := musicUser(t, ta, usercontracts.RoleArtist)
	_, listener := musicUser(t, ta, usercontracts.RoleListener)
	s := readySong(t, ta, artist, "Ranges", "tone.mp3", true)
	base := "/api/v1/music/stream/" + s.ID + "?quality=original"
	var size int64
	for _, r := range s.Renditions {
		if r.Quality == "original" {
			size = r.SizeBytes
		}
	}
	for _, rng := range []string{"bytes=-0", "bytes=-00", "bytes=- 0", fmt.Sprintf("bytes=%d-", size), "bytes=5-2", "items=0-1", "bytes=x-y"} {
		t.Run(rng, func(t *testing.T) {
			res := ta.do(http.MethodGet, base, nil, withToken(listener), withHeader("Range", rng))
			require.Equal(t, http.StatusRequestedRangeNotSatisfiable, res.Status, "%s", res.Body)
			assert.Equal(t, "music.range_not_satisfiable", res.ErrorCode(t))
			assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "application/json"))
		})
	}
	// a few ranges: multipart, as asked
	res := ta.do(http.MethodGet, base, nil, withToken(listener), withHeader("Range", "bytes=0-0,10-10,20-20"))
	assert.Equal(t, http.StatusPartialContent, res.Status)
	assert.Contains(t, res.Header.Get("Content-Type"), "multipart/byteranges")
	// 1,000 one-byte ranges: the whole file, once
	parts := make([]string, 1000)
	for i := range parts {
		parts[i] = fmt.Sprintf("%d-%d", i*2, i*2)
	}
	res = ta.do(http.MethodGet, base, nil, withToken(listener), withHeader("Range", "bytes="+strings.Join(parts, ",")))
	assert.Equal(t, http.StatusOK, res.Status)
	assert.Equal(t, size, int64(len(res.Body)))
}
