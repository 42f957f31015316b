package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestForegroundWaitIdleWaitsForTheForegroundButNotForever(t *testing.T) {
	var f Foreground
	ctx := context.Background()
	start := time.Now()
	require.NoError(t, f.WaitIdle(ctx, 20*time.Millisecond, time.Second))
	assert.Less(t, time.Since(start), 100*time.Millisecond, "idle from the start: no wait")

	done := f.Begin()
	go func() {
		time.Sleep(100 * time.Millisecond) //nolint:forbidigo // the foreground work running
		done()
	}()
	start = time.Now()
	require.NoError(t, f.WaitIdle(ctx, 20*time.Millisecond, 5*time.Second))
	assert.GreaterOrEqual(t, time.Since(start), 115*time.Millisecond, "waited for the work and the quiet time after it")

	stuck := f.Begin()
	defer stuck()
	start = time.Now()
	require.NoError(t, f.WaitIdle(ctx, 20*time.Millisecond, 150*time.Millisecond))
	assert.Less(t, time.Since(start), time.Second, "never waits past maxWait")
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)

	var nilF *Foreground
	require.NoError(t, nilF.WaitIdle(ctx, time.Second, time.Second))
	nilF.Begin()()
}
