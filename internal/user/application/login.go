package application

import (
	"context"
	"errors"
	"strings"

	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// Login exchanges a login (email or username) and password for a token pair. Failures are
// counted per account and per client address; past the limit the caller gets 429 with a
// Retry-After until the lockout ends.
type Login struct {
	users     domain.Users
	throttles domain.Throttles
	hasher    PasswordHasher
	sessions  *Sessions
	policy    LoginPolicy
	now       Clock
	dummyHash string
}

// LoginPolicy sets the throttling of failed logins.
type LoginPolicy struct {
	PerAccount domain.ThrottlePolicy
	PerAddress domain.ThrottlePolicy
}

// LoginCommand is one login attempt.
type LoginCommand struct {
	Login    string
	Password string
	ClientIP string
}

// NewLogin builds the use case. It hashes a throw-away password once, so that an unknown
// login costs the same password check as a wrong password.
func NewLogin(users domain.Users, throttles domain.Throttles, hasher PasswordHasher, sessions *Sessions, policy LoginPolicy, now Clock) (*Login, error) {
	if users == nil || throttles == nil || hasher == nil || sessions == nil || now == nil {
		return nil, errNilDependency
	}
	if policy.PerAccount.MaxFailures < 1 || policy.PerAddress.MaxFailures < 1 {
		return nil, errors.New("user application: login throttling needs limits of at least 1")
	}
	dummy, err := hasher.Hash("vibestream-timing-equaliser-password")
	if err != nil {
		return nil, err
	}
	return &Login{users: users, throttles: throttles, hasher: hasher, sessions: sessions, policy: policy, now: now, dummyHash: dummy}, nil
}

// Handle counts the attempt against the account and the client address (refusing it with 429
// when either is locked), checks the password, and answers the same ErrInvalidCredentials for
// an unknown login and a wrong password, at the same cost.
func (h *Login) Handle(ctx context.Context, cmd LoginCommand) (TokenPair, error) {
	login := strings.TrimSpace(cmd.Login)
	if !domain.LooksLikeEmail(login) {
		login = strings.ToLower(login)
	}
	if login == "" || cmd.Password == "" || len(login) > 254 || len(cmd.Password) > domain.MaxPasswordBytes {
		// Still spend the hash, so malformed input is no faster than a wrong password.
		_, _ = h.hasher.Verify(h.dummyHash, cmd.Password)
		return TokenPair{}, domain.ErrInvalidCredentials
	}
	u, err := h.users.FindByLogin(ctx, login)
	if err != nil && !errors.Is(err, contracts.ErrUserNotFound) {
		return TokenPair{}, err
	}
	accountKey := "login:" + strings.ToLower(login)
	if u != nil {
		accountKey = "user:" + u.ID().String()
	}
	addressKey := ""
	if cmd.ClientIP != "" {
		addressKey = "ip:" + cmd.ClientIP
	}
	now := h.now()

	st, ok, err := h.throttles.Attempt(ctx, accountKey, h.policy.PerAccount, now)
	if err != nil {
		return TokenPair{}, err
	}
	if !ok {
		return TokenPair{}, domain.ErrTooManyAttempts.WithRetryAfter(st.RetryAfter(now))
	}
	if addressKey != "" {
		st, ok, err := h.throttles.Attempt(ctx, addressKey, h.policy.PerAddress, now)
		if err != nil {
			return TokenPair{}, err
		}
		if !ok {
			// Not checked, so not counted against the account.
			if err := h.throttles.Release(ctx, accountKey); err != nil {
				return TokenPair{}, err
			}
			return TokenPair{}, domain.ErrTooManyAttempts.WithRetryAfter(st.RetryAfter(now))
		}
	}

	hash := h.dummyHash
	if u != nil {
		hash = u.PasswordHash()
	}
	match, err := h.hasher.Verify(hash, cmd.Password)
	if err != nil {
		return TokenPair{}, err
	}
	if !match || u == nil {
		if _, err := h.throttles.Fail(ctx, accountKey, h.policy.PerAccount, now); err != nil {
			return TokenPair{}, err
		}
		if addressKey != "" {
			if _, err := h.throttles.Fail(ctx, addressKey, h.policy.PerAddress, now); err != nil {
				return TokenPair{}, err
			}
		}
		return TokenPair{}, domain.ErrInvalidCredentials
	}
	// Success: the account's failures are forgiven; the address only uncounts this attempt,
	// since other accounts behind the same address may be guessing.
	if err := h.throttles.Reset(ctx, accountKey); err != nil {
		return TokenPair{}, err
	}
	if addressKey != "" {
		if err := h.throttles.Release(ctx, addressKey); err != nil {
			return TokenPair{}, err
		}
	}
	return h.sessions.Start(ctx, u)
}
