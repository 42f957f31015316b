package postgres

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres/musicdb"
)

// StreamRecorder writes stream requests in batches off the streaming path: one COPY and one
// play-count update per batch instead of a transaction per request.
type StreamRecorder struct {
	store  *Store
	logger *slog.Logger
	in     chan recorderItem
	done   chan struct{}
}

type recorderItem struct {
	rec   *domain.StreamRecord
	flush chan struct{}
}

// NewStreamRecorder creates a recorder; Run must be running for records to be written.
func NewStreamRecorder(store *Store, logger *slog.Logger) *StreamRecorder {
	return &StreamRecorder{store: store, logger: logger, in: make(chan recorderItem, 1<<16), done: make(chan struct{})}
}

// Record queues one request's outcome. When the queue is full the caller writes it itself, so
// nothing is dropped under load.
func (r *StreamRecorder) Record(ctx context.Context, rec domain.StreamRecord) {
	select {
	case r.in <- recorderItem{rec: &rec}:
	default:
		r.writeIsolating(context.WithoutCancel(ctx), []domain.StreamRecord{rec})
	}
}

// Flush waits until every record queued before the call is written (tests, shutdown).
func (r *StreamRecorder) Flush(ctx context.Context) {
	ch := make(chan struct{})
	select {
	case r.in <- recorderItem{flush: ch}:
	case <-ctx.Done():
		return
	}
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// Run writes batches until ctx ends, then writes what is left.
func (r *StreamRecorder) Run(ctx context.Context) {
	const maxBatch = 5000
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var batch []domain.StreamRecord
	var waiters []chan struct{}
	flush := func() {
		if len(batch) > 0 {
			r.writeIsolating(context.WithoutCancel(ctx), batch)
			batch = batch[:0]
		}
		for _, w := range waiters {
			close(w)
		}
		waiters = nil
	}
	for {
		select {
		case it := <-r.in:
			if it.rec != nil {
				batch = append(batch, *it.rec)
			}
			if it.flush != nil {
				waiters = append(waiters, it.flush)
				flush()
			} else if len(batch) >= maxBatch {
				flush()
			}
		case <-tick.C:
			flush()
		case <-ctx.Done():
			for {
				select {
				case it := <-r.in:
					if it.rec != nil {
						batch = append(batch, *it.rec)
					}
					if it.flush != nil {
						waiters = append(waiters, it.flush)
					}
				default:
					flush()
					return
				}
			}
		}
	}
}

// writeIsolating writes a batch; when Postgres refuses its data (a value it cannot store), the
// batch is split in halves and each half retried, so a bad record costs only itself (k bad
// records of n cost O(k log n) extra statements). Other errors (the database unreachable) drop
// the batch with a log line, as retrying record by record would only multiply the load.
func (r *StreamRecorder) writeIsolating(ctx context.Context, recs []domain.StreamRecord) {
	err := r.write(ctx, recs)
	if err == nil {
		return
	}
	if len(recs) == 1 || !isDataError(err) {
		r.logger.Error("record streams: dropped", "count", len(recs), "song_id", recs[0].SongID, "error", err)
		return
	}
	mid := len(recs) / 2
	r.writeIsolating(ctx, recs[:mid])
	r.writeIsolating(ctx, recs[mid:])
}

// isDataError reports a refusal caused by the values written (SQLSTATE classes 22, data
// exception, and 23, integrity constraint violation), which a smaller batch can avoid.
func isDataError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23"))
}

func (r *StreamRecorder) write(ctx context.Context, recs []domain.StreamRecord) error {
	counts := map[uuid.UUID]int64{}
	rows := make([][]any, len(recs))
	for i, rec := range recs {
		// [16]byte takes pgx's binary uuid path (uuid.UUID would go through driver.Valuer).
		rows[i] = []any{[16]byte(rec.SongID), [16]byte(rec.UserID), rec.SessionID, string(rec.Quality), rec.RangeStart, rec.BytesServed, rec.Started, rec.At}
		if rec.Started {
			counts[rec.SongID]++
		}
	}
	return r.store.inTx(ctx, func(q *musicdb.Queries, tx pgx.Tx, inv *invalidation) error {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"music", "stream_requests"},
			[]string{"song_id", "user_id", "session_id", "rendition", "range_start", "bytes_served", "started", "at"},
			pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		if len(counts) == 0 {
			return nil
		}
		ids := make([]uuid.UUID, 0, len(counts))
		ns := make([]int64, 0, len(counts))
		for id, n := range counts {
			ids = append(ids, id)
			ns = append(ns, n)
			inv.add(songKey(id))
		}
		return q.IncrementPlayCounts(ctx, musicdb.IncrementPlayCountsParams{SongIds: ids, Counts: ns})
	})
}

// StreamTotals sums a user's stream starts and bytes of a song.
func (s *Store) StreamTotals(ctx context.Context, songID, userID uuid.UUID) (contracts.StreamTotals, error) {
	r, err := s.q.StreamTotals(ctx, musicdb.StreamTotalsParams{SongID: songID, UserID: userID})
	if err != nil {
		return contracts.StreamTotals{}, err
	}
	return contracts.StreamTotals{Starts: r.Starts, BytesServed: r.Bytes}, nil
}
