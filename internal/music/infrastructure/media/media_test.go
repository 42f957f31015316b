package media_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/infrastructure/media"
	"github.com/vibestream/vibestream/internal/music/musictest"
)

func TestSniffRecognisesEveryAcceptedFormatByContent(t *testing.T) {
	t.Parallel()
	for _, tn := range musictest.Tones {
		t.Run(tn.Name, func(t *testing.T) {
			b := musictest.Read(t, tn.Name)
			assert.Equal(t, tn.Format, media.Sniff(b[:min(len(b), media.SniffLen)]))
		})
	}
}

func TestSniffRejectsWhatOnlyPretendsToBeAudio(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"fake.mp3", "noise.mp3"} {
		assert.Empty(t, media.Sniff(musictest.Read(t, name)), name)
	}
	assert.Empty(t, media.Sniff([]byte("%PDF-1.7 ...")))
	assert.Empty(t, media.Sniff([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}))
	assert.Empty(t, media.Sniff(nil))
	// a video container brand is not accepted as audio
	assert.Empty(t, media.Sniff([]byte("\x00\x00\x00\x18ftypqt  \x00\x00\x02\x00")))
}

func TestProbeReadsDurationBitrateAndTags(t *testing.T) {
	t.Parallel()
	tools := media.NewTools("ffmpeg")
	require.True(t, tools.CanProbe())
	ins := media.Inspector{T: tools}
	for _, tn := range musictest.Tones {
		t.Run(tn.Name, func(t *testing.T) {
			info, err := ins.Inspect(context.Background(), musictest.Path(t, tn.Name), tn.Format)
			require.NoError(t, err)
			assert.InDelta(t, musictest.Seconds*1000, info.DurationMS, 60, "duration from the file")
			assert.Equal(t, tn.ContentType, info.ContentType)
			assert.Equal(t, tn.Lossless, info.Lossless)
			assert.Equal(t, "Test Tone", info.Tags["title"])
			if tn.Format == "mp3" {
				assert.Equal(t, 128, info.BitrateKbps)
			}
		})
	}
}

func TestInspectRefusesContentThatDisagreesWithTheSniffedFormat(t *testing.T) {
	t.Parallel()
	ins := media.Inspector{T: media.NewTools("ffmpeg")}
	_, err := ins.Inspect(context.Background(), musictest.Path(t, "tone.flac"), "mp3")
	assert.ErrorIs(t, err, media.ErrNotAudio)
	_, err = ins.Inspect(context.Background(), musictest.Path(t, "fake.mp3"), "mp3")
	assert.ErrorIs(t, err, media.ErrNotAudio)
}

func TestHeaderDurationWithoutFFprobe(t *testing.T) {
	t.Parallel()
	// a tools value with no binaries at all
	ins := media.Inspector{T: media.NewTools("/nonexistent/ffmpeg")}
	if ins.T.CanProbe() {
		t.Skip("ffprobe on PATH is found independently of FFMPEG_PATH")
	}
	for _, name := range []string{"tone.wav", "tone.flac"} {
		info, err := ins.Inspect(context.Background(), musictest.Path(t, name), map[string]string{"tone.wav": "wav", "tone.flac": "flac"}[name])
		require.NoError(t, err)
		assert.InDelta(t, 2000, info.DurationMS, 5)
	}
}

func TestTranscodeMakesAnMP3AtTheAskedBitrate(t *testing.T) {
	t.Parallel()
	tools := media.NewTools("ffmpeg")
	dst := filepath.Join(t.TempDir(), "low.mp3")
	require.NoError(t, tools.Transcode(context.Background(), musictest.Path(t, "tone.flac"), dst, 96))
	p, err := tools.Probe(context.Background(), dst)
	require.NoError(t, err)
	assert.Equal(t, "mp3", p.Codec)
	assert.Equal(t, 96, p.BitrateKbps)
	assert.InDelta(t, 2000, p.DurationMS, 80)
	head, _ := os.ReadFile(dst)
	assert.Equal(t, "mp3", media.Sniff(head))
}

func TestMissingFFmpegIsReported(t *testing.T) {
	t.Parallel()
	tools := media.NewTools("/nonexistent/ffmpeg")
	assert.False(t, tools.CanTranscode())
	assert.Error(t, tools.Transcode(context.Background(), "a", "b", 96))
}
