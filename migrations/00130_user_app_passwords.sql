-- +goose Up
-- App passwords: secrets a user creates for music players (the Subsonic API). Token
-- authentication (md5(secret + salt)) needs the plaintext, so the secret is kept sealed with
-- AES-256-GCM under a key outside the database (APP_PASSWORD_KEY_FILE), bound to its row by
-- the associated data; lookup is its SHA-256, for the apiKey and plain-password forms.
CREATE TABLE users.app_passwords (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users.accounts (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    sealed       bytea NOT NULL,
    lookup       bytea NOT NULL CONSTRAINT app_passwords_lookup_key UNIQUE,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX app_passwords_user_idx ON users.app_passwords (user_id) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE users.app_passwords;
