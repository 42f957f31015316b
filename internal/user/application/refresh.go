package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// Refresh rotates a refresh token: the presented one stops working and a new pair is issued.
// A token presented a second time revokes its whole family (ErrRefreshReused).
type Refresh struct {
	users    domain.Users
	refresh  domain.RefreshTokens
	sessions *Sessions
	now      Clock
}

// NewRefresh builds the use case.
func NewRefresh(users domain.Users, refresh domain.RefreshTokens, sessions *Sessions, now Clock) (*Refresh, error) {
	if users == nil || refresh == nil || sessions == nil || now == nil {
		return nil, errNilDependency
	}
	return &Refresh{users: users, refresh: refresh, sessions: sessions, now: now}, nil
}

// Handle rotates token and returns the new pair.
func (h *Refresh) Handle(ctx context.Context, token string) (TokenPair, error) {
	if token == "" || len(token) > 512 {
		return TokenPair{}, domain.ErrRefreshInvalid
	}
	next, nextHash, err := newOpaqueToken()
	if err != nil {
		return TokenPair{}, err
	}
	now := h.now().UTC()
	userID, err := h.refresh.Rotate(ctx, hashToken(token), now, domain.NewRefreshToken{ID: uuid.New(), Hash: nextHash,
		CreatedAt: now, ExpiresAt: now.Add(h.sessions.cfg.RefreshTTL)})
	if err != nil {
		return TokenPair{}, err
	}
	u, err := h.users.Get(ctx, userID)
	if errors.Is(err, contracts.ErrUserNotFound) {
		return TokenPair{}, domain.ErrRefreshInvalid
	}
	if err != nil {
		return TokenPair{}, err
	}
	access, err := h.sessions.AccessToken(ctx, u)
	if err != nil {
		return TokenPair{}, err
	}
	return TokenPair{AccessToken: access, RefreshToken: next, ExpiresIn: h.sessions.cfg.AccessTTL}, nil
}
