// Package ownership is the fractional-ownership context: song share offerings, a price-time
// order book per song, royalties credited on every paid stream (dividend per share, O(1) per
// stream) and portfolios. Money moves only through the payment context's Ledger.
package ownership

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	lrcontracts "github.com/vibestream/vibestream/internal/listenreward/contracts"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/ownership/application"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	"github.com/vibestream/vibestream/internal/ownership/infrastructure/httpapi"
	"github.com/vibestream/vibestream/internal/ownership/infrastructure/postgres"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
)

// Subscriber registers event handlers (the platform bus).
type Subscriber interface {
	Subscribe(name, eventType string, h events.Handler)
}

// Config tunes the context.
type Config struct {
	// FeeBPS is the platform fee on ownership trades and purchases (default 100 = 1%).
	FeeBPS int
	// SweepEvery schedules the settlement sweeper (default 10 s); work younger than SweepGrace
	// (default 30 s) is left to the request that started it.
	SweepEvery time.Duration
	SweepGrace time.Duration
}

// Deps are what the context needs.
type Deps struct {
	Pool       *pgxpool.Pool
	Bus        events.Publisher
	Runner     *jobs.Runner // optional: runs the periodic settlement sweeper
	Ledger     paycontracts.Ledger
	Catalog    musiccontracts.Catalog
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	Config     Config
	Now        func() time.Time
	NewID      func() uuid.UUID
}

// Module is the wired context.
type Module struct {
	handlers *httpapi.Handlers
	accrue   *application.AccrueStream
	settler  *application.Settler
	queries  *application.Queries
	logger   *slog.Logger
}

// New builds the context.
func New(d Deps) (*Module, error) {
	if d.Pool == nil || d.Bus == nil || d.Ledger == nil || d.Catalog == nil {
		return nil, errors.New("ownership: pool, bus, ledger and catalog are required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	now := application.Clock(func() time.Time { return time.Now().UTC() })
	if d.Now != nil {
		now = d.Now
	}
	newID := application.NewID(uuid.New)
	if d.NewID != nil {
		newID = d.NewID
	}
	cfg := d.Config
	if cfg.FeeBPS == 0 {
		cfg.FeeBPS = domain.DefaultFeeBPS
	}
	if cfg.FeeBPS < 0 {
		cfg.FeeBPS = 0
	}
	if cfg.SweepEvery <= 0 {
		cfg.SweepEvery = 10 * time.Second
	}
	if cfg.SweepGrace <= 0 {
		cfg.SweepGrace = 30 * time.Second
	}
	store, err := postgres.NewStore(d.Pool, d.Bus)
	if err != nil {
		return nil, err
	}
	metrics, err := newMetrics(d.Registerer)
	if err != nil {
		return nil, err
	}
	acfg := application.Config{FeeBPS: cfg.FeeBPS}
	m := &Module{logger: d.Logger}
	if m.settler, err = application.NewSettler(store, d.Ledger, d.Logger, now); err != nil {
		return nil, err
	}
	m.settler.Grace = cfg.SweepGrace
	h := &httpapi.Handlers{Pool: d.Pool}
	if h.OpenOffering, err = application.NewOpenOffering(store, d.Catalog, acfg, now, newID); err != nil {
		return nil, err
	}
	if h.CloseOffering, err = application.NewCloseOffering(store, store, now); err != nil {
		return nil, err
	}
	if h.Purchase, err = application.NewPurchase(store, store, d.Ledger, now, newID); err != nil {
		return nil, err
	}
	if h.PlaceOrder, err = application.NewPlaceOrder(store, store, store, d.Ledger, m.settler, metrics, acfg, now, newID); err != nil {
		return nil, err
	}
	if h.CancelOrder, err = application.NewCancelOrder(store, store, m.settler, now); err != nil {
		return nil, err
	}
	if h.Claim, err = application.NewClaimRoyalties(store, store, store, d.Ledger, metrics, now, newID); err != nil {
		return nil, err
	}
	if h.Queries, err = application.NewQueries(store, d.Catalog, now); err != nil {
		return nil, err
	}
	if m.accrue, err = application.NewAccrueStream(store, metrics, d.Logger, now); err != nil {
		return nil, err
	}
	m.settler.SetRecovery(h.Purchase, h.Claim, h.PlaceOrder)
	m.handlers, m.queries = h, h.Queries
	if d.Runner != nil {
		river.AddWorker(d.Runner.Workers(), &sweepWorker{m: m})
		d.Runner.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepEvery),
			func() (river.JobArgs, *river.InsertOpts) { return sweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	return m, nil
}

// Routes mounts the HTTP routes under api.
func (m *Module) Routes(api *echo.Group) { m.handlers.Routes(api) }

// Subscribe registers the royalty accrual on payment.stream_paid.v1.
func (m *Module) Subscribe(bus Subscriber) {
	bus.Subscribe("ownership.accrue_royalties", paycontracts.StreamPaidV1, func(ctx context.Context, e events.Envelope) error {
		var p paycontracts.StreamPaid
		if err := e.Decode(&p); err != nil {
			return err
		}
		return m.HandleStreamPaid(ctx, p)
	})
}

// HandleStreamPaid accrues one payment.stream_paid.v1 payload: the handler Subscribe
// registers, callable directly to replay an event (a redelivery changes nothing).
func (m *Module) HandleStreamPaid(ctx context.Context, p paycontracts.StreamPaid) error {
	return m.accrue.Handle(ctx, p)
}

// RoyaltyShares answers listenreward's port: the shareholders' basis points of a song's
// stream price (0 until it has an offering).
func (m *Module) RoyaltyShares() lrcontracts.RoyaltyShares { return m.queries }

// Sweep finishes settlements, holds, purchases and claims left behind by a crash (the
// periodic job calls it; tests and operators may too).
func (m *Module) Sweep(ctx context.Context) (int, error) { return m.settler.Sweep(ctx) }

type sweepArgs struct{}

func (sweepArgs) Kind() string { return "ownership_sweep" }

type sweepWorker struct {
	river.WorkerDefaults[sweepArgs]
	m *Module
}

// Work runs one sweep.
func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[sweepArgs]) error {
	n, err := w.m.Sweep(ctx)
	if n > 0 {
		w.m.logger.InfoContext(ctx, "ownership sweep", "items", n)
	}
	return err
}
