package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MaxSessionIDBytes bounds the client's session label kept with each stream record.
const MaxSessionIDBytes = 128

// NormalizeSessionID makes a client-sent session label safe to store: invalid UTF-8 sequences
// and control characters (NUL included) are dropped and the result is cut to
// MaxSessionIDBytes on a character boundary, so a multi-byte character is never split.
func NormalizeSessionID(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if (r == utf8.RuneError && size <= 1) || r < 0x20 || r == 0x7f {
			continue
		}
		if b.Len()+size > MaxSessionIDBytes {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// PlayListen is how much of a song must be served for it to count as a play: 30 seconds, or
// the whole song when it is shorter.
const PlayListen = 30 * time.Second

// PlayThresholdBytes converts PlayListen into bytes of a rendition of size bytes lasting
// durationMS: at least one byte, never more than the file.
func PlayThresholdBytes(size int64, durationMS int) int64 {
	if size <= 0 {
		return 1
	}
	if durationMS <= 0 {
		return min(size, 256<<10)
	}
	listenMS := PlayListen.Milliseconds()
	if int64(durationMS) <= listenMS {
		return size
	}
	return max(1, size*listenMS/int64(durationMS))
}
