// Package events carries domain events between contexts inside the one process: an outbox row
// written in the transaction that caused the event, and one River job per subscriber inserted in
// that same transaction, so delivery is at least once and survives a crash after commit.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
)

// Priorities, as in the original message format.
const (
	PriorityHigh   = "high"
	PriorityNormal = "normal"
	PriorityLow    = "low"
)

// Envelope is the one message format every event travels in.
type Envelope struct {
	ID         uuid.UUID       `json:"id"`
	OccurredAt time.Time       `json:"occurred_at"`
	Type       string          `json:"type"`
	Source     string          `json:"source"`
	Payload    json.RawMessage `json:"payload"`
	Metadata   Metadata        `json:"metadata"`
	// UserIDs are the users the event concerns (for live updates); not part of the wire format.
	UserIDs []uuid.UUID `json:"-"`
	// Seq orders events in the outbox; set when read back.
	Seq int64 `json:"-"`
}

// Metadata travels with every envelope.
type Metadata struct {
	RequestID  string `json:"request_id,omitempty"`
	Priority   string `json:"priority"`
	RetryCount int    `json:"retry_count"`
}

// Option adjusts a new envelope.
type Option func(*Envelope)

// WithPriority sets the priority (default normal).
func WithPriority(p string) Option { return func(e *Envelope) { e.Metadata.Priority = p } }

// ForUsers names the users the event concerns.
func ForUsers(ids ...uuid.UUID) Option {
	return func(e *Envelope) { e.UserIDs = append(e.UserIDs, ids...) }
}

// At sets the occurrence time (default now).
func At(t time.Time) Option { return func(e *Envelope) { e.OccurredAt = t } }

// New builds an envelope; the payload is marshalled to JSON and the request id is taken from ctx.
func New(ctx context.Context, typ, source string, payload any, opts ...Option) (Envelope, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return Envelope{}, fmt.Errorf("marshal %s payload: %w", typ, err)
	}
	e := Envelope{
		ID:         uuid.New(),
		OccurredAt: time.Now().UTC(),
		Type:       typ,
		Source:     source,
		Payload:    raw,
		Metadata:   Metadata{RequestID: observability.RequestID(ctx), Priority: PriorityNormal},
	}
	for _, o := range opts {
		o(&e)
	}
	return e, nil
}

// Decode unmarshals the payload into v.
func (e Envelope) Decode(v any) error {
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return fmt.Errorf("decode %s payload: %w", e.Type, err)
	}
	return nil
}

// Handler processes one event. It must be idempotent: it may see the same event again after a
// crash or a retry. An error schedules a retry with backoff; after the last attempt the
// delivery is kept as a dead letter.
type Handler func(ctx context.Context, e Envelope) error

// Publisher writes events inside a transaction.
type Publisher interface {
	Publish(ctx context.Context, tx pgx.Tx, envs ...Envelope) error
}

type subscription struct {
	name      string
	eventType string
	handler   Handler
}

// Bus registers subscribers and publishes events through the outbox.
type Bus struct {
	pool   *pgxpool.Pool
	runner *jobs.Runner
	logger *slog.Logger

	mu     sync.RWMutex
	byType map[string][]subscription
	byName map[string]subscription
	sealed atomic.Bool // set by the first Publish; Subscribe after it is a wiring bug

	observers []func(Envelope)
}

// MaxDeliveryAttempts bounds retries before a delivery becomes a dead letter.
const MaxDeliveryAttempts = 8

// NewBus creates the bus and registers its delivery worker on runner.
func NewBus(pool *pgxpool.Pool, runner *jobs.Runner, logger *slog.Logger) *Bus {
	b := &Bus{pool: pool, runner: runner, logger: logger, byType: map[string][]subscription{}, byName: map[string]subscription{}}
	river.AddWorker(runner.Workers(), &deliverWorker{bus: b})
	return b
}

// Subscribe registers handler under a stable, unique name for one event type. Call it while
// wiring, before anything is published.
func (b *Bus) Subscribe(name, eventType string, h Handler) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sealed.Load() {
		panic("events: Subscribe after the first Publish")
	}
	if _, dup := b.byName[name]; dup {
		panic("events: duplicate subscriber name " + name)
	}
	s := subscription{name: name, eventType: eventType, handler: h}
	b.byName[name] = s
	b.byType[eventType] = append(b.byType[eventType], s)
}

// Observe registers a function told of every event that concerns users, once its transaction
// has committed, on every instance (used for live updates). It must not block. Observers run
// only while Listen runs.
func (b *Bus) Observe(fn func(Envelope)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.observers = append(b.observers, fn)
}

