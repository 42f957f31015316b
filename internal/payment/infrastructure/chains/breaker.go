package chains

import (
	"sync"
	"time"
)

// Breaker is a per-chain circuit breaker for transfer jobs: after Threshold consecutive RPC
// failures it opens for Cooldown, during which jobs are snoozed instead of hammering a node
// that is down; then one job probes (half-open) and a success closes it again.
type Breaker struct {
	Threshold int
	Cooldown  time.Duration

	mu       sync.Mutex
	failures int
	openedAt time.Time
	probing  bool
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
	wait := b.Cooldown - b.now().Sub(b.openedAt)
	if wait > 0 {
		return false, wait
	}
	if b.probing {
		return false, b.Cooldown / 4
	}
	b.probing = true
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
