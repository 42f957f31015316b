package domain

import (
	"strings"
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
