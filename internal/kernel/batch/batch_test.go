package batch_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/batch"
)

func TestGroupCoalescesConcurrentItemsAndKeepsResultsApart(t *testing.T) {
	t.Parallel()
	var running, batches, maxSeen, first atomic.Int64
	release := make(chan struct{})
	g := batch.New(64, func(_ context.Context, key string, items []int) []int {
		if running.Add(1) != 1 {
			t.Error("two batches of one key ran at once")
		}
		defer running.Add(-1)
		if batches.Add(1) == 1 {
			first.Store(int64(len(items)))
			<-release // hold the first batch so the others queue up
		}
		if int64(len(items)) > maxSeen.Load() {
			maxSeen.Store(int64(len(items)))
		}
		out := make([]int, len(items))
		for i, v := range items {
			out[i] = v * 10
		}
		return out
	})
	var wg sync.WaitGroup
	got := make([]int, 100)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := g.Do(context.Background(), "k", i)
			assert.NoError(t, err)
			got[i] = r
		}()
	}
	require.Eventually(t, func() bool { return batches.Load() == 1 }, 5*time.Second, time.Millisecond)
	require.Eventually(t, func() bool { return int64(g.Queued("k"))+first.Load() == 100 }, 5*time.Second, time.Millisecond, "the others queue behind the held batch")
	close(release)
	wg.Wait()
	for i, r := range got {
		assert.Equal(t, i*10, r, "item %d got another item's result", i)
	}
	assert.Equal(t, 1+(100-first.Load()+63)/64, batches.Load(), "the held batch, then the queued ones in batches of at most 64")
	assert.LessOrEqual(t, maxSeen.Load(), int64(64), "a batch never exceeds max")
}

func TestGroupKeysRunIndependently(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	g := batch.New(0, func(_ context.Context, key string, items []string) []string {
		if key == "slow" {
			<-block
		}
		return items
	})
	go func() { _, _ = g.Do(context.Background(), "slow", "a") }()
	r, err := g.Do(context.Background(), "fast", "b")
	require.NoError(t, err)
	assert.Equal(t, "b", r, "a blocked key does not hold up another key")
	close(block)
}

func TestGroupShortResultIsAnError(t *testing.T) {
	t.Parallel()
	g := batch.New(0, func(_ context.Context, _ int, items []int) []int { return nil })
	_, err := g.Do(context.Background(), 1, 1)
	assert.True(t, errors.Is(err, batch.ErrNoResult))
}

func TestGroupSurvivesAPanickingBatch(t *testing.T) {
	t.Parallel()
	g := batch.New(0, func(_ context.Context, _ int, items []int) []int {
		if items[0] == 0 {
			panic("bug")
		}
		return items
	})
	_, err := g.Do(context.Background(), 1, 0)
	assert.ErrorIs(t, err, batch.ErrNoResult)
	r, err := g.Do(context.Background(), 1, 5)
	require.NoError(t, err, "the key's later batches still run")
	assert.Equal(t, 5, r)
}

// A caller whose context is cancelled while its item waits still gets the item's result: the
// batch ran it, and reporting "cancelled" would invite a second run.
func TestGroupAnswersACancelledCallerWithItsResult(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var ran atomic.Int64
	g := batch.New(0, func(ctx context.Context, _ int, items []int) []int {
		<-release
		assert.NoError(t, ctx.Err(), "the batch is not cancelled with its first caller")
		ran.Add(int64(len(items)))
		return items
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		r, err := g.Do(ctx, 1, 42)
		assert.NoError(t, err)
		done <- r
	}()
	require.Eventually(t, func() bool { return g.Queued(1) == 0 }, 5*time.Second, time.Millisecond)
	cancel()
	close(release)
	assert.Equal(t, 42, <-done)
	assert.Equal(t, int64(1), ran.Load())
}
