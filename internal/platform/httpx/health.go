package httpx

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// Health gathers readiness checks and component states from every part of the application.
type Health struct {
	service string
	mu      sync.RWMutex
	checks  []check
	infos   map[string]func() string
}

type check struct {
	name     string
	critical bool
	fn       func(ctx context.Context) error
}

// NewHealth creates the registry for one service name.
func NewHealth(service string) *Health {
	return &Health{service: service, infos: map[string]func() string{}}
}

// AddCheck adds a readiness check. A failing critical check makes the instance unready (503);
// a failing non-critical one reports the component as degraded.
func (h *Health) AddCheck(name string, critical bool, fn func(ctx context.Context) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checks = append(h.checks, check{name: name, critical: critical, fn: fn})
}

// AddComponent reports a component's state on /health (for example "transcoding": "unavailable").
func (h *Health) AddComponent(name string, state func() string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.infos[name] = state
}

type healthBody struct {
	Status     string            `json:"status"`
	Service    string            `json:"service"`
	Timestamp  time.Time         `json:"timestamp"`
	Components map[string]string `json:"components,omitempty"`
}

// Live answers GET /health: the process is up.
func (h *Health) Live(c echo.Context) error {
	h.mu.RLock()
	comps := make(map[string]string, len(h.infos))
	for name, fn := range h.infos {
		comps[name] = fn()
	}
	h.mu.RUnlock()
	return c.JSON(http.StatusOK, healthBody{Status: "healthy", Service: h.service, Timestamp: time.Now().UTC(), Components: comps})
}

type readyBody struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// Ready answers GET /health/ready: 503 when a critical dependency is down.
func (h *Health) Ready(c echo.Context) error {
	h.mu.RLock()
	checks := append([]check(nil), h.checks...)
	h.mu.RUnlock()
	sort.Slice(checks, func(i, j int) bool { return checks[i].name < checks[j].name })
	type result struct {
		i   int
		err error
	}
	results := make(chan result, len(checks))
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	for i, ch := range checks {
		go func() { results <- result{i, ch.fn(ctx)} }()
	}
	body := readyBody{Status: "ready", Checks: map[string]string{}}
	status := http.StatusOK
	for range checks {
		r := <-results
		ch := checks[r.i]
		switch {
		case r.err == nil:
			body.Checks[ch.name] = "up"
		case ch.critical:
			body.Checks[ch.name] = "down"
			body.Status = "unavailable"
			status = http.StatusServiceUnavailable
		default:
			body.Checks[ch.name] = "degraded"
			if body.Status == "ready" {
				body.Status = "degraded"
			}
		}
	}
	return c.JSON(status, body)
}
