package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"time"

	"github.com/vibestream/vibestream/internal/orchestrator"
	"github.com/vibestream/vibestream/internal/payment"
	"github.com/vibestream/vibestream/internal/platform/devchain"
)

// wirePayment builds the payment context, its routes, its reconciliation job and the
// account-opening workflow.
func (a *app) wirePayment() error {
	pc := a.cfg.Payment
	stripeCfg := payment.StripeConfig{SecretKey: pc.StripeSecretKey, WebhookSecret: pc.StripeWebhookSecret,
		APIURL: pc.StripeAPIURL, Timeout: pc.StripeTimeout}
	if pc.StripeSecretKey == "" && pc.StripeLocal {
		if err := a.startLocalCards(&stripeCfg); err != nil {
			return err
		}
	}
	var gc *payment.GroupCommit
	if pc.LedgerGroupCommit {
		gc = &payment.GroupCommit{MaxBatch: pc.LedgerGroupCommitMax}
	}
	m, err := payment.New(payment.Deps{
		GroupCommit:    gc,
		Pool:           a.pool,
		Bus:            a.bus,
		Runner:         a.runner,
		Registry:       a.registry,
		Logger:         a.logger.With("context", "payment"),
		Stripe:         stripeCfg,
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
		switch {
		case stripeCfg.Local:
			return "local"
		case m.StripeConfigured():
			return "available"
		}
		return "unavailable: STRIPE_SECRET_KEY is not set"
	})
	return nil
}

// startLocalCards starts the pinned stripe-mock as the card gateway of the local setup and
// points cfg at it. stripe-mock sends no webhooks, so cfg also gets a webhook secret (the
// configured one or a random one per process) and a delivery into this server's own webhook
// endpoint, which the test-confirm route uses.
func (a *app) startLocalCards(cfg *payment.StripeConfig) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	proc, err := devchain.StartStripeMock(ctx, devchain.StripeMockOptions{Logger: a.logger,
		LogFile: filepath.Join(a.cfg.DataDir, "stripe-mock", "stripe-mock.log")})
	if errors.Is(err, devchain.ErrStripeMockMissing) {
		// an image or machine without the pinned stripe-mock (the production image): no local
		// card gateway, card payments stay unavailable as without the local setup
		a.logger.Warn("local card setup skipped: card payments unavailable", "reason", err.Error())
		return nil
	}
	if err != nil {
		return fmt.Errorf("local card setup: %w", err)
	}
	a.closers = append(a.closers, proc.Stop)
	a.health.AddCheck("stripe_mock", false, func(context.Context) error {
		if !proc.Alive() {
			return errors.New("the local stripe-mock has exited")
		}
		return nil
	})
	if cfg.WebhookSecret == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		cfg.WebhookSecret = "whsec_local_" + hex.EncodeToString(b)
	}
	cfg.SecretKey, cfg.APIURL, cfg.Local = "sk_test_local", proc.URL(), true
	cfg.DeliverWebhook = func(ctx context.Context, payload []byte, signature string) (int, []byte, error) {
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/api/v1/payments/webhooks/stripe", bytes.NewReader(payload))
		req.RemoteAddr = "127.0.0.1:0"
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Stripe-Signature", signature)
		rec := httptest.NewRecorder()
		a.echo.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes(), nil
	}
	return nil
}
