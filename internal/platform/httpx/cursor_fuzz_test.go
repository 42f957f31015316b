package httpx_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/platform/httpx"
)

// fuzzCursor has the field kinds the contexts' cursors use.
type fuzzCursor struct {
	At    time.Time `json:"t"`
	ID    uuid.UUID `json:"i"`
	Score float64   `json:"s,omitempty"`
	Name  string    `json:"n,omitempty"`
	Seq   int64     `json:"q,omitempty"`
}

// FuzzDecodeCursor: a client may send any ?cursor=. Nothing panics; a refusal is always
// ErrBadCursor (a 400, never a 500); what is accepted is bounded, holds no NUL or invalid
// UTF-8 (which would reach Postgres), and re-encodes to a cursor that decodes to the same
// position.
func FuzzDecodeCursor(f *testing.F) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	f.Add(httpx.EncodeCursor(fuzzCursor{At: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), ID: uuid.MustParse("6f1c2a52-8d0b-4b43-9d3e-2f4f3f8f0a11"), Score: 0.5, Name: "x"}))
	f.Add(enc(`{"n":"a\u0000b"}`))
	f.Add(enc("{\"n\":\"a\xffb\"}"))
	f.Add(enc(`{"t":"10000-01-01T00:00:00Z"}`))
	f.Add(enc(`{"i":"not-a-uuid"}`))
	f.Add(enc(`{"s":1e400}`))
	f.Add(enc(`[]`))
	f.Add(enc(`null`))
	f.Add(enc(`{"q":9223372036854775808}`))
	f.Add(strings.Repeat("A", 2000))
	f.Add("%00")
	f.Add("e30")
	f.Fuzz(func(t *testing.T, s string) {
		var cur fuzzCursor
		ok, err := httpx.DecodeCursor(s, &cur)
		if err != nil {
			if !errors.Is(err, httpx.ErrBadCursor) {
				t.Fatalf("DecodeCursor(%q) = %v, want ErrBadCursor", s, err)
			}
			return
		}
		if !ok {
			if s != "" {
				t.Fatalf("DecodeCursor(%q) reported no cursor", s)
			}
			return
		}
		if len(s) > httpx.MaxCursorLen {
			t.Fatalf("accepted a %d-byte cursor", len(s))
		}
		if !utf8.ValidString(cur.Name) || strings.IndexByte(cur.Name, 0) >= 0 {
			t.Fatalf("accepted a string Postgres refuses: %q", cur.Name)
		}
		var again fuzzCursor
		if ok, err := httpx.DecodeCursor(httpx.EncodeCursor(cur), &again); !ok || err != nil {
			t.Fatalf("a re-encoded cursor does not decode: %v", err)
		}
		if !again.At.Equal(cur.At) || again.ID != cur.ID || again.Score != cur.Score || again.Name != cur.Name || again.Seq != cur.Seq {
			t.Fatalf("round trip moved the position: %+v -> %+v", cur, again)
		}
	})
}
