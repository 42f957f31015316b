// Package pgtree keeps the platform's incremental Merkle trees in Postgres (schema zk): leaves
// keyed by what they stand for, the nodes of every path, and the history of roots.
package pgtree

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/platform/zk/zkhttp"
)

// ErrNotInTree is returned for a key that has no leaf.
var ErrNotInTree = errors.New("pgtree: no leaf for this key")

// Store reads and appends the trees.
type Store struct {
	pool    *pgxpool.Pool
	history int
}

// New returns a store accepting the last history roots of each tree.
func New(pool *pgxpool.Pool, history int) *Store {
	if history < 1 {
		history = 1
	}
	return &Store{pool: pool, history: history}
}

// Ensure creates a tree (empty) unless it exists; an existing tree must have the same depth.
func (s *Store) Ensure(ctx context.Context, tree string, depth int) error {
	empty := zk.Zeros(depth)[depth]
	if _, err := s.pool.Exec(ctx, `INSERT INTO zk.trees (name, depth, root) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
		tree, depth, bytesOf(empty)); err != nil {
		return err
	}
	var got int
	if err := s.pool.QueryRow(ctx, `SELECT depth FROM zk.trees WHERE name = $1`, tree).Scan(&got); err != nil {
		return err
	}
	if got != depth {
		return fmt.Errorf("pgtree: tree %s has depth %d, want %d", tree, got, depth)
	}
	return nil
}

// Leaf is one leaf with where it sits.
type Leaf struct {
	Index uint64
	Leaf  fr.Element
	// Root is the tree's root after the append (or now, for an existing leaf).
	Root fr.Element
	// Added is false when the key already had a leaf.
	Added bool
}

// Append adds leaf under key at the next index, unless key already has one (then nothing
// changes). Appends to one tree are serialised by a row lock on the tree; each rewrites its
// path in two statements.
func (s *Store) Append(ctx context.Context, tree, key string, leaf fr.Element) (Leaf, error) {
	var out Leaf
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			depth  int
			leaves int64
			root   []byte
			seq    int64
		)
		if err := tx.QueryRow(ctx, `SELECT depth, leaves, root, seq FROM zk.trees WHERE name = $1 FOR UPDATE`, tree).
			Scan(&depth, &leaves, &root, &seq); err != nil {
			return fmt.Errorf("pgtree: tree %s: %w", tree, err)
		}
		var (
			idx      int64
			existing []byte
		)
		err := tx.QueryRow(ctx, `SELECT idx, leaf FROM zk.tree_leaves WHERE tree = $1 AND key = $2`, tree, key).Scan(&idx, &existing)
		if err == nil {
			out = Leaf{Index: uint64(idx), Leaf: elemOf(existing), Root: elemOf(root)}
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if leaves >= 1<<uint(depth) {
			return zk.ErrTreeFull
		}
		index := uint64(leaves)
		path, err := readPath(ctx, tx, tree, depth, index)
		if err != nil {
			return err
		}
		nodes := path.Nodes(leaf)
		levels := make([]int16, len(nodes))
		idxs := make([]int64, len(nodes))
		hashes := make([][]byte, len(nodes))
		for lvl := range nodes {
			levels[lvl], idxs[lvl], hashes[lvl] = int16(lvl), int64(index>>uint(lvl)), bytesOf(nodes[lvl])
		}
		if _, err := tx.Exec(ctx, `INSERT INTO zk.tree_nodes (tree, level, idx, hash)
			SELECT $1, l, i, h FROM unnest($2::smallint[], $3::bigint[], $4::bytea[]) AS t(l, i, h)
			ON CONFLICT (tree, level, idx) DO UPDATE SET hash = EXCLUDED.hash`, tree, levels, idxs, hashes); err != nil {
			return err
		}
		newRoot := nodes[len(nodes)-1]
		if _, err := tx.Exec(ctx, `INSERT INTO zk.tree_leaves (tree, key, idx, leaf) VALUES ($1, $2, $3, $4)`,
			tree, key, int64(index), bytesOf(leaf)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE zk.trees SET leaves = leaves + 1, root = $2, seq = seq + 1 WHERE name = $1`,
			tree, bytesOf(newRoot)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO zk.tree_roots (tree, seq, root) VALUES ($1, $2, $3)`,
			tree, seq+1, bytesOf(newRoot)); err != nil {
			return err
		}
		out = Leaf{Index: index, Leaf: leaf, Root: newRoot, Added: true}
		return nil
	})
	return out, err
}

// readPath reads the siblings of a leaf's path in one query (missing nodes are empty subtrees).
func readPath(ctx context.Context, q pgx.Tx, tree string, depth int, index uint64) (zk.Path, error) {
	levels := make([]int16, depth)
	idxs := make([]int64, depth)
	for lvl := 0; lvl < depth; lvl++ {
		levels[lvl], idxs[lvl] = int16(lvl), int64((index>>uint(lvl))^1)
	}
	rows, err := q.Query(ctx, `SELECT n.level, n.hash FROM zk.tree_nodes n
		JOIN unnest($2::smallint[], $3::bigint[]) AS w(l, i) ON n.level = w.l AND n.idx = w.i
		WHERE n.tree = $1`, tree, levels, idxs)
	if err != nil {
		return zk.Path{}, err
	}
	defer rows.Close()
	zeros := zk.Zeros(depth)
	p := zk.Path{Index: index, Siblings: append([]fr.Element(nil), zeros[:depth]...)}
	for rows.Next() {
		var (
			lvl int16
			h   []byte
		)
		if err := rows.Scan(&lvl, &h); err != nil {
			return zk.Path{}, err
		}
		p.Siblings[lvl] = elemOf(h)
	}
	return p, rows.Err()
}

// Membership is a leaf's authentication path against the tree's current root.
type Membership struct {
	Leaf fr.Element
	Path zk.Path
	Root fr.Element
}

// PathOf reads the path of key's leaf and the root it leads to, in one consistent snapshot.
func (s *Store) PathOf(ctx context.Context, tree, key string) (Membership, error) {
	var m Membership
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var (
			depth int
			root  []byte
			idx   int64
			leaf  []byte
		)
		if err := tx.QueryRow(ctx, `SELECT depth, root FROM zk.trees WHERE name = $1`, tree).Scan(&depth, &root); err != nil {
			return fmt.Errorf("pgtree: tree %s: %w", tree, err)
		}
		err := tx.QueryRow(ctx, `SELECT idx, leaf FROM zk.tree_leaves WHERE tree = $1 AND key = $2`, tree, key).Scan(&idx, &leaf)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotInTree
		}
		if err != nil {
			return err
		}
		p, err := readPath(ctx, tx, tree, depth, uint64(idx))
		if err != nil {
			return err
		}
		m = Membership{Leaf: elemOf(leaf), Path: p, Root: elemOf(root)}
		return nil
	})
	return m, err
}

// Accepted reports whether root is one of the tree's last `history` roots (or the empty
// tree's root while it has no leaves).
func (s *Store) Accepted(ctx context.Context, tree string, root *big.Int) (bool, error) {
	e, err := zk.Elem(root)
	if err != nil {
		return false, nil
	}
	var ok bool
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (
		SELECT 1 FROM zk.trees t WHERE t.name = $1 AND (t.root = $2 OR EXISTS (
			SELECT 1 FROM zk.tree_roots r WHERE r.tree = t.name AND r.root = $2 AND r.seq > t.seq - $3)))`,
		tree, bytesOf(e), s.history).Scan(&ok)
	return ok, err
}

