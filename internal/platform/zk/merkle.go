package zk

import (
	"errors"
	"fmt"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Path is a leaf's authentication path: its index and the siblings from the leaf level up.
type Path struct {
	Index    uint64
	Siblings []fr.Element
}

// Root recomputes the root from a leaf and its path (the native twin of Hasher.MerkleRoot).
func (p Path) Root(leaf fr.Element) fr.Element {
	cur := leaf
	for i, sib := range p.Siblings {
		if p.Index>>uint(i)&1 == 1 {
			cur = Compress(sib, cur)
		} else {
			cur = Compress(cur, sib)
		}
	}
	return cur
}

var zeroCache sync.Map // depth -> []fr.Element

// Zeros returns the roots of empty subtrees: Zeros(d)[0] is the empty leaf (0) and
// Zeros(d)[i+1] = Compress(Zeros(d)[i], Zeros(d)[i]); Zeros(d)[d] is the empty tree's root.
func Zeros(depth int) []fr.Element {
	if v, ok := zeroCache.Load(depth); ok {
		return v.([]fr.Element)
	}
	z := make([]fr.Element, depth+1)
	for i := 0; i < depth; i++ {
		z[i+1] = Compress(z[i], z[i])
	}
	zeroCache.Store(depth, z)
	return z
}

// ErrTreeFull is returned when every leaf of a tree is taken.
var ErrTreeFull = errors.New("zk: merkle tree is full")

// NodeStore is where an incremental tree keeps its nodes: level 0 holds leaves, level depth the
// root; a missing node is the empty subtree of its level.
type NodeStore interface {
	Node(level int, index uint64) (fr.Element, bool, error)
	SetNode(level int, index uint64, v fr.Element) error
}

// Insert writes leaf at index and rehashes the path to the root: depth compressions and depth
// sibling reads, O(depth) whatever the tree's size. It returns the new root.
func Insert(s NodeStore, depth int, index uint64, leaf fr.Element) (fr.Element, error) {
	if depth < 64 && index >= 1<<uint(depth) {
		return fr.Element{}, ErrTreeFull
	}
	zeros := Zeros(depth)
	cur := leaf
	if err := s.SetNode(0, index, cur); err != nil {
		return cur, err
	}
	for lvl := 0; lvl < depth; lvl++ {
		sibIdx := index ^ 1
		sib, ok, err := s.Node(lvl, sibIdx)
		if err != nil {
			return cur, err
		}
		if !ok {
			sib = zeros[lvl]
		}
		if index&1 == 1 {
			cur = Compress(sib, cur)
		} else {
			cur = Compress(cur, sib)
		}
		index >>= 1
		if err := s.SetNode(lvl+1, index, cur); err != nil {
			return cur, err
		}
	}
	return cur, nil
}

// PathOf reads the authentication path of the leaf at index.
func PathOf(s NodeStore, depth int, index uint64) (Path, error) {
	zeros := Zeros(depth)
	p := Path{Index: index, Siblings: make([]fr.Element, depth)}
	for lvl := 0; lvl < depth; lvl++ {
		sib, ok, err := s.Node(lvl, index^1)
		if err != nil {
			return Path{}, err
		}
		if !ok {
			sib = zeros[lvl]
		}
		p.Siblings[lvl] = sib
		index >>= 1
	}
	return p, nil
}

// MemTree is an in-memory NodeStore (tests, tools).
type MemTree struct {
	mu    sync.Mutex
	nodes map[[2]uint64]fr.Element
}

// NewMemTree returns an empty in-memory tree store.
func NewMemTree() *MemTree { return &MemTree{nodes: map[[2]uint64]fr.Element{}} }

// Node implements NodeStore.
func (m *MemTree) Node(level int, index uint64) (fr.Element, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.nodes[[2]uint64{uint64(level), index}]
	return v, ok, nil
}

// SetNode implements NodeStore.
func (m *MemTree) SetNode(level int, index uint64, v fr.Element) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if level < 0 {
		return fmt.Errorf("zk: level %d", level)
	}
	m.nodes[[2]uint64{uint64(level), index}] = v
	return nil
}

// Nodes returns the nodes on the path from leaf (level 0) to the root (level depth): what an
// insert writes.
func (p Path) Nodes(leaf fr.Element) []fr.Element {
	out := make([]fr.Element, 0, len(p.Siblings)+1)
	cur := leaf
	out = append(out, cur)
	for i, sib := range p.Siblings {
		if p.Index>>uint(i)&1 == 1 {
			cur = Compress(sib, cur)
		} else {
			cur = Compress(cur, sib)
		}
		out = append(out, cur)
	}
	return out
}
