// Package payment is the payment context: the double-entry ledger every other context moves
// value through, Stripe top-ups and refunds, balances and history, and the chain half
// (withdrawals, deposits and treasury mints on Ethereum and Solana).
package payment

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
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chains"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/httpapi"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/stripe"
	paymentzk "github.com/vibestream/vibestream/internal/payment/infrastructure/zk"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/zk"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// StripeConfig configures the Stripe gateway. Without SecretKey, top-ups and refunds answer
// 503 payment.top_ups_unavailable; without WebhookSecret, the webhook answers 503.
type StripeConfig struct {
	SecretKey     string
	WebhookSecret string
	// APIURL overrides Stripe's API base URL (stripe-mock in tests).
	APIURL string
	// Timeout bounds one Stripe call.
	Timeout time.Duration
	// Local marks the local card setup (stripe-mock, which sends no webhooks): the test-confirm
	// route then signs a payment_intent.succeeded event with WebhookSecret and hands it to
	// DeliverWebhook, which must post it to the server's own webhook endpoint.
	Local          bool
	DeliverWebhook stripe.Deliver
}

// Deps is what the payment context needs from the platform.
type Deps struct {
	Pool     *pgxpool.Pool
	Bus      events.Publisher
	Runner   *jobs.Runner
	Registry prometheus.Registerer
	Logger   *slog.Logger
	Stripe   StripeConfig
	// ReconcileEvery schedules the reconciliation job (0: every 5 minutes); payments and
	// refunds untouched for ReconcileAfter (0: 10 minutes) are checked with Stripe.
	ReconcileEvery time.Duration
	ReconcileAfter time.Duration
	// SolvencyKeys and Attester enable solvency proofs (POST /zk/solvency-proofs) when both
	// are set.
	SolvencyKeys *zk.System
	Attester     *zk.Attester
	// Now and NewID default to the wall clock and random uuids.
	Now   func() time.Time
	NewID func() uuid.UUID
	// Users, when set, enables the chain half (withdrawals to linked wallets, deposits from
	// them), configured by Chains, and lets the ledger open a confirmed user's accounts on
	// first use (application.WithUserDirectory) rather than wait for the registration event.
	Users  usercontracts.Directory
	Chains ChainsConfig
	// GroupCommit, when set, gathers concurrent ledger postings (transfers, holds) into one
	// transaction each (paymentpg.GroupCommit).
	GroupCommit *GroupCommit
}

// GroupCommit configures group commit of ledger postings.
type GroupCommit = paymentpg.GroupCommit

// Module is the wired payment context.
type Module struct {
	ledger     *application.Ledger
	streams    *application.PayStreamHandler
	streamPay  *paymentpg.StreamPaymentStore
	handlers   *httpapi.Handlers
	reconciler *application.Reconciler
	pool       *pgxpool.Pool
	after      time.Duration
	gateway    application.Gateway
	chain      *chainHalf
	background []func(ctx context.Context)
	solvency   *httpapi.SolvencyHandlers
}

