-- +goose Up
-- The listen-reward context: listen sessions with their decisions (kept for audit), rewards and
-- claims. Only the listen-reward context reads or writes this schema.
CREATE SCHEMA listenreward;

-- One row per listener: locking it serialises a listener's starts, decisions and rewards, so
-- "one active session" and the per-user limits and caps hold under any concurrency.
CREATE TABLE listenreward.listeners (
    id uuid PRIMARY KEY
);

CREATE TABLE listenreward.sessions (
    id               uuid PRIMARY KEY,
    listener_id      uuid NOT NULL REFERENCES listenreward.listeners (id),
    song_id          uuid NOT NULL,
    artist_user_id   uuid NOT NULL,
    duration_ms      integer NOT NULL CHECK (duration_ms >= 0),
    price            bigint NOT NULL CHECK (price > 0), -- USD micro-dollars
    client_ip        text NOT NULL,
    quality          text NOT NULL,
    preview_only     boolean NOT NULL DEFAULT false,
    hold_id          uuid,
    -- true until the start has recorded the outcome of its hold (a crash in between leaves it
    -- true; the recovery job settles it)
    starting         boolean NOT NULL DEFAULT true,
    stream_url       text NOT NULL DEFAULT '',
    stream_quality   text NOT NULL DEFAULT '',
    bytes_per_second bigint NOT NULL DEFAULT 0,
    max_bytes        bigint NOT NULL DEFAULT 0,
    status           text NOT NULL CHECK (status IN ('pending', 'active', 'qualified', 'rejected')),
    started_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    position_seconds integer NOT NULL DEFAULT 0,
    listened_seconds integer NOT NULL DEFAULT 0,
    reasons          text[] NOT NULL DEFAULT '{}',
    ended_by         text NOT NULL DEFAULT '',
    decided_at       timestamptz,
    platform_fee     bigint,
    shareholders     bigint,
    artist_amount    bigint,
    payment_status   text NOT NULL DEFAULT 'none' CHECK (payment_status IN ('none', 'pending', 'paid')),
    entry_id         uuid,
    paid_at          timestamptz,
    CONSTRAINT sessions_split_sums CHECK (status <> 'qualified' OR (platform_fee >= 0 AND shareholders >= 0
        AND artist_amount >= 0 AND platform_fee + shareholders + artist_amount = price)),
    CONSTRAINT sessions_decided CHECK ((status IN ('qualified', 'rejected')) = (decided_at IS NOT NULL))
);
CREATE INDEX sessions_history_idx ON listenreward.sessions (listener_id, started_at DESC, id DESC);
CREATE INDEX sessions_open_idx ON listenreward.sessions (listener_id) WHERE status IN ('pending', 'active');
CREATE INDEX sessions_expiry_idx ON listenreward.sessions (expires_at) WHERE status = 'active';
CREATE INDEX sessions_stalled_idx ON listenreward.sessions (started_at) WHERE starting;
CREATE INDEX sessions_paid_by_user_idx ON listenreward.sessions (listener_id, decided_at) WHERE status = 'qualified';
CREATE INDEX sessions_paid_by_ip_idx ON listenreward.sessions (song_id, client_ip, decided_at) WHERE status = 'qualified';
CREATE INDEX sessions_artist_paid_idx ON listenreward.sessions (artist_user_id, paid_at) WHERE payment_status = 'paid';

CREATE TABLE listenreward.rewards (
    session_id  uuid PRIMARY KEY REFERENCES listenreward.sessions (id),
    listener_id uuid NOT NULL,
    song_id     uuid NOT NULL,
    amount      bigint NOT NULL CHECK (amount >= 0), -- VIBE, 9 decimals
    capped      boolean NOT NULL,
    status      text NOT NULL CHECK (status IN ('pending', 'accrued', 'capped', 'unfunded')),
    day         date NOT NULL,
    created_at  timestamptz NOT NULL,
    settled_at  timestamptz
);
CREATE INDEX rewards_day_idx ON listenreward.rewards (listener_id, day);
CREATE INDEX rewards_recent_idx ON listenreward.rewards (listener_id, created_at DESC);

CREATE TABLE listenreward.claims (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL,
    destination     text NOT NULL CHECK (destination IN ('balance', 'ethereum', 'solana')),
    amount          bigint NOT NULL CHECK (amount > 0),
    withdrawal_id   uuid,
    withdraw_status text NOT NULL DEFAULT '',
    to_address      text NOT NULL DEFAULT '',
    -- pending: written before any money moves (a retry with the same key resumes it);
    -- completed; failed (the withdrawal was refused and the VIBE put back)
    status          text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
    failure         text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL
);
CREATE INDEX claims_user_idx ON listenreward.claims (user_id, created_at DESC);

-- +goose Down
DROP SCHEMA listenreward CASCADE;
