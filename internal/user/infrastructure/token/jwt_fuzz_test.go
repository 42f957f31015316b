package token

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/application"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// FuzzVerifyToken hands any string to the access-token verifier, and any claims to a
// sign-then-verify round trip. Nothing panics; a refusal is always user.invalid_token (a
// 401); only a token whose signed part this signer produced is accepted (so "none", HS256
// keyed with the public key, a foreign key, a re-encoded header or payload all fail); and
// signed claims come back unchanged.
func FuzzVerifyToken(f *testing.F) {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	s, err := NewSigner(Options{SigningKey: key, Issuer: issuer, Audience: audience})
	if err != nil {
		f.Fatal(err)
	}
	base := application.AccessClaims{UserID: uuid.MustParse("6f1c2a52-8d0b-4b43-9d3e-2f4f3f8f0a11"), Roles: []string{"listener"},
		Permissions: []string{"read:music"}, Wallets: map[string]string{"ethereum": "0xabc"}, TokenID: "jti-1", IssuedAt: now, ExpiresAt: now.Add(15 * time.Minute)}
	good, err := s.Sign(base)
	if err != nil {
		f.Fatal(err)
	}
	signedParts := []string{good[:strings.LastIndexByte(good, '.')]}
	b64 := base64.RawURLEncoding.EncodeToString
	for _, raw := range []string{good, good + "x", strings.Replace(good, ".", "..", 1), "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
		b64([]byte(`{"alg":"HS256","typ":"JWT","kid":"`+s.kid+`"}`)) + "." + strings.Split(good, ".")[1] + ".c2ln",
		b64([]byte(`{"alg":"EdDSA","kid":"`+s.kid+`"}`)) + "." + b64([]byte(`{"exp":"1900000000","iss":"`+issuer+`","aud":"`+audience+`","sub":"x"}`)) + "." + strings.Split(good, ".")[2],
		"", ".", "..", "a.b.c", strings.Repeat("A", 300)} {
		f.Add(raw, "listener", "read:music", "0xabc", "jti", uint16(900))
	}
	f.Fuzz(func(t *testing.T, raw, role, perm, wallet, jti string, ttl uint16) {
		c, err := s.Verify(raw, now)
		if err != nil {
			if !errors.Is(err, domain.ErrInvalidToken) {
				t.Fatalf("Verify = %v, want user.invalid_token", err)
			}
		} else {
			i := strings.LastIndexByte(raw, '.')
			if i < 0 || !slices.Contains(signedParts, raw[:i]) {
				t.Fatalf("accepted a token this signer never signed: %q", raw)
			}
			if c.UserID != base.UserID {
				t.Fatalf("accepted claims %+v", c)
			}
		}

		// round trip of what the service itself signs
		if ttl == 0 || !utf8.ValidString(role+perm+wallet+jti) {
			return // json.Marshal rewrites invalid UTF-8; the service signs only its own valid text
		}
		in := application.AccessClaims{UserID: base.UserID, Roles: []string{role}, Permissions: []string{perm},
			Wallets: map[string]string{"solana": wallet}, TokenID: jti, IssuedAt: now, ExpiresAt: now.Add(time.Duration(ttl) * time.Second)}
		tok, err := s.Sign(in)
		if err != nil {
			t.Fatalf("Sign: %v", err)
		}
		out, err := s.Verify(tok, now)
		if err != nil {
			t.Fatalf("a fresh token does not verify: %v", err)
		}
		if out.UserID != in.UserID || !slices.Equal(out.Roles, in.Roles) || !slices.Equal(out.Permissions, in.Permissions) ||
			out.Wallets["solana"] != wallet || out.TokenID != jti || !out.IssuedAt.Equal(in.IssuedAt) || !out.ExpiresAt.Equal(in.ExpiresAt) {
			t.Fatalf("round trip changed the claims:\n%+v\n%+v", in, out)
		}
		if _, err := s.Verify(tok, in.ExpiresAt.Add(ClockSkew+time.Second)); err == nil {
			t.Fatalf("accepted an expired token")
		}
	})
}
