package events_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

type thing struct {
	Name string `json:"name"`
}

const thingCreated = "test.thing_created.v1"

// recorder counts deliveries per event id.
type recorder struct {
	mu   sync.Mutex
	seen map[uuid.UUID]int
	envs []events.Envelope
}

func newRecorder() *recorder { return &recorder{seen: map[uuid.UUID]int{}} }

func (r *recorder) handle(_ context.Context, e events.Envelope) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[e.ID]++
	r.envs = append(r.envs, e)
	return nil
}

func (r *recorder) count(id uuid.UUID) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[id]
}

func waitFor(t *testing.T, d time.Duration, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// instance is one process's worth of plumbing on a shared database.
func instance(t *testing.T, pool *pgxpool.Pool, id string, subscribe func(*events.Bus)) (*jobs.Runner, *events.Bus) {
	t.Helper()
	runner := jobs.NewRunner(pool, jobs.Options{ID: id, FetchPollInterval: 50 * time.Millisecond, Logger: observability.DiscardLogger()})
	bus := events.NewBus(pool, runner, observability.DiscardLogger())
	subscribe(bus)
	return runner, bus
}

func publish(t *testing.T, pool *pgxpool.Pool, bus *events.Bus, opts ...events.Option) events.Envelope {
	t.Helper()
	ctx := observability.WithRequestID(context.Background(), "req-1")
	e, err := events.New(ctx, thingCreated, "test", thing{Name: "a"}, opts...)
	require.NoError(t, err)
	require.NoError(t, postgres.InTx(ctx, pool, func(tx pgx.Tx) error { return bus.Publish(ctx, tx, e) }))
	return e
}

// A process that commits an event and dies before delivering it loses nothing: the next process
// delivers it, once.
func TestEventCommittedBeforeACrashIsDeliveredOnceAfterRestart(t *testing.T) {
	pool := pgtest.NewDB(t)
	rec := newRecorder()
	sub := func(b *events.Bus) { b.Subscribe("test.recorder", thingCreated, rec.handle) }

	// First process: commits the event but never starts its workers (it "dies").
	_, bus1 := instance(t, pool, "first", sub)
	e := publish(t, pool, bus1)
	assert.Equal(t, 0, rec.count(e.ID))

	// Second process: starts and delivers.
	runner2, _ := instance(t, pool, "second", sub)
	require.NoError(t, runner2.Start(context.Background()))
	t.Cleanup(func() { _ = runner2.Stop(context.Background()) })
	waitFor(t, 10*time.Second, func() bool { return rec.count(e.ID) == 1 }, "delivery after restart")

	// Give the runner time to (wrongly) deliver again, then check it did not.
	var st map[string]jobs.QueueStatus
	waitFor(t, 5*time.Second, func() bool {
		var err error
		st, err = runner2.Status(context.Background())
		return err == nil && st[jobs.QueueEvents].Pending == 0 && st[jobs.QueueEvents].Running == 0
	}, "queue drained")
	assert.Equal(t, 1, rec.count(e.ID))
	rec.mu.Lock()
	got := rec.envs[0]
	rec.mu.Unlock()
	assert.Equal(t, "req-1", got.Metadata.RequestID)
	assert.Equal(t, thingCreated, got.Type)
	var p thing
	require.NoError(t, got.Decode(&p))
	assert.Equal(t, "a", p.Name)
}

// An event whose transaction rolls back is never delivered.
func TestRolledBackEventIsNeverDelivered(t *testing.T) {
	pool := pgtest.NewDB(t)
	rec := newRecorder()
	runner, bus := instance(t, pool, "one", func(b *events.Bus) { b.Subscribe("test.recorder", thingCreated, rec.handle) })
	require.NoError(t, runner.Start(context.Background()))
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })

	ctx := context.Background()
	e, err := events.New(ctx, thingCreated, "test", thing{Name: "x"})
	require.NoError(t, err)
	boom := errors.New("boom")
	err = postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		require.NoError(t, bus.Publish(ctx, tx, e))
		return boom
	})
	require.ErrorIs(t, err, boom)
	after := publish(t, pool, bus)
	waitFor(t, 10*time.Second, func() bool { return rec.count(after.ID) == 1 }, "the later event")
	assert.Equal(t, 0, rec.count(e.ID))
}

