package chains

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ethSendLockKey is the Postgres advisory lock that serialises Ethereum hot wallet sends
// across instances.
const ethSendLockKey = 0x56494245_45544831 // "VIBEETH1"

// PostgresSendLock returns an EthSendLock backed by a session advisory lock on pool.
func PostgresSendLock(pool *pgxpool.Pool) func(ctx context.Context) (func(), error) {
	return func(ctx context.Context) (func(), error) {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(ethSendLockKey)); err != nil {
			conn.Release()
			return nil, err
		}
		return func() {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(ethSendLockKey))
			conn.Release()
		}, nil
	}
}

// TryLock takes a lock named by key without waiting: ok is false when someone holds it. The
// lock dies with its holder (a crashed process's locks are free at once).
type TryLock func(ctx context.Context, key int64) (unlock func(), ok bool, err error)

// Lock keys (pg advisory lock space shared with ethSendLockKey).
const depositScanLockKey int64 = 0x7669_6265_6465_7001 // "vibedep"

// PostgresTryLock is a TryLock on session advisory locks of pool: the lock lives on one pooled
// connection, so it is released when the holder unlocks or its process dies.
func PostgresTryLock(pool *pgxpool.Pool) TryLock {
	return func(ctx context.Context, key int64) (func(), bool, error) {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			return nil, false, err
		}
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
			conn.Release()
			return nil, false, err
		}
		if !ok {
			conn.Release()
			return nil, false, nil
		}
		return func() {
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if _, err := conn.Exec(uctx, "SELECT pg_advisory_unlock($1)", key); err != nil {
				// A connection that may still hold the lock must not go back to the pool.
				_ = conn.Conn().Close(uctx)
			}
			conn.Release()
		}, true, nil
	}
}
