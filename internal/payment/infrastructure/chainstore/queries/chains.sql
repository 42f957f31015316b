-- name: InsertTransfer :execrows
INSERT INTO payment.chain_transfers (id, kind, blockchain, to_address, amount, status, user_id, hold_id)
VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
ON CONFLICT (id) DO NOTHING;

-- name: ListUserTransfers :many
SELECT * FROM payment.chain_transfers
WHERE user_id = sqlc.arg(user_id)
  AND (sqlc.narg(before_at)::timestamptz IS NULL OR (created_at, id) < (sqlc.narg(before_at)::timestamptz, sqlc.narg(before_id)::uuid))
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg(max_rows);

-- name: GetTransfer :one
SELECT * FROM payment.chain_transfers WHERE id = $1;

-- name: GetTransferForUpdate :one
SELECT * FROM payment.chain_transfers WHERE id = $1 FOR UPDATE;

-- name: RecordSigned :exec
UPDATE payment.chain_transfers
SET tx_hash = $2, raw_tx = $3, nonce = $4, last_valid_block_height = $5,
    signed_count = signed_count + 1, updated_at = now()
WHERE id = $1;

-- name: InsertSignature :exec
INSERT INTO payment.chain_transfer_signatures (tx_hash, transfer_id, raw_tx, nonce)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tx_hash) DO NOTHING;

-- name: SignatureOwner :one
SELECT transfer_id FROM payment.chain_transfer_signatures WHERE tx_hash = $1;

-- name: ListSignatures :many
SELECT * FROM payment.chain_transfer_signatures WHERE transfer_id = $1 ORDER BY created_at, tx_hash;

-- name: MarkSubmitted :execrows
UPDATE payment.chain_transfers
SET status = 'submitted', submitted_at = coalesce(submitted_at, now()), updated_at = now()
WHERE id = $1 AND status = 'pending';

-- name: MarkConfirmed :execrows
UPDATE payment.chain_transfers
SET status = 'confirmed', tx_hash = $2, block_number = $3, gas_used = $4, fee = $5,
    confirmed_at = now(), updated_at = now()
WHERE id = $1 AND status IN ('pending', 'submitted');

-- name: MarkFailed :execrows
UPDATE payment.chain_transfers
SET status = 'failed', failure_reason = $2, updated_at = now()
WHERE id = $1 AND status IN ('pending', 'submitted');

-- name: InsertDeposit :execrows
INSERT INTO payment.chain_deposits (blockchain, tx_hash, log_index, from_address, chain_amount, amount, block_number, status, user_id, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (blockchain, tx_hash, log_index) DO NOTHING;

-- name: ListUnmatchedDeposits :many
SELECT * FROM payment.chain_deposits WHERE status = 'unmatched' ORDER BY created_at, tx_hash LIMIT $1;

-- name: LoadBlockCheckpoint :one
SELECT block FROM payment.chain_checkpoints WHERE name = $1;

-- name: SaveBlockCheckpoint :exec
INSERT INTO payment.chain_checkpoints (name, block) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET block = excluded.block, updated_at = now();

-- name: LoadSignatureCheckpoint :one
SELECT signature FROM payment.chain_checkpoints WHERE name = $1;

-- name: SaveSignatureCheckpoint :exec
INSERT INTO payment.chain_checkpoints (name, signature) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET signature = excluded.signature, updated_at = now();
