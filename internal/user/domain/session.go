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

// ThrottlePolicy slows failed logins for one key (an account seen from one client, an account
// seen from unknown clients, a client address) with progressive delays rather than a hard
// lock (OWASP's guidance): the first MaxFailures failures within Window are free; from then
// on each failure blocks the key for a delay that doubles from BaseDelay, capped at Lockout.
// Attempts are counted before the password is checked, so parallel guesses cannot slip past:
// an attempt over the limit blocks the key while it is checked.
type ThrottlePolicy struct {
	MaxFailures int
	Window      time.Duration
	// BaseDelay is the first delay (default one second).
	BaseDelay time.Duration
	// Lockout is the longest delay.
	Lockout time.Duration
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

// Delay is the block after the failure that is `over` failures past the free ones (0 for
// the MaxFailures-th failure): BaseDelay doubled over times, at most Lockout.
func (p ThrottlePolicy) Delay(over int) time.Duration {
	base := p.BaseDelay
	if base <= 0 {
		base = time.Second
	}
	d := base
	for range over {
		d *= 2
		if d >= p.Lockout {
			return p.Lockout
		}
	}
	return min(d, p.Lockout)
}

// Attempt counts an attempt at now and reports whether it may go on to the password check. A
// blocked key is not counted. Counting starts again once a window has passed since it started
// and since the key was last blocked.
func (p ThrottlePolicy) Attempt(t Throttle, now time.Time) (Throttle, bool) {
	if t.RetryAfter(now) > 0 {
		return t, false
	}
	quiet := t.BlockedUntil == nil || now.Sub(*t.BlockedUntil) >= p.Window
	if t.WindowStarted.IsZero() || (now.Sub(t.WindowStarted) >= p.Window && quiet) {
		t = Throttle{WindowStarted: now}
	}
	t.Failures++
	if t.Failures > p.MaxFailures {
		// Over the limit: this attempt is checked, others wait for its delay.
		t = t.blockUntil(now.Add(p.Delay(t.Failures - p.MaxFailures)))
	}
	return t, true
}

// Failed records that a counted attempt failed: from the limit on, the key is blocked for the
// next delay.
func (p ThrottlePolicy) Failed(t Throttle, now time.Time) Throttle {
	if t.Failures >= p.MaxFailures {
		t = t.blockUntil(now.Add(p.Delay(t.Failures - p.MaxFailures)))
	}
	return t
}

// StartedBlocking reports whether the failure that produced t is the one that first slows the
// key down in its window (the moment to tell the account's owner).
func (p ThrottlePolicy) StartedBlocking(t Throttle) bool { return t.Failures == p.MaxFailures }

func (t Throttle) blockUntil(until time.Time) Throttle {
	if t.BlockedUntil == nil || until.After(*t.BlockedUntil) {
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
