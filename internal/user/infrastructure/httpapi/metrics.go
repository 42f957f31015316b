package httpapi

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// Metrics count the user context's security-relevant outcomes (a rise in throttled logins or
// refresh-token reuse is worth an alert).
type Metrics struct {
	logins        *prometheus.CounterVec
	registrations *prometheus.CounterVec
	refreshes     *prometheus.CounterVec
	walletLinks   *prometheus.CounterVec
}

// NewMetrics registers the counters on reg (nil: counted but not exported).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "user_logins_total",
			Help: "Login attempts by outcome (success, invalid_credentials, throttled, error)."}, []string{"outcome"}),
		registrations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "user_registrations_total",
			Help: "Registration attempts by outcome (success, conflict, invalid, error)."}, []string{"outcome"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "user_token_refreshes_total",
			Help: "Refresh-token rotations by outcome (success, reused, invalid, error)."}, []string{"outcome"}),
		walletLinks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "user_wallet_links_total",
			Help: "Wallet link attempts by outcome (success, rejected, error)."}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.logins, m.registrations, m.refreshes, m.walletLinks)
	}
	return m
}

func outcome(err error, named map[error]string) string {
	if err == nil {
		return "success"
	}
	for target, name := range named {
		if errors.Is(err, target) {
			return name
		}
	}
	if e, ok := errs.As(err); ok && e.Kind() != errs.Internal && e.Kind() != errs.Unavailable {
		return "rejected"
	}
	return "error"
}

func (m *Metrics) login(err error) {
	m.logins.WithLabelValues(outcome(err, map[error]string{
		domain.ErrInvalidCredentials: "invalid_credentials", domain.ErrTooManyAttempts: "throttled"})).Inc()
}

func (m *Metrics) registration(err error) {
	m.registrations.WithLabelValues(outcome(err, map[error]string{
		domain.ErrEmailTaken: "conflict", domain.ErrUsernameTaken: "conflict", errs.ErrValidation: "invalid"})).Inc()
}

func (m *Metrics) refresh(err error) {
	m.refreshes.WithLabelValues(outcome(err, map[error]string{
		domain.ErrRefreshReused: "reused", domain.ErrRefreshInvalid: "invalid"})).Inc()
}

func (m *Metrics) walletLink(err error) { m.walletLinks.WithLabelValues(outcome(err, nil)).Inc() }
