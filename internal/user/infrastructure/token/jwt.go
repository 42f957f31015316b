package token

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/application"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// Options configure the signer.
type Options struct {
	SigningKey ed25519.PrivateKey
	// VerifyKeys are extra public keys still accepted (previous signing keys during rotation).
	VerifyKeys []ed25519.PublicKey
	Issuer     string
	Audience   string
}

// Signer implements application.TokenSigner with EdDSA JWTs.
type Signer struct {
	key      ed25519.PrivateKey
	kid      string
	pubs     map[string]ed25519.PublicKey
	order    []string
	issuer   string
	audience string
	jwks     []byte
}

var _ application.TokenSigner = (*Signer)(nil)

// NewSigner builds a signer and its JWK set.
func NewSigner(o Options) (*Signer, error) {
	if len(o.SigningKey) != ed25519.PrivateKeySize || o.Issuer == "" || o.Audience == "" {
		return nil, errors.New("token: a signing key, an issuer and an audience are required")
	}
	s := &Signer{key: o.SigningKey, issuer: o.Issuer, audience: o.Audience, pubs: map[string]ed25519.PublicKey{}}
	pub := o.SigningKey.Public().(ed25519.PublicKey)
	s.kid = KeyID(pub)
	for _, k := range append([]ed25519.PublicKey{pub}, o.VerifyKeys...) {
		id := KeyID(k)
		if _, dup := s.pubs[id]; dup {
			continue
		}
		s.pubs[id] = k
		s.order = append(s.order, id)
	}
	type jwk struct {
		Kty string `json:"kty"`
		Crv string `json:"crv"`
		X   string `json:"x"`
		Kid string `json:"kid"`
		Alg string `json:"alg"`
		Use string `json:"use"`
	}
	set := struct {
		Keys []jwk `json:"keys"`
	}{}
	for _, id := range s.order {
		set.Keys = append(set.Keys, jwk{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(s.pubs[id]),
			Kid: id, Alg: "EdDSA", Use: "sig"})
	}
	var err error
	if s.jwks, err = json.Marshal(set); err != nil {
		return nil, err
	}
	return s, nil
}

// KeyID is the id of the current signing key.
func (s *Signer) KeyID() string { return s.kid }

// JWKS is the public key set as JSON (RFC 7517).
func (s *Signer) JWKS() []byte { return s.jwks }

// ClockSkew is tolerated on exp, nbf and iat, so instances whose clocks differ slightly accept
// each other's fresh tokens.
const ClockSkew = 5 * time.Second

type tokenContext struct {
	BlockchainAddresses map[string]string `json:"blockchain_addresses"`
}

type claims struct {
	jwt.RegisteredClaims
	Roles       []string     `json:"roles"`
	Permissions []string     `json:"permissions"`
	Context     tokenContext `json:"context"`
}

// Sign implements application.TokenSigner.
func (s *Signer) Sign(c application.AccessClaims) (string, error) {
	wallets := c.Wallets
	if wallets == nil {
		wallets = map[string]string{}
	}
	cl := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.issuer,
			Subject:   c.UserID.String(),
			Audience:  jwt.ClaimStrings{s.audience},
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
			IssuedAt:  jwt.NewNumericDate(c.IssuedAt),
			NotBefore: jwt.NewNumericDate(c.IssuedAt),
			ID:        c.TokenID,
		},
		Roles: c.Roles, Permissions: c.Permissions, Context: tokenContext{BlockchainAddresses: wallets},
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, cl)
	t.Header["kid"] = s.kid
	return t.SignedString(s.key)
}

// numericDates requires exp, iat and nbf, when present, to be JSON numbers as RFC 7519 says
// (the library also accepts a string holding a number).
func numericDates(raw string) error {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return errors.New("malformed token")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil {
		return err
	}
	for _, name := range []string{"exp", "iat", "nbf"} {
		v, ok := fields[name]
		if !ok {
			continue
		}
		if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
			return fmt.Errorf("%s must be a numeric date", name)
		}
	}
	return nil
}

// Verify implements application.TokenSigner. Only EdDSA is accepted, so "none" and HS256
// tokens (including ones keyed with our public key) fail before any key is used; the kid must
// name one of our keys; iss, aud and exp are required and checked.
func (s *Signer) Verify(raw string, now time.Time) (application.AccessClaims, error) {
	var cl claims
	_, err := jwt.ParseWithClaims(raw, &cl, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, ok := s.pubs[kid]
		if !ok {
			return nil, errors.New("unknown key id")
		}
		return k, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(s.issuer),
		jwt.WithAudience(s.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithLeeway(ClockSkew),
	)
	if err == nil {
		err = numericDates(raw)
	}
	if err != nil {
		return application.AccessClaims{}, domain.ErrInvalidToken.Wrap(err)
	}
	id, err := uuid.Parse(cl.Subject)
	if err != nil {
		return application.AccessClaims{}, domain.ErrInvalidToken.Wrap(err)
	}
	out := application.AccessClaims{UserID: id, Roles: cl.Roles, Permissions: cl.Permissions,
		Wallets: cl.Context.BlockchainAddresses, TokenID: cl.ID}
	if cl.IssuedAt != nil {
		out.IssuedAt = cl.IssuedAt.Time
	}
	if cl.ExpiresAt != nil {
		out.ExpiresAt = cl.ExpiresAt.Time
	}
	return out, nil
}
