package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/platform/httpx"
)

// idempotencyRetention is how long a money-moving response is kept for replay.
const idempotencyRetention = 7 * 24 * time.Hour

// wireMaintenance schedules the platform's own housekeeping jobs.
func (a *app) wireMaintenance() {
	river.AddWorker(a.runner.Workers(), &purgeIdempotencyWorker{pool: a.pool, logger: a.logger})
	a.runner.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
		return purgeIdempotencyArgs{}, &river.InsertOpts{Queue: river.QueueDefault, MaxAttempts: 1}
	}, nil))
}

// purgeIdempotencyArgs is the hourly job deleting Idempotency-Key responses past retention.
type purgeIdempotencyArgs struct{}

func (purgeIdempotencyArgs) Kind() string { return "platform.purge_idempotency_keys" }

type purgeIdempotencyWorker struct {
	river.WorkerDefaults[purgeIdempotencyArgs]
	pool   *pgxpool.Pool
	logger *slog.Logger
}

func (w *purgeIdempotencyWorker) Work(ctx context.Context, _ *river.Job[purgeIdempotencyArgs]) error {
	n, err := httpx.PurgeIdempotencyKeys(ctx, w.pool, idempotencyRetention)
	if n > 0 {
		w.logger.InfoContext(ctx, "idempotency keys purged", "count", n)
	}
	return err
}