// Subscribers lists the registered subscriber names, sorted.
func (b *Bus) Subscribers() []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]string, 0, len(b.byName))
	for n := range b.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

type deliverArgs struct {
	EventID    uuid.UUID `json:"event_id"`
	Subscriber string    `json:"subscriber"`
	// Event carries the envelope itself, so a delivery needs no read of the outbox (jobs
	// scheduled by older versions have none and read it).
	Event *carried `json:"event,omitempty"`
}

// carried is an envelope inside a delivery job.
type carried struct {
	OccurredAt time.Time       `json:"occurred_at"`
	Type       string          `json:"type"`
	Source     string          `json:"source"`
	Payload    json.RawMessage `json:"payload"`
	Metadata   Metadata        `json:"metadata"`
	UserIDs    []uuid.UUID     `json:"user_ids,omitempty"`
}

func (deliverArgs) Kind() string { return "event_delivery" }

func riverPriority(p string) int {
	switch p {
	case PriorityHigh:
		return 1
	case PriorityLow:
		return 3
	default:
		return 2
	}
}

// Publish stores envs in the outbox and schedules one delivery per subscriber, all inside tx.
// The outbox rows of one call go to Postgres as one pipelined batch, their NOTIFYs (which
// carry the stored seq) as a second, and the deliveries as one insert: three round trips
// whatever the number of events, so a command that records many events (a batch of orders
// or tickets) pays for them once. Each delivery job carries its envelope, so delivering it
// reads nothing back.
func (b *Bus) Publish(ctx context.Context, tx pgx.Tx, envs ...Envelope) error {
	b.sealed.Store(true)
	if len(envs) == 0 {
		return nil
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	var (
		params []river.InsertManyParams
		rows   pgx.Batch
	)
	seqs := make([]int64, len(envs))
	for i, e := range envs {
		if e.ID == uuid.Nil || e.Type == "" {
			return errors.New("events: envelope without id or type")
		}
		meta, err := json.Marshal(e.Metadata)
		if err != nil {
			return err
		}
		userIDs := e.UserIDs
		if userIDs == nil {
			userIDs = []uuid.UUID{}
		}
		rows.Queue(`INSERT INTO platform.events (id, occurred_at, type, source, payload, metadata, user_ids)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`, e.ID, e.OccurredAt, e.Type, e.Source, []byte(e.Payload), meta, userIDs).
			QueryRow(func(r pgx.Row) error { return r.Scan(&seqs[i]) })
		c := &carried{OccurredAt: e.OccurredAt.UTC().Truncate(time.Microsecond), Type: e.Type, Source: e.Source, Payload: e.Payload, Metadata: e.Metadata, UserIDs: e.UserIDs}
		for _, s := range b.byType[e.Type] {
			params = append(params, river.InsertManyParams{
				Args: deliverArgs{EventID: e.ID, Subscriber: s.name, Event: c},
				InsertOpts: &river.InsertOpts{
					Queue:       jobs.QueueEvents,
					MaxAttempts: MaxDeliveryAttempts,
					Priority:    riverPriority(e.Metadata.Priority),
				},
			})
		}
	}
	if err := tx.SendBatch(ctx, &rows).Close(); err != nil {
		return fmt.Errorf("write outbox: %w", err)
	}
	var notices pgx.Batch
	for i, e := range envs {
		if len(e.UserIDs) > 0 {
			// NOTIFY is delivered on commit only, to every instance: live updates follow the outbox.
			notices.Queue(`SELECT pg_notify($1, $2)`, notifyChannel, noticeFor(e, seqs[i]))
		}
	}
	if notices.Len() > 0 {
		if err := tx.SendBatch(ctx, &notices).Close(); err != nil {
			return fmt.Errorf("notify event: %w", err)
		}
	}
	if err := b.runner.InsertTx(ctx, tx, params...); err != nil {
		return fmt.Errorf("schedule event delivery: %w", err)
	}
	return nil
}

// maxNotice keeps a notification under Postgres' 8000-byte payload limit.
const maxNotice = 7900

// notice is a committed user event as announced to every instance: the whole envelope, so that
// listeners need not read it back (one query per event on one connection was the live
// updates' bottleneck under load), or only its id when it is too large for a notification.
type notice struct {
	ID         uuid.UUID       `json:"id"`
	Seq        int64           `json:"seq"`
	OccurredAt time.Time       `json:"occurred_at"`
	Type       string          `json:"type"`
	Source     string          `json:"source"`
	Payload    json.RawMessage `json:"payload"`
	Metadata   Metadata        `json:"metadata"`
	UserIDs    []uuid.UUID     `json:"user_ids"`
}

func noticeFor(e Envelope, seq int64) string {
	// The outbox keeps microseconds: announce the instant it stores.
	raw, err := json.Marshal(notice{ID: e.ID, Seq: seq, OccurredAt: e.OccurredAt.Truncate(time.Microsecond), Type: e.Type, Source: e.Source,
		Payload: e.Payload, Metadata: e.Metadata, UserIDs: e.UserIDs})
	if err != nil || len(raw) > maxNotice {
		return e.ID.String()
	}
	return string(raw)
}

// parseNotice reads a notification: the envelope itself, or ok=false with the id to load.
func parseNotice(payload string) (e Envelope, id uuid.UUID, ok bool, err error) {
	if !strings.HasPrefix(payload, "{") {
		id, err = uuid.Parse(payload)
		return Envelope{}, id, false, err
	}
	var n notice
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		return Envelope{}, uuid.Nil, false, err
	}
	return Envelope{ID: n.ID, Seq: n.Seq, OccurredAt: n.OccurredAt, Type: n.Type, Source: n.Source, Payload: n.Payload,
		Metadata: n.Metadata, UserIDs: n.UserIDs}, n.ID, true, nil
}

