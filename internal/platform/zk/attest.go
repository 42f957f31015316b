package zk

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/big"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// AttestationAudience keeps attestations and access tokens apart: the same key signs both,
// and an access token verifier requires its own audience.
const AttestationAudience = "vibestream:zk-attestation"

// Attestation is what the platform vouches for: the commitment inside a proof is the one it
// computed from its own records (the ledger's balance, the stored birthdate) for this user.
type Attestation struct {
	ID         string
	Circuit    string
	Commitment string
	Subject    string
	// Asset is set for solvency.
	Asset     string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Attester signs attestations as EdDSA JWTs with the platform's Ed25519 key (the one behind
// /.well-known/jwks.json) and verifies them with any published key.
type Attester struct {
	key    ed25519.PrivateKey
	kid    string
	pubs   map[string]ed25519.PublicKey
	issuer string
	ttl    time.Duration
}

// NewAttester builds an attester. verify are the other published keys (rotation).
func NewAttester(key ed25519.PrivateKey, verify []ed25519.PublicKey, issuer string, ttl time.Duration) (*Attester, error) {
	if len(key) != ed25519.PrivateKeySize || issuer == "" || ttl <= 0 {
		return nil, errors.New("zk: an attester needs a signing key, an issuer and a lifetime")
	}
	a := &Attester{key: key, issuer: issuer, ttl: ttl, pubs: map[string]ed25519.PublicKey{}}
	pub := key.Public().(ed25519.PublicKey)
	a.kid = Thumbprint(pub)
	for _, k := range append([]ed25519.PublicKey{pub}, verify...) {
		a.pubs[Thumbprint(k)] = k
	}
	return a, nil
}

// TTL is how long an attestation stays valid.
func (a *Attester) TTL() time.Duration { return a.ttl }

// Thumbprint is the RFC 7638 JWK thumbprint of an Ed25519 key: the kid the JWK set publishes.
func Thumbprint(pub ed25519.PublicKey) string {
	canonical := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(canonical))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

type attClaims struct {
	jwt.RegisteredClaims
	Circuit    string `json:"circuit"`
	Commitment string `json:"commitment"`
	Asset      string `json:"asset,omitempty"`
}

// Sign issues an attestation valid from now for the attester's lifetime.
func (a *Attester) Sign(at Attestation, now time.Time) (string, Attestation, error) {
	at.ID = uuid.NewString()
	at.IssuedAt = now.UTC().Truncate(time.Second)
	at.ExpiresAt = at.IssuedAt.Add(a.ttl)
	cl := attClaims{RegisteredClaims: jwt.RegisteredClaims{Issuer: a.issuer, Subject: at.Subject,
		Audience: jwt.ClaimStrings{AttestationAudience}, IssuedAt: jwt.NewNumericDate(at.IssuedAt),
		NotBefore: jwt.NewNumericDate(at.IssuedAt), ExpiresAt: jwt.NewNumericDate(at.ExpiresAt), ID: at.ID},
		Circuit: at.Circuit, Commitment: at.Commitment, Asset: at.Asset}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, cl)
	t.Header["kid"] = a.kid
	t.Header["typ"] = "zk-attestation+jwt"
	s, err := t.SignedString(a.key)
	return s, at, err
}

// ErrAttestation wraps every reason an attestation is refused.
var ErrAttestation = errors.New("zk: attestation refused")

// Verify checks an attestation's signature (EdDSA only, a published kid), issuer, audience
// and lifetime at now.
func (a *Attester) Verify(raw string, now time.Time) (Attestation, error) {
	var cl attClaims
	_, err := jwt.ParseWithClaims(raw, &cl, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, ok := a.pubs[kid]
		if !ok {
			return nil, errors.New("unknown key id")
		}
		return k, nil
	}, jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}), jwt.WithIssuer(a.issuer),
		jwt.WithAudience(AttestationAudience), jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return now }), jwt.WithLeeway(5*time.Second))
	if err != nil {
		return Attestation{}, errors.Join(ErrAttestation, err)
	}
	out := Attestation{ID: cl.ID, Circuit: cl.Circuit, Commitment: cl.Commitment, Subject: cl.Subject, Asset: cl.Asset}
	if cl.IssuedAt != nil {
		out.IssuedAt = cl.IssuedAt.Time
	}
	if cl.ExpiresAt != nil {
		out.ExpiresAt = cl.ExpiresAt.Time
	}
	return out, nil
}

// AttestationChecker is the Checker of circuits whose commitment (public input at index) the
// platform attests: the attestation must be ours, alive, for this circuit and this commitment.
func (a *Attester) AttestationChecker(circuit string, index int, now func() time.Time) Checker {
	return func(_ context.Context, public []*big.Int, raw string) ([]string, error) {
		if raw == "" {
			return []string{"an attestation of the commitment is required for " + circuit + " proofs"}, nil
		}
		at, err := a.Verify(raw, now())
		if err != nil {
			return []string{"the attestation is not valid: " + err.Error()}, nil
		}
		var reasons []string
		if at.Circuit != circuit {
			reasons = append(reasons, "the attestation is for the "+at.Circuit+" circuit")
		}
		if at.Commitment != public[index].String() {
			reasons = append(reasons, "the attestation vouches for another commitment")
		}
		return reasons, nil
	}
}
