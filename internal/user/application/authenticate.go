package application

import (
	"context"
)

// Authenticate verifies an access token. It needs no database: everything a request needs
// about its caller is in the signed claims.
type Authenticate struct {
	signer TokenSigner
	now    Clock
}

// NewAuthenticate builds the use case.
func NewAuthenticate(signer TokenSigner, now Clock) (*Authenticate, error) {
	if signer == nil || now == nil {
		return nil, errNilDependency
	}
	return &Authenticate{signer: signer, now: now}, nil
}

// Handle returns the token's claims or domain.ErrInvalidToken.
func (h *Authenticate) Handle(_ context.Context, token string) (AccessClaims, error) {
	return h.signer.Verify(token, h.now())
}
