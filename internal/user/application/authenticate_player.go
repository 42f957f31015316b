package application

import (
	"context"
	"crypto/md5" //nolint:gosec // the Subsonic token scheme is md5(secret + salt); the secret is random
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// AuthenticatePlayer checks a music player's credentials against the account's app passwords.
// Every request is checked against the database, so a revoked app password stops working at
// once. Failures are counted like logins (per account and address, and per address), with
// progressive delays past the limits.
type AuthenticatePlayer struct {
	users     domain.Users
	store     domain.AppPasswords
	throttles domain.Throttles
	box       SecretBox
	policy    LoginPolicy
	now       Clock
}

// NewAuthenticatePlayer builds the use case.
func NewAuthenticatePlayer(users domain.Users, store domain.AppPasswords, throttles domain.Throttles, box SecretBox, policy LoginPolicy, now Clock) (*AuthenticatePlayer, error) {
	if users == nil || store == nil || throttles == nil || box == nil || now == nil {
		return nil, errNilDependency
	}
	if policy.PerAccount.MaxFailures < 1 || policy.PerAddress.MaxFailures < 1 {
		return nil, errors.New("user application: player throttling needs limits of at least 1")
	}
	return &AuthenticatePlayer{users: users, store: store, throttles: throttles, box: box, policy: policy, now: now}, nil
}

// maxPlayerField bounds each presented credential.
const maxPlayerField = 256

// Handle implements contracts.PlayerAuth.
func (h *AuthenticatePlayer) Handle(ctx context.Context, c contracts.PlayerCredentials) (contracts.PlayerAccount, error) {
	for _, f := range []string{c.Username, c.Password, c.Token, c.Salt, c.APIKey} {
		if len(f) > maxPlayerField {
			return contracts.PlayerAccount{}, contracts.ErrPlayerCredentials
		}
	}
	if c.APIKey != "" {
		return h.byKey(ctx, c)
	}
	login := strings.ToLower(strings.TrimSpace(c.Username))
	if login == "" {
		return contracts.PlayerAccount{}, contracts.ErrPlayerCredentials
	}
	u, err := h.users.FindByLogin(ctx, login)
	if err != nil && !errors.Is(err, contracts.ErrUserNotFound) {
		return contracts.PlayerAccount{}, err
	}
	account := "player:login:" + login
	if u != nil {
		account = "player:user:" + u.ID().String()
	}
	keys := []throttleKey{{account + ":ip:" + c.ClientIP, h.policy.PerAccount}}
	if c.ClientIP != "" {
		keys = append(keys, throttleKey{"player:ip:" + c.ClientIP, h.policy.PerAddress})
	}
	if err := h.attempt(ctx, keys); err != nil {
		return contracts.PlayerAccount{}, err
	}
	var matched uuid.UUID
	if u != nil {
		if matched, err = h.match(ctx, u.ID(), c); err != nil {
			return contracts.PlayerAccount{}, err
		}
	}
	if matched == uuid.Nil {
		return contracts.PlayerAccount{}, h.fail(ctx, keys, contracts.ErrPlayerCredentials)
	}
	if err := h.succeed(ctx, keys); err != nil {
		return contracts.PlayerAccount{}, err
	}
	return h.account(ctx, u, matched)
}

// byKey authenticates an OpenSubsonic API key (an app password presented alone).
func (h *AuthenticatePlayer) byKey(ctx context.Context, c contracts.PlayerCredentials) (contracts.PlayerAccount, error) {
	var keys []throttleKey
	if c.ClientIP != "" {
		keys = append(keys, throttleKey{"player:ip:" + c.ClientIP, h.policy.PerAddress})
	}
	if err := h.attempt(ctx, keys); err != nil {
		return contracts.PlayerAccount{}, err
	}
	s, err := h.store.SecretByLookup(ctx, hashToken(c.APIKey))
	if errors.Is(err, domain.ErrAppPasswordNotFound) {
		return contracts.PlayerAccount{}, h.fail(ctx, keys, contracts.ErrPlayerAPIKey)
	}
	if err != nil {
		return contracts.PlayerAccount{}, err
	}
	if err := h.succeed(ctx, keys); err != nil {
		return contracts.PlayerAccount{}, err
	}
	u, err := h.users.Get(ctx, s.UserID)
	if err != nil {
		return contracts.PlayerAccount{}, err
	}
	return h.account(ctx, u, s.ID)
}

// match returns the id of the active app password the credentials prove (uuid.Nil if none).
func (h *AuthenticatePlayer) match(ctx context.Context, userID uuid.UUID, c contracts.PlayerCredentials) (uuid.UUID, error) {
	secrets, err := h.store.ActiveSecrets(ctx, userID)
	if err != nil {
		return uuid.Nil, err
	}
	switch {
	case c.Token != "" && c.Salt != "":
		want := strings.ToLower(c.Token)
		for _, s := range secrets {
			plain, err := h.box.Open(s.Sealed, appPasswordAD(s.ID, s.UserID))
			if err != nil {
				continue // sealed under another key: unusable, like a wrong one
			}
			msg := make([]byte, 0, len(plain)+len(c.Salt)) // never append into what Open returned
			msg = append(append(msg, plain...), c.Salt...)
			sum := md5.Sum(msg) //nolint:gosec
			if subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(want)) == 1 {
				return s.ID, nil
			}
		}
	case c.Password != "":
		pw := c.Password
		if hexPart, ok := strings.CutPrefix(pw, "enc:"); ok {
			raw, err := hex.DecodeString(hexPart)
			if err != nil {
				return uuid.Nil, nil
			}
			pw = string(raw)
		}
		lookup := hashToken(pw)
		for _, s := range secrets {
			if subtle.ConstantTimeCompare(s.Lookup, lookup) == 1 {
				return s.ID, nil
			}
		}
	}
	return uuid.Nil, nil
}

func (h *AuthenticatePlayer) attempt(ctx context.Context, keys []throttleKey) error {
	now := h.now()
	for i, k := range keys {
		st, ok, err := h.throttles.Attempt(ctx, k.key, k.policy, now)
		if err != nil {
			return err
		}
		if !ok {
			for _, prev := range keys[:i] {
				if err := h.throttles.Release(ctx, prev.key); err != nil {
					return err
				}
			}
			return domain.ErrTooManyAttempts.WithRetryAfter(st.RetryAfter(now))
		}
	}
	return nil
}

func (h *AuthenticatePlayer) fail(ctx context.Context, keys []throttleKey, out error) error {
	now := h.now()
	for _, k := range keys {
		if _, err := h.throttles.Fail(ctx, k.key, k.policy, now); err != nil {
			return err
		}
	}
	return out
}

func (h *AuthenticatePlayer) succeed(ctx context.Context, keys []throttleKey) error {
	for i, k := range keys {
		var err error
		if i == 0 {
			err = h.throttles.Reset(ctx, k.key)
		} else {
			err = h.throttles.Release(ctx, k.key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (h *AuthenticatePlayer) account(ctx context.Context, u *domain.User, appPassword uuid.UUID) (contracts.PlayerAccount, error) {
	if err := h.store.TouchAppPassword(ctx, appPassword, h.now().UTC()); err != nil {
		return contracts.PlayerAccount{}, err
	}
	return contracts.PlayerAccount{UserID: u.ID(), Username: u.Username(), DisplayName: u.DisplayName(), Roles: roleNames(u.Roles()),
		Permissions: PermissionsOf(u.Roles()), AppPasswordID: appPassword}, nil
}
