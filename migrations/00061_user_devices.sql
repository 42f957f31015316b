-- +goose Up
-- Devices an account has signed in from (OWASP's device cookies): a successful login hands the
-- client an opaque device token, kept here only as SHA-256. Failed logins from a known device
-- are counted apart from those of unknown clients, so an attacker guessing from elsewhere
-- slows down only themselves, never the owner's own devices.
CREATE TABLE users.devices (
    token_hash   bytea PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users.accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX devices_user_idx ON users.devices (user_id);
CREATE INDEX devices_seen_idx ON users.devices (last_seen_at);

-- +goose Down
DROP TABLE users.devices;
