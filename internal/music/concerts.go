package music

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/infrastructure/httpapi"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres"
)

// wireConcerts builds the VR concerts (when the ledger and the pass signer are given) and their
// periodic job: refunds of cancelled concerts and purchases a crash left pending.
func (m *Module) wireConcerts(d Deps) error {
	cd := d.Concerts
	if cd.Ledger == nil || cd.Passes == nil {
		return nil
	}
	store, err := postgres.NewConcertStore(d.Pool, d.Bus)
	if err != nil {
		return err
	}
	now := time.Now
	if cd.Now != nil {
		now = cd.Now
	}
	fee := cd.FeeBPS
	if fee < 0 {
		fee = 0
	}
	ad := application.ConcertDeps{Concerts: store, Artists: m.app, Ledger: cd.Ledger, Passes: cd.Passes, Ages: cd.Ages,
		Now: func() time.Time { return now().UTC() }, NewID: uuid.New, FeeBPS: fee, StaleAfter: cd.StaleAfter}
	h := &httpapi.ConcertHandlers{Pool: d.Pool, Metrics: newConcertMetrics(d.Registerer)}
	m.concertMetrics = h.Metrics
	if h.Concerts, err = application.NewConcerts(ad); err != nil {
		return err
	}
	if h.Tickets, err = application.NewTickets(ad); err != nil {
		return err
	}
	m.concerts = h
	every := cd.JobEvery
	if every <= 0 {
		every = 10 * time.Second
	}
	river.AddWorker(d.Runner.Workers(), &concertWorker{m: m})
	// No unique options: a periodic job with constant args made unique by args would run once
	// and never again (see DEPENDENCIES.md). Overlapping runs are harmless (keys per ticket).
	d.Runner.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return ConcertJobArgs{}, &river.InsertOpts{MaxAttempts: 1} },
		&river.PeriodicJobOpts{RunOnStart: true}))
	return nil
}

func newConcertMetrics(reg prometheus.Registerer) *httpapi.ConcertMetrics {
	m := &httpapi.ConcertMetrics{
		Sold: prometheus.NewCounter(prometheus.CounterOpts{Name: "music_concert_tickets_sold_total", Help: "Concert tickets sold."}),
		Volume: prometheus.NewCounter(prometheus.CounterOpts{Name: "music_concert_ticket_volume_micro_usd_total",
			Help: "Concert ticket prices paid, in USD micro-dollars."}),
		Refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "music_concert_ticket_refusals_total",
			Help: "Ticket purchases refused, by error code."}, []string{"code"}),
		Refunds:   prometheus.NewCounter(prometheus.CounterOpts{Name: "music_concert_refunds_total", Help: "Tickets of cancelled concerts refunded."}),
		Recovered: prometheus.NewCounter(prometheus.CounterOpts{Name: "music_concert_purchases_recovered_total", Help: "Interrupted purchases finished by the job."}),
	}
	if reg != nil {
		reg.MustRegister(m.Sold, m.Volume, m.Refused, m.Refunds, m.Recovered)
	}
	return m
}

// RunConcertJobs refunds cancelled concerts' tickets and finishes interrupted purchases once
// (the job, and tests).
func (m *Module) RunConcertJobs(ctx context.Context) (application.ConcertJobResult, error) {
	if m.concerts == nil {
		return application.ConcertJobResult{}, nil
	}
	return m.concerts.Tickets.RunConcertJobs(ctx, 500)
}

// ConcertJobArgs is the periodic concert job.
type ConcertJobArgs struct{}

// Kind names the job.
func (ConcertJobArgs) Kind() string { return "music.concert_tickets" }

type concertWorker struct {
	river.WorkerDefaults[ConcertJobArgs]
	m *Module
}

// Work runs the concert job once.
func (w *concertWorker) Work(ctx context.Context, _ *river.Job[ConcertJobArgs]) error {
	res, err := w.m.RunConcertJobs(ctx)
	if w.m.concertMetrics != nil {
		w.m.concertMetrics.Refunds.Add(float64(res.Refunded))
		w.m.concertMetrics.Recovered.Add(float64(res.Recovered))
	}
	if res.Refunded > 0 || res.Recovered > 0 {
		w.m.logger.InfoContext(ctx, "concert tickets", "refunded", res.Refunded, "recovered", res.Recovered)
	}
	return err
}
