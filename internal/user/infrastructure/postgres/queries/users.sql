-- name: InsertAccount :exec
INSERT INTO users.accounts (id, email, username, password_hash, display_name, bio, avatar_url, birthdate, roles, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: GetAccount :one
SELECT * FROM users.accounts WHERE id = $1;

-- name: GetAccountForUpdate :one
SELECT * FROM users.accounts WHERE id = $1 FOR UPDATE;

-- name: GetAccountByEmail :one
SELECT * FROM users.accounts WHERE email = sqlc.arg(email)::citext;

-- name: GetAccountByUsername :one
SELECT * FROM users.accounts WHERE username = $1;

-- name: UpdateAccount :exec
UPDATE users.accounts
SET display_name = $2, bio = $3, avatar_url = $4, roles = $5, updated_at = $6
WHERE id = $1;

-- name: InsertRefreshToken :exec
INSERT INTO users.refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: GetRefreshTokenForUpdate :one
SELECT * FROM users.refresh_tokens WHERE token_hash = $1 FOR UPDATE;

-- name: MarkRefreshTokenUsed :exec
UPDATE users.refresh_tokens SET used_at = $2 WHERE id = $1;

-- name: RevokeRefreshFamily :exec
UPDATE users.refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL;

-- name: RevokeUserRefreshTokens :exec
UPDATE users.refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL;

-- name: GetRefreshFamily :one
SELECT family_id FROM users.refresh_tokens WHERE token_hash = $1;

-- name: DeleteExpiredRefreshTokens :execrows
DELETE FROM users.refresh_tokens WHERE expires_at < $1;

-- name: LockThrottle :one
-- Creates the key's row or locks the existing one, in one statement: a concurrent Reset
-- (DELETE) between an insert and a separate SELECT ... FOR UPDATE would leave no row to read.
INSERT INTO users.login_throttle (key, failures, window_started_at) VALUES ($1, 0, $2)
ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
RETURNING *;

-- name: SaveThrottle :exec
UPDATE users.login_throttle SET failures = $2, window_started_at = $3, blocked_until = $4 WHERE key = $1;

-- name: DeleteThrottle :exec
DELETE FROM users.login_throttle WHERE key = $1;

-- name: DeleteStaleThrottles :execrows
DELETE FROM users.login_throttle
WHERE window_started_at < sqlc.arg(before) AND (blocked_until IS NULL OR blocked_until < sqlc.arg(now)::timestamptz);

-- name: CountOpenChallenges :one
SELECT count(*) FROM users.wallet_challenges WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2;

-- name: InsertChallenge :exec
INSERT INTO users.wallet_challenges (nonce, user_id, chain, address, message, issued_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: GetChallengeForUpdate :one
SELECT * FROM users.wallet_challenges WHERE nonce = $1 FOR UPDATE;

-- name: MarkChallengeUsed :exec
UPDATE users.wallet_challenges SET used_at = $2 WHERE nonce = $1;

-- name: DeleteOldChallenges :execrows
DELETE FROM users.wallet_challenges WHERE expires_at < $1;

-- name: CountWallets :one
SELECT count(*) FROM users.wallets WHERE user_id = $1;

-- name: InsertWallet :exec
INSERT INTO users.wallets (chain, address_key, address, user_id, linked_at) VALUES ($1, $2, $3, $4, $5);

-- name: GetWalletOwner :one
SELECT user_id FROM users.wallets WHERE chain = $1 AND address_key = $2;

-- name: DeleteWallet :one
DELETE FROM users.wallets WHERE user_id = $1 AND chain = $2 AND address_key = $3 RETURNING address;

-- name: ListWallets :many
SELECT chain, address, linked_at FROM users.wallets WHERE user_id = $1 ORDER BY linked_at, chain, address_key;

-- name: TouchDevice :execrows
UPDATE users.devices SET last_seen_at = $3 WHERE token_hash = $1 AND user_id = $2;

-- name: InsertDevice :exec
INSERT INTO users.devices (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3);

-- name: DeleteStaleDevices :execrows
DELETE FROM users.devices WHERE last_seen_at < $1;

-- name: CountAccounts :one
SELECT count(*) FROM users.accounts;
