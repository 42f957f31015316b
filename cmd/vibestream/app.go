package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vibestream/vibestream/api"
	"github.com/vibestream/vibestream/internal/campaign"
	"github.com/vibestream/vibestream/internal/listenreward"
	"github.com/vibestream/vibestream/internal/music"
	"github.com/vibestream/vibestream/internal/ownership"
	"github.com/vibestream/vibestream/internal/payment"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/live"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/postgres"
	"github.com/vibestream/vibestream/internal/user"
	"github.com/vibestream/vibestream/web"
)

// app is the composition root: every context wired onto one pool, one bus, one job runner and
// one echo instance.
type app struct {
	cfg      Config
	logger   *slog.Logger
	pool     *pgxpool.Pool
	registry *prometheus.Registry
	runner   *jobs.Runner
	// foreground is the payment work of listens that CPU-heavy proofs yield to
	foreground *jobs.Foreground
	bus        *events.Bus
	health     *httpx.Health
	echo       *echo.Echo
	api        *echo.Group
	live       *live.Hub

	users   *user.Module
	payment *payment.Module
	music   *music.Module
	listen  *listenreward.Module
	// withdrawals sends users' VIBE on chain for other contexts (listen reward claims)
	withdrawals *payment.Withdrawals
	zk          *zkParts
	// listenProofs proves qualified listens (the listen flow's ListenProver)
	listenProofs *listenreward.ListenProofs
	// ownership answers listenreward's RoyaltyShares port (ownership.RoyaltyShares())
	ownership *ownership.Module
	campaign  *campaign.Module

	// background work (the event listener, the contexts' loops), run by startBackground until
	// stopBackground cancels bgCancel; closers run after it has all returned
	background []func(ctx context.Context)
	bgCancel   context.CancelFunc
	bg         sync.WaitGroup
	closers    []func()
}

// openDatabase connects to DATABASE_URL or starts the managed local server under DATA_DIR.
func openDatabase(ctx context.Context, cfg Config, logger *slog.Logger) (*pgxpool.Pool, func(), error) {
	url := cfg.DatabaseURL
	stop := func() {}
	if url == "" {
		srv, err := postgres.StartLocal(ctx, filepath.Join(cfg.DataDir, "postgres"), postgres.LocalOptions{Logger: logger})
		if err != nil {
			return nil, nil, err
		}
		if err := srv.EnsureDatabase(ctx, "vibestream"); err != nil {
			srv.Stop()
			return nil, nil, fmt.Errorf("create database: %w", err)
		}
		url, stop = srv.URL("vibestream"), srv.Stop
	}
	pool, err := postgres.Connect(ctx, url, cfg.DBMaxConns)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return pool, func() { pool.Close(); stop() }, nil
}

// newApp wires everything onto an open, migrated pool.
func newApp(cfg Config, pool *pgxpool.Pool, logger *slog.Logger, jobOpts jobs.Options) (*app, error) {
	a := &app{cfg: cfg, logger: logger, pool: pool, registry: observability.NewRegistry(), health: httpx.NewHealth("vibestream")}
	if jobOpts.Logger == nil {
		jobOpts.Logger = logger
	}
	if jobOpts.ID == "" {
		jobOpts.ID = cfg.InstanceID
	}
	if _, set := jobOpts.Concurrency[jobs.QueueProofs]; !set && cfg.ZK.Provers > 0 {
		c := map[string]int{jobs.QueueProofs: cfg.ZK.Provers}
		for q, n := range jobOpts.Concurrency {
			c[q] = n
		}
		jobOpts.Concurrency = c
	}
	a.runner = jobs.NewRunner(pool, jobOpts)
	a.foreground = &jobs.Foreground{}
	a.bus = events.NewBus(pool, a.runner, logger)
	a.background = append(a.background, a.bus.Listen)
	a.echo = httpx.New(httpx.Options{Logger: logger, Registerer: a.registry, BodyLimit: cfg.BodyLimit,
		CORSOrigins: cfg.CORSOrigins, TrustProxy: cfg.TrustProxy})
	a.health.AddCheck("database", true, func(ctx context.Context) error { return pool.Ping(ctx) })

	docJSON, _, err := api.Document()
	if err != nil {
		return nil, err
	}
	a.echo.GET("/health", a.health.Live)
	a.echo.GET("/health/ready", a.health.Ready)
	a.echo.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{})))
	a.api = a.echo.Group("/api/v1")
	a.api.GET("/openapi.json", func(c echo.Context) error { return c.JSONBlob(http.StatusOK, docJSON) })
	a.api.GET("/queue-status", func(c echo.Context) error {
		st, err := a.runner.Status(c.Request().Context())
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"queues": st})
	})

	// the web console at / (its routes live in the browser); /api stays the API's, JSON 404s included
	console := echo.WrapHandler(web.Handler())
	serveConsole := func(c echo.Context) error {
		if p := c.Request().URL.Path; p == "/api" || strings.HasPrefix(p, "/api/") {
			return echo.ErrNotFound
		}
		return console(c)
	}
	a.echo.GET("/*", serveConsole)
	a.echo.HEAD("/*", serveConsole)

	a.wireMaintenance()
	if err := a.wireContexts(); err != nil {
		return nil, err
	}
	return a, nil
}

// startBackground starts the job runner and the background work (the event listener first).
func (a *app) startBackground(ctx context.Context) error {
	bgCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a.bgCancel = cancel
	if err := a.runner.Start(bgCtx); err != nil {
		cancel()
		return err
	}
	for _, run := range a.background {
		a.bg.Add(1)
		go func() {
			defer a.bg.Done()
			run(bgCtx)
		}()
	}
	return nil
}

// stopBackground drains the job runner (running jobs finish within ctx) and stops listeners.
func (a *app) stopBackground(ctx context.Context) {
	if err := a.runner.Stop(ctx); err != nil {
		a.logger.Warn("job runner stop", "error", err)
	}
	if a.bgCancel != nil {
		a.bgCancel()
	}
	a.bg.Wait()
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

// serve runs the HTTP server until ctx ends, then drains in-flight requests and workers.
func (a *app) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       0, // uploads and streams are long; per-route handlers bound their own work
		WriteTimeout:      0,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn),
	}
	if err := a.startBackground(ctx); err != nil {
		return err
	}
	errCh := make(chan error, 1)
	go func() { errCh <- srv.Serve(httpx.Listener(ln)) }()
	a.logger.Info("listening", "addr", ln.Addr().String(), "public_url", a.cfg.PublicURL)
	select {
	case err := <-errCh:
		a.stopBackground(context.Background())
		return err
	case <-ctx.Done():
	}
	a.logger.Info("shutting down: draining requests and jobs", "timeout", a.cfg.ShutdownTimeout)
	shutCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Requests still running after SHUTDOWN_TIMEOUT are cut: closing their connections
		// cancels their contexts, so their queries end and their database connections come
		// back, and the stop stays within the bound the operator set.
		a.logger.Warn("shutdown timeout reached: closing the connections still in use", "timeout", a.cfg.ShutdownTimeout)
		_ = srv.Close()
		err = nil
	}
	a.stopBackground(shutCtx)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
