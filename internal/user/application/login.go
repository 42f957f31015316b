package application

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// Login exchanges a login (email or username) and password for a token pair.
//
// Brute force is bounded without handing attackers a way to lock owners out (OWASP's
// guidance): failures are counted per account *and client* (a known device by its device
// token, any other client by its address), per account over all unknown clients together,
// and per client address; past a limit the key is slowed down with progressive delays (429
// with Retry-After), never locked for good. A known device is counted on its own only, so an
// attacker failing from elsewhere slows down themselves while the owner still signs in from
// their devices. When failures start slowing an account down, its owner is told by the event
// user.login_throttled.v1.
type Login struct {
	users     domain.Users
	throttles domain.Throttles
	devices   domain.Devices
	hasher    PasswordHasher
	sessions  *Sessions
	policy    LoginPolicy
	now       Clock
	dummyHash string
}

// LoginPolicy sets the throttling of failed logins.
type LoginPolicy struct {
	// PerAccount: one account from one client (a known device, or an address).
	PerAccount domain.ThrottlePolicy
	// PerAccountUnknownClients: one account from every unknown client together (bounds a
	// guesser spread over many addresses); known devices are not counted here.
	PerAccountUnknownClients domain.ThrottlePolicy
	// PerAddress: one client address, whatever the accounts.
	PerAddress domain.ThrottlePolicy
}

// LoginCommand is one login attempt.
type LoginCommand struct {
	Login    string
	Password string
	ClientIP string
	// DeviceToken is the token a previous successful login on this device returned.
	DeviceToken string
}

// maxDeviceToken bounds a presented device token (ours are 43 characters).
const maxDeviceToken = 128

// NewLogin builds the use case. It hashes a throw-away password once, so that an unknown
// login costs the same password check as a wrong password.
func NewLogin(users domain.Users, throttles domain.Throttles, devices domain.Devices, hasher PasswordHasher, sessions *Sessions, policy LoginPolicy, now Clock) (*Login, error) {
	if users == nil || throttles == nil || devices == nil || hasher == nil || sessions == nil || now == nil {
		return nil, errNilDependency
	}
	if policy.PerAccount.MaxFailures < 1 || policy.PerAccountUnknownClients.MaxFailures < 1 || policy.PerAddress.MaxFailures < 1 {
		return nil, errors.New("user application: login throttling needs limits of at least 1")
	}
	dummy, err := hasher.Hash("vibestream-timing-equaliser-password")
	if err != nil {
		return nil, err
	}
	return &Login{users: users, throttles: throttles, devices: devices, hasher: hasher, sessions: sessions, policy: policy, now: now, dummyHash: dummy}, nil
}

type throttleKey struct {
	key    string
	policy domain.ThrottlePolicy
}

// Handle counts the attempt against each of its keys (refusing it with 429 when one is
// slowed down), checks the password, and answers the same ErrInvalidCredentials for an
// unknown login and a wrong password, at the same cost. A success returns a device token:
// the one presented, or a new one for a device not seen before.
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
	now := h.now()
	account := "login:" + strings.ToLower(login)
	if u != nil {
		account = "user:" + u.ID().String()
	}
	known := false
	var deviceHash []byte
	if u != nil && cmd.DeviceToken != "" && len(cmd.DeviceToken) <= maxDeviceToken {
		deviceHash = hashToken(cmd.DeviceToken)
		if known, err = h.devices.SeenDevice(ctx, u.ID(), deviceHash, now); err != nil {
			return TokenPair{}, err
		}
	}
	var keys []throttleKey
	if known {
		keys = []throttleKey{{account + ":device:" + hex.EncodeToString(deviceHash[:8]), h.policy.PerAccount}}
	} else {
		client := "ip:" + cmd.ClientIP
		keys = []throttleKey{{account + ":" + client, h.policy.PerAccount}, {account, h.policy.PerAccountUnknownClients}}
		if cmd.ClientIP != "" {
			keys = append(keys, throttleKey{"ip:" + cmd.ClientIP, h.policy.PerAddress})
		}
	}

	for i, k := range keys {
		st, ok, err := h.throttles.Attempt(ctx, k.key, k.policy, now)
		if err != nil {
			return TokenPair{}, err
		}
		if !ok {
			// Not checked, so not counted against the keys before it.
			for _, prev := range keys[:i] {
				if err := h.throttles.Release(ctx, prev.key); err != nil {
					return TokenPair{}, err
				}
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
		for i, k := range keys {
			st, err := h.throttles.Fail(ctx, k.key, k.policy, now)
			if err != nil {
				return TokenPair{}, err
			}
			if u != nil && i < 2 && k.policy.StartedBlocking(st) {
				if err := h.tellOwner(ctx, u, cmd.ClientIP, known, st, now); err != nil {
					return TokenPair{}, err
				}
			}
		}
		return TokenPair{}, domain.ErrInvalidCredentials
	}
	// Success: this client's failures on the account are forgiven; shared keys only uncount
	// this attempt, since others may be guessing behind them.
	if err := h.throttles.Reset(ctx, keys[0].key); err != nil {
		return TokenPair{}, err
	}
	for _, k := range keys[1:] {
		if err := h.throttles.Release(ctx, k.key); err != nil {
			return TokenPair{}, err
		}
	}
	device := cmd.DeviceToken
	if !known {
		tok, hash, err := newOpaqueToken()
		if err != nil {
			return TokenPair{}, err
		}
		if err := h.devices.AddDevice(ctx, u.ID(), hash, now); err != nil {
			return TokenPair{}, err
		}
		device = tok
	}
	pair, err := h.sessions.Start(ctx, u)
	pair.DeviceToken = device
	return pair, err
}

// tellOwner records on the account that its logins are being slowed down (the event goes
// through the outbox to the owner's WebSocket).
func (h *Login) tellOwner(ctx context.Context, u *domain.User, ip string, known bool, st domain.Throttle, now time.Time) error {
	return h.users.Update(ctx, u.ID(), func(acc *domain.User) error {
		acc.RecordLoginThrottled(domain.LoginThrottled{ClientIP: ip, KnownDevice: known, Failures: st.Failures,
			RetryAfter: st.RetryAfter(now), At: now})
		return nil
	})
}
