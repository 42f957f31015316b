-- +goose Up
-- A play is a listen, not a request: one row per (user, song, stream link) sums the bytes its
-- requests served; the song's play count goes up once, in the batch where the sum first reaches
-- the row's threshold (about 30 s of the audio). counted_batch names that batch, so the
-- recorder can tell in one statement which rows it has just counted.
CREATE TABLE music.plays (
    user_id       uuid NOT NULL,
    song_id       uuid NOT NULL,
    link_key      text NOT NULL,
    bytes         bigint NOT NULL,
    threshold     bigint NOT NULL,
    counted_batch uuid,
    first_at      timestamptz NOT NULL,
    last_at       timestamptz NOT NULL,
    PRIMARY KEY (user_id, song_id, link_key)
);
CREATE INDEX plays_song_idx ON music.plays (song_id);

-- +goose Down
DROP TABLE music.plays;
