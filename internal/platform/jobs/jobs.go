// Package jobs runs durable background work in Postgres with River: jobs are inserted in the
// transaction that decides them, survive restarts, and several instances share them without
// running any twice.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// Queue names. Each gets its own worker pool so that slow media work never delays events.
const (
	QueueEvents   = "events"
	QueueMedia    = "media"
	QueuePayments = "payments"
	QueueChains   = "chains"
	// QueueProofs runs zero-knowledge proving: CPU-bound and already parallel inside (gnark
	// spreads one proof over every core), so one worker: a burst of qualified listens queues
	// its proofs instead of starving the requests and payments sharing the cores.
	QueueProofs = "proofs"
)

// Options tune the runner.
type Options struct {
	// Workers per queue; queues not listed get 4 (events get 10).
	Concurrency map[string]int
	// FetchPollInterval bounds how late a job is noticed if its notification is missed.
	FetchPollInterval time.Duration
	// ID names this instance in River's leadership table; empty lets River choose.
	ID string
	// Logger for River itself.
	Logger *slog.Logger
	// PeriodicJobs run on a schedule by whichever instance is leader.
	PeriodicJobs []*river.PeriodicJob
	// JobTimeout bounds one attempt of a job (default 5 minutes).
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before another instance takes it back,
	// which is how the work of a process killed mid-job resumes (default JobTimeout plus a
	// minute; River's own default is an hour, so a kill -9 delayed a paid listen by an hour).
	RescueAfter time.Duration
}

// Runner owns the River client. Contexts add their workers to Workers() while the application
// is wired; the client is built on first use, after which no worker may be added.
type Runner struct {
	pool    *pgxpool.Pool
	opts    Options
	workers *river.Workers
	once    sync.Once
	client  *river.Client[pgx.Tx]
	err     error
	started bool
	mu      sync.Mutex
}

// NewRunner prepares a runner on pool.
func NewRunner(pool *pgxpool.Pool, opts Options) *Runner {
	return &Runner{pool: pool, opts: opts, workers: river.NewWorkers()}
}

// Workers is where contexts register their workers (river.AddWorker).
func (r *Runner) Workers() *river.Workers { return r.workers }

// AddPeriodic schedules a periodic job; call it before the runner is built.
func (r *Runner) AddPeriodic(job *river.PeriodicJob) {
	r.opts.PeriodicJobs = append(r.opts.PeriodicJobs, job)
}

// Client builds (once) and returns the River client.
func (r *Runner) Client() (*river.Client[pgx.Tx], error) {
	r.once.Do(func() {
		queues := map[string]river.QueueConfig{
			QueueEvents:        {MaxWorkers: 25},
			QueueMedia:         {MaxWorkers: 2},
			QueuePayments:      {MaxWorkers: 4},
			QueueChains:        {MaxWorkers: 4},
			QueueProofs:        {MaxWorkers: 1},
			river.QueueDefault: {MaxWorkers: 4},
		}
		for name, n := range r.opts.Concurrency {
			queues[name] = river.QueueConfig{MaxWorkers: n}
		}
		poll := r.opts.FetchPollInterval
		if poll == 0 {
			poll = time.Second
		}
		timeout := r.opts.JobTimeout
		if timeout <= 0 {
			timeout = 5 * time.Minute
		}
		rescue := r.opts.RescueAfter
		if rescue <= timeout {
			rescue = timeout + time.Minute
		}
		r.client, r.err = river.NewClient(riverpgxv5.New(r.pool), &river.Config{
			ID:                   r.opts.ID,
			Queues:               queues,
			Workers:              r.workers,
			Logger:               r.opts.Logger,
			FetchPollInterval:    poll,
			FetchCooldown:        min(poll, 10*time.Millisecond),
			MaxAttempts:          10,
			PeriodicJobs:         r.opts.PeriodicJobs,
			RetryPolicy:          BackoffPolicy{Base: time.Second, Max: 10 * time.Minute},
			JobTimeout:           timeout,
			RescueStuckJobsAfter: rescue,
			// Keep discarded jobs (the dead letters) for a month so an operator can inspect them.
			DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
		})
	})
	return r.client, r.err
}

// InsertTx enqueues jobs inside tx: they exist only if tx commits.
func (r *Runner) InsertTx(ctx context.Context, tx pgx.Tx, params ...river.InsertManyParams) error {
	c, err := r.Client()
	if err != nil {
		return err
	}
	if len(params) == 0 {
		return nil
	}
	_, err = c.InsertManyTx(ctx, tx, params)
	return err
}

// Insert enqueues jobs in their own transaction.
func (r *Runner) Insert(ctx context.Context, params ...river.InsertManyParams) error {
	c, err := r.Client()
	if err != nil {
		return err
	}
	_, err = c.InsertMany(ctx, params)
	return err
}

// Start begins working jobs.
func (r *Runner) Start(ctx context.Context) error {
	c, err := r.Client()
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := c.Start(ctx); err != nil {
		return fmt.Errorf("start job runner: %w", err)
	}
	r.started = true
	return nil
}

// Stop lets running jobs finish (up to ctx's deadline), then cancels what remains.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started {
		return nil
	}
	r.started = false
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return r.client.StopAndCancel(context.Background())
	}
	return err
}

// BackoffPolicy retries with exponential backoff from Base, capped at Max.
type BackoffPolicy struct {
	Base, Max time.Duration
}

// NextRetry implements river.ClientRetryPolicy.
func (p BackoffPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	d := p.Base
	for i := 1; i < len(job.Errors)+1 && d < p.Max; i++ {
		d *= 2
	}
	if d > p.Max {
		d = p.Max
	}
	return time.Now().Add(d)
}

// QueueStatus summarises one queue.
type QueueStatus struct {
	Pending              int64   `json:"pending"`
	Running              int64   `json:"running"`
	Failed               int64   `json:"failed"`
	OldestPendingSeconds float64 `json:"oldest_pending_seconds"`
}

// Status reads every queue's backlog from River's job table. Failed counts the dead letters
// (jobs discarded after their last attempt) still retained.
func (r *Runner) Status(ctx context.Context) (map[string]QueueStatus, error) {
	out := map[string]QueueStatus{}
	for _, q := range []string{QueueEvents, QueueMedia, QueuePayments, QueueChains} {
		out[q] = QueueStatus{}
	}
	rows, err := r.pool.Query(ctx, `
		SELECT queue,
		       count(*) FILTER (WHERE state IN ('available', 'scheduled', 'retryable', 'pending')),
		       count(*) FILTER (WHERE state = 'running'),
		       count(*) FILTER (WHERE state = 'discarded'),
		       COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE state IN ('available', 'scheduled', 'retryable', 'pending', 'running'))), 0)::float8
		FROM river_job
		WHERE state NOT IN ('completed', 'cancelled')
		GROUP BY queue`)
	if err != nil {
		return nil, fmt.Errorf("read queue status: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var s QueueStatus
		if err := rows.Scan(&name, &s.Pending, &s.Running, &s.Failed, &s.OldestPendingSeconds); err != nil {
			return nil, err
		}
		out[name] = s
	}
	return out, rows.Err()
}
