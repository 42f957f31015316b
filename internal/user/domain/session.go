package domain

import (
	"time"

	"github.com/google/uuid"
)

// RefreshToken is one link of a session's rotation chain. All tokens issued from one login
// share a family; presenting a token that was already rotated means it leaked, so the whole
// family is revoked.
type RefreshToken struct {
	id        uuid.UUID
	familyID  uuid.UUID
	userID    uuid.UUID
	expiresAt time.Time
	usedAt    *time.Time
	revokedAt *time.Time
}

// RehydrateRefreshToken rebuilds a token from storage (repositories only).
func RehydrateRefreshToken(id, familyID, userID uuid.UUID, expiresAt time.Time, usedAt, revokedAt *time.Time) *RefreshToken {
	return &RefreshToken{id: id, familyID: familyID, userID: userID, expiresAt: expiresAt, usedAt: usedAt, revokedAt: revokedAt}
}

func (t *RefreshToken) ID() uuid.UUID         { return t.id }
func (t *RefreshToken) FamilyID() uuid.UUID   { return t.familyID }
func (t *RefreshToken) UserID() uuid.UUID     { return t.userID }
func (t *RefreshToken) ExpiresAt() time.Time  { return t.expiresAt }
func (t *RefreshToken) UsedAt() *time.Time    { return t.usedAt }
func (t *RefreshToken) RevokedAt() *time.Time { return t.revokedAt }

// Rotate marks the token used. A revoked or expired token gives ErrRefreshInvalid; a token
// already used gives ErrRefreshReused, and the caller must revoke the family.
func (t *RefreshToken) Rotate(now time.Time) error {
	switch {
	case t.revokedAt != nil:
		return ErrRefreshInvalid
	case t.usedAt != nil:
		return ErrRefreshReused
	case !now.Before(t.expiresAt):
		return ErrRefreshInvalid
	}
	n := now.UTC()
	t.usedAt = &n
	return nil
}

// ThrottlePolicy limits failed logins for one key (an account or a client address): after
// MaxFailures failures within Window, the key is blocked for Lockout. Attempts are counted
// before the password is checked, so parallel guesses cannot slip past the limit.
type ThrottlePolicy struct {
	MaxFailures int
	Window      time.Duration
	Lockout     time.Duration
}

// Throttle is the counter of one key: attempts that failed or are still being checked.
type Throttle struct {
	Failures      int
	WindowStarted time.Time
	BlockedUntil  *time.Time
}

// RetryAfter is how long the key stays blocked at now (0 when it is not blocked).
func (t Throttle) RetryAfter(now time.Time) time.Duration {
	if t.BlockedUntil == nil || !now.Before(*t.BlockedUntil) {
		return 0
	}
	return t.BlockedUntil.Sub(now)
}

// Attempt counts an attempt at now and reports whether it may go on to the password check. A
// blocked key is not counted; the attempt past the limit starts the lockout.
func (p ThrottlePolicy) Attempt(t Throttle, now time.Time) (Throttle, bool) {
	if t.RetryAfter(now) > 0 {
		return t, false
	}
	if t.WindowStarted.IsZero() || now.Sub(t.WindowStarted) >= p.Window || t.BlockedUntil != nil {
		// A new window, or a lockout that has ended: start counting again.
		t = Throttle{WindowStarted: now}
	}
	t.Failures++
	if t.Failures > p.MaxFailures {
		until := now.Add(p.Lockout)
		t.BlockedUntil = &until
		return t, false
	}
	return t, true
}

// Failed records that a counted attempt failed: reaching the limit starts the lockout.
func (p ThrottlePolicy) Failed(t Throttle, now time.Time) Throttle {
	if t.Failures >= p.MaxFailures && t.BlockedUntil == nil {
		until := now.Add(p.Lockout)
		t.BlockedUntil = &until
	}
	return t
}

// Succeeded uncounts a counted attempt that succeeded (for keys shared by many accounts, such
// as a client address, where a success must not wipe other accounts' failures).
func (t Throttle) Succeeded() Throttle {
	if t.Failures > 0 {
		t.Failures--
	}
	return t
}
