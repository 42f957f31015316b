package zk_test

import (
	"context"
	"math/big"
	"os"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
	lzk "github.com/vibestream/vibestream/internal/listenreward/infrastructure/zk"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/platform/zk/pgtree"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

type catalog struct{ published map[uuid.UUID]bool }

func (c catalog) Song(_ context.Context, id uuid.UUID) (musiccontracts.SongSummary, error) {
	return musiccontracts.SongSummary{ID: id, Published: c.published[id], Ready: true, DurationMS: 180_000}, nil
}

func (catalog) StreamTotals(context.Context, uuid.UUID, uuid.UUID) (musiccontracts.StreamTotals, error) {
	return musiccontracts.StreamTotals{}, nil
}

// Two provers racing for one session store one proof; the stored proof verifies against the
// trees' roots; an unpublished song's listen fails with a reason.
func TestConcurrentProofsOfOneSessionStoreOne(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	song, hidden := uuid.New(), uuid.New()
	trees := pgtree.New(pool, 10)
	p, err := lzk.New(ctx, lzk.Deps{Pool: pool, Runner: jobs.NewRunner(pool, jobs.Options{}), System: mustSystem(t), Trees: trees,
		Catalog: catalog{published: map[uuid.UUID]bool{song: true}}, Published: &publishedSongs{}, Policy: domain.DefaultPolicy()})
	require.NoError(t, err)

	listener, session := uuid.New(), uuid.New()
	require.NoError(t, p.Record(ctx, session, listener, song, 45))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = p.Prove(ctx, session) }()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	sp, err := p.Proof(ctx, session)
	require.NoError(t, err)
	require.Equal(t, "proved", sp.Status)
	public := bigs(t, sp.PublicInputs)
	require.NoError(t, mustSystem(t).Verify(sp.Proof, public))
	reasons, err := p.Check(ctx, public, "")
	require.NoError(t, err)
	require.Empty(t, reasons)
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT leaves FROM zk.trees WHERE name = 'users'`).Scan(&n))
	require.Equal(t, 1, n, "one identity for the listener however many provers ran")

	// Claimed once, then refused.
	_, err = p.Claim(ctx, sp.PublicInputs[lzk.InNullifier], sp.PublicInputs[lzk.InSessionTag], uuid.New())
	require.NoError(t, err)
	_, err = p.Claim(ctx, sp.PublicInputs[lzk.InNullifier], sp.PublicInputs[lzk.InSessionTag], uuid.New())
	require.ErrorIs(t, err, zk.ErrNullifierUsed)
	_, err = p.Check(ctx, public, "")
	require.ErrorIs(t, err, zk.ErrNullifierUsed)

	other := uuid.New()
	require.NoError(t, p.Record(ctx, other, listener, hidden, 45))
	require.NoError(t, p.Prove(ctx, other))
	sp, err = p.Proof(ctx, other)
	require.NoError(t, err)
	require.Equal(t, "failed", sp.Status)
	require.Contains(t, sp.Failure, "not published")
}

func bigs(t *testing.T, ss []string) []*big.Int {
	t.Helper()
	out := make([]*big.Int, len(ss))
	for i, s := range ss {
		v, ok := new(big.Int).SetString(s, 10)
		require.True(t, ok)
		out[i] = v
	}
	return out
}
