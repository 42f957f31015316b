package chains

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

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

// Work executes the transfer.
func (w *TransferWorker) Work(ctx context.Context, job *river.Job[TransferArgs]) error {
	b := w.Breakers[job.Args.Blockchain]
	if b != nil {
		if ok, wait := b.Allow(); !ok {
			return river.JobSnooze(wait)
		}
	}
	err := w.Executor.Execute(ctx, job.Args.ID)
	if errors.Is(err, ErrBusy) {
		// Another worker drives it (a resume after a crash): look again shortly.
		return river.JobSnooze(2 * time.Second)
	}
	if b != nil {
		if err == nil {
			b.Success()
		} else if !errors.Is(err, chainstore.ErrNotFound) {
			b.Failure()
		}
	}
	if errors.Is(err, chainstore.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("transfer %s does not exist", job.Args.ID))
	}
	return err
}

// ResumeArgs is the periodic job that resumes transfers whose worker died (see
// Executor.Resume). Not unique, like the deposit scan: River would count a completed run as a
// duplicate for a day.
type ResumeArgs struct{}

// Kind names the job.
func (ResumeArgs) Kind() string { return "chain_transfer_resume" }

// InsertOpts: the chains queue, one attempt (the next period tries again).
func (ResumeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueChains, MaxAttempts: 1}
}

// ResumeWorker runs Resume behind the chains' breakers.
type ResumeWorker struct {
	river.WorkerDefaults[ResumeArgs]
	Executor *Executor
	Breakers map[string]*Breaker
	// OlderThan: transfers untouched this long are candidates (default 5s).
	OlderThan time.Duration
}

// Timeout bounds one pass (a resumed transfer that needs longer continues in its own job).
func (w *ResumeWorker) Timeout(*river.Job[ResumeArgs]) time.Duration { return 2 * time.Minute }

// Work resumes what it can.
func (w *ResumeWorker) Work(ctx context.Context, _ *river.Job[ResumeArgs]) error {
	older := w.OlderThan
	if older <= 0 {
		older = 5 * time.Second
	}
	_, err := w.Executor.Resume(ctx, older, func(chain string) bool {
		b := w.Breakers[chain]
		if b == nil {
			return true
		}
		ok, _ := b.Allow()
		return ok
	})
	return err
}

// AuditArgs is the job that checks recently confirmed transfers against their chains (run at
// start and periodically; see Executor.Audit).
type AuditArgs struct{}

// Kind names the job.
func (AuditArgs) Kind() string { return "chain_transfer_audit" }

// InsertOpts: the chains queue, one attempt.
func (AuditArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueChains, MaxAttempts: 1}
}

// AuditWorker runs Audit over a recent window.
type AuditWorker struct {
	river.WorkerDefaults[AuditArgs]
	Executor *Executor
	// Window is how far back confirmed transfers are checked (default 24h).
	Window time.Duration
}

// Timeout bounds one pass.
func (w *AuditWorker) Timeout(*river.Job[AuditArgs]) time.Duration { return 2 * time.Minute }

// Work audits once.
func (w *AuditWorker) Work(ctx context.Context, _ *river.Job[AuditArgs]) error {
	window := w.Window
	if window <= 0 {
		window = 24 * time.Hour
	}
	_, err := w.Executor.Audit(ctx, time.Now().Add(-window))
	return err
}
