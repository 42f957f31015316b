package application

import (
	"context"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// Logout revokes the session (the refresh-token family) a refresh token belongs to. Access
// tokens already issued stay valid until they expire (at most the access-token lifetime).
type Logout struct {
	refresh domain.RefreshTokens
	now     Clock
}

// NewLogout builds the use case.
func NewLogout(refresh domain.RefreshTokens, now Clock) (*Logout, error) {
	if refresh == nil || now == nil {
		return nil, errNilDependency
	}
	return &Logout{refresh: refresh, now: now}, nil
}

// Handle revokes; an unknown token is not an error (logging out twice is fine).
func (h *Logout) Handle(ctx context.Context, token string) error {
	if token == "" || len(token) > 512 {
		return domain.ErrRefreshInvalid
	}
	return h.refresh.RevokeFamily(ctx, hashToken(token), h.now().UTC())
}
