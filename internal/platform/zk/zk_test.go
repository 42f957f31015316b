package zk_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/zk"
)

// hashCircuit asserts that the in-circuit Hash and MerkleRoot equal public values computed
// natively: the two implementations must agree bit for bit.
type hashCircuit struct {
	A, B, C  frontend.Variable
	Out      frontend.Variable `gnark:",public"`
	Index    frontend.Variable
	Siblings []frontend.Variable
	Root     frontend.Variable `gnark:",public"`
	Packed   frontend.Variable `gnark:",public"`
}

func (c *hashCircuit) Define(api frontend.API) error {
	h, err := zk.NewHasher(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h.Hash(c.A, c.B, c.C), c.Out)
	api.AssertIsEqual(h.MerkleRoot(c.A, c.Index, c.Siblings), c.Root)
	api.AssertIsEqual(h.Pack(c.B, c.A), c.Packed)
	return nil
}

func TestHashAndMerkleRootMatchNatively(t *testing.T) {
	t.Parallel()
	const depth = 8
	tree := zk.NewMemTree()
	var leaves []fr.Element
	var root fr.Element
	for i := uint64(0); i < 5; i++ {
		leaves = append(leaves, zk.U64(1000+i))
		var err error
		root, err = zk.Insert(tree, depth, i, leaves[i])
		require.NoError(t, err)
	}
	path, err := zk.PathOf(tree, depth, 3)
	require.NoError(t, err)
	got := path.Root(leaves[3])
	require.True(t, got.Equal(&root), "path of leaf 3 leads to the root")

	assign := func(leaf fr.Element, p zk.Path, r fr.Element) *hashCircuit {
		sib := make([]frontend.Variable, depth)
		for i := range sib {
			sib[i] = zk.Big(p.Siblings[i])
		}
		out := zk.Hash(leaf, zk.U64(2), zk.U64(3))
		return &hashCircuit{A: zk.Big(leaf), B: 2, C: 3, Out: zk.Big(out), Index: p.Index, Siblings: sib, Root: zk.Big(r),
			Packed: zk.Big(zk.Pack(zk.U64(2), leaf))}
	}
	def := &hashCircuit{Siblings: make([]frontend.Variable, depth)}
	require.NoError(t, test.IsSolved(def, assign(leaves[3], path, root), zk.Curve.ScalarField()))

	wrongIdx := path
	wrongIdx.Index = 2
	require.Error(t, test.IsSolved(def, assign(leaves[3], wrongIdx, root), zk.Curve.ScalarField()))
	other := root
	other.Add(&other, &leaves[0])
	require.Error(t, test.IsSolved(def, assign(leaves[3], path, other), zk.Curve.ScalarField()))
}

func TestIncrementalTreeMatchesFullRecompute(t *testing.T) {
	t.Parallel()
	const depth = 4
	tree := zk.NewMemTree()
	var root fr.Element
	leaves := make([]fr.Element, 1<<depth)
	for i := range leaves {
		leaves[i] = zk.U64(uint64(7 * (i + 1)))
		var err error
		root, err = zk.Insert(tree, depth, uint64(i), leaves[i])
		require.NoError(t, err)
	}
	level := leaves
	for len(level) > 1 {
		next := make([]fr.Element, len(level)/2)
		for i := range next {
			next[i] = zk.Compress(level[2*i], level[2*i+1])
		}
		level = next
	}
	require.True(t, level[0].Equal(&root))
	_, err := zk.Insert(tree, depth, 1<<depth, zk.U64(1))
	require.ErrorIs(t, err, zk.ErrTreeFull)

	empty := zk.Zeros(depth)
	require.Equal(t, zk.Compress(empty[depth-1], empty[depth-1]), empty[depth])
}

func TestElemRejectsOutOfField(t *testing.T) {
	t.Parallel()
	_, err := zk.Elem(zk.Modulus())
	require.Error(t, err)
	_, err = zk.Elem(big.NewInt(-1))
	require.Error(t, err)
	e, err := zk.Elem(big.NewInt(42))
	require.NoError(t, err)
	require.Equal(t, "42", zk.Big(e).String())
}
