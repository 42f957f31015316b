-- +goose Up
-- Listen circuit revision 2: a catalog leaf is the song id itself, no longer H(song). A tree
-- built with the old leaves is rebuilt by the back-fill job at the next start (the users tree
-- keeps its leaves: an identity commitment is still H(secret)). Proofs of revision 1 keep
-- their rows but no longer verify: the keys of revision 1 are moved aside at start.
UPDATE listenreward.catalog_backfill SET finished_at = NULL, after_id = '00000000-0000-0000-0000-000000000000';
DELETE FROM zk.tree_roots WHERE tree = 'catalog';
DELETE FROM zk.tree_nodes WHERE tree = 'catalog';
DELETE FROM zk.tree_leaves WHERE tree = 'catalog';
DELETE FROM zk.trees WHERE name = 'catalog';

-- +goose Down
SELECT 1;