// A failing subscriber is retried with metadata.retry_count rising, and other subscribers of the
// same event are not held back by it.
func TestFailingSubscriberIsRetriedIndependently(t *testing.T) {
	pool := pgtest.NewDB(t)
	ok := newRecorder()
	var attempts atomic.Int32
	var retryCounts sync.Map
	runner, bus := instance(t, pool, "one", func(b *events.Bus) {
		b.Subscribe("test.ok", thingCreated, ok.handle)
		b.Subscribe("test.flaky", thingCreated, func(_ context.Context, e events.Envelope) error {
			n := attempts.Add(1)
			retryCounts.Store(n, e.Metadata.RetryCount)
			if n == 1 {
				return errors.New("temporary failure")
			}
			return nil
		})
	})
	require.NoError(t, runner.Start(context.Background()))
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })
	e := publish(t, pool, bus)
	waitFor(t, 5*time.Second, func() bool { return ok.count(e.ID) == 1 }, "healthy subscriber")
	waitFor(t, 15*time.Second, func() bool { return attempts.Load() == 2 }, "retry of the flaky subscriber")
	first, _ := retryCounts.Load(int32(1))
	second, _ := retryCounts.Load(int32(2))
	assert.Equal(t, 0, first)
	assert.Equal(t, 1, second)
}

// After the last attempt a delivery is kept as a dead letter and counted as failed.
func TestExhaustedDeliveryBecomesADeadLetter(t *testing.T) {
	pool := pgtest.NewDB(t)
	runner, bus := instance(t, pool, "one", func(b *events.Bus) {
		b.Subscribe("test.broken", thingCreated, func(context.Context, events.Envelope) error { return errors.New("always") })
	})
	e := publish(t, pool, bus)
	// Fast-forward to the last attempt instead of waiting for the backoff.
	_, err := pool.Exec(context.Background(), `UPDATE river_job SET attempt = max_attempts - 1 WHERE args->>'event_id' = $1`, e.ID.String())
	require.NoError(t, err)
	require.NoError(t, runner.Start(context.Background()))
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })
	waitFor(t, 10*time.Second, func() bool {
		st, err := runner.Status(context.Background())
		return err == nil && st[jobs.QueueEvents].Failed == 1
	}, "dead letter")
	var state string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT state FROM river_job WHERE args->>'event_id' = $1`, e.ID.String()).Scan(&state))
	assert.Equal(t, "discarded", state)
}

// Two instances on one database share the deliveries without doing any twice.
func TestTwoInstancesShareWorkWithoutDuplicates(t *testing.T) {
	pool := pgtest.NewDB(t)
	rec := newRecorder()
	sub := func(b *events.Bus) { b.Subscribe("test.recorder", thingCreated, rec.handle) }
	r1, bus := instance(t, pool, "a", sub)
	r2, _ := instance(t, pool, "b", sub)
	const n = 200
	ids := make([]uuid.UUID, 0, n)
	ctx := context.Background()
	require.NoError(t, postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		for i := 0; i < n; i++ {
			e, err := events.New(ctx, thingCreated, "test", thing{Name: "x"})
			if err != nil {
				return err
			}
			ids = append(ids, e.ID)
			if err := bus.Publish(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, r1.Start(ctx))
	require.NoError(t, r2.Start(ctx))
	t.Cleanup(func() { _ = r1.Stop(ctx); _ = r2.Stop(ctx) })
	waitFor(t, 20*time.Second, func() bool {
		for _, id := range ids {
			if rec.count(id) == 0 {
				return false
			}
		}
		return true
	}, "all deliveries")
	waitFor(t, 5*time.Second, func() bool {
		st, err := r1.Status(ctx)
		return err == nil && st[jobs.QueueEvents].Pending == 0 && st[jobs.QueueEvents].Running == 0
	}, "queue drained")
	for _, id := range ids {
		assert.Equal(t, 1, rec.count(id), "event %s", id)
	}
	var workers int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(DISTINCT attempted_by[1]) FROM river_job WHERE kind = 'event_delivery'`).Scan(&workers))
	assert.Equal(t, 2, workers, "both instances should have taken part")
}

