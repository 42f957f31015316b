-- name: AccountByRef :one
SELECT id, owner_id, asset, kind, allow_negative, shards FROM payment.accounts
WHERE owner_id = $1 AND asset = $2 AND kind = $3;

-- name: OpenAccount :exec
WITH a AS (
    INSERT INTO payment.accounts (id, owner_id, asset, kind, allow_negative, shards)
    VALUES (@id, @owner_id, @asset, @kind, false, 1)
    ON CONFLICT (owner_id, asset, kind) DO NOTHING
    RETURNING id
)
INSERT INTO payment.balances (account_id, shard, allow_negative, balance)
SELECT id, 0, false, 0 FROM a;

-- name: EntryByKey :one
SELECT id, fingerprint, hold_id, created_at FROM payment.journal_entries WHERE idempotency_key = $1;

-- name: AccountBalance :one
SELECT COALESCE(sum(balance), 0)::bigint AS balance FROM payment.balances WHERE account_id = $1;

-- name: InsertHold :exec
INSERT INTO payment.holds (id, owner_id, asset, amount, settled, released, status, reason, external_ref, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: HoldForUpdate :one
SELECT id, owner_id, asset, amount, settled, released, status, reason, external_ref, created_at, updated_at
FROM payment.holds WHERE id = $1 FOR UPDATE;

-- name: UpdateHold :exec
UPDATE payment.holds SET settled = $2, released = $3, status = $4, updated_at = $5 WHERE id = $1;

-- name: UserBalances :many
SELECT a.asset, a.kind, COALESCE(sum(b.balance), 0)::bigint AS balance
FROM payment.accounts a JOIN payment.balances b ON b.account_id = a.id
WHERE a.owner_id = $1
GROUP BY a.asset, a.kind
ORDER BY a.asset, a.kind;

-- name: UserLedger :many
SELECT p.id, p.amount, p.asset, a.kind AS account_kind, e.id AS entry_id, e.kind, e.reason, e.external_ref, e.created_at
FROM payment.postings p
JOIN payment.accounts a ON a.id = p.account_id
JOIN payment.journal_entries e ON e.id = p.entry_id
WHERE a.owner_id = @owner_id AND (sqlc.narg('asset')::text IS NULL OR a.asset = sqlc.narg('asset')::text)
  AND (sqlc.narg('before_id')::bigint IS NULL OR p.id < sqlc.narg('before_id')::bigint)
ORDER BY p.id DESC
LIMIT @row_limit;
