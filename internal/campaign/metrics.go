package campaign

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// metrics are the campaign context's business metrics.
type metrics struct {
	transitions *prometheus.CounterVec
	boosts      prometheus.Counter
	boostVIBE   prometheus.Counter
	refused     *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "campaign_transitions_total",
			Help: "Campaign lifecycle transitions, by the status reached."}, []string{"status"}),
		boosts: prometheus.NewCounter(prometheus.CounterOpts{Name: "campaign_boosted_listens_total",
			Help: "Qualified listens whose boost a campaign paid."}),
		boostVIBE: prometheus.NewCounter(prometheus.CounterOpts{Name: "campaign_boost_volume_nano_vibe_total",
			Help: "VIBE paid by campaigns above the base reward, in base units (9 decimals)."}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "campaign_activations_refused_total",
			Help: "Activations refused, by reason."}, []string{"reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.transitions, m.boosts, m.boostVIBE, m.refused)
	}
	return m
}

func (m *metrics) Transition(to domain.Status) { m.transitions.WithLabelValues(string(to)).Inc() }

func (m *metrics) Boosted(extra money.Amount) {
	m.boosts.Inc()
	m.boostVIBE.Add(float64(extra.Units()))
}

func (m *metrics) Refused(reason string) { m.refused.WithLabelValues(reason).Inc() }
