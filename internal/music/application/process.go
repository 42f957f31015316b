package application

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// ProcessUpload is one attempt of the transcoding job of upload Version of a song.
type ProcessUpload struct {
	SongID  uuid.UUID
	Version int
	// LastAttempt: a failure marks the song failed instead of asking for a retry.
	LastAttempt bool
}

// Process checks an upload by decoding it in full, builds its bitrate ladder and marks the song
// ready. The decoded length must be within the song bounds (1 s to 1 h) and agree with the
// header, and decoding must be (nearly) free of errors; such a failure, like an encoder that
// overran its time or size bound, fails the song at once with the reason (retrying cannot
// help). A rung at or above the original's bitrate is skipped (never upscale); the original is
// always kept. Renditions are stored only once all of them are made, so a failure leaves no
// file behind. Without ffmpeg the song becomes ready with its original only.
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
	decodedMS, rends, err := a.transcode(ctx, s)
	if err != nil {
		reason := "transcoding failed: " + err.Error()
		var de *errs.Error
		permanent := errors.Is(err, ErrJobLimit)
		if errors.As(err, &de) && de.Kind() == errs.Unprocessable {
			permanent, reason = true, de.Message()
		}
		if !cmd.LastAttempt && !permanent {
			return err
		}
		_, ferr := a.d.Songs.UpdateSong(ctx, cmd.SongID, func(s *domain.Song) error {
			return s.MarkFailed(cmd.Version, reason, a.now())
		})
		if errors.Is(ferr, domain.ErrStaleUpload) {
			return nil
		}
		return ferr
	}
	_, err = a.d.Songs.UpdateSong(ctx, cmd.SongID, func(s *domain.Song) error {
		return s.MarkReady(cmd.Version, decodedMS, rends, a.now())
	})
	if errors.Is(err, domain.ErrStaleUpload) {
		return nil
	}
	return err
}

// decodeSlack lets the decoder run a little past the longest song so "too long" is measured,
// not assumed.
const decodeSlack = time.Second

func (a *App) transcode(ctx context.Context, s *domain.Song) (int, []domain.Rendition, error) {
	if !a.d.Tools.CanTranscode() {
		return 0, nil, nil
	}
	orig := s.Original()
	src, cleanup, err := a.d.Store.Fetch(ctx, orig.Key)
	if err != nil {
		return 0, nil, fmt.Errorf("read original: %w", err)
	}
	defer cleanup()
	rep, err := a.d.Tools.Decode(ctx, src, domain.MaxSongDuration+decodeSlack)
	if err != nil {
		return 0, nil, err
	}
	if err := domain.JudgeDecode(orig.DurationMS, rep); err != nil {
		return 0, nil, err
	}
	var rungs []Rung
	for _, r := range a.d.Ladder {
		lossless := orig.Format == "flac" || orig.Format == "wav"
		if lossless || orig.BitrateKbps == 0 || r.Kbps < orig.BitrateKbps {
			rungs = append(rungs, r)
		}
	}
	// Encode every rung into staging first, then store them all: a failing rung leaves
	// nothing in the store.
	var staged []stagedRendition
	defer func() {
		for _, st := range staged {
			os.Remove(st.path)
		}
	}()
	for _, r := range rungs {
		st, err := a.encode(ctx, src, r, rep.DurationMS)
		if err != nil {
			return 0, nil, err
		}
		staged = append(staged, st)
	}
	out := make([]domain.Rendition, 0, len(staged))
	for _, st := range staged {
		if err := a.d.Store.PutFile(ctx, st.r.Key, st.path, st.r.ContentType); err != nil {
			return 0, nil, fmt.Errorf("store %s rendition: %w", st.r.Quality, err)
		}
		out = append(out, st.r)
	}
	staged = nil // the store owns them now
	return rep.DurationMS, out, nil
}

type stagedRendition struct {
	path string
	r    domain.Rendition
}

// EncodeBounds are the limits of one rendition of audio lasting durationMS at kbps: no more
// audio than was decoded (plus a second), an output no larger than the bitrate allows (plus
// 10% and 128 KiB of headers), and a wall time of a minute plus half the song's length
// (encoding runs many times faster than real time even on a loaded machine).
func EncodeBounds(durationMS, kbps int) Encode {
	d := time.Duration(durationMS) * time.Millisecond
	return Encode{
		Kbps:        kbps,
		MaxDuration: d + time.Second,
		MaxBytes:    int64(float64(d+time.Second)/float64(time.Second)*float64(kbps)*1000/8*1.1) + 128<<10,
		Timeout:     time.Minute + d/2,
	}
}

func (a *App) encode(ctx context.Context, src string, r Rung, durationMS int) (stagedRendition, error) {
	f, err := os.CreateTemp(a.d.Store.StagingDir(), "rendition-*.mp3")
	if err != nil {
		return stagedRendition{}, err
	}
	dst := f.Name()
	f.Close()
	keep := false
	defer func() {
		if !keep {
			os.Remove(dst)
		}
	}()
	ct, err := a.d.Tools.Transcode(ctx, src, dst, EncodeBounds(durationMS, r.Kbps))
	if err != nil {
		return stagedRendition{}, err
	}
	in, err := os.Open(dst)
	if err != nil {
		return stagedRendition{}, err
	}
	h := sha256.New()
	size, err := io.Copy(h, in)
	in.Close()
	if err != nil {
		return stagedRendition{}, err
	}
	if size == 0 {
		return stagedRendition{}, errors.New("ffmpeg produced an empty file")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	key, err := a.d.Store.Key(sum)
	if err != nil {
		return stagedRendition{}, err
	}
	keep = true
	return stagedRendition{path: dst, r: domain.Rendition{Quality: r.Quality, Key: key, ContentType: ct, Size: size, BitrateKbps: r.Kbps, SHA256: sum}}, nil
}
