// Package campaign is the campaign context: artists pay VIBE so that listens of their songs
// earn listeners more. A campaign's budget is held in the ledger when it is activated; every
// qualified listen of one of its songs draws the boost above the base reward from that hold;
// what is left goes back to the artist when it ends. Other contexts reach it only through its
// contracts (events) and listenreward's RewardBoosts port, which it implements.
package campaign

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

	"github.com/vibestream/vibestream/internal/campaign/application"
	"github.com/vibestream/vibestream/internal/campaign/infrastructure/httpapi"
	"github.com/vibestream/vibestream/internal/campaign/infrastructure/postgres"
	listencontracts "github.com/vibestream/vibestream/internal/listenreward/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
)

// Config is the context's configuration.
type Config struct {
	// TickEvery is how often the lifecycle job runs (start and end on dates, releases,
	// interrupted activations, unsettled boosts); StaleAfter how old an interrupted activation
	// or an unsettled boost must be before the job finishes it.
	TickEvery  time.Duration
	StaleAfter time.Duration
}

// Deps are what the context needs.
type Deps struct {
	Pool       *pgxpool.Pool
	Bus        events.Publisher
	Runner     *jobs.Runner // optional: runs the lifecycle job
	Logger     *slog.Logger
	Registerer prometheus.Registerer // optional
	Songs      application.Songs
	Ledger     application.Ledger
	Config     Config
	Now        func() time.Time // optional: tests drive the clock
}

// Module is the wired context.
type Module struct {
	handlers  *httpapi.Handlers
	boosts    *application.Boosts
	lifecycle *application.Lifecycle
	logger    *slog.Logger
}

// New builds the context.
func New(d Deps) (*Module, error) {
	if d.Pool == nil || d.Bus == nil {
		return nil, errors.New("campaign: pool and bus are required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	store, err := postgres.NewStore(d.Pool, d.Bus)
	if err != nil {
		return nil, err
	}
	c := d.Config
	if c.TickEvery <= 0 {
		c.TickEvery = 10 * time.Second
	}
	ad := application.Deps{Campaigns: store, Boosts: store, Songs: d.Songs, Ledger: d.Ledger, Metrics: newMetrics(d.Registerer),
		Now: func() time.Time { return now().UTC() }, NewID: uuid.New, StaleAfter: c.StaleAfter}
	m := &Module{logger: d.Logger}
	h := &httpapi.Handlers{}
	if h.Create, err = application.NewCreate(ad); err != nil {
		return nil, err
	}
	if h.Patch, err = application.NewPatch(ad); err != nil {
		return nil, err
	}
	if h.Activate, err = application.NewActivate(ad); err != nil {
		return nil, err
	}
	if h.Transitions, err = application.NewTransitions(ad); err != nil {
		return nil, err
	}
	if h.Queries, err = application.NewQueries(ad); err != nil {
		return nil, err
	}
	if m.boosts, err = application.NewBoosts(ad); err != nil {
		return nil, err
	}
	if m.lifecycle, err = application.NewLifecycle(ad); err != nil {
		return nil, err
	}
	m.handlers = h
	if d.Runner != nil {
		river.AddWorker(d.Runner.Workers(), &lifecycleWorker{m: m})
		// No unique options: a periodic job with constant args made unique by args would run
		// once and never again (see DEPENDENCIES.md). Overlapping runs are harmless: every
		// step is a locked, idempotent transition.
		d.Runner.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(c.TickEvery),
			func() (river.JobArgs, *river.InsertOpts) { return LifecycleArgs{}, &river.InsertOpts{MaxAttempts: 1} },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	return m, nil
}

// Routes mounts the HTTP routes under api.
func (m *Module) Routes(api *echo.Group) { m.handlers.Routes(api) }

// Boosts answers listenreward's RewardBoosts port.
func (m *Module) Boosts() listencontracts.RewardBoosts { return m.boosts }

// Tick runs the lifecycle job once (the job, and tests).
func (m *Module) Tick(ctx context.Context) (application.LifecycleResult, error) {
	return m.lifecycle.Handle(ctx, tickBatch)
}

const tickBatch = 500

// LifecycleArgs is the periodic lifecycle job.
type LifecycleArgs struct{}

// Kind names the job.
func (LifecycleArgs) Kind() string { return "campaign.lifecycle" }

type lifecycleWorker struct {
	river.WorkerDefaults[LifecycleArgs]
	m *Module
}

// Work runs the schedule once.
func (w *lifecycleWorker) Work(ctx context.Context, _ *river.Job[LifecycleArgs]) error {
	res, err := w.m.Tick(ctx)
	if res.Changed > 0 || res.Released > 0 || res.Activations > 0 || res.Settled > 0 {
		w.m.logger.InfoContext(ctx, "campaign lifecycle", "changed", res.Changed, "released", res.Released,
			"activations", res.Activations, "settled", res.Settled)
	}
	return err
}
