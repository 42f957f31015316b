package main

import (
	"net/url"
	"time"
)

// PaymentConfig is the payment context's configuration.
type PaymentConfig struct {
	// StripeSecretKey enables card top-ups and refunds (empty: they answer 503).
	StripeSecretKey string
	// StripeWebhookSecret verifies webhook signatures (empty: the webhook answers 503).
	StripeWebhookSecret string
	// StripeAPIURL points stripe-go at another Stripe-compatible endpoint (stripe-mock).
	StripeAPIURL string
	// StripeLocal (STRIPE_LOCAL, default true) runs the local card setup when no
	// StripeSecretKey is set: the pinned stripe-mock as a supervised peer, and the test-confirm
	// route that sends a signed webhook through the real webhook endpoint.
	StripeLocal bool
	// StripeTimeout bounds one Stripe call.
	StripeTimeout time.Duration
	// ReconcileInterval schedules the reconciliation job; ReconcileAfter is how long a payment
	// may stay pending or processing before the job asks Stripe about it.
	ReconcileInterval time.Duration
	ReconcileAfter    time.Duration
	// LedgerGroupCommit (LEDGER_GROUP_COMMIT, default true) gathers concurrent ledger postings
	// (transfers and holds) into one transaction each; LedgerGroupCommitMax
	// (LEDGER_GROUP_COMMIT_MAX, default 256) bounds a batch.
	LedgerGroupCommit    bool
	LedgerGroupCommitMax int
}

func loadPaymentConfig(e *env) PaymentConfig {
	c := PaymentConfig{
		StripeSecretKey:      e.str("STRIPE_SECRET_KEY", ""),
		StripeWebhookSecret:  e.str("STRIPE_WEBHOOK_SECRET", ""),
		StripeAPIURL:         e.str("STRIPE_API_URL", ""),
		StripeLocal:          e.boolean("STRIPE_LOCAL", true),
		StripeTimeout:        e.duration("STRIPE_TIMEOUT", 20*time.Second),
		ReconcileInterval:    e.duration("PAYMENT_RECONCILE_INTERVAL", 5*time.Minute),
		ReconcileAfter:       e.duration("PAYMENT_RECONCILE_AFTER", 10*time.Minute),
		LedgerGroupCommit:    e.boolean("LEDGER_GROUP_COMMIT", true),
		LedgerGroupCommitMax: e.integer("LEDGER_GROUP_COMMIT_MAX", 256, 2, 4096),
	}
	if c.StripeAPIURL != "" {
		if u, err := url.Parse(c.StripeAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			e.fail("STRIPE_API_URL", "must be an absolute http(s) URL, got %q", c.StripeAPIURL)
		}
	}
	return c
}
