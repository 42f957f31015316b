-- +goose Up
-- A song's per-stream price in USD micro-dollars; NULL follows the platform default
-- (STREAM_PRICE_DEFAULT), so changing the default reprices every song nobody priced.
ALTER TABLE music.songs ADD COLUMN stream_price bigint CHECK (stream_price IS NULL OR stream_price > 0);

-- What the stream endpoint served under one listen session's signed link, observed by the
-- server: a request adds its range's length before the body goes out and takes back any
-- shortfall after a short write, so by the time a client has the bytes they are counted here.
CREATE TABLE music.session_streams (
    session_id     uuid PRIMARY KEY,
    song_id        uuid NOT NULL,
    user_id        uuid NOT NULL,
    requests       bigint NOT NULL DEFAULT 0 CHECK (requests >= 0),
    bytes_served   bigint NOT NULL DEFAULT 0 CHECK (bytes_served >= 0),
    -- one past the last byte served by any request (lowered, conservatively, after a short write)
    highest_offset bigint NOT NULL DEFAULT 0 CHECK (highest_offset >= 0),
    updated_at     timestamptz NOT NULL
);

-- +goose Down
DROP TABLE music.session_streams;
ALTER TABLE music.songs DROP COLUMN stream_price;
