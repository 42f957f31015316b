// Package live pushes each user's committed events to their WebSocket connections
// (GET /api/v1/ws): transaction status changes, deposits credited, balance changes... whatever
// the contexts publish with events.ForUsers.
//
// Events reach every instance through the bus' LISTEN/NOTIFY observer, so a client may be
// connected to any instance. A client that reconnects passes ?since=<last event id> and gets what
// it missed from the outbox before the live stream, without gaps or duplicates. Heartbeats (ping
// frames) detect dead peers; a client that does not keep up (its send buffer is full) is
// disconnected rather than allowed to slow the others, and can reconnect with ?since=.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/httpx"
)

// Errors.
var (
	ErrBadSince     = errs.New(errs.Invalid, "live.invalid_since", "since must be an event id")
	ErrUnknownSince = errs.New(errs.Gone, "live.unknown_since", "that event is unknown or too old: reload state instead of replaying")
	ErrNotUpgrade   = errs.New(errs.UpgradeRequired, "live.upgrade_required", "this endpoint speaks WebSocket: send an Upgrade: websocket handshake")
	ErrBadHandshake = errs.New(errs.Invalid, "live.bad_handshake", "the WebSocket handshake needs Sec-WebSocket-Version 13 and a Sec-WebSocket-Key")
)

// checkHandshake answers a request that is not a WebSocket handshake in the one error shape
// (the WebSocket library would answer in plain text).
func checkHandshake(r *http.Request) error {
	if !headerHasToken(r.Header, "Connection", "upgrade") || !headerHasToken(r.Header, "Upgrade", "websocket") {
		return ErrNotUpgrade
	}
	if r.Header.Get("Sec-WebSocket-Version") != "13" || r.Header.Get("Sec-WebSocket-Key") == "" {
		return ErrBadHandshake
	}
	return nil
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// Options tune a Hub.
type Options struct {
	// Heartbeat is the ping interval (default 20s); a peer that misses a pong for as long is dropped.
	Heartbeat time.Duration
	// Buffer is how many messages may wait for one slow client before it is dropped (default 256).
	Buffer int
	// ReplayLimit bounds a ?since= replay (default 1000 events).
	ReplayLimit int
	Logger      *slog.Logger
	Registerer  prometheus.Registerer
}

// Hub fans events out to connected clients.
type Hub struct {
	bus  *events.Bus
	opts Options

	mu      sync.RWMutex
	clients map[uuid.UUID]map[*client]struct{}

	connected prometheus.Gauge
	dropped   prometheus.Counter
	sent      prometheus.Counter
}

type client struct {
	user uuid.UUID
	ch   chan events.Envelope
	// overflow is closed when the client fell behind.
	overflow chan struct{}
	once     sync.Once
}

// Message is what a client receives.
type Message struct {
	ID         uuid.UUID       `json:"id"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurred_at"`
	Payload    json.RawMessage `json:"payload"`
}

// New builds a hub observing bus.
func New(bus *events.Bus, opts Options) *Hub {
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 20 * time.Second
	}
	if opts.Buffer <= 0 {
		opts.Buffer = 256
	}
	if opts.ReplayLimit <= 0 {
		opts.ReplayLimit = 1000
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	h := &Hub{bus: bus, opts: opts, clients: map[uuid.UUID]map[*client]struct{}{},
		connected: prometheus.NewGauge(prometheus.GaugeOpts{Name: "vibestream_ws_connections", Help: "Open WebSocket connections."}),
		dropped:   prometheus.NewCounter(prometheus.CounterOpts{Name: "vibestream_ws_slow_clients_dropped_total", Help: "WebSocket clients disconnected for not keeping up."}),
		sent:      prometheus.NewCounter(prometheus.CounterOpts{Name: "vibestream_ws_messages_sent_total", Help: "Events pushed over WebSockets."}),
	}
	if opts.Registerer != nil {
		opts.Registerer.MustRegister(h.connected, h.dropped, h.sent)
	}
	bus.Observe(h.dispatch)
	return h
}

// dispatch never blocks: a full buffer marks the client as overflowed.
func (h *Hub) dispatch(e events.Envelope) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, u := range e.UserIDs {
		for c := range h.clients[u] {
			select {
			case c.ch <- e:
			default:
				c.once.Do(func() { close(c.overflow) })
			}
		}
	}
}

