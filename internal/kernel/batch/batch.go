// Package batch coalesces concurrent requests for the same key into batches run one at a time
// (group commit): while one batch of a key runs, the requests that arrive queue up and become
// the next batch. A key with no traffic costs nothing (no goroutine, no entry).
package batch

import (
	"context"
	"errors"
	"sync"
)

// ErrNoResult is what a request gets when its batch returned no result for it (a Func that
// returned too few results, or panicked).
var ErrNoResult = errors.New("batch: the batch returned no result for this item")

// Func runs one batch of one key and returns one result per item, in order. It must not
// keep the items after it returns.
type Func[K comparable, T, R any] func(ctx context.Context, key K, items []T) []R

// Group runs the batches. The zero value is not usable: build it with New.
type Group[K comparable, T, R any] struct {
	run Func[K, T, R]
	max int
	mu  sync.Mutex
	qs  map[K]*queue[T, R]
}

type waiter[T, R any] struct {
	item T
	done chan outcome[R]
}

type outcome[R any] struct {
	r  R
	ok bool
}

type queue[T, R any] struct {
	pending []waiter[T, R]
}

// New builds a group whose batches hold at most max items (max < 1 means 256).
func New[K comparable, T, R any](max int, run Func[K, T, R]) *Group[K, T, R] {
	if max < 1 {
		max = 256
	}
	return &Group[K, T, R]{run: run, max: max, qs: map[K]*queue[T, R]{}}
}

// Do queues item under key and waits for its result. The first request of an idle key runs
// the batches of that key in a goroutine of its own until the queue is empty; the batch gets
// the first request's context values without its cancellation (other requests' items ride
// in it). Do waits for the result even when ctx ends: the item may be committed by then, and
// a caller told "cancelled" would retry it (a client's retry with the same Idempotency-Key
// would run it twice). Batches are bounded, so the wait is too.
func (g *Group[K, T, R]) Do(ctx context.Context, key K, item T) (R, error) {
	w := waiter[T, R]{item: item, done: make(chan outcome[R], 1)}
	g.mu.Lock()
	q, running := g.qs[key]
	if !running {
		q = &queue[T, R]{}
		g.qs[key] = q
	}
	q.pending = append(q.pending, w)
	g.mu.Unlock()
	if !running {
		go g.drain(context.WithoutCancel(ctx), key, q)
	}
	o := <-w.done
	if !o.ok {
		return o.r, ErrNoResult
	}
	return o.r, nil
}

// Queued is how many items of key wait for the next batch (not counting the running one).
func (g *Group[K, T, R]) Queued(key K) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if q, ok := g.qs[key]; ok {
		return len(q.pending)
	}
	return 0
}

func (g *Group[K, T, R]) drain(ctx context.Context, key K, q *queue[T, R]) {
	for {
		g.mu.Lock()
		if len(q.pending) == 0 {
			delete(g.qs, key)
			g.mu.Unlock()
			return
		}
		n := min(len(q.pending), g.max)
		ws := q.pending[:n:n]
		q.pending = q.pending[n:]
		g.mu.Unlock()
		g.runOne(ctx, key, ws)
	}
}

// runOne runs a batch. A panic in it (a bug) is contained like a panicking HTTP handler's:
// every waiter of that batch gets ErrNoResult and the key's later batches still run, instead
// of the process dying with every other request in flight.
func (g *Group[K, T, R]) runOne(ctx context.Context, key K, ws []waiter[T, R]) {
	items := make([]T, len(ws))
	for i, w := range ws {
		items[i] = w.item
	}
	var rs []R
	defer func() {
		if p := recover(); p != nil {
			rs = nil
		}
		for i, w := range ws {
			var o outcome[R]
			if i < len(rs) {
				o = outcome[R]{r: rs[i], ok: true}
			}
			w.done <- o
		}
	}()
	rs = g.run(ctx, key, items)
}
