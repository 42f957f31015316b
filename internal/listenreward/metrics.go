package listenreward

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// metrics are the seed's business metrics of the listen economy.
type metrics struct {
	listens    *prometheus.CounterVec
	reasons    *prometheus.CounterVec
	paid       prometheus.Counter
	volume     prometheus.Counter
	rewards    *prometheus.CounterVec
	rewardVIBE *prometheus.CounterVec
	toPaid     prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		listens: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "listenreward_listens_total",
			Help: "Listen sessions decided, by result (qualified, rejected)."}, []string{"result"}),
		reasons: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "listenreward_rejections_total",
			Help: "Rejection reasons of listen sessions (a session may have several)."}, []string{"reason"}),
		paid: prometheus.NewCounter(prometheus.CounterOpts{Name: "listenreward_paid_listens_total",
			Help: "Qualified listens whose price the ledger settled."}),
		volume: prometheus.NewCounter(prometheus.CounterOpts{Name: "listenreward_payment_volume_micro_usd_total",
			Help: "Stream prices paid, in USD micro-dollars."}),
		rewards: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "listenreward_rewards_total",
			Help: "Listen rewards decided, by status (accrued, capped, unfunded)."}, []string{"status"}),
		rewardVIBE: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "listenreward_reward_volume_nano_vibe_total",
			Help: "Listen rewards in VIBE base units (9 decimals), by status."}, []string{"status"}),
		toPaid: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "listenreward_qualified_to_paid_seconds",
			Help:    "Time from a listen's qualification to the settlement of its price.",
			Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}}),
	}
	if reg != nil {
		reg.MustRegister(m.listens, m.reasons, m.paid, m.volume, m.rewards, m.rewardVIBE, m.toPaid)
	}
	return m
}

func (m *metrics) Decided(status domain.Status, reasons []domain.Reason) {
	m.listens.WithLabelValues(string(status)).Inc()
	for _, r := range reasons {
		m.reasons.WithLabelValues(string(r)).Inc()
	}
}

func (m *metrics) Paid(price money.Amount, since time.Duration) {
	m.paid.Inc()
	m.volume.Add(float64(price.Units()))
	m.toPaid.Observe(since.Seconds())
}

func (m *metrics) Rewarded(status domain.RewardStatus, amount money.Amount) {
	m.rewards.WithLabelValues(string(status)).Inc()
	m.rewardVIBE.WithLabelValues(string(status)).Add(float64(amount.Units()))
}