// Load reads one event from the outbox.
func (b *Bus) Load(ctx context.Context, id uuid.UUID) (Envelope, error) {
	var e Envelope
	var meta []byte
	err := b.pool.QueryRow(ctx, `SELECT id, seq, occurred_at, type, source, payload, metadata, user_ids FROM platform.events WHERE id = $1`, id).
		Scan(&e.ID, &e.Seq, &e.OccurredAt, &e.Type, &e.Source, &e.Payload, &meta, &e.UserIDs)
	if err != nil {
		return Envelope{}, fmt.Errorf("load event %s: %w", id, err)
	}
	if err := json.Unmarshal(meta, &e.Metadata); err != nil {
		return Envelope{}, err
	}
	return e, nil
}

// Since lists the events concerning user that come after the event afterID (exclusive), oldest
// first, at most limit. An unknown afterID yields nothing but the error ErrUnknownEvent.
func (b *Bus) Since(ctx context.Context, userID, afterID uuid.UUID, limit int) ([]Envelope, error) {
	var seq int64
	if err := b.pool.QueryRow(ctx, `SELECT seq FROM platform.events WHERE id = $1`, afterID).Scan(&seq); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrUnknownEvent
		}
		return nil, err
	}
	rows, err := b.pool.Query(ctx, `SELECT id, seq, occurred_at, type, source, payload, metadata, user_ids FROM platform.events
		WHERE seq > $1 AND user_ids @> ARRAY[$2::uuid] ORDER BY seq LIMIT $3`, seq, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Envelope
	for rows.Next() {
		var e Envelope
		var meta []byte
		if err := rows.Scan(&e.ID, &e.Seq, &e.OccurredAt, &e.Type, &e.Source, &e.Payload, &meta, &e.UserIDs); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(meta, &e.Metadata); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ErrUnknownEvent is returned by Since for an event id the outbox does not hold.
var ErrUnknownEvent = errors.New("events: unknown event id")

type deliverWorker struct {
	river.WorkerDefaults[deliverArgs]
	bus *Bus
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[deliverArgs]) error {
	w.bus.mu.RLock()
	sub, ok := w.bus.byName[job.Args.Subscriber]
	w.bus.mu.RUnlock()
	if !ok {
		// A subscriber removed in a newer version: nothing to do for it.
		w.bus.logger.WarnContext(ctx, "event for unknown subscriber dropped", "subscriber", job.Args.Subscriber, "event_id", job.Args.EventID)
		return nil
	}
	var e Envelope
	if c := job.Args.Event; c != nil {
		e = Envelope{ID: job.Args.EventID, OccurredAt: c.OccurredAt, Type: c.Type, Source: c.Source, Payload: c.Payload,
			Metadata: c.Metadata, UserIDs: c.UserIDs}
	} else {
		var err error
		if e, err = w.bus.Load(ctx, job.Args.EventID); err != nil {
			return err
		}
	}
	e.Metadata.RetryCount = job.Attempt - 1
	ctx = observability.WithRequestID(ctx, e.Metadata.RequestID)
	if err := sub.handler(ctx, e); err != nil {
		w.bus.logger.WarnContext(ctx, "event handler failed", "subscriber", sub.name, "event_type", e.Type,
			"event_id", e.ID, "attempt", job.Attempt, "error", err)
		return err
	}
	return nil
}
