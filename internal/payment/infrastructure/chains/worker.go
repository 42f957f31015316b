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
