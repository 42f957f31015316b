-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS citext;

CREATE SCHEMA platform;

-- The outbox: every domain event, written in the transaction that caused it. Delivery to
-- subscribers runs as River jobs inserted in the same transaction.
CREATE TABLE platform.events (
    id          uuid PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    occurred_at timestamptz NOT NULL,
    type        text NOT NULL,
    source      text NOT NULL,
    payload     jsonb NOT NULL,
    metadata    jsonb NOT NULL,
    -- the user the event concerns, when there is one (live updates, replay since an event)
    user_ids    uuid[] NOT NULL DEFAULT '{}'
);
CREATE INDEX events_type_idx ON platform.events (type, seq);
CREATE INDEX events_user_ids_idx ON platform.events USING gin (user_ids);

-- Stored responses of money-moving requests, so a retry with the same Idempotency-Key returns
-- the first result.
CREATE TABLE platform.idempotency_keys (
    scope        text NOT NULL,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer,
    content_type text,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);

-- +goose Down
DROP SCHEMA platform CASCADE;
