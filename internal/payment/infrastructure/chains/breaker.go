package chains

import (
	"sync"
	"time"
)

// Breaker is a per-chain circuit breaker for transfer jobs: after Threshold consecutive RPC
// failures it opens for Cooldown, during which jobs are snoozed instead of hammering a node
// that is down; then one caller probes (half-open) and a success closes it again.
//
// A probe is a lease, not a promise: a caller that was let through and then reports no outcome
// (it found the transfer busy, its context ended, it was the resume loop) does not keep the
// breaker half-open forever. Release hands the probe back at once; an unreported probe
// expires after Cooldown and the next caller probes.
type Breaker struct {
	Threshold int
	Cooldown  time.Duration

	mu       sync.Mutex
	failures int
	openedAt time.Time
	probing  bool
	probedAt time.Time
	now      func() time.Time
}

// NewBreaker returns a breaker opening after threshold failures for cooldown.
func NewBreaker(threshold int, cooldown time.Duration) *Breaker {
	return &Breaker{Threshold: threshold, Cooldown: cooldown, now: time.Now}
}

// Allow reports whether a call may go ahead; when not, how long until it may.
func (b *Breaker) Allow() (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.Threshold {
		return true, 0
	}
	now := b.now()
	wait := b.Cooldown - now.Sub(b.openedAt)
	if wait > 0 {
		return false, wait
	}
	if b.probing && now.Sub(b.probedAt) < b.Cooldown {
		return false, min(b.Cooldown/4, b.Cooldown-now.Sub(b.probedAt))
	}
	b.probing, b.probedAt = true, now
	return true, 0
}

// Success closes the breaker.
func (b *Breaker) Success() {
	b.mu.Lock()
	b.failures, b.probing = 0, false
	b.mu.Unlock()
}

// Failure counts a failure; reaching the threshold (or failing a probe) (re)opens it.
func (b *Breaker) Failure() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures++
	if b.failures >= b.Threshold {
		b.openedAt, b.probing = b.now(), false
	}
}

// Release ends a probe that produced no outcome (the next caller may probe at once); it does
// nothing to a closed breaker.
func (b *Breaker) Release() {
	b.mu.Lock()
	b.probing = false
	b.mu.Unlock()
}

// State is closed, open or half-open.
func (b *Breaker) State() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.failures < b.Threshold:
		return "closed"
	case b.now().Sub(b.openedAt) < b.Cooldown:
		return "open"
	default:
		return "half-open"
	}
}
