-- +goose Up
CREATE SCHEMA ownership;

-- A song's share register, created with its offering: the dividend-per-share accumulator
-- (scaled by 10^18, numeric because it outgrows 64 bits), the order sequence and the last
-- trade price. Locking this row serialises the song's book.
CREATE TABLE ownership.songs (
    song_id          uuid PRIMARY KEY,
    artist_user_id   uuid NOT NULL,
    shareholder_bps  integer NOT NULL CHECK (shareholder_bps BETWEEN 1 AND 5000),
    acc_per_share    numeric(40, 0) NOT NULL DEFAULT 0,
    acc_carry        numeric(20, 0) NOT NULL DEFAULT 0,
    royalty_entered  bigint NOT NULL DEFAULT 0 CHECK (royalty_entered >= 0),
    royalty_claimed  bigint NOT NULL DEFAULT 0 CHECK (royalty_claimed >= 0 AND royalty_claimed <= royalty_entered),
    last_price       bigint NOT NULL,
    order_seq        bigint NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL
);

CREATE TABLE ownership.offerings (
    id                    uuid PRIMARY KEY,
    song_id               uuid NOT NULL REFERENCES ownership.songs (song_id),
    artist_user_id        uuid NOT NULL,
    shareholder_bps       integer NOT NULL,
    shares_for_sale       bigint NOT NULL CHECK (shares_for_sale BETWEEN 100 AND 9900),
    -- reserved (pending or paid); never above what is for sale: the last line against overselling
    shares_sold           bigint NOT NULL DEFAULT 0,
    shares_paid           bigint NOT NULL DEFAULT 0,
    price_per_share       bigint NOT NULL CHECK (price_per_share > 0),
    min_purchase_shares   bigint NOT NULL,
    max_shares_per_holder bigint NOT NULL,
    fee_bps               integer NOT NULL,
    opens_at              timestamptz NOT NULL,
    closes_at             timestamptz,
    closed_at             timestamptz,
    milestones            integer NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL,
    CONSTRAINT offerings_song_key UNIQUE (song_id),
    CONSTRAINT offerings_not_oversold CHECK (shares_paid BETWEEN 0 AND shares_sold AND shares_sold <= shares_for_sale)
);

CREATE TABLE ownership.holdings (
    song_id     uuid NOT NULL REFERENCES ownership.songs (song_id),
    user_id     uuid NOT NULL,
    shares      bigint NOT NULL CHECK (shares BETWEEN 0 AND 10000),
    locked      bigint NOT NULL DEFAULT 0,
    cost_basis  bigint NOT NULL DEFAULT 0,
    checkpoint  numeric(40, 0) NOT NULL DEFAULT 0,
    owed        numeric(40, 0) NOT NULL DEFAULT 0,
    claimed     bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (song_id, user_id),
    CONSTRAINT holdings_locked CHECK (locked BETWEEN 0 AND shares)
);
CREATE INDEX holdings_user ON ownership.holdings (user_id);

CREATE TABLE ownership.purchases (
    id              uuid PRIMARY KEY,
    offering_id     uuid NOT NULL REFERENCES ownership.offerings (id),
    song_id         uuid NOT NULL,
    buyer_id        uuid NOT NULL,
    artist_user_id  uuid NOT NULL,
    shares          bigint NOT NULL CHECK (shares > 0),
    price_per_share bigint NOT NULL,
    gross           bigint NOT NULL,
    fee             bigint NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX purchases_pending ON ownership.purchases (created_at) WHERE status = 'pending';
CREATE INDEX purchases_buyer ON ownership.purchases (song_id, buyer_id) WHERE status = 'pending';

CREATE TABLE ownership.orders (
    id             uuid PRIMARY KEY,
    song_id        uuid NOT NULL REFERENCES ownership.songs (song_id),
    owner_id       uuid NOT NULL,
    side           text NOT NULL CHECK (side IN ('buy', 'sell')),
    tif            text NOT NULL CHECK (tif IN ('GTC', 'IOC')),
    price          bigint NOT NULL CHECK (price > 0),
    shares         bigint NOT NULL CHECK (shares > 0),
    filled         bigint NOT NULL DEFAULT 0,
    -- a buy's hold used by its trades (gross + fee)
    spent          bigint NOT NULL DEFAULT 0,
    status         text NOT NULL CHECK (status IN ('pending', 'open', 'partially_filled', 'filled', 'cancelled')),
    seq            bigint NOT NULL DEFAULT 0,
    hold_amount    bigint NOT NULL DEFAULT 0,
    -- the fee rate at placement: a buy's trades pay it, so they always fit in its hold
    fee_bps        integer NOT NULL DEFAULT 0,
    hold_id        uuid,
    released       boolean NOT NULL DEFAULT false,
    cancel_reason  text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT orders_filled CHECK (filled BETWEEN 0 AND shares AND spent BETWEEN 0 AND hold_amount)
);
CREATE INDEX orders_book ON ownership.orders (song_id, side, price, seq) WHERE status IN ('open', 'partially_filled');
CREATE INDEX orders_owner ON ownership.orders (owner_id, created_at DESC);
CREATE INDEX orders_pending ON ownership.orders (created_at) WHERE status = 'pending';
CREATE INDEX orders_unreleased ON ownership.orders (updated_at) WHERE side = 'buy' AND status IN ('filled', 'cancelled') AND NOT released;

CREATE TABLE ownership.trades (
    id             uuid PRIMARY KEY,
    song_id        uuid NOT NULL REFERENCES ownership.songs (song_id),
    buy_order_id   uuid NOT NULL REFERENCES ownership.orders (id),
    sell_order_id  uuid NOT NULL REFERENCES ownership.orders (id),
    buyer_id       uuid NOT NULL,
    seller_id      uuid NOT NULL,
    buy_hold_id    uuid NOT NULL,
    shares         bigint NOT NULL CHECK (shares > 0),
    price          bigint NOT NULL CHECK (price > 0),
    gross          bigint NOT NULL,
    fee            bigint NOT NULL,
    -- what the buyer held for these shares above what they cost (a fill below the limit),
    -- returned to the buyer's wallet by the same settlement
    buyer_refund   bigint NOT NULL DEFAULT 0 CHECK (buyer_refund >= 0),
    created_at     timestamptz NOT NULL,
    settled_at     timestamptz
);
CREATE INDEX trades_song ON ownership.trades (song_id, created_at DESC);
CREATE INDEX trades_unsettled ON ownership.trades (created_at) WHERE settled_at IS NULL;
CREATE INDEX trades_buy_order ON ownership.trades (buy_order_id);

-- One row per paid stream accrued (the event's session id): redelivery accrues nothing twice.
CREATE TABLE ownership.stream_accruals (
    session_id  uuid PRIMARY KEY,
    song_id     uuid NOT NULL,
    amount      bigint NOT NULL CHECK (amount >= 0),
    accrued_at  timestamptz NOT NULL
);

CREATE TABLE ownership.claims (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL,
    song_id       uuid NOT NULL,
    amount        bigint NOT NULL CHECK (amount > 0),
    created_at    timestamptz NOT NULL,
    completed_at  timestamptz
);
CREATE INDEX claims_pending ON ownership.claims (created_at) WHERE completed_at IS NULL;

-- Users watching a song's book over the WebSocket.
CREATE TABLE ownership.watchers (
    song_id    uuid NOT NULL,
    user_id    uuid NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (song_id, user_id)
);

-- +goose Down
DROP SCHEMA ownership CASCADE;
