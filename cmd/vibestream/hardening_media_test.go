package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/musictest"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Crafted uploads (a WAV claiming 1 Hz, truncated and corrupted files) must end failed with a
// reason the artist sees, at once (no retries burning the same CPU), leaving no rendition
// behind; a file whose header merely lies about its length becomes ready with the decoded one.
func TestMusicCraftedUploadsFailFastWithAReasonOrGetTheDecodedDuration(t *testing.T) {
	ta := musicApp(t)
	_, tok := musicUser(t, ta, usercontracts.RoleArtist)
	start := time.Now()
	ids := map[string]string{}
	for _, c := range musictest.CraftedFiles {
		raw, err := os.ReadFile(musictest.CraftedPath(t, c.Name))
		require.NoError(t, err)
		s := createSong(t, ta, tok, "Crafted "+c.Name)
		res := uploadMultipart(t, ta, tok, s.ID, c.Name, raw)
		if res.Status == http.StatusUnsupportedMediaType {
			t.Logf("%s refused at upload: %s", c.Name, res.Body)
			continue
		}
		require.Equal(t, http.StatusAccepted, res.Status, "%s: %s", c.Name, res.Body)
		ids[c.Name] = s.ID
	}
	require.Contains(t, ids, "hz1.wav", "the 1 Hz WAV passes the upload checks: only the decode shows it")
	for _, c := range musictest.CraftedFiles {
		id, ok := ids[c.Name]
		if !ok {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			s := waitStatus(t, ta, tok, id, "ready", "failed")
			if c.Why == "" {
				assert.Equal(t, "ready", s.Status, s.FailureReason)
				require.NotNil(t, s.DurationMS)
				assert.InDelta(t, c.DecodedMS, *s.DurationMS, 100, "the decoded duration, not the header's")
				return
			}
			assert.Equal(t, "failed", s.Status)
			assert.Contains(t, s.FailureReason, c.Why)
			var attempts int
			require.NoError(t, ta.app.pool.QueryRow(context.Background(),
				`SELECT max(attempt) FROM river_job WHERE kind = 'music_transcode' AND args->>'song_id' = $1`, id).Scan(&attempts))
			assert.Equal(t, 1, attempts, "a file that overruns the bounds is not retried")
		})
	}
	// the stored files are the originals plus the two renditions of the one ready song (a
	// lossless original gets both rungs): a failed song leaves no rendition behind
	var files int
	_ = filepath.Walk(ta.app.cfg.Music.MediaDir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && filepath.Base(filepath.Dir(p)) != "staging" {
			files++
		}
		return nil
	})
	assert.Equal(t, len(ids)+2, files)
	t.Logf("all crafted uploads settled in %s", time.Since(start).Round(time.Millisecond))
	assert.Less(t, time.Since(start), time.Minute)
}
