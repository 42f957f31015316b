-- +goose Up
-- The platform's published Merkle trees (Poseidon2 over BN254): the catalog of published songs
-- and the identity commitments of listeners. Nodes are stored so that an append rewrites only
-- its path (O(depth)); every root is kept so a proof made against an older root stays
-- verifiable while that root is within the accepted history.
CREATE SCHEMA zk;

CREATE TABLE zk.trees (
    name   text PRIMARY KEY,
    depth  smallint NOT NULL CHECK (depth BETWEEN 1 AND 62),
    leaves bigint NOT NULL DEFAULT 0,
    root   bytea NOT NULL,
    seq    bigint NOT NULL DEFAULT 0
);

CREATE TABLE zk.tree_leaves (
    tree       text NOT NULL REFERENCES zk.trees (name),
    key        text NOT NULL,
    idx        bigint NOT NULL,
    leaf       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tree, key),
    UNIQUE (tree, idx)
);

CREATE TABLE zk.tree_nodes (
    tree  text NOT NULL REFERENCES zk.trees (name),
    level smallint NOT NULL,
    idx   bigint NOT NULL,
    hash  bytea NOT NULL,
    PRIMARY KEY (tree, level, idx)
);

CREATE TABLE zk.tree_roots (
    tree       text NOT NULL REFERENCES zk.trees (name),
    seq        bigint NOT NULL,
    root       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tree, seq)
);
CREATE INDEX tree_roots_root_idx ON zk.tree_roots (tree, root);

-- +goose Down
DROP SCHEMA zk CASCADE;
