package zk_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"math/big"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/zk"
)

func TestAttestationsAreBoundAndShortLived(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	a, err := zk.NewAttester(key, nil, "https://vs.example", 10*time.Minute)
	require.NoError(t, err)
	now := time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)
	tok, at, err := a.Sign(zk.Attestation{Circuit: "solvency", Commitment: "123", Subject: "u1", Asset: "USD"}, now)
	require.NoError(t, err)
	require.Equal(t, now.Add(10*time.Minute), at.ExpiresAt)

	got, err := a.Verify(tok, now.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, "u1", got.Subject)
	require.Equal(t, "USD", got.Asset)

	_, err = a.Verify(tok, now.Add(11*time.Minute))
	require.ErrorIs(t, err, zk.ErrAttestation, "expired")

	// Another platform's key, or a token for another audience (an access token), is refused.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	b, _ := zk.NewAttester(other, nil, "https://vs.example", 10*time.Minute)
	_, err = b.Verify(tok, now)
	require.ErrorIs(t, err, zk.ErrAttestation)
	access := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.RegisteredClaims{Issuer: "https://vs.example", Subject: "u1",
		Audience: jwt.ClaimStrings{"vibestream"}, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))})
	access.Header["kid"] = zk.Thumbprint(key.Public().(ed25519.PublicKey))
	raw, err := access.SignedString(key)
	require.NoError(t, err)
	_, err = a.Verify(raw, now)
	require.ErrorIs(t, err, zk.ErrAttestation)

	// The checker ties the attestation to the circuit and the commitment in the proof.
	check := a.AttestationChecker("solvency", 0, func() time.Time { return now })
	reasons, err := check(context.Background(), []*big.Int{big.NewInt(123), big.NewInt(5)}, tok)
	require.NoError(t, err)
	require.Empty(t, reasons)
	reasons, _ = check(context.Background(), []*big.Int{big.NewInt(124), big.NewInt(5)}, tok)
	require.NotEmpty(t, reasons)
	reasons, _ = a.AttestationChecker("age", 0, func() time.Time { return now })(context.Background(), []*big.Int{big.NewInt(123), big.NewInt(5)}, tok)
	require.NotEmpty(t, reasons)
	reasons, _ = check(context.Background(), []*big.Int{big.NewInt(123), big.NewInt(5)}, "")
	require.NotEmpty(t, reasons)
}
