package zk_test

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
	lzk "github.com/vibestream/vibestream/internal/listenreward/infrastructure/zk"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/zk/pgtree"
)

// publishedSongs serves sorted ids page by page; cancel, when set, ends the caller's context
// after that many pages (a kill between two pages).
type publishedSongs struct {
	ids    []uuid.UUID
	afters []uuid.UUID
	cancel func()
	stopAt int
}

func (f *publishedSongs) ListPublishedSongIDs(_ context.Context, after uuid.UUID, limit int) ([]uuid.UUID, error) {
	f.afters = append(f.afters, after)
	if f.cancel != nil && len(f.afters) > f.stopAt {
		f.cancel()
	}
	i := sort.Search(len(f.ids), func(i int) bool { return slices.Compare(f.ids[i][:], after[:]) > 0 })
	return f.ids[i:min(i+limit, len(f.ids))], nil
}

// The back-fill appends every published song page by page; interrupted, it resumes from the
// saved cursor rather than from the start; run again once finished, it does nothing.
func TestCatalogBackfillResumesAfterAnInterruption(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	songs := &publishedSongs{}
	for range 1_200 {
		songs.ids = append(songs.ids, uuid.New())
	}
	slices.SortFunc(songs.ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	trees := pgtree.New(pool, 10)
	p, err := lzk.New(ctx, lzk.Deps{Pool: pool, Runner: jobs.NewRunner(pool, jobs.Options{}), System: mustSystem(t), Trees: trees,
		Catalog: catalog{}, Published: songs, Policy: domain.DefaultPolicy()})
	require.NoError(t, err)
	// One song was already appended by the publishing subscriber: not appended twice.
	_, err = trees.Append(ctx, lzk.CatalogTree, songs.ids[700].String(), lzk.SongLeaf(songs.ids[700]))
	require.NoError(t, err)

	killed, cancel := context.WithCancel(ctx)
	songs.cancel, songs.stopAt = cancel, 1 // the context ends while the second page is appended
	_, err = p.BackfillCatalog(killed, time.Now().Add(time.Hour))
	require.Error(t, err)
	var after uuid.UUID
	require.NoError(t, pool.QueryRow(ctx, `SELECT after_id FROM listenreward.catalog_backfill`).Scan(&after))
	require.Equal(t, songs.ids[lzk.BackfillPage-1], after, "the cursor stays at the last whole page")

	songs.cancel, songs.afters = nil, nil
	done, err := p.BackfillCatalog(ctx, time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.True(t, done)
	require.Equal(t, songs.ids[lzk.BackfillPage-1], songs.afters[0], "resumed from the cursor")
	var leaves int
	require.NoError(t, pool.QueryRow(ctx, `SELECT leaves FROM zk.trees WHERE name = 'catalog'`).Scan(&leaves))
	require.Equal(t, 1_200, leaves)
	for _, i := range []int{0, 499, 500, 700, 1_199} {
		m, err := trees.PathOf(ctx, lzk.CatalogTree, songs.ids[i].String())
		require.NoError(t, err)
		require.Equal(t, m.Root, m.Path.Root(lzk.SongLeaf(songs.ids[i])))
	}

	songs.afters = nil
	done, err = p.BackfillCatalog(ctx, time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.True(t, done)
	require.Empty(t, songs.afters, "a finished back-fill reads nothing")
}
