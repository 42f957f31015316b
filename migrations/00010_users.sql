-- +goose Up
-- The user context: accounts, credentials, refresh-token families, login throttling and wallet
-- links. Only the user context reads or writes this schema.
CREATE SCHEMA users;

CREATE TABLE users.accounts (
    id            uuid PRIMARY KEY,
    -- citext: unique regardless of case, stored as typed
    email         citext NOT NULL CONSTRAINT accounts_email_key UNIQUE,
    username      text NOT NULL CONSTRAINT accounts_username_key UNIQUE
                  CONSTRAINT accounts_username_format CHECK (username ~ '^[a-z0-9_]{3,30}$'),
    password_hash text NOT NULL,
    display_name  text NOT NULL,
    bio           text NOT NULL DEFAULT '',
    avatar_url    text NOT NULL DEFAULT '',
    birthdate     date,
    roles         text[] NOT NULL CONSTRAINT accounts_roles_known
                  CHECK (roles <@ ARRAY['listener','artist','admin']::text[] AND cardinality(roles) > 0),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- Refresh tokens: only a hash of each is stored. Rotation marks the old token used and issues
-- a new one in the same family; presenting a used token revokes the whole family.
CREATE TABLE users.refresh_tokens (
    id          uuid PRIMARY KEY,
    family_id   uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES users.accounts (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL CONSTRAINT refresh_tokens_hash_key UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON users.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON users.refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_idx ON users.refresh_tokens (expires_at);

-- Failed-login counters per account and per client address, shared by every instance.
CREATE TABLE users.login_throttle (
    key               text PRIMARY KEY,
    failures          integer NOT NULL,
    window_started_at timestamptz NOT NULL,
    blocked_until     timestamptz
);

-- Wallet challenges: single-use, expiring nonces bound to a user, chain and address.
CREATE TABLE users.wallet_challenges (
    nonce      text PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users.accounts (id) ON DELETE CASCADE,
    chain      text NOT NULL,
    address    text NOT NULL,
    message    text NOT NULL,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX wallet_challenges_expires_idx ON users.wallet_challenges (expires_at);

-- Linked addresses. address_key is the canonical form (lower-case for Ethereum) so one address
-- belongs to at most one user.
CREATE TABLE users.wallets (
    chain       text NOT NULL CONSTRAINT wallets_chain_known CHECK (chain IN ('ethereum', 'solana')),
    address_key text NOT NULL,
    address     text NOT NULL,
    user_id     uuid NOT NULL REFERENCES users.accounts (id) ON DELETE CASCADE,
    linked_at   timestamptz NOT NULL,
    CONSTRAINT wallets_pkey PRIMARY KEY (chain, address_key)
);
CREATE INDEX wallets_user_idx ON users.wallets (user_id, linked_at);

-- +goose Down
DROP SCHEMA users CASCADE;
