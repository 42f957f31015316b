package token

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/user/application"
	"github.com/vibestream/vibestream/internal/user/domain"
)

const (
	issuer   = "https://vibestream.example"
	audience = "vibestream"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return k
}

func newSigner(t testing.TB, key ed25519.PrivateKey, extra ...ed25519.PublicKey) *Signer {
	t.Helper()
	s, err := NewSigner(Options{SigningKey: key, VerifyKeys: extra, Issuer: issuer, Audience: audience})
	require.NoError(t, err)
	return s
}

func sampleClaims() application.AccessClaims {
	return application.AccessClaims{UserID: uuid.New(), Roles: []string{"listener"}, Permissions: []string{"read:music"},
		Wallets: map[string]string{"ethereum": "0xabc"}, TokenID: uuid.NewString(), IssuedAt: now, ExpiresAt: now.Add(15 * time.Minute)}
}

func TestSignAndVerify(t *testing.T) {
	t.Parallel()
	s := newSigner(t, newKey(t))
	c := sampleClaims()
	tok, err := s.Sign(c)
	require.NoError(t, err)

	got, err := s.Verify(tok, now.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, c.UserID, got.UserID)
	assert.Equal(t, c.Roles, got.Roles)
	assert.Equal(t, c.Permissions, got.Permissions)
	assert.Equal(t, c.Wallets, got.Wallets)
	assert.Equal(t, c.TokenID, got.TokenID)
	assert.True(t, c.ExpiresAt.Equal(got.ExpiresAt))

	// The wire format carries the claims of the architecture (section 8) plus iss, aud, jti.
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	header := decodeSegment(t, parts[0])
	assert.Equal(t, "EdDSA", header["alg"])
	assert.Equal(t, s.KeyID(), header["kid"])
	body := decodeSegment(t, parts[1])
	for _, k := range []string{"sub", "exp", "iat", "iss", "aud", "jti", "roles", "permissions", "context"} {
		assert.Contains(t, body, k)
	}
	assert.Equal(t, map[string]any{"blockchain_addresses": map[string]any{"ethereum": "0xabc"}}, body["context"])
}

func decodeSegment(t *testing.T, seg string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

func mapClaims(c application.AccessClaims, mut func(jwt.MapClaims)) jwt.MapClaims {
	m := jwt.MapClaims{
		"sub": c.UserID.String(), "iss": issuer, "aud": []string{audience}, "iat": c.IssuedAt.Unix(),
		"exp": c.ExpiresAt.Unix(), "jti": c.TokenID, "roles": []string{"admin"}, "permissions": []string{"admin:treasury"},
	}
	if mut != nil {
		mut(m)
	}
	return m
}

// TestAttacksAreRejected forges tokens the ways attackers do; each must fail.
func TestAttacksAreRejected(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	s := newSigner(t, key)
	pub := key.Public().(ed25519.PublicKey)
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	c := sampleClaims()

	signEd := func(k ed25519.PrivateKey, kid string, claims jwt.MapClaims) string {
		tk := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
		tk.Header["kid"] = kid
		out, err := tk.SignedString(k)
		require.NoError(t, err)
		return out
	}
	signHS := func(secret []byte) string {
		tk := jwt.NewWithClaims(jwt.SigningMethodHS256, mapClaims(c, nil))
		tk.Header["kid"] = s.KeyID()
		out, err := tk.SignedString(secret)
		require.NoError(t, err)
		return out
	}
	none := func() string {
		tk := jwt.NewWithClaims(jwt.SigningMethodNone, mapClaims(c, nil))
		tk.Header["kid"] = s.KeyID()
		out, err := tk.SignedString(jwt.UnsafeAllowNoneSignatureType)
		require.NoError(t, err)
		return out
	}
	tampered := func() string {
		good, err := s.Sign(c)
		require.NoError(t, err)
		parts := strings.Split(good, ".")
		body := decodeSegment(t, parts[1])
		body["roles"] = []string{"admin"}
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		parts[1] = base64.RawURLEncoding.EncodeToString(raw)
		return strings.Join(parts, ".")
	}
	other := newKey(t)

	for name, tok := range map[string]string{
		"alg none":                        none(),
		"alg none without signature":      strings.TrimSuffix(none(), "."),
		"HS256 keyed with raw public key": signHS(pub),
		"HS256 keyed with public PEM":     signHS(pubPEM),
		"unknown kid":                     signEd(other, KeyID(other.Public().(ed25519.PublicKey)), mapClaims(c, nil)),
		"our kid, another key":            signEd(other, s.KeyID(), mapClaims(c, nil)),
		"no kid":                          signEd(key, "", mapClaims(c, nil)),
		"expired": signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) {
			m["exp"] = now.Add(-ClockSkew - time.Second).Unix()
		})),
		"no exp":         signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) { delete(m, "exp") })),
		"wrong issuer":   signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) { m["iss"] = "https://evil.example" })),
		"no issuer":      signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) { delete(m, "iss") })),
		"wrong audience": signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) { m["aud"] = []string{"other-app"} })),
		"issued in the future": signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) {
			m["iat"] = now.Add(time.Hour).Unix()
			m["exp"] = now.Add(2 * time.Hour).Unix()
		})),
		"exp as a string": signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) {
			m["exp"] = strconv.FormatInt(now.Add(time.Hour).Unix(), 10)
		})),
		"iat as a string":    signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) { m["iat"] = strconv.FormatInt(now.Unix(), 10) })),
		"nbf as a string":    signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) { m["nbf"] = strconv.FormatInt(now.Unix(), 10) })),
		"exp as null":        signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) { m["exp"] = nil })),
		"subject not a uuid": signEd(key, s.KeyID(), mapClaims(c, func(m jwt.MapClaims) { m["sub"] = "root" })),
		"tampered payload":   tampered(),
		"garbage":            "not.a.jwt",
		"empty":              "",
	} {
		_, err := s.Verify(tok, now)
		assert.ErrorIs(t, err, domain.ErrInvalidToken, name)
	}

	// Control: the same construction with the right key, kid and claims passes, so the cases
	// above fail for the reason they name.
	_, err = s.Verify(signEd(key, s.KeyID(), mapClaims(c, nil)), now)
	assert.NoError(t, err)
}

