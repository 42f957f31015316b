package postgres

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// CacheChannel is the Postgres NOTIFY channel on which every instance announces the metadata
// keys it changed, so the others drop them at once.
const CacheChannel = "music_cache"

// Cache keeps metadata reads in process for a TTL. Writers invalidate keys locally after commit
// and through NOTIFY (sent inside the writing transaction, so delivered only if it commits) on
// every other instance. A generation counter stops a read that raced an invalidation from
// storing the stale value it read.
type Cache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.RWMutex
	entries map[string]cacheEntry
	gen     uint64
}

type cacheEntry struct {
	value   any
	expires time.Time
}

// NewCache creates a cache whose entries live ttl at most.
func NewCache(ttl time.Duration) *Cache {
	return &Cache{ttl: ttl, now: time.Now, entries: map[string]cacheEntry{}}
}

// get returns a live entry, or the generation to present when storing the value read instead.
func (c *Cache) get(key string) (any, uint64, bool) {
	if c == nil {
		return nil, 0, false
	}
	c.mu.RLock()
	e, ok := c.entries[key]
	gen := c.gen
	c.mu.RUnlock()
	if ok && c.now().Before(e.expires) {
		return e.value, gen, true
	}
	return nil, gen, false
}

// set stores value unless an invalidation happened since gen was read.
func (c *Cache) set(key string, value any, gen uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) > 100_000 {
		c.entries = map[string]cacheEntry{}
	}
	c.entries[key] = cacheEntry{value: value, expires: c.now().Add(c.ttl)}
}

// Invalidate drops keys.
func (c *Cache) Invalidate(keys ...string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, k := range keys {
		delete(c.entries, k)
	}
}

// Purge drops everything (after a missed notification could have left stale entries).
func (c *Cache) Purge() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = map[string]cacheEntry{}
}

// Len is the number of entries (tests, metrics).
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

// Listen applies other instances' invalidations until ctx ends. Each (re)connection purges the
// cache first, since notifications sent while disconnected are lost. ready, if not nil, is
// closed once the first LISTEN is in place.
func (c *Cache) Listen(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger, ready chan<- struct{}) {
	for ctx.Err() == nil {
		err := c.listenOnce(ctx, pool, &ready)
		if ctx.Err() != nil {
			return
		}
		logger.Warn("music cache listener disconnected", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (c *Cache) listenOnce(ctx context.Context, pool *pgxpool.Pool, ready *chan<- struct{}) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+CacheChannel); err != nil {
		return err
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "UNLISTEN "+CacheChannel) }()
	c.Purge()
	if *ready != nil {
		close(*ready)
		*ready = nil
	}
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		c.Invalidate(n.Payload)
	}
}

func songKey(id any) string       { return "song:" + str(id) }
func artistKey(id any) string     { return "artist:" + str(id) }
func artistUserKey(id any) string { return "artist-user:" + str(id) }
func albumKey(id any) string      { return "album:" + str(id) }

func str(v any) string {
	if s, ok := v.(interface{ String() string }); ok {
		return s.String()
	}
	return ""
}
