package domain

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

func challengeText(chain Chain, address string) string {
	c, err := NewChallenge(ChallengeParams{UserID: uuid.MustParse("6f1c2a52-8d0b-4b43-9d3e-2f4f3f8f0a11"), Chain: chain, Address: address,
		Domain: "vibestream.example", URI: "https://vibestream.example", ChainID: "31337", Nonce: "n0nce-12345678",
		Now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), TTL: 10 * time.Minute})
	if err != nil {
		panic(err)
	}
	return c.Message()
}

// FuzzParseSignInMessage covers the SIWE (EIP-4361) and Solana challenge messages a client
// sends back when linking a wallet: no input panics; what is accepted has the fields the
// service issues (version 1, a nonce of 8+, valid UTF-8 without NUL or other control
// characters, bounded) and re-renders to text that parses to the same message.
func FuzzParseSignInMessage(f *testing.F) {
	eth := challengeText(ChainEthereum, "0x8ba1f109551bD432803012645Ac136ddd64DBA72")
	sol := challengeText(ChainSolana, "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin")
	for _, s := range []string{eth, sol, strings.ReplaceAll(eth, "\n", "\r\n"), strings.Replace(eth, "Version: 1", "Version: 2", 1),
		strings.Replace(sol, LinkStatement+"\n\n", "", 1), strings.Replace(eth, "n0nce", "n\x00nce", 1), strings.Replace(sol, "Link", "L\xffnk", 1),
		strings.Replace(eth, "2026-12-06T12:00:00Z", "2026-12-06T13:00:00+01:00", 1), eth + "\n", strings.Replace(eth, "12:00:00Z", "12:00:00.5Z", 1), "", "\n\n\n\n\n\n\n\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseSignInMessage(s)
		if err != nil {
			return
		}
		if len(s) > MaxSignInMessageLen {
			t.Fatalf("accepted a message of %d bytes", len(s))
		}
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' || r == 0x7f }) {
			t.Fatalf("accepted invalid UTF-8 or control characters: %q", s)
		}
		if m.Version != "1" || len(m.Nonce) < 8 || m.Domain == "" || m.Address == "" || (m.Chain != ChainEthereum && m.Chain != ChainSolana) {
			t.Fatalf("accepted incomplete fields: %+v", m)
		}
		again, err := ParseSignInMessage(m.Text())
		if err != nil {
			t.Fatalf("the re-rendered message does not parse: %v\n%q", err, m.Text())
		}
		if again.Domain != m.Domain || again.Chain != m.Chain || again.Address != m.Address || again.Statement != m.Statement ||
			again.URI != m.URI || again.Version != m.Version || again.ChainID != m.ChainID || again.Nonce != m.Nonce ||
			!again.IssuedAt.Equal(m.IssuedAt) || !again.ExpiresAt.Equal(m.ExpiresAt) {
			t.Fatalf("round trip changed the message:\n%+v\n%+v", m, again)
		}
		if again.Text() != m.Text() {
			t.Fatalf("rendering is not stable")
		}
	})
}