func TestExpiryIsExact(t *testing.T) {
	t.Parallel()
	s := newSigner(t, newKey(t))
	c := sampleClaims()
	tok, err := s.Sign(c)
	require.NoError(t, err)
	_, err = s.Verify(tok, c.ExpiresAt.Add(-time.Second))
	assert.NoError(t, err)
	_, err = s.Verify(tok, c.ExpiresAt.Add(ClockSkew-time.Second))
	assert.NoError(t, err, "a few seconds of clock skew are tolerated")
	_, err = s.Verify(tok, c.ExpiresAt.Add(ClockSkew+time.Second))
	assert.ErrorIs(t, err, domain.ErrInvalidToken)
	_, err = s.Verify(tok, c.IssuedAt.Add(-ClockSkew+time.Second))
	assert.NoError(t, err, "an instance whose clock is slightly behind accepts a fresh token")
}

func TestRotationKeepsOldTokensValid(t *testing.T) {
	t.Parallel()
	oldKey, newK := newKey(t), newKey(t)
	old := newSigner(t, oldKey)
	tok, err := old.Sign(sampleClaims())
	require.NoError(t, err)

	rotated := newSigner(t, newK, oldKey.Public().(ed25519.PublicKey))
	_, err = rotated.Verify(tok, now)
	assert.NoError(t, err, "a token of the previous key verifies during the rotation")
	assert.NotEqual(t, old.KeyID(), rotated.KeyID())

	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(rotated.JWKS(), &set))
	require.Len(t, set.Keys, 2)
	assert.Equal(t, rotated.KeyID(), set.Keys[0]["kid"])
	assert.Equal(t, old.KeyID(), set.Keys[1]["kid"])

	withoutOld := newSigner(t, newK)
	_, err = withoutOld.Verify(tok, now)
	assert.ErrorIs(t, err, domain.ErrInvalidToken)
}

func TestJWKSVerifiesTokensIndependently(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	s := newSigner(t, key)
	tok, err := s.Sign(sampleClaims())
	require.NoError(t, err)
	var set struct {
		Keys []struct {
			Kty, Crv, X, Kid, Alg, Use string
		} `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(s.JWKS(), &set))
	require.Len(t, set.Keys, 1)
	k := set.Keys[0]
	assert.Equal(t, []string{"OKP", "Ed25519", "EdDSA", "sig"}, []string{k.Kty, k.Crv, k.Alg, k.Use})
	x, err := base64.RawURLEncoding.DecodeString(k.X)
	require.NoError(t, err)

	// A third party with only the JWK verifies the token with a stock JWT library.
	parsed, err := jwt.Parse(tok, func(t *jwt.Token) (any, error) { return ed25519.PublicKey(x), nil },
		jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithTimeFunc(func() time.Time { return now }))
	require.NoError(t, err)
	assert.Equal(t, k.Kid, parsed.Header["kid"])
}

func TestKeyIDIsTheRFC7638Thumbprint(t *testing.T) {
	t.Parallel()
	// RFC 8037 appendix A.3: the thumbprint of its example Ed25519 key.
	x, err := base64.RawURLEncoding.DecodeString("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
	require.NoError(t, err)
	assert.Equal(t, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", KeyID(ed25519.PublicKey(x)))
}

func TestLoadOrCreateKeyIsStableAndPrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys", "jwt.pem")
	var (
		wg   sync.WaitGroup
		keys = make([]ed25519.PrivateKey, 8)
		errs = make([]error, 8)
	)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], errs[i] = LoadOrCreateKey(path)
		}()
	}
	wg.Wait()
	for i := range keys {
		require.NoError(t, errs[i])
		assert.Equal(t, keys[0], keys[i], "racing creators end with one key")
	}
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	again, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	assert.Equal(t, keys[0], again, "the key is kept across restarts")

	pub, err := LoadPublicKey(path)
	require.NoError(t, err)
	assert.Equal(t, keys[0].Public(), pub)

	_, err = LoadPrivateKey(filepath.Join(t.TempDir(), "missing.pem"))
	assert.ErrorIs(t, err, os.ErrNotExist, "an explicit key file is never created")
}

// BenchmarkVerify is the per-request cost of authentication.
func BenchmarkVerify(b *testing.B) {
	s := newSigner(b, newKey(b))
	tok, err := s.Sign(sampleClaims())
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Verify(tok, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSign is the cost of issuing an access token.
func BenchmarkSign(b *testing.B) {
	s := newSigner(b, newKey(b))
	c := sampleClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sign(c); err != nil {
			b.Fatal(err)
		}
	}
}
