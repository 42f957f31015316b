package media_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/domain"
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
	require.NoError(t, tools.Transcode(context.Background(), musictest.Path(t, "tone.flac"), dst, media.Encode{Kbps: 96}))
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
	assert.Error(t, tools.Transcode(context.Background(), "a", "b", media.Encode{Kbps: 96}))
}

// The crafted files of the hardening report: the sniffer and ffprobe accept each (their
// headers look fine), and only a full decode shows what they are.
func TestDecodeMeasuresWhatTheHeaderOnlyClaims(t *testing.T) {
	t.Parallel()
	tools := media.NewTools("ffmpeg")
	ins := media.Inspector{T: tools}
	for _, c := range musictest.CraftedFiles {
		t.Run(c.Name, func(t *testing.T) {
			path := musictest.CraftedPath(t, c.Name)
			head, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, c.Format, media.Sniff(head[:min(len(head), media.SniffLen)]))
			info, err := ins.Inspect(context.Background(), path, c.Format)
			if err != nil {
				t.Logf("refused at upload already: %v", err)
				return
			}
			t.Logf("header claims %d ms", info.DurationMS)
			rep, err := ins.Decode(context.Background(), path, domain.MaxSongDuration+time.Second)
			require.NoError(t, err)
			t.Logf("decoded %d ms, %d errors", rep.DurationMS, rep.Errors)
			assert.InDelta(t, c.DecodedMS, rep.DurationMS, float64(c.DecodedMS)/10+100)
			err = domain.JudgeDecode(info.DurationMS, rep)
			if c.Why == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.Why)
		})
	}
	// a sound file passes, with the decoded length
	for _, tn := range musictest.Tones {
		t.Run(tn.Name, func(t *testing.T) {
			info, err := ins.Inspect(context.Background(), musictest.Path(t, tn.Name), tn.Format)
			require.NoError(t, err)
			rep, err := ins.Decode(context.Background(), musictest.Path(t, tn.Name), domain.MaxSongDuration+time.Second)
			require.NoError(t, err)
			assert.InDelta(t, 2000, rep.DurationMS, 60)
			assert.Zero(t, rep.Errors)
			assert.NoError(t, domain.JudgeDecode(info.DurationMS, rep))
		})
	}
}

func TestTranscodeStopsAtItsBounds(t *testing.T) {
	t.Parallel()
	tools := media.NewTools("ffmpeg")
	dst := filepath.Join(t.TempDir(), "x.mp3")
	// the 1 Hz WAV would become a day of audio; -t caps it at 3 s of output
	err := tools.Transcode(context.Background(), musictest.CraftedPath(t, "hz1.wav"), dst, media.Encode{Kbps: 96, MaxDuration: 3 * time.Second})
	require.NoError(t, err)
	p, err := tools.Probe(context.Background(), dst)
	require.NoError(t, err)
	assert.InDelta(t, 3000, p.DurationMS, 250)
	// an output bound smaller than the bitrate needs fails the encode
	err = tools.Transcode(context.Background(), musictest.Path(t, "tone.flac"), dst, media.Encode{Kbps: 256, MaxBytes: 10_000})
	assert.ErrorIs(t, err, media.ErrOutputTooLong)
	// a wall-time bound stops ffmpeg
	err = tools.Transcode(context.Background(), musictest.CraftedPath(t, "hz1.wav"), dst, media.Encode{Kbps: 96, Timeout: 50 * time.Millisecond})
	assert.ErrorIs(t, err, media.ErrTooSlow)
}
