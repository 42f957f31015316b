package ownership

import "github.com/prometheus/client_golang/prometheus"

// metrics implements application.Metrics with Prometheus counters.
type metrics struct {
	orders  *prometheus.CounterVec
	trades  prometheus.Counter
	shares  prometheus.Counter
	volume  prometheus.Counter
	accrued prometheus.Counter
	claimed prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		orders:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vibestream_ownership_orders_total", Help: "Share orders placed, by side."}, []string{"side"}),
		trades:  prometheus.NewCounter(prometheus.CounterOpts{Name: "vibestream_ownership_trades_total", Help: "Share trades executed."}),
		shares:  prometheus.NewCounter(prometheus.CounterOpts{Name: "vibestream_ownership_traded_shares_total", Help: "Shares traded on the books."}),
		volume:  prometheus.NewCounter(prometheus.CounterOpts{Name: "vibestream_ownership_trade_volume_usd_micros_total", Help: "USD traded on the books, in micro-dollars."}),
		accrued: prometheus.NewCounter(prometheus.CounterOpts{Name: "vibestream_ownership_royalties_accrued_usd_micros_total", Help: "Royalties accrued to shareholders, in micro-dollars."}),
		claimed: prometheus.NewCounter(prometheus.CounterOpts{Name: "vibestream_ownership_royalties_claimed_usd_micros_total", Help: "Royalties claimed by holders, in micro-dollars."}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.orders, m.trades, m.shares, m.volume, m.accrued, m.claimed} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *metrics) OrderPlaced(side string) { m.orders.WithLabelValues(side).Inc() }
func (m *metrics) Trade(shares, gross int64) {
	m.trades.Inc()
	m.shares.Add(float64(shares))
	m.volume.Add(float64(gross))
}
func (m *metrics) RoyaltyAccrued(amount int64) { m.accrued.Add(float64(amount)) }
func (m *metrics) RoyaltyClaimed(amount int64) { m.claimed.Add(float64(amount)) }
