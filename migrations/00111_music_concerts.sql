-- +goose Up
-- VR concerts (music context): shows with limited seats, tickets paid through the ledger, access
-- passes and attendance.
CREATE TABLE music.concerts (
    id               uuid PRIMARY KEY,
    artist_id        uuid NOT NULL,
    artist_user_id   uuid NOT NULL,
    title            text NOT NULL,
    starts_at        timestamptz NOT NULL,
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 720),
    capacity         integer NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
    -- sold counts pending and valid tickets: it never exceeds the capacity
    sold             integer NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= capacity),
    ticket_price     bigint NOT NULL CHECK (ticket_price >= 0), -- USD micro-dollars
    min_age          integer NOT NULL DEFAULT 0 CHECK (min_age BETWEEN 0 AND 130),
    venue_url        text NOT NULL,
    status           text NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    created_at       timestamptz NOT NULL,
    cancelled_at     timestamptz
);

CREATE INDEX concerts_upcoming ON music.concerts (starts_at, id) WHERE status = 'scheduled';
CREATE INDEX concerts_artist ON music.concerts (artist_id, starts_at);

CREATE TABLE music.tickets (
    id               uuid PRIMARY KEY,
    concert_id       uuid NOT NULL REFERENCES music.concerts (id),
    holder_id        uuid NOT NULL,
    price            bigint NOT NULL,
    fee              bigint NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'valid', 'void', 'refunded')),
    entry_id         uuid,
    refund_entry_id  uuid,
    checked_in       boolean NOT NULL DEFAULT false,
    first_checkin_at timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE INDEX tickets_concert ON music.tickets (concert_id, status);
CREATE INDEX tickets_holder ON music.tickets (holder_id, created_at DESC);
CREATE INDEX tickets_pending ON music.tickets (updated_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE music.tickets;
DROP TABLE music.concerts;
