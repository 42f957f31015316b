package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// TokenPair is what a successful login, registration or refresh returns.
type TokenPair struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    time.Duration
	// DeviceToken (logins only) marks this device as known to the account.
	DeviceToken string
}

// SessionConfig sets token lifetimes.
type SessionConfig struct {
	AccessTTL  time.Duration
	RefreshTTL time.Duration
}

// Sessions issues token pairs; registration, login and refresh share it.
type Sessions struct {
	wallets domain.Wallets
	refresh domain.RefreshTokens
	signer  TokenSigner
	cfg     SessionConfig
	now     Clock
}

// NewSessions builds the token issuer.
func NewSessions(wallets domain.Wallets, refresh domain.RefreshTokens, signer TokenSigner, cfg SessionConfig, now Clock) (*Sessions, error) {
	if wallets == nil || refresh == nil || signer == nil || now == nil {
		return nil, errNilDependency
	}
	if cfg.AccessTTL <= 0 || cfg.RefreshTTL <= 0 {
		return nil, errNilDependency
	}
	return &Sessions{wallets: wallets, refresh: refresh, signer: signer, cfg: cfg, now: now}, nil
}

// AccessToken signs a fresh access token for u with its current roles and wallets.
func (s *Sessions) AccessToken(ctx context.Context, u *domain.User) (string, error) {
	ws, err := s.wallets.List(ctx, u.ID())
	if err != nil {
		return "", err
	}
	wallets := map[string]string{}
	for _, w := range ws { // oldest first: the latest link per chain wins
		wallets[string(w.Chain)] = w.Address
	}
	now := s.now().UTC()
	return s.signer.Sign(AccessClaims{UserID: u.ID(), Roles: roleNames(u.Roles()), Permissions: PermissionsOf(u.Roles()),
		Wallets: wallets, TokenID: uuid.NewString(), IssuedAt: now, ExpiresAt: now.Add(s.cfg.AccessTTL)})
}

// Start opens a new session (a new refresh-token family) for u.
func (s *Sessions) Start(ctx context.Context, u *domain.User) (TokenPair, error) {
	tok, hash, err := newOpaqueToken()
	if err != nil {
		return TokenPair{}, err
	}
	now := s.now().UTC()
	if err := s.refresh.Create(ctx, domain.NewRefreshToken{ID: uuid.New(), FamilyID: uuid.New(), UserID: u.ID(), Hash: hash,
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTTL)}); err != nil {
		return TokenPair{}, err
	}
	access, err := s.AccessToken(ctx, u)
	if err != nil {
		return TokenPair{}, err
	}
	return TokenPair{AccessToken: access, RefreshToken: tok, ExpiresIn: s.cfg.AccessTTL}, nil
}
