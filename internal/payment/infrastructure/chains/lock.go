package chains

import (
	"context"

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
