// Package httpx is the HTTP platform: echo set-up, middleware, the central error handler,
// authentication and helpers shared by every context's handlers.
package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/observability"
)

// Options configure the echo instance.
type Options struct {
	Logger      *slog.Logger
	Registerer  prometheus.Registerer
	BodyLimit   string   // echo size syntax, e.g. "1M"
	CORSOrigins []string // empty: no CORS headers
	// TrustProxy makes the client IP come from X-Forwarded-For (behind a load balancer).
	TrustProxy bool
}

func logger(c echo.Context) *slog.Logger {
	if l, ok := c.Get("logger").(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// New builds echo with the platform middleware in place.
func New(opts Options) *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = ErrorHandler
	if opts.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	m := newHTTPMetrics(opts.Registerer)
	e.Use(requestID(log))
	e.Use(accessLog(log, m))
	e.Use(recoverer())
	if opts.BodyLimit != "" {
		e.Use(bodyLimit(opts.BodyLimit))
	}
	e.Use(ValidText())
	if len(opts.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  opts.CORSOrigins,
			AllowHeaders:  []string{"Authorization", "Content-Type", "Idempotency-Key", "Range", "X-Request-ID", "If-None-Match", "If-Range"},
			ExposeHeaders: []string{"X-Request-ID", "Content-Range", "Accept-Ranges", "ETag", "Retry-After", "Idempotent-Replayed"},
			MaxAge:        600,
		}))
	}
	return e
}

// bodyLimit applies the limit to every route except those declared with LargeBody, which
// enforce their own limit while streaming.
func bodyLimit(limit string) echo.MiddlewareFunc {
	return middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: limit,
		Skipper: func(c echo.Context) bool {
			_, ok := largeBodyRoutes.Load(c.Request().Method + " " + c.Path())
			return ok
		},
	})
}

var largeBodyRoutes sync.Map

var ownTextRoutes sync.Map

// OwnText exempts a route from ValidText: a protocol with its own error shape (the Subsonic
// API) checks its parameters itself, with CheckText, and answers in that shape.
func OwnText(r *echo.Route) *echo.Route {
	ownTextRoutes.Store(r.Method+" "+r.Path, true)
	return r
}

// CheckText reports what is wrong with s for ValidText's rules ("" when nothing is): invalid
// UTF-8 or a NUL character.
func CheckText(s string) string { return textProblem(s) }

// LargeBody exempts a route from the global body limit; its handler must enforce its own.
func LargeBody(r *echo.Route) *echo.Route {
	largeBodyRoutes.Store(r.Method+" "+r.Path, true)
	return r
}

func requestID(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(echo.HeaderXRequestID)
			if id == "" || len(id) > 128 || !utf8.ValidString(id) {
				id = uuid.NewString()
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			ctx := observability.WithRequestID(c.Request().Context(), id)
			c.SetRequest(c.Request().WithContext(ctx))
			c.Set("logger", log)
			return next(c)
		}
	}
}

func accessLog(log *slog.Logger, m *httpMetrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			status := c.Response().Status
			elapsed := time.Since(start)
			m.observe(c.Request().Method, route, status, elapsed)
			if route == "/metrics" || strings.HasPrefix(route, "/health") {
				return nil
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", c.Request().Method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
				slog.Int64("bytes_out", c.Response().Size),
				slog.String("remote_ip", c.RealIP()),
			)
			return nil
		}
	}
}

func recoverer() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					logger(c).ErrorContext(c.Request().Context(), "panic in handler", "panic", r, "route", c.Path())
					err = errs.ErrInternal
				}
			}()
			return next(c)
		}
	}
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_requests_total", Help: "HTTP requests by route, method and status."}, []string{"method", "route", "status"}),
		errors:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_request_errors_total", Help: "HTTP responses with status >= 400 by route, method and status."}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"method", "route"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.errors, m.latency)
	}
	return m
}

func (m *httpMetrics) observe(method, route string, status int, d time.Duration) {
	s := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, s).Inc()
	if status >= 400 {
		m.errors.WithLabelValues(method, route, s).Inc()
	}
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

// Bind decodes a JSON body into dst, answering 400 with a readable message when it cannot.
func Bind(c echo.Context, dst any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return ErrUnsupportedMedia.WithMessage("expected Content-Type application/json")
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		if errors.Is(err, io.EOF) {
			return errs.ErrBadRequest.WithMessage("the request body is empty")
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return ErrBodyTooLarge
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return errs.ErrBadRequest.WithMessage("invalid JSON value").WithField(typeErr.Field, "must be a "+typeErr.Type.String())
		}
		return errs.ErrBadRequest.WithMessage("the request body is not valid JSON")
	}
	return nil
}
