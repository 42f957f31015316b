-- name: EnsureListener :exec
INSERT INTO listenreward.listeners (id) VALUES ($1) ON CONFLICT DO NOTHING;

-- name: LockListener :exec
SELECT id FROM listenreward.listeners WHERE id = $1 FOR UPDATE;

-- name: InsertSession :exec
INSERT INTO listenreward.sessions (id, listener_id, song_id, artist_user_id, duration_ms, price, client_ip, quality,
    status, started_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: GetSession :one
SELECT * FROM listenreward.sessions WHERE id = $1;

-- name: GetSessionForUpdate :one
SELECT * FROM listenreward.sessions WHERE id = $1 FOR UPDATE;

-- name: OpenSessionsForUpdate :many
SELECT * FROM listenreward.sessions WHERE listener_id = $1 AND status IN ('pending', 'active')
ORDER BY started_at, id FOR UPDATE;

-- name: OpenSessions :many
SELECT * FROM listenreward.sessions WHERE listener_id = $1 AND status IN ('pending', 'active') ORDER BY started_at, id;

-- name: UpdateSession :exec
UPDATE listenreward.sessions SET preview_only = $2, hold_id = $3, starting = sqlc.arg(starting)::boolean, stream_url = $4, stream_quality = $5,
    bytes_per_second = $6, max_bytes = $7, status = $8, position_seconds = $9, listened_seconds = $10, reasons = $11,
    ended_by = $12, decided_at = $13, platform_fee = $14, shareholders = $15, artist_amount = $16,
    payment_status = $17, entry_id = $18, paid_at = $19
WHERE id = $1;

-- name: ListSessions :many
SELECT * FROM listenreward.sessions WHERE listener_id = $1 AND (started_at, id) < (sqlc.arg(before_at)::timestamptz, sqlc.arg(before_id)::uuid)
ORDER BY started_at DESC, id DESC LIMIT $2;

-- name: DueSessions :many
(SELECT id FROM listenreward.sessions s1 WHERE s1.status = 'active' AND s1.expires_at < sqlc.arg(now)::timestamptz ORDER BY s1.expires_at LIMIT sqlc.arg(max_rows)::int)
UNION ALL
(SELECT id FROM listenreward.sessions s2 WHERE s2.starting AND s2.started_at < sqlc.arg(stalled_before)::timestamptz ORDER BY s2.started_at LIMIT sqlc.arg(max_rows)::int);

-- name: CountPaidByUser :one
SELECT count(*) AS user_today, count(*) FILTER (WHERE song_id = sqlc.arg(song_id)::uuid) AS song_today
FROM listenreward.sessions WHERE listener_id = $1 AND status = 'qualified' AND decided_at >= sqlc.arg(since)::timestamptz;

-- name: CountPaidByIP :one
SELECT count(*) FROM listenreward.sessions
WHERE song_id = $1 AND client_ip = $2 AND status = 'qualified' AND decided_at >= sqlc.arg(since)::timestamptz;

-- name: LockIPSong :exec
SELECT pg_advisory_xact_lock(hashtextextended('listenreward.ip:' || sqlc.arg(ip)::text || ':' || sqlc.arg(song_id)::text, 0));

-- name: Earnings :many
SELECT song_id, count(*) AS paid_listens, sum(price)::bigint AS gross, sum(platform_fee)::bigint AS platform_fee,
    sum(shareholders)::bigint AS shareholders, sum(artist_amount)::bigint AS net
FROM listenreward.sessions
WHERE artist_user_id = $1 AND payment_status = 'paid' AND paid_at >= sqlc.arg(from_at)::timestamptz AND paid_at < sqlc.arg(to_at)::timestamptz
GROUP BY song_id ORDER BY song_id;

-- name: GetReward :one
SELECT * FROM listenreward.rewards WHERE session_id = $1;

-- name: GetRewardForUpdate :one
SELECT * FROM listenreward.rewards WHERE session_id = $1 FOR UPDATE;

-- name: InsertReward :exec
INSERT INTO listenreward.rewards (session_id, listener_id, song_id, amount, capped, status, day, created_at, settled_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: UpdateReward :exec
UPDATE listenreward.rewards SET status = $2, settled_at = $3 WHERE session_id = $1;

-- name: EarnedOnDay :one
SELECT coalesce(sum(amount), 0)::bigint FROM listenreward.rewards WHERE listener_id = $1 AND day = $2 AND status <> 'unfunded';

-- name: RecentRewards :many
SELECT * FROM listenreward.rewards WHERE listener_id = $1 ORDER BY created_at DESC, session_id DESC LIMIT $2;

-- name: LockRewardPool :exec
SELECT pg_advisory_xact_lock(hashtextextended('listenreward.reward_pool', 0));

-- name: InsertClaim :exec
INSERT INTO listenreward.claims (id, user_id, destination, amount, withdrawal_id, withdraw_status, to_address, status, failure, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING;

-- name: GetClaim :one
SELECT * FROM listenreward.claims WHERE id = $1;

-- name: UpdateClaim :exec
UPDATE listenreward.claims SET withdrawal_id = $2, withdraw_status = $3, to_address = $4, status = $5, failure = $6 WHERE id = $1;

-- name: ClaimedTotal :one
SELECT coalesce(sum(amount), 0)::bigint FROM listenreward.claims WHERE user_id = $1 AND status <> 'failed';
