package application

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/music/domain"
)

// ProcessUpload is one attempt of the transcoding job of upload Version of a song.
type ProcessUpload struct {
	SongID  uuid.UUID
	Version int
	// LastAttempt: a failure marks the song failed instead of asking for a retry.
	LastAttempt bool
}

// Process builds the bitrate ladder of an upload and marks the song ready. A rung at or above
// the original's bitrate is skipped (never upscale); the original is always kept. Without
// ffmpeg the song becomes ready with its original only.
func (a *App) Process(ctx context.Context, cmd ProcessUpload) error {
	songs, err := a.d.Songs.GetSongs(ctx, []uuid.UUID{cmd.SongID}) // uncached: the job may outrun invalidation
	if err != nil {
		return err
	}
	s, ok := songs[cmd.SongID]
	if !ok {
		return nil // gone: nothing to do
	}
	if s.UploadVersion() != cmd.Version || s.Status() != domain.StatusProcessing || s.Original() == nil {
		return nil // a newer upload replaced this one, or it was already handled
	}
	rends, err := a.transcode(ctx, s)
	if err != nil {
		if !cmd.LastAttempt {
			return err
		}
		_, ferr := a.d.Songs.UpdateSong(ctx, cmd.SongID, func(s *domain.Song) error {
			return s.MarkFailed(cmd.Version, "transcoding failed: "+err.Error(), a.now())
		})
		if errors.Is(ferr, domain.ErrStaleUpload) {
			return nil
		}
		return ferr
	}
	_, err = a.d.Songs.UpdateSong(ctx, cmd.SongID, func(s *domain.Song) error {
		return s.MarkReady(cmd.Version, rends, a.now())
	})
	if errors.Is(err, domain.ErrStaleUpload) {
		return nil
	}
	return err
}

func (a *App) transcode(ctx context.Context, s *domain.Song) ([]domain.Rendition, error) {
	if !a.d.Tools.CanTranscode() {
		return nil, nil
	}
	orig := s.Original()
	var rungs []Rung
	for _, r := range a.d.Ladder {
		lossless := orig.Format == "flac" || orig.Format == "wav"
		if lossless || orig.BitrateKbps == 0 || r.Kbps < orig.BitrateKbps {
			rungs = append(rungs, r)
		}
	}
	if len(rungs) == 0 {
		return nil, nil
	}
	src, cleanup, err := a.d.Store.Fetch(ctx, orig.Key)
	if err != nil {
		return nil, fmt.Errorf("read original: %w", err)
	}
	defer cleanup()
	var out []domain.Rendition
	for _, r := range rungs {
		rd, err := a.encode(ctx, src, r)
		if err != nil {
			return nil, err
		}
		out = append(out, rd)
	}
	return out, nil
}

func (a *App) encode(ctx context.Context, src string, r Rung) (domain.Rendition, error) {
	f, err := os.CreateTemp(a.d.Store.StagingDir(), "rendition-*.mp3")
	if err != nil {
		return domain.Rendition{}, err
	}
	dst := f.Name()
	f.Close()
	stored := false
	defer func() {
		if !stored {
			os.Remove(dst)
		}
	}()
	ct, err := a.d.Tools.Transcode(ctx, src, dst, r.Kbps)
	if err != nil {
		return domain.Rendition{}, err
	}
	in, err := os.Open(dst)
	if err != nil {
		return domain.Rendition{}, err
	}
	h := sha256.New()
	size, err := io.Copy(h, in)
	in.Close()
	if err != nil {
		return domain.Rendition{}, err
	}
	if size == 0 {
		return domain.Rendition{}, errors.New("ffmpeg produced an empty file")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	key, err := a.d.Store.Key(sum)
	if err != nil {
		return domain.Rendition{}, err
	}
	if err := a.d.Store.PutFile(ctx, key, dst, ct); err != nil {
		return domain.Rendition{}, fmt.Errorf("store %s rendition: %w", r.Quality, err)
	}
	stored = true
	return domain.Rendition{Quality: r.Quality, Key: key, ContentType: ct, Size: size, BitrateKbps: r.Kbps, SHA256: sum}, nil
}
