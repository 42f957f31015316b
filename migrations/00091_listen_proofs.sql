-- +goose Up
-- Listen proofs (ZK): one row per qualified session, its identity secret per listener, and the
-- nullifiers already used for a reward claim. Part of the listen-reward context's schema.
CREATE SCHEMA IF NOT EXISTS listenreward;

-- The platform holds each listener's identity secret (the proofs are made server-side); the
-- users tree holds only H(secret).
CREATE TABLE listenreward.zk_identities (
    user_id    uuid PRIMARY KEY,
    secret     bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE listenreward.listen_proofs (
    session_id       uuid PRIMARY KEY,
    listener_id      uuid NOT NULL,
    song_id          uuid NOT NULL,
    listened_seconds integer NOT NULL CHECK (listened_seconds >= 0),
    min_seconds      integer NOT NULL CHECK (min_seconds >= 0),
    salt             bytea NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'proved', 'failed')),
    proof            bytea,
    public_inputs    text[],
    key_id           text,
    nullifier        text,
    failure          text NOT NULL DEFAULT '',
    prove_ms         integer,
    created_at       timestamptz NOT NULL DEFAULT now(),
    proved_at        timestamptz,
    CONSTRAINT listen_proofs_proved CHECK ((status = 'proved') = (proof IS NOT NULL AND nullifier IS NOT NULL))
);
CREATE INDEX listen_proofs_listener_idx ON listenreward.listen_proofs (listener_id, created_at DESC);
CREATE UNIQUE INDEX listen_proofs_nullifier_idx ON listenreward.listen_proofs (nullifier) WHERE nullifier IS NOT NULL;

CREATE TABLE listenreward.nullifier_claims (
    nullifier  text PRIMARY KEY,
    session_tag text NOT NULL,
    claimed_by uuid NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE listenreward.nullifier_claims;
DROP TABLE listenreward.listen_proofs;
DROP TABLE listenreward.zk_identities;
