-- +goose Up
-- Settled listens, one per session: the idempotency of stream payments rests on the journal
-- key, this row keeps the split for queries (artist earnings) without parsing metadata.
CREATE TABLE payment.stream_payments (
    session_id     uuid PRIMARY KEY,
    entry_id       uuid NOT NULL REFERENCES payment.journal_entries (id),
    hold_id        uuid NOT NULL,
    song_id        uuid NOT NULL,
    listener_id    uuid NOT NULL,
    artist_user_id uuid NOT NULL,
    price          bigint NOT NULL CHECK (price > 0),
    platform_fee   bigint NOT NULL CHECK (platform_fee >= 0),
    shareholders   bigint NOT NULL CHECK (shareholders >= 0),
    artist         bigint NOT NULL CHECK (artist >= 0),
    qualified_at   timestamptz NOT NULL,
    paid_at        timestamptz NOT NULL,
    CONSTRAINT stream_payments_split CHECK (platform_fee + shareholders + artist = price)
);
CREATE INDEX stream_payments_artist_idx ON payment.stream_payments (artist_user_id, paid_at);

-- +goose Down
DROP TABLE payment.stream_payments;
