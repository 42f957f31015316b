package jobs

import (
	"context"
	"sync/atomic"
	"time"
)

// Foreground tracks this process's latency-sensitive background work (the payment of a
// qualified listen, say) so that CPU-heavy work sharing the cores (zero-knowledge proofs) can
// yield to it: the heavy work waits until the foreground has been idle for a moment before it
// starts. The zero value is ready to use; a nil *Foreground never waits.
type Foreground struct {
	active  atomic.Int64
	lastEnd atomic.Int64 // unix nanoseconds
}

// Begin marks foreground work running until the returned function is called.
func (f *Foreground) Begin() func() {
	if f == nil {
		return func() {}
	}
	f.active.Add(1)
	return func() {
		f.lastEnd.Store(time.Now().UnixNano())
		f.active.Add(-1)
	}
}

// Busy reports whether foreground work is running or ended less than quiet ago.
func (f *Foreground) Busy(quiet time.Duration) bool {
	if f == nil {
		return false
	}
	return f.active.Load() > 0 || time.Since(time.Unix(0, f.lastEnd.Load())) < quiet
}

// WaitIdle blocks until the foreground has been idle for quiet, at most maxWait (so the heavy
// work is delayed, never starved), or until ctx ends.
func (f *Foreground) WaitIdle(ctx context.Context, quiet, maxWait time.Duration) error {
	if f == nil {
		return nil
	}
	deadline := time.Now().Add(maxWait)
	poll := max(quiet/4, time.Millisecond)
	for f.Busy(quiet) && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
	return nil
}