// New builds the context, registers its metrics and its reconciliation job.
func New(d Deps) (*Module, error) {
	if d.Pool == nil {
		return nil, errors.New("payment: a database pool is required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = func() time.Time { return time.Now().UTC() }
	}
	if d.NewID == nil {
		d.NewID = uuid.New
	}
	if d.ReconcileEvery <= 0 {
		d.ReconcileEvery = 5 * time.Minute
	}
	if d.ReconcileAfter <= 0 {
		d.ReconcileAfter = 10 * time.Minute
	}
	m := newMetrics()
	var ledgerOpts []paymentpg.LedgerOption
	if d.Bus != nil {
		ledgerOpts = append(ledgerOpts, paymentpg.WithBalanceEvents(d.Bus))
	}
	if d.GroupCommit != nil {
		ledgerOpts = append(ledgerOpts, paymentpg.WithGroupCommit(*d.GroupCommit))
	}
	ledgerStore := paymentpg.NewLedgerStore(d.Pool, ledgerOpts...)
	var ledgerAppOpts []application.LedgerOption
	if d.Users != nil {
		ledgerAppOpts = append(ledgerAppOpts, application.WithUserDirectory(d.Users))
	}
	ledger, err := application.NewLedger(ledgerStore, d.Now, d.NewID, ledgerAppOpts...)
	if err != nil {
		return nil, err
	}
	store := paymentpg.NewPaymentStore(d.Pool, ledgerStore, d.Bus, m)
	if d.Registry != nil {
		for _, c := range []prometheus.Collector{m.volume, m.streamPayments, m.streamVolume} {
			if err := d.Registry.Register(c); err != nil {
				return nil, err
			}
		}
		if err := d.Registry.Register(&statusCollector{store: store, desc: statusDesc}); err != nil {
			return nil, err
		}
	}
	var gateway application.Gateway
	if d.Stripe.SecretKey != "" {
		gateway = stripe.NewGateway(d.Stripe.SecretKey, d.Stripe.APIURL, d.Stripe.Timeout)
	}
	var verifier application.WebhookVerifier
	if d.Stripe.WebhookSecret != "" {
		verifier = stripe.NewVerifier(d.Stripe.WebhookSecret)
	}
	topUps, err := application.NewTopUpHandler(store, ledger, gateway, d.Now, d.NewID)
	if err != nil {
		return nil, err
	}
	webhooks, err := application.NewWebhookHandler(store, verifier, d.Now)
	if err != nil {
		return nil, err
	}
	refunds, err := application.NewRefundHandler(store, gateway, d.Now, d.NewID, m)
	if err != nil {
		return nil, err
	}
	var testSender application.TestWebhookSender
	if d.Stripe.Local && d.Stripe.WebhookSecret != "" && d.Stripe.DeliverWebhook != nil {
		testSender = stripe.NewLocalWebhookSender(d.Stripe.WebhookSecret, d.Stripe.DeliverWebhook, d.Now)
	}
	testConfirms, err := application.NewTestConfirmHandler(store, testSender)
	if err != nil {
		return nil, err
	}
	queries, err := application.NewQueries(store, store)
	if err != nil {
		return nil, err
	}
	reconciler, err := application.NewReconciler(store, gateway, d.Now, d.Logger, m)
	if err != nil {
		return nil, err
	}
	streamStore := paymentpg.NewStreamPaymentStore(d.Pool, ledgerStore, d.Bus)
	streams, err := application.NewPayStreamHandler(ledger, streamStore, m, d.Now, d.NewID)
	if err != nil {
		return nil, err
	}
	mod := &Module{ledger: ledger, streams: streams, streamPay: streamStore, reconciler: reconciler, pool: d.Pool, after: d.ReconcileAfter, gateway: gateway,
		handlers: &httpapi.Handlers{TopUps: topUps, Webhooks: webhooks, TestConfirms: testConfirms, Refunds: refunds, Queries: queries, Pool: d.Pool}}
	if d.SolvencyKeys != nil && d.Attester != nil {
		prover, err := paymentzk.NewProver(d.SolvencyKeys, d.Attester, d.Now)
		if err != nil {
			return nil, err
		}
		prove, err := application.NewProveSolvency(ledger, prover)
		if err != nil {
			return nil, err
		}
		mod.solvency = &httpapi.SolvencyHandlers{Prove: prove}
	}
	if d.Runner != nil {
		river.AddWorker(d.Runner.Workers(), &reconcileWorker{m: mod, logger: d.Logger})
		d.Runner.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(d.ReconcileEvery),
			func() (river.JobArgs, *river.InsertOpts) {
				return ReconcileArgs{}, &river.InsertOpts{Queue: jobs.QueuePayments, MaxAttempts: 1}
			}, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	if d.Users != nil {
		if err := mod.wireChains(d, ledger, ledgerStore); err != nil {
			return nil, err
		}
	}
	return mod, nil
}

// Ledger is the public ledger other contexts move value through.
func (m *Module) Ledger() contracts.Ledger { return m.ledger }

// Routes mounts the payment API on the /api/v1 group (with the chain routes when the chain
// half is wired; they exist even with the chains disabled and answer chain.unavailable).
func (m *Module) Routes(api *echo.Group) {
	m.handlers.Routes(api)
	if m.chain != nil {
		chains.Routes(api, m.chain.chains)
		m.chain.handlers.Routes(api)
	}
	if m.solvency != nil {
		m.solvency.Routes(api)
	}
}

// StripeConfigured reports whether top-ups are available.
func (m *Module) StripeConfigured() bool { return m.gateway != nil }

// LedgerReport is what VerifyLedger found.
type LedgerReport = paymentpg.VerifyReport

// VerifyLedger checks every ledger invariant in one read-only snapshot of pool (`vibestream
// ledger verify`).
func VerifyLedger(ctx context.Context, pool *pgxpool.Pool) (LedgerReport, error) {
	return paymentpg.VerifyLedger(ctx, pool)
}

// Verify checks every ledger invariant.
func (m *Module) Verify(ctx context.Context) (paymentpg.VerifyReport, error) {
	return paymentpg.VerifyLedger(ctx, m.pool)
}

// Reconcile runs one reconciliation pass over payments untouched for olderThan.
func (m *Module) Reconcile(ctx context.Context, olderThan time.Duration) (application.ReconcileResult, error) {
	return m.reconciler.Run(ctx, olderThan)
}

// ReconcileArgs is the periodic reconciliation job.
type ReconcileArgs struct{}

// Kind names the job.
func (ReconcileArgs) Kind() string { return "payment.reconcile" }

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	m      *Module
	logger *slog.Logger
}

func (w *reconcileWorker) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	res, err := w.m.reconciler.Run(ctx, w.m.after)
	if res.Checked > 0 || res.RefundsCompleted > 0 {
		w.logger.InfoContext(ctx, "payments reconciled", "checked", res.Checked, "succeeded", res.Succeeded, "failed", res.Failed,
			"intents_created", res.IntentsCreated, "refunds_completed", res.RefundsCompleted)
	}
	return err
}

// metrics: payment volume (counters in minor units, never floats of money in the API) and
// payments by status (read from the database at scrape time, so every instance agrees).
type metrics struct {
	volume         *prometheus.CounterVec
	streamPayments prometheus.Counter
	streamVolume   *prometheus.CounterVec
}

func newMetrics() *metrics {
	return &metrics{volume: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "payment_volume_minor_units_total",
		Help: "Money moved by card payments, in minor units of the asset (USD: micro-dollars), by flow (top_up, refund).",
	}, []string{"asset", "flow"}),
		streamPayments: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "payment_stream_payments_total",
			Help: "Qualified listens paid (hold settled as the split entry); replays are not counted.",
		}),
		streamVolume: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "payment_stream_volume_micro_usd_total",
			Help: "Stream payment volume in USD micro-dollars, by part (gross, platform_fee, shareholders, artist).",
		}, []string{"part"}),
	}
}

func (m *metrics) Volume(asset money.Asset, flow string, amount money.Amount) {
	m.volume.WithLabelValues(string(asset), flow).Add(float64(amount.Units()))
}

var statusDesc = prometheus.NewDesc("payment_payments", "Card payments by status.", []string{"status"}, nil)

type statusCollector struct {
	store *paymentpg.PaymentStore
	desc  *prometheus.Desc
}

func (c *statusCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *statusCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.store.StatusCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, st := range domain.PaymentStatuses() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(counts[string(st)]), string(st))
	}
}
