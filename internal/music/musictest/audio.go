// Package musictest makes real audio for the music context's tests: short sine tones encoded by
// ffmpeg in every accepted format, plus files that only pretend to be audio.
package musictest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Tone describes one generated file.
type Tone struct {
	Name        string // file name, e.g. "tone.mp3"
	Format      string // the format the sniffer must report
	ContentType string
	Args        []string // ffmpeg encoder arguments
	Lossless    bool
}

// Seconds is the length of every tone: short, to keep the suite fast.
const Seconds = 2

// Tones are the accepted formats.
var Tones = []Tone{
	{Name: "tone.mp3", Format: "mp3", ContentType: "audio/mpeg", Args: []string{"-c:a", "libmp3lame", "-b:a", "128k"}},
	{Name: "tone.flac", Format: "flac", ContentType: "audio/flac", Args: []string{"-c:a", "flac"}, Lossless: true},
	{Name: "tone.wav", Format: "wav", ContentType: "audio/wav", Args: []string{"-c:a", "pcm_s16le"}, Lossless: true},
	{Name: "tone.opus", Format: "opus", ContentType: "audio/ogg; codecs=opus", Args: []string{"-c:a", "libopus", "-b:a", "64k"}},
	{Name: "tone.ogg", Format: "ogg", ContentType: "audio/ogg", Args: []string{"-c:a", "libvorbis", "-q:a", "4"}},
	{Name: "tone.m4a", Format: "m4a", ContentType: "audio/mp4", Args: []string{"-c:a", "aac", "-b:a", "128k"}},
}

var (
	once sync.Once
	dir  string
	err  error
)

// Dir returns a directory holding every tone plus fake.mp3 (text named .mp3), noise.mp3
// (random bytes) and video.mp4 (no audio stream); made once per test binary. Tests are
// skipped when ffmpeg is not installed.
func Dir(t testing.TB) string {
	t.Helper()
	if _, lerr := exec.LookPath("ffmpeg"); lerr != nil {
		t.Skip("ffmpeg is not installed")
	}
	once.Do(func() {
		dir, err = os.MkdirTemp("", "vibestream-audio-")
		if err != nil {
			return
		}
		for _, tn := range Tones {
			args := append([]string{"-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2",
				"-ac", "2", "-metadata", "title=Test Tone", "-metadata", "artist=Sine Wave"}, tn.Args...)
			args = append(args, filepath.Join(dir, tn.Name))
			if out, cerr := exec.Command("ffmpeg", args...).CombinedOutput(); cerr != nil {
				err = &exec.ExitError{Stderr: out}
				return
			}
		}
		if err = os.WriteFile(filepath.Join(dir, "fake.mp3"), []byte("this is not audio, it only has an .mp3 name\n"), 0o644); err != nil {
			return
		}
		noise := make([]byte, 4096)
		for i := range noise {
			noise[i] = byte(i*7919 + 13)
		}
		err = os.WriteFile(filepath.Join(dir, "noise.mp3"), noise, 0o644)
	})
	if err != nil {
		t.Fatalf("make test audio: %v", err)
	}
	return dir
}

// Path returns the path of a generated file.
func Path(t testing.TB, name string) string {
	return filepath.Join(Dir(t), name)
}

// Read returns a generated file's bytes.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, rerr := os.ReadFile(Path(t, name))
	if rerr != nil {
		t.Fatal(rerr)
	}
	return b
}
