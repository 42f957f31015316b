package main

import (
	"github.com/vibestream/vibestream/internal/orchestrator"
	"github.com/vibestream/vibestream/internal/payment"
)

// wirePayment builds the payment context, its routes, its reconciliation job and the
// account-opening workflow.
func (a *app) wirePayment() error {
	pc := a.cfg.Payment
	m, err := payment.New(payment.Deps{
		Pool:     a.pool,
		Bus:      a.bus,
		Runner:   a.runner,
		Registry: a.registry,
		Logger:   a.logger.With("context", "payment"),
		Stripe: payment.StripeConfig{SecretKey: pc.StripeSecretKey, WebhookSecret: pc.StripeWebhookSecret,
			APIURL: pc.StripeAPIURL, Timeout: pc.StripeTimeout},
		ReconcileEvery: pc.ReconcileInterval,
		ReconcileAfter: pc.ReconcileAfter,
		Users:          a.users.Directory(),
		Chains:         paymentChains(a.cfg),
		SolvencyKeys:   a.zk.solvency,
		Attester:       a.zk.attester,
	})
	if err != nil {
		return err
	}
	a.payment = m
	a.wireChainHealth(m)
	m.Routes(a.api)
	orchestrator.OpenAccountsOnRegistration(a.bus, m.Ledger())
	a.health.AddComponent("card_payments", func() string {
		if m.StripeConfigured() {
			return "available"
		}
		return "unavailable: STRIPE_SECRET_KEY is not set"
	})
	return nil
}