func (h *Hub) add(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.clients[c.user]
	if set == nil {
		set = map[*client]struct{}{}
		h.clients[c.user] = set
	}
	set[c] = struct{}{}
	h.connected.Inc()
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients[c.user], c)
	if len(h.clients[c.user]) == 0 {
		delete(h.clients, c.user)
	}
	h.connected.Dec()
}

// Connections returns how many clients are connected (tests, metrics).
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	for _, set := range h.clients {
		n += len(set)
	}
	return n
}

// Routes mounts GET /ws, authenticated by the access token in the Authorization header or, for
// browsers (which cannot set headers on a WebSocket handshake), in ?access_token=.
func (h *Hub) Routes(api *echo.Group) {
	httpx.AllowQueryToken(api.GET("/ws", h.serve, httpx.Require()))
}

func (h *Hub) serve(c echo.Context) error {
	p := httpx.MustPrincipal(c)
	var since uuid.UUID
	if s := c.QueryParam("since"); s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			return ErrBadSince
		}
		since = id
	}
	cl := &client{user: p.UserID, ch: make(chan events.Envelope, h.opts.Buffer), overflow: make(chan struct{})}
	// Register before replaying so nothing committed in between is missed; duplicates are
	// skipped by sequence number below.
	h.add(cl)
	defer h.remove(cl)
	var replay []events.Envelope
	if since != uuid.Nil {
		var err error
		replay, err = h.bus.Since(c.Request().Context(), p.UserID, since, h.opts.ReplayLimit)
		if errors.Is(err, events.ErrUnknownEvent) {
			return ErrUnknownSince
		}
		if err != nil {
			return err
		}
	}
	if err := checkHandshake(c.Request()); err != nil {
		if errors.Is(err, ErrNotUpgrade) {
			c.Response().Header().Set("Upgrade", "websocket")
		}
		return err
	}
	conn, err := websocket.Accept(c.Response(), c.Request(), nil)
	if err != nil {
		return nil // Accept has answered the client
	}
	defer conn.CloseNow()
	ctx := readControl(c.Request().Context(), conn)

	var lastSeq int64
	write := func(e events.Envelope) error {
		if e.Seq != 0 && e.Seq <= lastSeq {
			return nil
		}
		if e.Seq > lastSeq {
			lastSeq = e.Seq
		}
		b, err := json.Marshal(Message{ID: e.ID, Type: e.Type, OccurredAt: e.OccurredAt, Payload: e.Payload})
		if err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := conn.Write(wctx, websocket.MessageText, b); err != nil {
			return err
		}
		h.sent.Inc()
		return nil
	}
	for _, e := range replay {
		if err := write(e); err != nil {
			return nil
		}
	}
	ping := time.NewTicker(h.opts.Heartbeat)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-cl.overflow:
			h.dropped.Inc()
			conn.Close(websocket.StatusPolicyViolation, "too slow: reconnect with ?since=<last event id>")
			return nil
		case e := <-cl.ch:
			if err := write(e); err != nil {
				return nil
			}
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, h.opts.Heartbeat)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				conn.Close(websocket.StatusGoingAway, "heartbeat missed")
				return nil
			}
		}
	}
}

// readControl reads the client's frames, so pings and close frames are answered, and returns
// a context cancelled when the connection ends. Clients send no messages: a data message is
// drained and answered with a policy-violation close. It replaces the library's CloseRead,
// whose Close from its own read goroutine waits 15 s for that goroutine to end, so every client
// that sent a message held its handler and hub slot for 15 s after leaving (found by
// FuzzWebSocketClientFrames).
func readControl(parent context.Context, conn *websocket.Conn) context.Context {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		defer cancel()
		_, r, err := conn.Reader(ctx)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, r) // bounded by the read limit (32 KiB)
		conn.Close(websocket.StatusPolicyViolation, "this endpoint only sends: clients send no messages")
	}()
	return ctx
}

var _ http.Handler = (*echo.Echo)(nil)
