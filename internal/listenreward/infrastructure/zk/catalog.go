package zk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
)

// The catalog tree holds every published song, so the anonymity set of a listen proof is the
// whole catalog and a proof never has to wait for its song's leaf: music.song_published.v1
// appends each song as it is published, and a back-fill job appends the songs published before
// that subscriber existed (or before a migration rebuilt the tree), page by page.

// BackfillPage is how many songs the back-fill reads and appends per step.
const BackfillPage = 500

// backfillLock is the advisory lock of a running back-fill (a session lock: it dies with the
// process, so a killed run never blocks the next one).
const backfillLock = 0x7a6b_6361_7401 // "zkcat" + 1

// backfillSlice bounds one run of the job: past it, the job snoozes and continues in a new run
// (well inside the runner's job timeout, whatever the catalog's size).
const backfillSlice = 2 * time.Minute

// CatalogBackfillArgs is the back-fill job. Generation is bumped each time a start finds the
// back-fill unfinished and nobody running it, so a job left running by a killed process does
// not keep its successor out (the job is unique by its args).
type CatalogBackfillArgs struct {
	Generation int64 `json:"generation"`
}

// Kind implements river.JobArgs.
func (CatalogBackfillArgs) Kind() string { return "listenreward.catalog_backfill" }

// onPublished appends a newly published song to the catalog tree (idempotent on the song).
func (p *Proofs) onPublished(ctx context.Context, e events.Envelope) error {
	var s musiccontracts.SongPublished
	if err := e.Decode(&s); err != nil {
		return err
	}
	_, err := p.d.Trees.Append(ctx, CatalogTree, s.SongID.String(), SongLeaf(s.SongID))
	return err
}

// StartCatalogBackfill enqueues the back-fill at start unless it has finished or another
// instance is running it. Errors are logged: the next start tries again.
func (p *Proofs) StartCatalogBackfill(ctx context.Context) {
	if err := p.startCatalogBackfill(ctx); err != nil && ctx.Err() == nil {
		p.d.Logger.Error("catalog tree back-fill not started", "error", err)
	}
}

func (p *Proofs) startCatalogBackfill(ctx context.Context) error {
	var gen int64
	ran, err := p.withBackfillLock(ctx, func() error {
		err := p.d.Pool.QueryRow(ctx, `UPDATE listenreward.catalog_backfill SET generation = generation + 1
			WHERE finished_at IS NULL RETURNING generation`).Scan(&gen)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // finished: new songs come through music.song_published.v1
		}
		return err
	})
	if err != nil || !ran || gen == 0 {
		return err // busy: the run holding the lock does the work
	}
	// Enqueued after the lock is released, so the job never finds it held by this start.
	return p.d.Runner.Insert(ctx, river.InsertManyParams{Args: CatalogBackfillArgs{Generation: gen},
		InsertOpts: &river.InsertOpts{MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}})
}

// withBackfillLock runs fn while holding the back-fill's session advisory lock, or reports
// ran=false without running it when another session holds it.
func (p *Proofs) withBackfillLock(ctx context.Context, fn func() error) (ran bool, err error) {
	conn, err := p.d.Pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, int64(backfillLock)).Scan(&ok); err != nil {
		return false, err
	}
	if !ok {
		return false, nil
	}
	defer func() {
		// A fresh context: the lock must be released even when ctx ended (else the pooled
		// connection would keep it).
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(backfillLock)); err != nil {
			conn.Conn().Close(context.Background())
		}
	}()
	return true, fn()
}

// BackfillCatalog appends every published song to the catalog tree, from the stored cursor on,
// BackfillPage songs at a time; the cursor is saved after each page, so an interrupted run
// resumes where it stopped. It returns done=false when it stopped at the deadline with songs
// left, or when another run holds the lock (the job then tries again shortly).
func (p *Proofs) BackfillCatalog(ctx context.Context, deadline time.Time) (done bool, err error) {
	done = true
	ran, err := p.withBackfillLock(ctx, func() error {
		for {
			var (
				after    uuid.UUID
				finished *time.Time
			)
			if err := p.d.Pool.QueryRow(ctx, `SELECT after_id, finished_at FROM listenreward.catalog_backfill`).Scan(&after, &finished); err != nil {
				return err
			}
			if finished != nil {
				return nil
			}
			ids, err := p.d.Published.ListPublishedSongIDs(ctx, after, BackfillPage)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				_, err := p.d.Pool.Exec(ctx, `UPDATE listenreward.catalog_backfill SET finished_at = $1`, p.d.Now())
				if err == nil {
					p.d.Logger.Info("catalog tree back-filled")
				}
				return err
			}
			for _, id := range ids {
				if _, err := p.d.Trees.Append(ctx, CatalogTree, id.String(), SongLeaf(id)); err != nil {
					return fmt.Errorf("catalog back-fill: song %s: %w", id, err)
				}
			}
			if _, err := p.d.Pool.Exec(ctx, `UPDATE listenreward.catalog_backfill SET after_id = $1`, ids[len(ids)-1]); err != nil {
				return err
			}
			if time.Now().After(deadline) {
				done = false
				return nil
			}
		}
	})
	return done && ran, err
}

type backfillWorker struct {
	river.WorkerDefaults[CatalogBackfillArgs]
	p *Proofs
}

func (w *backfillWorker) Work(ctx context.Context, _ *river.Job[CatalogBackfillArgs]) error {
	done, err := w.p.BackfillCatalog(ctx, time.Now().Add(backfillSlice))
	if err != nil {
		return err
	}
	if !done {
		return river.JobSnooze(time.Second) // more songs, or another run holds the lock
	}
	return nil
}
