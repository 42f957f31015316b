package main

import (
	"math/bits"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// histogram records latencies in microseconds in log-linear buckets (64 per power of two, so
// every percentile is within 1.6% of the true value) with atomic counters: recording costs
// no allocation and no lock, which matters with thousands of users recording at once.
type histogram struct {
	buckets [2176]atomic.Uint64
	count   atomic.Uint64
	max     atomic.Uint64
}

func bucketOf(us uint64) int {
	if us < 128 {
		return int(us)
	}
	e := bits.Len64(us) - 7
	return e*64 + int(us>>uint(e))
}

func bucketValue(i int) uint64 {
	if i < 128 {
		return uint64(i)
	}
	e := i/64 - 1
	return uint64(i-e*64) << uint(e)
}

func (h *histogram) record(d time.Duration) {
	us := uint64(max(d.Microseconds(), 0))
	i := bucketOf(us)
	if i >= len(h.buckets) {
		i = len(h.buckets) - 1
	}
	h.buckets[i].Add(1)
	h.count.Add(1)
	for {
		m := h.max.Load()
		if us <= m || h.max.CompareAndSwap(m, us) {
			break
		}
	}
}

// quantile returns the q-quantile (0 < q <= 1) in milliseconds.
func (h *histogram) quantile(q float64) float64 {
	n := h.count.Load()
	if n == 0 {
		return 0
	}
	rank := uint64(q*float64(n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	if rank >= n {
		return float64(h.max.Load()) / 1000
	}
	var seen uint64
	for i := range h.buckets {
		seen += h.buckets[i].Load()
		if seen >= rank {
			v := bucketValue(i)
			if m := h.max.Load(); v > m {
				v = m
			}
			return float64(v) / 1000
		}
	}
	return float64(h.max.Load()) / 1000
}

// op is one kind of request or user action.
type op struct {
	name   string
	lat    histogram
	errors atomic.Uint64
	mu     sync.Mutex
	codes  map[string]uint64
}

func (o *op) ok(d time.Duration) { o.lat.record(d) }

// fail records a failed operation (its latency too: a slow failure is still slow) under code:
// the HTTP status and the API's error code, or the transport error's kind.
func (o *op) fail(d time.Duration, code string) {
	o.lat.record(d)
	o.errors.Add(1)
	o.mu.Lock()
	if o.codes == nil {
		o.codes = map[string]uint64{}
	}
	o.codes[code]++
	o.mu.Unlock()
}

// stats holds every operation, created on first use.
type stats struct {
	mu  sync.RWMutex
	ops map[string]*op
}

func newStats() *stats { return &stats{ops: map[string]*op{}} }

func (s *stats) op(name string) *op {
	s.mu.RLock()
	o := s.ops[name]
	s.mu.RUnlock()
	if o != nil {
		return o
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o = s.ops[name]; o == nil {
		o = &op{name: name}
		s.ops[name] = o
	}
	return o
}

// OpSummary is one operation in the JSON summary.
type OpSummary struct {
	Count        uint64            `json:"count"`
	Errors       uint64            `json:"errors"`
	ErrorsByCode map[string]uint64 `json:"errors_by_code,omitempty"`
	PerSecond    float64           `json:"per_second"`
	P50          float64           `json:"p50_ms"`
	P95          float64           `json:"p95_ms"`
	P99          float64           `json:"p99_ms"`
	Max          float64           `json:"max_ms"`
}

func (s *stats) summary(elapsed time.Duration) (map[string]OpSummary, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string]OpSummary{}
	var errs uint64
	for name, o := range s.ops {
		o.mu.Lock()
		var codes map[string]uint64
		if len(o.codes) > 0 {
			codes = make(map[string]uint64, len(o.codes))
			for k, v := range o.codes {
				codes[k] = v
			}
		}
		o.mu.Unlock()
		n := o.lat.count.Load()
		e := o.errors.Load()
		errs += e
		sum := OpSummary{Count: n, Errors: e, ErrorsByCode: codes,
			P50: o.lat.quantile(0.50), P95: o.lat.quantile(0.95), P99: o.lat.quantile(0.99), Max: float64(o.lat.max.Load()) / 1000}
		if elapsed > 0 {
			sum.PerSecond = round2(float64(n) / elapsed.Seconds())
		}
		out[name] = sum
	}
	return out, errs
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
