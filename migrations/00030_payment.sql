-- +goose Up
CREATE SCHEMA payment;

-- An account is identified by (owner, asset, kind). Users own wallets (available funds), held
-- accounts (funds reserved by holds) and earnings; the platform (owner = the nil uuid) owns the
-- system accounts (fees, reward pool, Stripe clearing, chain hot wallet, treasury). Accounts
-- never change once opened, so the application caches them.
CREATE TABLE payment.accounts (
    id             uuid PRIMARY KEY,
    owner_id       uuid NOT NULL,
    asset          text NOT NULL CHECK (asset IN ('USD', 'VIBE')),
    kind           text NOT NULL,
    -- system accounts may go below zero (Stripe clearing is money owed to us, the treasury
    -- mints); user accounts never do
    allow_negative boolean NOT NULL,
    -- the balance is kept in this many rows (hot system accounts), summed on read
    shards         smallint NOT NULL DEFAULT 1 CHECK (shards BETWEEN 1 AND 256),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accounts_ref_key UNIQUE (owner_id, asset, kind)
);

-- Balances, one row per account shard. A posting to a sharded account updates one shard chosen
-- at random, so concurrent postings to a hot account rarely wait for each other.
CREATE TABLE payment.balances (
    account_id     uuid NOT NULL REFERENCES payment.accounts (id),
    shard          smallint NOT NULL,
    allow_negative boolean NOT NULL,
    balance        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, shard),
    CONSTRAINT balances_non_negative CHECK (allow_negative OR balance >= 0)
);

-- Journal entries: one per money movement, unique per idempotency key.
CREATE TABLE payment.journal_entries (
    id              uuid PRIMARY KEY,
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    idempotency_key text NOT NULL,
    -- a digest of the request, so that reusing a key for another request is refused
    fingerprint     bytea NOT NULL,
    kind            text NOT NULL,
    reason          text NOT NULL,
    external_ref    text,
    metadata        jsonb NOT NULL DEFAULT '{}',
    hold_id         uuid,
    created_at      timestamptz NOT NULL,
    CONSTRAINT journal_entries_idempotency_key UNIQUE (idempotency_key)
);
CREATE INDEX journal_entries_external_ref_idx ON payment.journal_entries (external_ref) WHERE external_ref IS NOT NULL;

-- Postings: the lines of an entry. Append-only; they sum to zero per asset within an entry.
CREATE TABLE payment.postings (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id   uuid NOT NULL REFERENCES payment.journal_entries (id),
    account_id uuid NOT NULL REFERENCES payment.accounts (id),
    asset      text NOT NULL,
    amount     bigint NOT NULL CHECK (amount <> 0),
    created_at timestamptz NOT NULL
);
CREATE INDEX postings_account_idx ON payment.postings (account_id, id DESC);
CREATE INDEX postings_entry_idx ON payment.postings (entry_id);

-- Every statement that inserts postings must leave each of its entries balanced per asset, so
-- an entry's postings are written by one statement and no half entry can ever commit.
-- +goose StatementBegin
CREATE FUNCTION payment.check_postings_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
    SELECT entry_id, asset, sum(amount) AS total INTO bad
    FROM new_postings GROUP BY entry_id, asset HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unbalanced journal entry % (% sums to %)', bad.entry_id, bad.asset, bad.total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'postings_balanced';
    END IF;
    IF EXISTS (SELECT 1 FROM new_postings p JOIN payment.accounts a ON a.id = p.account_id WHERE a.asset <> p.asset) THEN
        RAISE EXCEPTION 'posting asset differs from its account''s asset'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'postings_asset';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER postings_balanced AFTER INSERT ON payment.postings
    REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION payment.check_postings_balanced();

-- +goose StatementBegin
CREATE FUNCTION payment.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON payment.postings
    FOR EACH ROW EXECUTE FUNCTION payment.refuse_change();
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON payment.journal_entries
    FOR EACH ROW EXECUTE FUNCTION payment.refuse_change();

-- Holds: funds moved from a user's wallet to their held account until settled (possibly in
-- parts) or released.
CREATE TABLE payment.holds (
    id              uuid PRIMARY KEY,
    owner_id        uuid NOT NULL,
    asset           text NOT NULL,
    amount          bigint NOT NULL CHECK (amount > 0),
    settled         bigint NOT NULL DEFAULT 0 CHECK (settled >= 0),
    released        bigint NOT NULL DEFAULT 0 CHECK (released >= 0),
    status          text NOT NULL CHECK (status IN ('active', 'settled', 'released')),
    reason          text NOT NULL,
    external_ref    text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT holds_within_amount CHECK (settled + released <= amount),
    CONSTRAINT holds_closed_when_used CHECK ((status = 'active') = (settled + released < amount))
);
CREATE INDEX holds_owner_idx ON payment.holds (owner_id, asset) WHERE status = 'active';

-- System accounts, with more balance rows for the hot ones.
INSERT INTO payment.accounts (id, owner_id, asset, kind, allow_negative, shards)
SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000000', a.asset, k.kind, true, k.shards
FROM (VALUES ('USD'), ('VIBE')) AS a (asset),
     (VALUES ('platform_fees', 32), ('reward_pool', 16), ('stripe_clearing', 8), ('chain_hot_wallet', 8), ('treasury', 8)) AS k (kind, shards);
INSERT INTO payment.balances (account_id, shard, allow_negative)
SELECT a.id, s, true FROM payment.accounts a, generate_series(0, a.shards - 1) AS s;

-- Fiat payments (Stripe top-ups): pending (recorded, intent not created yet) -> processing
-- (PaymentIntent created, waiting for the customer) -> succeeded | failed.
CREATE TABLE payment.payments (
    id                       uuid PRIMARY KEY,
    user_id                  uuid NOT NULL,
    amount                   bigint NOT NULL CHECK (amount > 0),
    currency                 text NOT NULL,
    status                   text NOT NULL CHECK (status IN ('pending', 'processing', 'succeeded', 'failed')),
    provider                 text NOT NULL,
    idempotency_key          text NOT NULL,
    provider_payment_id      text,
    client_secret            text,
    refunded                 bigint NOT NULL DEFAULT 0,
    review_required          boolean NOT NULL DEFAULT false,
    failure_reason           text,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    CONSTRAINT payments_user_key UNIQUE (user_id, idempotency_key),
    CONSTRAINT payments_provider_id UNIQUE (provider, provider_payment_id),
    CONSTRAINT payments_refund_within_paid CHECK (refunded >= 0 AND refunded <= amount)
);
CREATE INDEX payments_open_idx ON payment.payments (updated_at) WHERE status IN ('pending', 'processing');

CREATE TABLE payment.refunds (
    id                 uuid PRIMARY KEY,
    payment_id         uuid NOT NULL REFERENCES payment.payments (id),
    amount             bigint NOT NULL CHECK (amount > 0),
    -- what was taken back from the user's wallet (no more than they still held)
    reversed           bigint NOT NULL CHECK (reversed >= 0 AND reversed <= amount),
    status             text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    reason             text NOT NULL,
    provider_refund_id text,
    requested_by       uuid NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX refunds_payment_idx ON payment.refunds (payment_id);

-- Webhook events already handled: each provider event id is processed once.
CREATE TABLE payment.webhook_events (
    provider    text NOT NULL,
    event_id    text NOT NULL,
    type        text NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (provider, event_id)
);

-- +goose Down
DROP SCHEMA payment CASCADE;
