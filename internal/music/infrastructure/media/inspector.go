package media

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// Inspector adapts Tools to the application's AudioTools port.
type Inspector struct{ T *Tools }

// Sniff implements application.AudioTools.
func (i Inspector) Sniff(head []byte) string { return Sniff(head) }

// CanTranscode implements application.AudioTools.
func (i Inspector) CanTranscode() bool { return i.T.CanTranscode() }

// Inspect implements application.AudioTools: ffprobe must agree with the sniffed format and
// find a decodable audio stream with a duration. Without ffprobe, the sniffed format is
// trusted and the duration is read from WAV and FLAC headers (0 for the others).
func (i Inspector) Inspect(ctx context.Context, path, format string) (application.AudioInfo, error) {
	info := application.AudioInfo{Format: format, ContentType: ContentType(format), Lossless: Lossless(format), Tags: map[string]string{}}
	if !i.T.CanProbe() {
		d, err := headerDuration(path, format)
		if err != nil {
			return info, err
		}
		info.DurationMS = d
		return info, nil
	}
	p, err := i.T.Probe(ctx, path)
	if err != nil {
		return info, err
	}
	if !p.Matches(format) {
		return info, fmt.Errorf("%w: content is %s/%s, not %s", ErrNotAudio, p.FormatName, p.Codec, format)
	}
	info.DurationMS, info.BitrateKbps, info.Tags = p.DurationMS, p.BitrateKbps, keepTags(p.Tags)
	return info, nil
}

// Decode implements application.AudioTools.
func (i Inspector) Decode(ctx context.Context, path string, limit time.Duration) (domain.DecodeReport, error) {
	r, err := i.T.Decode(ctx, path, limit)
	if errors.Is(err, ErrTooSlow) {
		return domain.DecodeReport{}, fmt.Errorf("%w: %v", application.ErrJobLimit, err)
	}
	if err != nil {
		return domain.DecodeReport{}, err
	}
	return domain.DecodeReport{DurationMS: r.DurationMS, Errors: r.Errors}, nil
}

// Transcode implements application.AudioTools.
func (i Inspector) Transcode(ctx context.Context, src, dst string, e application.Encode) (string, error) {
	err := i.T.Transcode(ctx, src, dst, Encode{Kbps: e.Kbps, MaxDuration: e.MaxDuration, MaxBytes: e.MaxBytes, Timeout: e.Timeout})
	if errors.Is(err, ErrTooSlow) || errors.Is(err, ErrOutputTooLong) {
		return "", fmt.Errorf("%w: %v", application.ErrJobLimit, err)
	}
	if err != nil {
		return "", err
	}
	return ContentType(FormatMP3), nil
}

// keepTags keeps the descriptive tags an artist may want to see, bounded in size.
func keepTags(in map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"title", "artist", "album", "album_artist", "genre", "date", "track", "composer", "isrc", "encoder"} {
		if v, ok := in[k]; ok && v != "" {
			if len(v) > 300 {
				v = v[:300]
			}
			out[k] = v
		}
	}
	return out
}
