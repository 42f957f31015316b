package chains

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/platform/jobs"
)

// TransferArgs is the durable job that drives one stored transfer to a final state.
type TransferArgs struct {
	ID         uuid.UUID `json:"id"`
	Blockchain string    `json:"blockchain"`
}

// Kind names the job.
func (TransferArgs) Kind() string { return "chain_transfer" }

// InsertOpts puts it on the chains queue; one live job per transfer.
func (TransferArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueChains, MaxAttempts: 100, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// TransferWorker runs the executor behind the chain's circuit breaker.
type TransferWorker struct {
	river.WorkerDefaults[TransferArgs]
	Executor *Executor
	Breakers map[string]*Breaker
}

// Timeout bounds one run; an unfinished transfer continues in the next attempt.
func (w *TransferWorker) Timeout(*river.Job[TransferArgs]) time.Duration { return 2 * time.Minute }

// Retry backoff of a transfer job after an error (an RPC that is down, a node that answers
// garbage): short and bounded, so a transfer goes out within seconds of its chain coming back
// however long the outage lasted. River's client policy (exponential up to minutes) is for
// jobs whose retries are expensive; a transfer's retry first asks the chain about every stored
// version, so it never sends twice, and the breaker keeps a down node from being hammered.
const (
	TransferRetryBase = time.Second
	TransferRetryMax  = 5 * time.Second
)

// TransferRetryDelay is the wait after a transfer job's errors-th error (1, 2, 4, 5, 5, ... s).
func TransferRetryDelay(errors int) time.Duration {
	d := TransferRetryBase
	for i := 1; i < errors && d < TransferRetryMax; i++ {
		d *= 2
	}
	return min(d, TransferRetryMax)
}

// NextRetry implements river.Worker: TransferRetryDelay, not the client's long backoff.
func (w *TransferWorker) NextRetry(job *river.Job[TransferArgs]) time.Time {
	// job.Errors holds the earlier errors; the one being retried is not in it yet.
	return time.Now().Add(TransferRetryDelay(len(job.Errors) + 1))
}

// Work executes the transfer.
func (w *TransferWorker) Work(ctx context.Context, job *river.Job[TransferArgs]) error {
	b := w.Breakers[job.Args.Blockchain]
	if b != nil {
		if ok, wait := b.Allow(); !ok {
			return river.JobSnooze(wait)
		}
	}
	err := w.Executor.Run(ctx, job.Args.ID)
	report(b, ctx, err)
	if errors.Is(err, ErrBusy) {
		// Another worker drives it (a resume after a crash): look again shortly.
		return river.JobSnooze(2 * time.Second)
	}
	if errors.Is(err, chainstore.ErrNotFound) || errors.Is(err, domain.ErrTransferNotFound) {
		return river.JobCancel(fmt.Errorf("transfer %s does not exist", job.Args.ID))
	}
	return err
}

// report tells the chain's breaker (may be nil) what a run let through by it said about the
// chain: success closes it, an error counts; a run that learnt nothing about the chain (the
// transfer busy or missing, the caller's context ended) hands its probe back.
func report(b *Breaker, ctx context.Context, err error) {
	switch {
	case b == nil:
	case err == nil:
		b.Success()
	case errors.Is(err, ErrBusy), errors.Is(err, chainstore.ErrNotFound), errors.Is(err, domain.ErrTransferNotFound), ctx.Err() != nil:
		b.Release()
	default:
		b.Failure()
	}
}

// Resumer runs Resume behind the chains' breakers (a loop in every instance, see
// payment.Module.Background: not a leader-only periodic job).
type Resumer struct {
	Executor *Executor
	Breakers map[string]*Breaker
	// OlderThan: transfers untouched this long are candidates (default 5s).
	OlderThan time.Duration
}

// Run resumes what it can (one pass, bounded to two minutes; a transfer that needs longer
// continues in its own job).
func (w *Resumer) Run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	older := w.OlderThan
	if older <= 0 {
		older = 5 * time.Second
	}
	_, err := w.Executor.Resume(ctx, older, func(chain string) (bool, func(error)) {
		b := w.Breakers[chain]
		if b == nil {
			return true, nil
		}
		// A resumed run may be the breaker's probe: it reports like a job does, or the
		// breaker would stay half-open with nobody probing.
		ok, _ := b.Allow()
		return ok, func(err error) { report(b, ctx, err) }
	})
	return err
}

// Auditor runs Audit over a recent window (at start and periodically, in every instance).
type Auditor struct {
	Executor *Executor
	// Window is how far back confirmed transfers are checked (default 24h).
	Window time.Duration
}

// Run audits once (bounded to two minutes).
func (w *Auditor) Run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	window := w.Window
	if window <= 0 {
		window = 24 * time.Hour
	}
	_, err := w.Executor.Audit(ctx, time.Now().Add(-window))
	return err
}
