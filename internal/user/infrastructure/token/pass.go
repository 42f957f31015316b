package token

import (
	"crypto/ed25519"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/contracts"
)

// Passes implements contracts.AccessPasses: EdDSA JWTs signed with the platform's key under its
// published kid (a venue verifies them offline with /.well-known/jwks.json). Passes carry their
// own audience ("vr"), so a pass is never an access token and an access token never a pass.
type Passes struct {
	key    ed25519.PrivateKey
	kid    string
	pubs   map[string]ed25519.PublicKey
	issuer string
}

var _ contracts.AccessPasses = (*Passes)(nil)

// NewPasses builds the pass signer; verify are the other published keys (rotation).
func NewPasses(key ed25519.PrivateKey, verify []ed25519.PublicKey, issuer string) (*Passes, error) {
	if len(key) != ed25519.PrivateKeySize || issuer == "" {
		return nil, errors.New("token: a signing key and an issuer are required for passes")
	}
	pub := key.Public().(ed25519.PublicKey)
	p := &Passes{key: key, kid: KeyID(pub), pubs: map[string]ed25519.PublicKey{KeyID(pub): pub}, issuer: issuer}
	for _, k := range verify {
		p.pubs[KeyID(k)] = k
	}
	return p, nil
}

type passClaims struct {
	jwt.RegisteredClaims
	Concert string `json:"concert"`
	Ticket  string `json:"ticket"`
	Holder  string `json:"holder"`
}

// IssuePass implements contracts.AccessPasses.
func (p *Passes) IssuePass(a contracts.AccessPass) (string, error) {
	if a.Audience == "" {
		return "", errors.New("token: a pass needs an audience")
	}
	cl := passClaims{RegisteredClaims: jwt.RegisteredClaims{Issuer: p.issuer, Subject: a.HolderID.String(),
		Audience: jwt.ClaimStrings{a.Audience}, NotBefore: jwt.NewNumericDate(a.NotBefore), ExpiresAt: jwt.NewNumericDate(a.ExpiresAt),
		IssuedAt: jwt.NewNumericDate(a.NotBefore), ID: a.ID},
		Concert: a.EventID.String(), Ticket: a.TicketID.String(), Holder: a.HolderID.String()}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, cl)
	t.Header["kid"] = p.kid
	return t.SignedString(p.key)
}

// VerifyPass implements contracts.AccessPasses: EdDSA only, one of our kids, our issuer, the
// audience, and the validity window at now (with the usual clock skew).
func (p *Passes) VerifyPass(raw, audience string, now time.Time) (contracts.AccessPass, error) {
	var cl passClaims
	_, err := jwt.ParseWithClaims(raw, &cl, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, ok := p.pubs[kid]
		if !ok {
			return nil, errors.New("unknown key id")
		}
		return k, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(p.issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithLeeway(ClockSkew),
	)
	if err != nil {
		return contracts.AccessPass{}, contracts.ErrPassInvalid.Wrap(err)
	}
	concert, err1 := uuid.Parse(cl.Concert)
	ticket, err2 := uuid.Parse(cl.Ticket)
	holder, err3 := uuid.Parse(cl.Holder)
	if err := errors.Join(err1, err2, err3); err != nil || cl.NotBefore == nil {
		return contracts.AccessPass{}, contracts.ErrPassInvalid.WithMessage("the access pass lacks its claims")
	}
	return contracts.AccessPass{ID: cl.ID, Audience: audience, EventID: concert, TicketID: ticket, HolderID: holder,
		NotBefore: cl.NotBefore.Time, ExpiresAt: cl.ExpiresAt.Time}, nil
}
