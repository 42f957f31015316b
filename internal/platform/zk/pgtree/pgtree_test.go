package pgtree_test

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/platform/zk/pgtree"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

const depth = 20

func TestAppendMatchesTheInMemoryTreeAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := pgtree.New(pgtest.NewDB(t), 3)
	require.NoError(t, s.Ensure(ctx, "catalog", depth))
	require.NoError(t, s.Ensure(ctx, "catalog", depth), "ensure twice")
	require.Error(t, s.Ensure(ctx, "catalog", depth+1), "a tree keeps its depth")

	empty := zk.Zeros(depth)[depth]
	ok, err := s.Accepted(ctx, "catalog", zk.Big(empty))
	require.NoError(t, err)
	require.True(t, ok, "the empty root is accepted while the tree is empty")

	mem := zk.NewMemTree()
	var roots []string
	for i := 0; i < 5; i++ {
		leaf := zk.U64(uint64(100 + i))
		got, err := s.Append(ctx, "catalog", fmt.Sprint("song-", i), leaf)
		require.NoError(t, err)
		require.True(t, got.Added)
		require.Equal(t, uint64(i), got.Index)
		want, err := zk.Insert(mem, depth, uint64(i), leaf)
		require.NoError(t, err)
		require.True(t, want.Equal(&got.Root), "root after leaf %d", i)
		roots = append(roots, zk.Big(got.Root).String())
	}
	again, err := s.Append(ctx, "catalog", "song-2", zk.U64(999))
	require.NoError(t, err)
	require.False(t, again.Added)
	require.Equal(t, uint64(2), again.Index)

	m, err := s.PathOf(ctx, "catalog", "song-3")
	require.NoError(t, err)
	r := m.Path.Root(m.Leaf)
	require.True(t, r.Equal(&m.Root))
	_, err = s.PathOf(ctx, "catalog", "nope")
	require.ErrorIs(t, err, pgtree.ErrNotInTree)

	// History of 3: the last three roots are accepted, older ones are not.
	for i, root := range roots {
		v, _ := new(big.Int).SetString(root, 10)
		ok, err := s.Accepted(ctx, "catalog", v)
		require.NoError(t, err)
		require.Equal(t, i >= 2, ok, "root %d", i)
	}
	trees, err := s.Roots(ctx)
	require.NoError(t, err)
	require.Len(t, trees, 1)
	require.Equal(t, roots[4], trees[0].Root)
	require.Equal(t, []string{roots[4], roots[3], roots[2]}, trees[0].History)
	require.EqualValues(t, 5, trees[0].Leaves)
}

// Concurrent appends of distinct keys each get their own index and none is lost: the final
// root is the in-memory tree's over the leaves in index order.
func TestConcurrentAppendsLoseNothing(t *testing.T) {
	ctx := context.Background()
	s := pgtree.New(pgtest.NewDB(t), 100)
	require.NoError(t, s.Ensure(ctx, "users", depth))
	const n = 16
	var wg sync.WaitGroup
	results := make([]pgtree.Leaf, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// the same key twice from two goroutines: exactly one leaf
			key := fmt.Sprint("u", i%(n/2))
			results[i], errs[i] = s.Append(ctx, "users", key, zk.U64(uint64(i%(n/2)+1)))
		}()
	}
	wg.Wait()
	mem := zk.NewMemTree()
	byIndex := map[uint64]uint64{}
	added := 0
	for i := range results {
		require.NoError(t, errs[i])
		if results[i].Added {
			added++
			byIndex[results[i].Index] = uint64(i%(n/2) + 1)
		}
	}
	require.Equal(t, n/2, added)
	var root = zk.Zeros(depth)[depth]
	for idx := uint64(0); idx < n/2; idx++ {
		v, ok := byIndex[idx]
		require.True(t, ok, "index %d taken", idx)
		var err error
		root, err = zk.Insert(mem, depth, idx, zk.U64(v))
		require.NoError(t, err)
	}
	trees, err := s.Roots(ctx)
	require.NoError(t, err)
	require.Equal(t, zk.Big(root).String(), trees[0].Root)
}
