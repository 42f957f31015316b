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
	type playKey struct {
		user, song uuid.UUID
		link       string
	}
	type play struct {
		bytes, threshold int64
		at               time.Time
	}
	plays := map[playKey]*play{}
	var order []playKey
	rows := make([][]any, len(recs))
	for i, rec := range recs {
		// [16]byte takes pgx's binary uuid path (uuid.UUID would go through driver.Valuer).
		rows[i] = []any{[16]byte(rec.SongID), [16]byte(rec.UserID), rec.SessionID, string(rec.Quality), rec.RangeStart, rec.BytesServed, rec.Started, rec.At}
		if rec.BytesServed <= 0 {
			continue
		}
		k := playKey{rec.UserID, rec.SongID, rec.LinkKey}
		p, ok := plays[k]
		if !ok {
			p = &play{threshold: max(1, rec.PlayThreshold), at: rec.At}
			plays[k] = p
			order = append(order, k)
		}
		p.bytes += rec.BytesServed
	}
	return r.store.inTx(ctx, func(q *musicdb.Queries, tx pgx.Tx, inv *invalidation) error {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"music", "stream_requests"},
			[]string{"song_id", "user_id", "session_id", "rendition", "range_start", "bytes_served", "started", "at"},
			pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		if len(order) == 0 {
			return nil
		}
		in := musicdb.AccumulatePlaysParams{Batch: uuid.New()}
		for _, k := range order {
			p := plays[k]
			in.UserIds = append(in.UserIds, k.user)
			in.SongIds = append(in.SongIds, k.song)
			in.LinkKeys = append(in.LinkKeys, k.link)
			in.Bytes = append(in.Bytes, p.bytes)
			in.Thresholds = append(in.Thresholds, p.threshold)
			in.Ats = append(in.Ats, p.at)
		}
		counted, err := q.AccumulatePlays(ctx, in)
		if err != nil || len(counted) == 0 {
			return err
		}
		ids := make([]uuid.UUID, 0, len(counted))
		ns := make([]int64, 0, len(counted))
		for _, c := range counted {
			ids = append(ids, c.SongID)
			ns = append(ns, c.Plays)
			inv.add(songKey(c.SongID))
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
