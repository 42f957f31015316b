package live_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/live"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

type env struct {
	pool *pgxpool.Pool
	bus  *events.Bus
	hub  *live.Hub
	srv  *httptest.Server
}

// setup serves the hub with a stand-in authenticator: the X-Test-User header names the caller.
func setup(t testing.TB, opts live.Options) *env {
	t.Helper()
	pool := pgtest.NewDB(t)
	runner := jobs.NewRunner(pool, jobs.Options{FetchPollInterval: 50 * time.Millisecond, Logger: observability.DiscardLogger()})
	bus := events.NewBus(pool, runner, observability.DiscardLogger())
	opts.Logger = observability.DiscardLogger()
	hub := live.New(bus, opts)
	e := echo.New()
	e.HTTPErrorHandler = httpx.ErrorHandler
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if id, err := uuid.Parse(c.Request().Header.Get("X-Test-User")); err == nil {
				httpx.SetPrincipal(c, httpx.Principal{UserID: id})
			}
			return next(c)
		}
	})
	hub.Routes(e.Group("/api/v1"))
	srv := httptest.NewServer(e)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { bus.Listen(ctx); close(done) }()
	t.Cleanup(func() { srv.Close(); cancel(); <-done })
	return &env{pool: pool, bus: bus, hub: hub, srv: srv}
}

func (e *env) publish(t *testing.T, user uuid.UUID, typ string) events.Envelope {
	return e.publishPayload(t, user, typ, map[string]string{"k": "v"})
}

func (e *env) publishPayload(t *testing.T, user uuid.UUID, typ string, payload any) events.Envelope {
	t.Helper()
	ctx := context.Background()
	env, err := events.New(ctx, typ, "test", payload, events.ForUsers(user))
	require.NoError(t, err)
	require.NoError(t, postgres.InTx(ctx, e.pool, func(tx pgx.Tx) error { return e.bus.Publish(ctx, tx, env) }))
	return env
}

func (e *env) dial(t *testing.T, user uuid.UUID, query string) *websocket.Conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/api/v1/ws" + query
	c, _, err := websocket.Dial(context.Background(), url, &websocket.DialOptions{HTTPHeader: http.Header{"X-Test-User": {user.String()}}})
	require.NoError(t, err)
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func read(t *testing.T, c *websocket.Conn) live.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := c.Read(ctx)
	require.NoError(t, err)
	var m live.Message
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// waitLive publishes probes until the listener delivers one (LISTEN is connected), and
// returns the last probe.
func (e *env) waitLive(t *testing.T, c *websocket.Conn, user uuid.UUID) live.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		e.publish(t, user, "test.probe.v1")
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		_, b, err := c.Read(ctx)
		cancel()
		if err == nil {
			var m live.Message
			require.NoError(t, json.Unmarshal(b, &m))
			return m
		}
		if !strings.Contains(err.Error(), "deadline") && !strings.Contains(err.Error(), "context") {
			require.NoError(t, err)
		}
		// A timed-out read closes coder/websocket connections: dial again.
		c = e.dial(t, user, "")
	}
	t.Fatal("live stream never delivered")
	return live.Message{}
}

func TestAnonymousCallersAreRefused(t *testing.T) {
	e := setup(t, live.Options{})
	res, err := http.Get(e.srv.URL + "/api/v1/ws")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
}

func TestUsersGetTheirOwnEventsLiveAndReplayWhatTheyMissed(t *testing.T) {
	e := setup(t, live.Options{})
	alice, bob := uuid.New(), uuid.New()

	// Make sure the listener is up, then disconnect.
	probe := e.dial(t, alice, "")
	last := e.waitLive(t, probe, alice)
	probe.Close(websocket.StatusNormalClosure, "")

	// Missed while offline.
	m1 := e.publish(t, alice, "payment.transaction_submitted.v1")
	e.publish(t, bob, "payment.transaction_submitted.v1")
	m2 := e.publish(t, alice, "payment.transaction_confirmed.v1")

	c := e.dial(t, alice, "?since="+last.ID.String())
	got := []uuid.UUID{read(t, c).ID, read(t, c).ID}
	assert.Equal(t, []uuid.UUID{m1.ID, m2.ID}, got, "replayed in order, nobody else's")

	// Then live.
	m3 := e.publish(t, alice, "payment.deposit_credited.v1")
	msg := read(t, c)
	assert.Equal(t, m3.ID, msg.ID)
	assert.Equal(t, "payment.deposit_credited.v1", msg.Type)
	assert.JSONEq(t, `{"k":"v"}`, string(msg.Payload))
}

func TestUnknownSinceIsGone(t *testing.T) {
	e := setup(t, live.Options{})
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/ws?since="+uuid.NewString(), nil)
	req.Header.Set("X-Test-User", uuid.NewString())
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusGone, res.StatusCode)
}

func TestSlowClientIsDroppedOthersKeepReceiving(t *testing.T) {
	e := setup(t, live.Options{Buffer: 32})
	user := uuid.New()
	fast := e.dial(t, user, "")
	last := e.waitLive(t, fast, user)
	fast = e.dial(t, user, "?since="+last.ID.String())
	slow := e.dial(t, user, "?since="+last.ID.String())
	require.Eventually(t, func() bool { return e.hub.Connections() >= 2 }, 5*time.Second, 10*time.Millisecond)

	// The slow client never reads; the fast one reads everything.
	const n = 300
	done := make(chan int)
	go func() {
		count := 0
		for count < n {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, _, err := fast.Read(ctx)
			cancel()
			if err != nil {
				break
			}
			count++
		}
		done <- count
	}()
	// Big enough that the socket buffers fill and the server's writes to the slow client block.
	big := map[string]string{"blob": strings.Repeat("x", 64<<10)}
	for range n {
		e.publishPayload(t, user, "test.flood.v1", big)
	}
	assert.Equal(t, n, <-done, "the fast client got every event")
	// The slow one was cut off with a policy-violation close.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	for err == nil {
		_, _, err = slow.Read(ctx)
	}
	assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "got %v", err)
}

func TestHeartbeatsKeepTheConnectionAlive(t *testing.T) {
	e := setup(t, live.Options{Heartbeat: 50 * time.Millisecond})
	user := uuid.New()
	c := e.dial(t, user, "")
	// Reading in the background answers pings; after several heartbeats the connection is open.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _, _, _ = c.Read(ctx) }()
	time.Sleep(300 * time.Millisecond) // several heartbeat periods: what is tested is the passage of time
	assert.Equal(t, 1, e.hub.Connections())
	require.NoError(t, c.Ping(context.Background()))
}
