package events_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// BenchmarkPublishAndDeliver measures an event from commit to its subscriber: each iteration
// publishes one event in its own transaction; the timer stops when all have been delivered.
func BenchmarkPublishAndDeliver(b *testing.B) {
	pool := pgtest.NewDB(b)
	var delivered atomic.Int64
	runner, bus := instance(&testing.T{}, pool, "bench", func(bus *events.Bus) {
		bus.Subscribe("bench.count", thingCreated, func(context.Context, events.Envelope) error {
			delivered.Add(1)
			return nil
		})
	})
	ctx := context.Background()
	if err := runner.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = runner.Stop(ctx) }()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			e, _ := events.New(ctx, thingCreated, "bench", thing{Name: "x"})
			if err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error { return bus.Publish(ctx, tx, e) }); err != nil {
				b.Error(err)
				return
			}
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for delivered.Load() < int64(b.N) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	if delivered.Load() < int64(b.N) {
		b.Fatalf("delivered %d of %d", delivered.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