// Committed events that concern users reach observers on every instance, and can be replayed.
func TestObserversHearCommittedUserEventsAndSinceReplays(t *testing.T) {
	pool := pgtest.NewDB(t)
	_, bus := instance(t, pool, "one", func(*events.Bus) {})
	got := make(chan events.Envelope, 4)
	bus.Observe(func(e events.Envelope) { got <- e })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { bus.Listen(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	user := uuid.New()
	// Wait until the listener is connected: publish until one arrives.
	var first events.Envelope
	waitFor(t, 10*time.Second, func() bool {
		publish(t, pool, bus, events.ForUsers(user))
		select {
		case first = <-got:
			return true
		case <-time.After(50 * time.Millisecond):
			return false
		}
	}, "listener ready")
	for len(got) > 0 {
		<-got
	}
	second := publish(t, pool, bus, events.ForUsers(user))
	third := publish(t, pool, bus, events.ForUsers(uuid.New())) // someone else's
	// A warm-up publish may still be on its way after the drain: skip those, in order.
	deadline := time.After(5 * time.Second)
	for heard := false; !heard; {
		select {
		case e := <-got:
			require.NotEqual(t, third.ID, e.ID, "the events arrive in commit order")
			heard = e.ID == second.ID
		case <-deadline:
			t.Fatal("observer did not hear the committed event")
		}
	}
	replay, err := bus.Since(context.Background(), user, first.ID, 100)
	require.NoError(t, err)
	require.NotEmpty(t, replay)
	assert.Equal(t, second.ID, replay[len(replay)-1].ID)
	for _, e := range replay {
		assert.Contains(t, e.UserIDs, user)
	}
	_, err = bus.Since(context.Background(), user, uuid.New(), 10)
	assert.ErrorIs(t, err, events.ErrUnknownEvent)
}

// A notified event reaches observers exactly as the outbox stores it (sequence number, instant,
// payload, metadata, users), whether the notification carried the whole envelope or, for an
// event too large for a notification, only its id.
func TestObserversGetTheStoredEnvelopeSmallOrLarge(t *testing.T) {
	pool := pgtest.NewDB(t)
	_, bus := instance(t, pool, "one", func(*events.Bus) {})
	got := make(chan events.Envelope, 16)
	bus.Observe(func(e events.Envelope) { got <- e })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { bus.Listen(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	user := uuid.New()
	waitFor(t, 10*time.Second, func() bool {
		publish(t, pool, bus, events.ForUsers(user))
		select {
		case <-got:
			return true
		case <-time.After(50 * time.Millisecond):
			return false
		}
	}, "listener ready")
	for _, size := range []int{10, 20_000} {
		t.Run(fmt.Sprintf("payload of %d bytes", size), func(t *testing.T) {
			e, err := events.New(ctx, thingCreated, "test", thing{Name: strings.Repeat("x", size)}, events.ForUsers(user, uuid.New()))
			require.NoError(t, err)
			require.NoError(t, postgres.InTx(ctx, pool, func(tx pgx.Tx) error { return bus.Publish(ctx, tx, e) }))
			stored, err := bus.Load(ctx, e.ID)
			require.NoError(t, err)
			var o events.Envelope
			deadline := time.After(5 * time.Second)
			for o.ID != e.ID { // the readiness probes' stragglers may come first
				select {
				case o = <-got:
				case <-deadline:
					t.Fatal("observer did not hear the committed event")
				}
			}
			{
				assert.Equal(t, stored.ID, o.ID)
				assert.Equal(t, stored.Seq, o.Seq)
				assert.True(t, stored.OccurredAt.Equal(o.OccurredAt), "%s vs %s", stored.OccurredAt, o.OccurredAt)
				assert.Equal(t, stored.Type, o.Type)
				assert.Equal(t, stored.Source, o.Source)
				assert.JSONEq(t, string(stored.Payload), string(o.Payload))
				assert.Equal(t, stored.Metadata, o.Metadata)
				assert.ElementsMatch(t, stored.UserIDs, o.UserIDs)
			}
		})
	}
}
