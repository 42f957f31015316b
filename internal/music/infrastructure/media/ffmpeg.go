package media

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Probe is what ffprobe says about a file.
type Probe struct {
	FormatName  string // ffprobe's format, e.g. "mp3", "flac", "ogg", "mov,mp4,m4a,3gp,3g2,mj2"
	Codec       string // the first audio stream's codec
	DurationMS  int
	BitrateKbps int
	SampleRate  int
	Channels    int
	Tags        map[string]string
}

// Tools runs ffprobe and ffmpeg. A missing ffmpeg makes Transcode unavailable; a missing
// ffprobe makes Probe unavailable (the upload then relies on sniffing alone).
type Tools struct {
	ffmpeg  string
	ffprobe string
}

// NewTools looks the binaries up: ffmpegPath may be a name on PATH or a path; ffprobe is
// looked for beside it, then on PATH.
func NewTools(ffmpegPath string) *Tools {
	t := &Tools{}
	if ffmpegPath == "" {
		ffmpegPath = "ffmpeg"
	}
	if p, err := exec.LookPath(ffmpegPath); err == nil {
		t.ffmpeg = p
		probe := strings.TrimSuffix(p, "ffmpeg") + "ffprobe"
		if strings.HasSuffix(p, "ffmpeg") {
			if pp, err := exec.LookPath(probe); err == nil {
				t.ffprobe = pp
			}
		}
	}
	if t.ffprobe == "" {
		if p, err := exec.LookPath("ffprobe"); err == nil {
			t.ffprobe = p
		}
	}
	return t
}

// CanTranscode reports whether ffmpeg is there.
func (t *Tools) CanTranscode() bool { return t.ffmpeg != "" }

// CanProbe reports whether ffprobe is there.
func (t *Tools) CanProbe() bool { return t.ffprobe != "" }

// ErrNotAudio is returned by Probe for a file without a decodable audio stream.
var ErrNotAudio = errors.New("media: no audio stream")

