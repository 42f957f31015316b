package application

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// UploadAudio is a new original for a song, read from Body as it arrives.
type UploadAudio struct {
	SongID uuid.UUID
	Body   io.Reader
}

// ErrAudioUnreadable is returned when the tools cannot decode what the sniffer accepted.
var ErrAudioUnreadable = domain.ErrUnsupportedAudio.WithMessage("the file looks like audio but cannot be decoded")

// Upload receives audio into the staging area (never whole in memory), checks its size and its
// content, stores it under its content address and moves the song to processing with a
// transcoding job. Anything that fails leaves no file behind and the song as it was.
func (a *App) Upload(ctx context.Context, v Viewer, cmd UploadAudio) (*domain.Song, error) {
	s, err := a.ownSong(ctx, v, cmd.SongID)
	if err != nil {
		return nil, err
	}
	if s.Deleted() {
		return nil, domain.ErrSongDeleted
	}
	if s.Status() == domain.StatusProcessing {
		return nil, domain.ErrSongProcessing
	}

	tmp, err := os.CreateTemp(a.d.Store.StagingDir(), "upload-*")
	if err != nil {
		if diskFull(err) {
			return nil, domain.ErrStorageFull.Wrap(err)
		}
		return nil, fmt.Errorf("stage upload: %w", err)
	}
	tmpPath := tmp.Name()
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmpPath)
		}
	}()

	h := sha256.New()
	head := make([]byte, 0, 4096)
	n, err := io.Copy(io.MultiWriter(tmp, h, &headWriter{buf: &head}), &limitedReader{r: cmd.Body, n: a.d.UploadMaxBytes})
	switch {
	case errors.Is(err, errTooLarge):
		return nil, domain.ErrAudioTooLarge.WithMessage(fmt.Sprintf("the file is larger than the upload limit of %d bytes", a.d.UploadMaxBytes))
	case diskFull(err):
		return nil, domain.ErrStorageFull.Wrap(err)
	case err != nil:
		var ee *errs.Error
		if errors.As(err, &ee) {
			return nil, err
		}
		return nil, domain.ErrUploadInterrupted.Wrap(err)
	case n == 0:
		return nil, domain.ErrEmptyAudio
	}
	if err := tmp.Close(); err != nil {
		if diskFull(err) {
			return nil, domain.ErrStorageFull.Wrap(err)
		}
		return nil, fmt.Errorf("stage upload: %w", err)
	}

	format := a.d.Tools.Sniff(head)
	if format == "" {
		return nil, domain.ErrUnsupportedAudio
	}
	info, err := a.d.Tools.Inspect(ctx, tmpPath, format)
	if err != nil {
		return nil, ErrAudioUnreadable.Wrap(err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	key, err := a.d.Store.Key(sum)
	if err != nil {
		return nil, err
	}
	if err := a.d.Store.PutFile(ctx, key, tmpPath, info.ContentType); err != nil {
		if diskFull(err) {
			return nil, domain.ErrStorageFull.Wrap(err)
		}
		return nil, fmt.Errorf("store upload: %w", err)
	}
	keep = true // the store owns the file now

	orig := domain.Original{
		Rendition: domain.Rendition{Quality: domain.QualityOriginal, Key: key, ContentType: info.ContentType, Size: n,
			BitrateKbps: info.BitrateKbps, SHA256: sum},
		Format:     info.Format,
		DurationMS: info.DurationMS,
		Tags:       info.Tags,
	}
	return a.d.Songs.UpdateSong(ctx, cmd.SongID, func(s *domain.Song) error {
		_, err := s.AcceptUpload(orig, a.now())
		return err
	})
}

// diskFull reports a write refused for want of space or quota (ENOSPC, EDQUOT), wherever in
// the chain of errors the storage put it.
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// headWriter keeps the first bytes written, for sniffing.
type headWriter struct{ buf *[]byte }

func (w *headWriter) Write(p []byte) (int, error) {
	if room := cap(*w.buf) - len(*w.buf); room > 0 {
		*w.buf = append(*w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