// Roots lists every tree with its current root and accepted history (newest first, at most
// 100 listed).
func (s *Store) Roots(ctx context.Context) ([]zkhttp.TreeRoots, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, depth, leaves, root, seq FROM zk.trees ORDER BY name`)
	if err != nil {
		return nil, err
	}
	type t struct {
		zkhttp.TreeRoots
		seq int64
	}
	var trees []t
	for rows.Next() {
		var (
			x    t
			root []byte
		)
		if err := rows.Scan(&x.Tree, &x.Depth, &x.Leaves, &root, &x.seq); err != nil {
			rows.Close()
			return nil, err
		}
		x.Root = zk.Big(elemOf(root)).String()
		trees = append(trees, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]zkhttp.TreeRoots, 0, len(trees))
	for _, x := range trees {
		x.History = []string{}
		hr, err := s.pool.Query(ctx, `SELECT root FROM zk.tree_roots WHERE tree = $1 AND seq > $2 ORDER BY seq DESC LIMIT 100`,
			x.Tree, x.seq-int64(s.history))
		if err != nil {
			return nil, err
		}
		for hr.Next() {
			var r []byte
			if err := hr.Scan(&r); err != nil {
				hr.Close()
				return nil, err
			}
			x.History = append(x.History, zk.Big(elemOf(r)).String())
		}
		hr.Close()
		if len(x.History) == 0 {
			x.History = append(x.History, x.Root)
		}
		out = append(out, x.TreeRoots)
	}
	return out, nil
}

func bytesOf(e fr.Element) []byte {
	b := e.Bytes()
	return b[:]
}

func elemOf(b []byte) fr.Element {
	var e fr.Element
	e.SetBytes(b)
	return e
}
