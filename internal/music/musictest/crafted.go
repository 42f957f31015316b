package musictest

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Crafted is a hostile or broken file made from real ffmpeg output.
type Crafted struct {
	Name   string // file name in CraftedDir
	Format string // what the sniffer reports
	// Claim is what the header announces, in seconds (roughly).
	Claim float64
	// Why is the failure the song must end with: a substring of its reason; "" when the file
	// is acceptable once its duration is taken from the decode.
	Why string
	// DecodedMS is the length a full decode finds.
	DecodedMS int
}

// CraftedFiles are the attacks of the hardening report, each made from a real encode:
//   - hz1.wav: a 2 s WAV whose header says 1 Hz (so it claims 24.5 hours; ffmpeg would resample
//     it to days of audio);
//   - short.mp3: the first 2,000 bytes of an 8 s MP3 (its Xing header still claims 8 s);
//   - half.mp3: the first half of a 30 s MP3 (claims 30 s);
//   - cut.m4a: a 30 s M4A (moov first) cut in half;
//   - corrupt.flac: a 30 s FLAC with garbage written over a quarter of its frames;
//   - liar.wav: a 4 s WAV whose data chunk claims 30 s (acceptable: it plays 4 s, and 4 s is
//     what the song must say).
var CraftedFiles = []Crafted{
	{Name: "hz1.wav", Format: "wav", Claim: 88200, Why: "more than 1 hour", DecodedMS: 3_601_000},
	{Name: "short.mp3", Format: "mp3", Claim: 8, Why: "songs are 1 second to 1 hour", DecodedMS: 80},
	{Name: "half.mp3", Format: "mp3", Claim: 30, Why: "truncated", DecodedMS: 15_000},
	{Name: "cut.m4a", Format: "m4a", Claim: 30, Why: "truncated", DecodedMS: 15_000},
	{Name: "corrupt.flac", Format: "flac", Claim: 30, Why: "damaged", DecodedMS: 22_000},
	{Name: "liar.wav", Format: "wav", Claim: 30, DecodedMS: 4000},
}

var (
	craftOnce sync.Once
	craftDir  string
	craftErr  error
)

// CraftedDir returns a directory holding CraftedFiles (made once per test binary); tests are
// skipped without ffmpeg.
func CraftedDir(t testing.TB) string {
	t.Helper()
	Dir(t) // skips without ffmpeg
	craftOnce.Do(func() { craftDir, craftErr = craft() })
	if craftErr != nil {
		t.Fatalf("make crafted audio: %v", craftErr)
	}
	return craftDir
}

// CraftedPath returns the path of a crafted file.
func CraftedPath(t testing.TB, name string) string { return filepath.Join(CraftedDir(t), name) }

func tone(dst string, seconds string, rate string, args ...string) error {
	a := append([]string{"-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=" + rate + ":duration=" + seconds}, args...)
	a = append(a, dst)
	if out, err := exec.Command("ffmpeg", a...).CombinedOutput(); err != nil {
		return &exec.ExitError{Stderr: out}
	}
	return nil
}

func rewrite(path string, fn func([]byte) []byte) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, fn(b), 0o644)
}

// wavChunk returns the offset of a RIFF chunk's size field.
func wavChunk(b []byte, id string) int {
	for i := 12; i+8 <= len(b); {
		size := int(binary.LittleEndian.Uint32(b[i+4:]))
		if string(b[i:i+4]) == id {
			return i + 4
		}
		i += 8 + size + size%2
	}
	return -1
}

func craft() (string, error) {
	dir, err := os.MkdirTemp("", "vibestream-crafted-")
	if err != nil {
		return "", err
	}
	p := func(n string) string { return filepath.Join(dir, n) }
	steps := []func() error{
		func() error { return tone(p("hz1.wav"), "2", "44100", "-ac", "1", "-c:a", "pcm_s16le") },
		func() error {
			return rewrite(p("hz1.wav"), func(b []byte) []byte {
				fmtAt := wavChunk(b, "fmt ") + 4              // start of the fmt payload
				binary.LittleEndian.PutUint32(b[fmtAt+4:], 1) // sample rate
				binary.LittleEndian.PutUint32(b[fmtAt+8:], 2) // byte rate
				return b
			})
		},
		func() error { return tone(p("short.mp3"), "8", "44100", "-c:a", "libmp3lame", "-b:a", "128k") },
		func() error { return rewrite(p("short.mp3"), func(b []byte) []byte { return b[:2000] }) },
		func() error { return tone(p("half.mp3"), "30", "44100", "-c:a", "libmp3lame", "-b:a", "128k") },
		func() error { return rewrite(p("half.mp3"), func(b []byte) []byte { return b[:len(b)/2] }) },
		func() error {
			return tone(p("cut.m4a"), "30", "44100", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart")
		},
		func() error { return rewrite(p("cut.m4a"), func(b []byte) []byte { return b[:len(b)/2] }) },
		func() error { return tone(p("corrupt.flac"), "30", "44100", "-ac", "2", "-c:a", "flac") },
		func() error {
			return rewrite(p("corrupt.flac"), func(b []byte) []byte {
				from, to := len(b)/3, len(b)/3+len(b)/4
				for i := from; i < to; i++ {
					b[i] = byte(i*7919 + 13)
				}
				return b
			})
		},
		func() error { return tone(p("liar.wav"), "4", "44100", "-ac", "1", "-c:a", "pcm_s16le") },
		func() error {
			return rewrite(p("liar.wav"), func(b []byte) []byte {
				binary.LittleEndian.PutUint32(b[wavChunk(b, "data"):], 30*44100*2)
				return b
			})
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return "", err
		}
	}
	return dir, nil
}
