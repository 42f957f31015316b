package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/orchestrator"
	"github.com/vibestream/vibestream/internal/payment"
	"github.com/vibestream/vibestream/internal/platform/httpx"
)

// idempotencyRetention is how long a money-moving response is kept for replay.
const idempotencyRetention = 7 * 24 * time.Hour

// wirePayment builds the payment context, its routes, its reconciliation job and the
// account-opening workflow.
func (a *app) wirePayment() error {
	pc := a.cfg.Payment
	m, err := payment.New(payment.Deps{
		Pool:     a.pool,
		Bus:      a.bus,
		Runner:   a.runner,
		Registry: a.registry,
		Logger:   a.logger.With("context", "payment"),
		Stripe: payment.StripeConfig{SecretKey: pc.StripeSecretKey, WebhookSecret: pc.StripeWebhookSecret,
			APIURL: pc.StripeAPIURL, Timeout: pc.StripeTimeout},
		ReconcileEvery: pc.ReconcileInterval,
		ReconcileAfter: pc.ReconcileAfter,
	})
	if err != nil {
		return err
	}
	a.payment = m
	m.Routes(a.api)
	orchestrator.OpenAccountsOnRegistration(a.bus, m.Ledger())
	river.AddWorker(a.runner.Workers(), &purgeIdempotencyWorker{pool: a.pool, logger: a.logger})
	a.runner.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
		return purgeIdempotencyArgs{}, &river.InsertOpts{Queue: river.QueueDefault, MaxAttempts: 1}
	}, nil))
	a.health.AddComponent("card_payments", func() string {
		if m.StripeConfigured() {
			return "available"
		}
		return "unavailable: STRIPE_SECRET_KEY is not set"
	})
	return nil
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
