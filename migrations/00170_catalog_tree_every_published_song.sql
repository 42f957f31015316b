-- +goose Up
-- The catalog tree holds every published song (music.song_published.v1 appends new ones; a
-- back-fill job appends those published before), no longer only the songs whose listens were
-- proved. The old tree is rebuilt: its leaves, nodes and roots go, and the back-fill starts
-- from the beginning at the next start.
CREATE TABLE listenreward.catalog_backfill (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    -- bumped by each start that enqueues the job (the job is unique by generation)
    generation  bigint NOT NULL DEFAULT 0,
    -- keyset cursor: the last song id appended
    after_id    uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    finished_at timestamptz
);
INSERT INTO listenreward.catalog_backfill DEFAULT VALUES;

DELETE FROM zk.tree_roots WHERE tree = 'catalog';
DELETE FROM zk.tree_nodes WHERE tree = 'catalog';
DELETE FROM zk.tree_leaves WHERE tree = 'catalog';
DELETE FROM zk.trees WHERE name = 'catalog';

-- +goose Down
DROP TABLE listenreward.catalog_backfill;
