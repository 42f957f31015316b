-- name: InsertConcert :exec
INSERT INTO music.concerts (id, artist_id, artist_user_id, title, starts_at, duration_minutes, capacity, ticket_price,
    min_age, venue_url, status, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: GetConcert :one
SELECT * FROM music.concerts WHERE id = $1;

-- name: GetConcertForUpdate :one
SELECT * FROM music.concerts WHERE id = $1 FOR UPDATE;

-- name: UpdateConcertState :exec
UPDATE music.concerts SET sold = $2, status = $3, cancelled_at = $4 WHERE id = $1;

-- name: ListConcerts :many
SELECT * FROM music.concerts
WHERE (NOT sqlc.arg(upcoming)::boolean OR (status = 'scheduled' AND starts_at + make_interval(mins => duration_minutes) > sqlc.arg(now)::timestamptz))
  AND (sqlc.narg(artist_id)::uuid IS NULL OR artist_id = sqlc.narg(artist_id)::uuid)
  AND (sqlc.narg(after_start)::timestamptz IS NULL OR (starts_at, id) > (sqlc.narg(after_start)::timestamptz, sqlc.arg(after_id)::uuid))
ORDER BY starts_at, id
LIMIT sqlc.arg(lim)::int;

-- name: InsertTicket :exec
INSERT INTO music.tickets (id, concert_id, holder_id, price, fee, status, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7);

-- name: GetTicket :one
SELECT * FROM music.tickets WHERE id = $1;

-- name: GetTicketForUpdate :one
SELECT * FROM music.tickets WHERE id = $1 FOR UPDATE;

-- name: SetTicketStatus :exec
UPDATE music.tickets SET status = $2, entry_id = coalesce(sqlc.narg(entry_id)::uuid, entry_id),
    refund_entry_id = coalesce(sqlc.narg(refund_entry_id)::uuid, refund_entry_id), updated_at = $3
WHERE id = $1;

-- name: SetTicketPresence :exec
UPDATE music.tickets SET checked_in = $2, first_checkin_at = $3, updated_at = $4 WHERE id = $1;

-- name: StalePendingTickets :many
SELECT * FROM music.tickets WHERE status = 'pending' AND updated_at < $1 ORDER BY updated_at LIMIT $2;

-- name: TicketsToRefund :many
SELECT t.* FROM music.tickets t JOIN music.concerts c ON c.id = t.concert_id
WHERE c.status = 'cancelled' AND t.status IN ('valid', 'pending')
ORDER BY t.created_at, t.id
LIMIT $1;

-- name: ConcertAttendance :one
SELECT count(*) FILTER (WHERE status = 'valid')::bigint AS sold,
    count(*) FILTER (WHERE status = 'valid' AND first_checkin_at IS NOT NULL)::bigint AS checked_in,
    count(*) FILTER (WHERE status = 'valid' AND checked_in)::bigint AS inside,
    count(*) FILTER (WHERE status = 'refunded')::bigint AS refunded,
    coalesce(sum(price) FILTER (WHERE status = 'valid'), 0)::bigint AS gross,
    coalesce(sum(price - fee) FILTER (WHERE status = 'valid'), 0)::bigint AS revenue
FROM music.tickets WHERE concert_id = $1;

-- name: TicketsOfHolder :many
SELECT * FROM music.tickets WHERE holder_id = $1 AND status <> 'void' ORDER BY created_at DESC, id DESC LIMIT $2;

-- name: InsertPendingTickets :exec
-- One statement for a batch of reserved seats of one concert.
INSERT INTO music.tickets (id, concert_id, holder_id, price, fee, status, created_at, updated_at)
SELECT unnest(sqlc.arg(ids)::uuid[]), sqlc.arg(concert_id)::uuid, unnest(sqlc.arg(holder_ids)::uuid[]),
    unnest(sqlc.arg(prices)::bigint[]), unnest(sqlc.arg(fees)::bigint[]), 'pending', sqlc.arg(now)::timestamptz,
    sqlc.arg(now)::timestamptz;

-- name: ConfirmPendingTickets :many
-- Makes a batch of pending tickets valid with their journal entries (the nil uuid: a free
-- ticket, no entry); tickets no longer pending are left as they are and not returned.
UPDATE music.tickets t SET status = 'valid', entry_id = NULLIF(u.entry_id, '00000000-0000-0000-0000-000000000000'::uuid),
    updated_at = sqlc.arg(now)::timestamptz
FROM (SELECT unnest(sqlc.arg(ids)::uuid[]) AS id, unnest(sqlc.arg(entry_ids)::uuid[]) AS entry_id) u
WHERE t.id = u.id AND t.status = 'pending'
RETURNING t.*;

-- name: GetTickets :many
SELECT * FROM music.tickets WHERE id = ANY(sqlc.arg(ids)::uuid[]);