// Probe reads duration, bitrate and tags.
func (t *Tools) Probe(ctx context.Context, path string) (Probe, error) {
	if t.ffprobe == "" {
		return Probe{}, errors.New("media: ffprobe is not installed")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return Probe{}, fmt.Errorf("%w: ffprobe: %s", ErrNotAudio, firstLine(stderr.String(), err))
	}
	var raw struct {
		Streams []struct {
			CodecType  string            `json:"codec_type"`
			CodecName  string            `json:"codec_name"`
			SampleRate string            `json:"sample_rate"`
			Channels   int               `json:"channels"`
			BitRate    string            `json:"bit_rate"`
			Duration   string            `json:"duration"`
			Tags       map[string]string `json:"tags"`
		} `json:"streams"`
		Format struct {
			FormatName string            `json:"format_name"`
			Duration   string            `json:"duration"`
			BitRate    string            `json:"bit_rate"`
			Tags       map[string]string `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
		return Probe{}, fmt.Errorf("media: read ffprobe output: %w", err)
	}
	p := Probe{FormatName: raw.Format.FormatName, Tags: map[string]string{}}
	found := false
	for _, s := range raw.Streams {
		if s.CodecType != "audio" {
			continue
		}
		found = true
		p.Codec = s.CodecName
		p.SampleRate, _ = strconv.Atoi(s.SampleRate)
		p.Channels = s.Channels
		if br, err := strconv.Atoi(s.BitRate); err == nil {
			p.BitrateKbps = br / 1000
		}
		if p.DurationMS == 0 {
			p.DurationMS = seconds(s.Duration)
		}
		for k, v := range s.Tags {
			p.Tags[strings.ToLower(k)] = v
		}
		break
	}
	if !found {
		return Probe{}, ErrNotAudio
	}
	if d := seconds(raw.Format.Duration); d > 0 {
		p.DurationMS = d
	}
	if p.BitrateKbps == 0 {
		if br, err := strconv.Atoi(raw.Format.BitRate); err == nil {
			p.BitrateKbps = br / 1000
		}
	}
	for k, v := range raw.Format.Tags {
		p.Tags[strings.ToLower(k)] = v
	}
	if p.DurationMS <= 0 {
		return Probe{}, fmt.Errorf("%w: no duration", ErrNotAudio)
	}
	return p, nil
}

// Matches reports whether ffprobe's view agrees with the sniffed format.
func (p Probe) Matches(format string) bool {
	switch format {
	case FormatMP3:
		return p.FormatName == "mp3" && p.Codec == "mp3"
	case FormatFLAC:
		return p.FormatName == "flac" && p.Codec == "flac"
	case FormatWAV:
		return p.FormatName == "wav" && strings.HasPrefix(p.Codec, "pcm_")
	case FormatOpus:
		return p.FormatName == "ogg" && p.Codec == "opus"
	case FormatOgg:
		return p.FormatName == "ogg" && (p.Codec == "vorbis" || p.Codec == "flac" || p.Codec == "opus")
	case FormatM4A:
		return strings.Contains(p.FormatName, "mp4") && (p.Codec == "aac" || p.Codec == "alac")
	}
	return false
}

func seconds(s string) int {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 {
		return 0
	}
	return int(f*1000 + 0.5)
}

// Decode decodes the first audio stream of path in full, stopping once limit of audio has
// come out (so a header claiming days costs at most limit of decoding), and reports the decoded
// length and how many errors the decoder printed. It runs at low CPU priority on one thread.
func (t *Tools) Decode(ctx context.Context, path string, limit time.Duration) (DecodeResult, error) {
	if t.ffmpeg == "" {
		return DecodeResult{}, errors.New("media: ffmpeg is not installed")
	}
	ctx, cancel := context.WithTimeout(ctx, DecodeTimeout)
	defer cancel()
	// The audio is decoded to 8 kHz mono PCM and counted, so the length is that of the samples
	// actually decoded: frames the decoder had to skip (damage) do not count, whatever the
	// timestamps say.
	pcm := &byteCounter{}
	errLines := &lineCounter{}
	cmd := exec.CommandContext(ctx, t.ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-v", "error", "-threads", "1",
		"-i", path, "-map", "0:a:0", "-vn", "-t", secondsArg(limit), "-ac", "1", "-ar", "8000", "-f", "s16le", "-")
	cmd.Stdout, cmd.Stderr = pcm, errLines
	if err := runNice(ctx, cmd); err != nil {
		if ctx.Err() != nil {
			return DecodeResult{}, fmt.Errorf("%w: decoding took longer than %s", ErrTooSlow, DecodeTimeout)
		}
		return DecodeResult{}, fmt.Errorf("%w: ffmpeg: %s", ErrNotAudio, firstLine(errLines.first.String(), err))
	}
	return DecodeResult{DurationMS: int(pcm.n / 16), Errors: errLines.n, FirstError: strings.TrimSpace(errLines.first.String())}, nil
}

// byteCounter counts what is written to it.
type byteCounter struct{ n int64 }

func (b *byteCounter) Write(p []byte) (int, error) { b.n += int64(len(p)); return len(p), nil }

// DecodeResult is what Decode found.
type DecodeResult struct {
	DurationMS int
	Errors     int
	FirstError string
}

// DecodeTimeout bounds the wall time of one decode; decoding an hour of FLAC takes seconds.
const DecodeTimeout = 2 * time.Minute

// Errors that end a job for good: the file makes ffmpeg work beyond its bounds.
var (
	ErrTooSlow       = errors.New("media: ffmpeg ran past its time limit")
	ErrOutputTooLong = errors.New("media: the rendition exceeded its size limit")
)

// Encode is one rendition to make, with its bounds.
type Encode struct {
	Kbps int
	// MaxDuration stops the encoder after this much audio (-t).
	MaxDuration time.Duration
	// MaxBytes bounds the output (-fs); reaching it fails the encode.
	MaxBytes int64
	// Timeout bounds the encoder's wall time.
	Timeout time.Duration
}

// Transcode encodes the audio of src into an MP3 at dst within the bounds of e, on one thread
// at low CPU priority.
func (t *Tools) Transcode(ctx context.Context, src, dst string, e Encode) error {
	if t.ffmpeg == "" {
		return errors.New("media: ffmpeg is not installed")
	}
	if e.Timeout <= 0 || e.Timeout > 10*time.Minute {
		e.Timeout = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, e.Timeout)
	defer cancel()
	args := []string{"-nostdin", "-v", "error", "-y", "-threads", "1", "-i", src,
		"-map", "0:a:0", "-vn", "-map_metadata", "-1", "-c:a", "libmp3lame", "-b:a", strconv.Itoa(e.Kbps) + "k"}
	if e.MaxDuration > 0 {
		args = append(args, "-t", secondsArg(e.MaxDuration))
	}
	if e.MaxBytes > 0 {
		args = append(args, "-fs", strconv.FormatInt(e.MaxBytes, 10))
	}
	args = append(args, "-f", "mp3", dst)
	cmd := exec.CommandContext(ctx, t.ffmpeg, args...)
	errLines := &lineCounter{}
	cmd.Stderr = errLines
	if err := runNice(ctx, cmd); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: encoding took longer than %s", ErrTooSlow, e.Timeout)
		}
		return fmt.Errorf("ffmpeg: %s", firstLine(errLines.first.String(), err))
	}
	if e.MaxBytes > 0 {
		if st, err := os.Stat(dst); err == nil && st.Size() >= e.MaxBytes {
			return fmt.Errorf("%w: %d bytes for %s of audio at %d kbps", ErrOutputTooLong, st.Size(), e.MaxDuration, e.Kbps)
		}
	}
	return nil
}

// runNice starts cmd, lowers its CPU priority (transcoding must not starve the API) and waits.
func runNice(ctx context.Context, cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, cmd.Process.Pid, 10)
	return cmd.Wait()
}

func secondsArg(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// lineCounter counts the non-empty lines written to it and keeps the first few hundred bytes.
type lineCounter struct {
	n     int
	first bytes.Buffer
	mid   bool
}

func (l *lineCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' {
			l.mid = false
			continue
		}
		if !l.mid {
			l.n++
			l.mid = true
		}
	}
	if room := 600 - l.first.Len(); room > 0 {
		l.first.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func firstLine(s string, err error) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return err.Error()
	}
	if i := strings.IndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
