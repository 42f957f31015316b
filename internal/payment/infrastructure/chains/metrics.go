package chains

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the chain adapters' Prometheus series.
type Metrics struct {
	Transactions   *prometheus.CounterVec   // by chain and status
	GasUsed        prometheus.Histogram     // Ethereum gas per confirmed transaction
	ConfirmSeconds *prometheus.HistogramVec // submitted -> confirmed, by chain
	RPCErrors      *prometheus.CounterVec   // by chain
	Deposits       *prometheus.CounterVec   // by chain and status (credited, unmatched, rejected)
	Audited        *prometheus.CounterVec   // confirmed transfers checked on chain, by chain and result
	DepositScans   prometheus.Counter       // deposit scans completed (by any instance's loop)
}

// NewMetrics registers the series on reg (nil: unregistered, for tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Transactions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vibestream_chain_transactions_total",
			Help: "On-chain transfers reaching a status, by chain and status."}, []string{"chain", "status"}),
		GasUsed: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "vibestream_chain_gas_used",
			Help: "Gas used per confirmed Ethereum transaction.", Buckets: prometheus.ExponentialBuckets(21000, 1.5, 10)}),
		ConfirmSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vibestream_chain_confirmation_seconds",
			Help: "Time from broadcast to confirmation, by chain.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 14)}, []string{"chain"}),
		RPCErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vibestream_chain_rpc_errors_total",
			Help: "Chain RPC failures seen by transfer jobs, by chain."}, []string{"chain"}),
		Deposits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vibestream_chain_deposits_total",
			Help: "Deposits seen on chain past the confirmation depth, by chain and outcome."}, []string{"chain", "status"}),
		Audited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vibestream_chain_confirmed_audits_total",
			Help: "Confirmed transfers checked against their chain, by chain and result (present, rebroadcast, missing)."}, []string{"chain", "result"}),
		DepositScans: prometheus.NewCounter(prometheus.CounterOpts{Name: "vibestream_chain_deposit_scans_total",
			Help: "Deposit scans this instance completed (one instance scans at a time)."}),
	}
	if reg != nil {
		reg.MustRegister(m.Transactions, m.GasUsed, m.ConfirmSeconds, m.RPCErrors, m.Deposits, m.Audited, m.DepositScans)
	}
	return m
}
