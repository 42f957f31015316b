// Package listenreward is the listen-reward context: listen sessions decided from what the
// server observed (qualification and fraud rules), the split of each stream price, listen
// rewards in VIBE and their claims, and the artist's earnings. Other contexts reach it only
// through its contracts (events, Rewards, Listens).
package listenreward

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

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/application"
	"github.com/vibestream/vibestream/internal/listenreward/contracts"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	"github.com/vibestream/vibestream/internal/listenreward/infrastructure/httpapi"
	"github.com/vibestream/vibestream/internal/listenreward/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
)

// Config is the context's configuration (see the README's Listen economy section).
type Config struct {
	Policy       domain.Policy
	RewardPolicy domain.RewardPolicy
	// FeeBPS is the platform fee in basis points; negative follows the phases by registered users.
	FeeBPS int
	// ExpireEvery is how often the expiry job runs; StalledAfter how old an unfinished start
	// must be before the job settles its hold.
	ExpireEvery  time.Duration
	StalledAfter time.Duration
	// PoolLockBelow: below this reward pool balance, rewards are paid one at a time.
	PoolLockBelow money.Amount
}

// Deps are what the context needs: the platform's plumbing and the other contexts' contracts.
type Deps struct {
	Pool        *pgxpool.Pool
	Bus         events.Publisher
	Runner      *jobs.Runner // optional: runs the expiry job
	Logger      *slog.Logger
	Registerer  prometheus.Registerer // optional
	Songs       application.Songs
	Streams     application.Streams
	Ledger      application.Ledger
	Withdrawals application.Withdrawals // optional: on-chain claims
	Users       application.Users
	Shares      contracts.RoyaltyShares // optional: 0 bps until the ownership issue
	Boosts      contracts.RewardBoosts  // optional: 1.0x until the campaign issue
	Config      Config
	Now         func() time.Time // optional: the benchmark drives the clock
}

// Module is the wired context.
type Module struct {
	handlers *httpapi.Handlers
	rewards  *application.IssueReward
	payments *application.Payments
	expire   *application.Expire
	plays    *application.Plays
	logger   *slog.Logger
}

// New builds the context.
func New(d Deps) (*Module, error) {
	if d.Pool == nil || d.Bus == nil {
		return nil, errors.New("listenreward: pool and bus are required")
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
	store.SetIPLimit(d.Config.Policy.MaxPerIPSongHour)
	c := d.Config
	if c.ExpireEvery <= 0 {
		c.ExpireEvery = 30 * time.Second
	}
	if c.StalledAfter <= 0 {
		c.StalledAfter = time.Minute
	}
	ad := application.Deps{Sessions: store, Rewards: store, Claims: store, Songs: d.Songs, Streams: d.Streams, Ledger: d.Ledger,
		Withdrawals: d.Withdrawals, Users: d.Users, Shares: d.Shares, Boosts: d.Boosts, Metrics: newMetrics(d.Registerer),
		Now: func() time.Time { return now().UTC() }, NewID: uuid.New,
		Config: application.Config{Policy: c.Policy, RewardPolicy: c.RewardPolicy, FeeBPS: c.FeeBPS, StalledAfter: c.StalledAfter,
			PoolLockBelow: c.PoolLockBelow}}
	m := &Module{logger: d.Logger}
	h := &httpapi.Handlers{Pool: d.Pool}
	if h.Start, err = application.NewStart(ad); err != nil {
		return nil, err
	}
	if h.Beat, err = application.NewBeat(ad); err != nil {
		return nil, err
	}
	if h.Complete, err = application.NewComplete(ad); err != nil {
		return nil, err
	}
	if h.Sessions, err = application.NewSessionQueries(ad); err != nil {
		return nil, err
	}
	if h.Claim, err = application.NewClaim(ad); err != nil {
		return nil, err
	}
	if h.Rewards, err = application.NewRewardQueries(ad); err != nil {
		return nil, err
	}
	if h.Earnings, err = application.NewEarnings(ad); err != nil {
		return nil, err
	}
	if m.plays, err = application.NewPlays(ad, h.Start); err != nil {
		return nil, err
	}
	if m.rewards, err = application.NewIssueReward(ad); err != nil {
		return nil, err
	}
	if m.payments, err = application.NewPayments(ad); err != nil {
		return nil, err
	}
	if m.expire, err = application.NewExpire(ad); err != nil {
		return nil, err
	}
	m.handlers = h
	if d.Runner != nil {
		river.AddWorker(d.Runner.Workers(), &expireWorker{m: m})
		// No unique options: a periodic job with constant args made unique by args would run
		// once and never again (see DEPENDENCIES.md).
		d.Runner.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(c.ExpireEvery),
			func() (river.JobArgs, *river.InsertOpts) { return ExpireArgs{}, &river.InsertOpts{MaxAttempts: 1} },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	return m, nil
}

// Routes mounts the HTTP routes under api.
func (m *Module) Routes(api *echo.Group) { m.handlers.Routes(api) }

// Rewards issues the reward of a paid listen (for the flow).
func (m *Module) Rewards() contracts.Rewards { return m.rewards }

// Plays drives listen sessions for player adapters (the Subsonic API).
func (m *Module) Plays() contracts.Plays { return m.plays }

// Listens records listens' payments (for the flow).
func (m *Module) Listens() contracts.Listens { return listens{m.payments} }

// ExpireDue runs the expiry and recovery once (the job, and tests).
func (m *Module) ExpireDue(ctx context.Context) (application.ExpireResult, error) {
	return m.expire.Handle(ctx, expireBatch)
}

const expireBatch = 500

type listens struct{ uc *application.Payments }

func (l listens) ListenPaid(ctx context.Context, sessionID, entryID uuid.UUID, paidAt time.Time) error {
	return l.uc.Handle(ctx, application.RecordPayment{SessionID: sessionID, EntryID: entryID, PaidAt: paidAt})
}

// ExpireArgs is the periodic expiry job.
type ExpireArgs struct{}

// Kind names the job.
func (ExpireArgs) Kind() string { return "listenreward.expire_sessions" }

type expireWorker struct {
	river.WorkerDefaults[ExpireArgs]
	m *Module
}

// Work decides expired sessions and settles interrupted starts, batch after batch while full
// batches come back (a backlog after downtime is worked off in one run, within a bound).
func (w *expireWorker) Work(ctx context.Context, _ *river.Job[ExpireArgs]) error {
	for range maxBatchesPerRun {
		res, err := w.m.ExpireDue(ctx)
		if res.Expired > 0 || res.Recovered > 0 {
			w.m.logger.InfoContext(ctx, "listen sessions expired", "expired", res.Expired, "recovered", res.Recovered)
		}
		if err != nil || res.Expired+res.Recovered < expireBatch || ctx.Err() != nil {
			return err
		}
	}
	return nil
}

const maxBatchesPerRun = 20
