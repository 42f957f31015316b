-- +goose Up
-- The campaign context: artists' paid boosts of listen rewards. Only the campaign context reads
-- or writes this schema. Amounts are VIBE in minor units (9 decimals).
CREATE SCHEMA campaign;

CREATE TABLE campaign.campaigns (
    id             uuid PRIMARY KEY,
    artist_user_id uuid NOT NULL,
    artist_id      uuid NOT NULL,
    name           text NOT NULL CHECK (char_length(name) BETWEEN 3 AND 100),
    song_ids       uuid[] NOT NULL CHECK (cardinality(song_ids) BETWEEN 1 AND 50),
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL CHECK (ends_at > starts_at),
    boost_tenths   integer NOT NULL CHECK (boost_tenths BETWEEN 10 AND 100),
    budget         bigint NOT NULL CHECK (budget > 0),
    -- spent never exceeds the budget: the database refuses an overdraw even if a bug tried one
    spent          bigint NOT NULL DEFAULT 0 CHECK (spent >= 0 AND spent <= budget),
    status         text NOT NULL CHECK (status IN ('draft', 'scheduled', 'active', 'paused', 'ended')),
    hold_id        uuid,
    -- true between the activation's mark and the outcome of its hold (a crash in between
    -- leaves it true; the lifecycle job gives the hold back)
    activating     boolean NOT NULL DEFAULT false,
    milestone      integer NOT NULL DEFAULT 0 CHECK (milestone IN (0, 25, 50, 75, 100)),
    end_reason     text NOT NULL DEFAULT '',
    released       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    ended_at       timestamptz
);

CREATE INDEX campaigns_song_ids ON campaign.campaigns USING gin (song_ids) WHERE status = 'active';
CREATE INDEX campaigns_owner ON campaign.campaigns (artist_user_id, created_at DESC, id DESC);
CREATE INDEX campaigns_artist ON campaign.campaigns (artist_id, created_at DESC, id DESC);
CREATE INDEX campaigns_due ON campaign.campaigns (status, starts_at, ends_at) WHERE status IN ('scheduled', 'active', 'paused');
CREATE INDEX campaigns_to_release ON campaign.campaigns (updated_at) WHERE status = 'ended' AND hold_id IS NOT NULL AND NOT released;
CREATE INDEX campaigns_activating ON campaign.campaigns (updated_at) WHERE activating;

-- One boost per listen session: the primary key makes the draw idempotent.
CREATE TABLE campaign.boosts (
    session_id   uuid PRIMARY KEY,
    campaign_id  uuid NOT NULL REFERENCES campaign.campaigns (id),
    listener_id  uuid NOT NULL,
    song_id      uuid NOT NULL,
    boost_tenths integer NOT NULL,
    base         bigint NOT NULL CHECK (base >= 0),
    extra        bigint NOT NULL CHECK (extra >= 0),
    created_at   timestamptz NOT NULL,
    settled_at   timestamptz,
    entry_id     uuid
);

CREATE INDEX boosts_campaign ON campaign.boosts (campaign_id, created_at);
CREATE INDEX boosts_unsettled ON campaign.boosts (campaign_id, created_at) WHERE settled_at IS NULL;

-- +goose Down
DROP SCHEMA campaign CASCADE;
