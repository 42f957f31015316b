package application

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/payment/domain"
)

// Reconciler settles payments stuck in pending or processing by asking the provider, so a lost
// webhook loses no money, and retries refunds whose provider call did not complete.
type Reconciler struct {
	payments PaymentRepository
	gateway  Gateway
	now      Clock
	logger   *slog.Logger
	metrics  Metrics
}

// NewReconciler builds the reconciler (gateway nil: nothing to reconcile).
func NewReconciler(payments PaymentRepository, gateway Gateway, now Clock, logger *slog.Logger, metrics Metrics) (*Reconciler, error) {
	if payments == nil || now == nil {
		return nil, errors.New("payment: reconciler dependencies are required")
	}
	if logger == nil {
		logger = slog.Default()
	}
	if metrics == nil {
		metrics = noMetrics{}
	}
	return &Reconciler{payments: payments, gateway: gateway, now: now, logger: logger, metrics: metrics}, nil
}

// AbandonAfter is how long a payment may wait for the customer before it is marked failed.
const AbandonAfter = 24 * time.Hour

// ReconcileResult counts what a run did.
type ReconcileResult struct {
	Checked, Succeeded, Failed, IntentsCreated, RefundsCompleted int
}

// Run reconciles payments and refunds untouched for at least olderThan.
func (r *Reconciler) Run(ctx context.Context, olderThan time.Duration) (ReconcileResult, error) {
	var res ReconcileResult
	if r.gateway == nil {
		return res, nil
	}
	before := r.now().Add(-olderThan)
	ids, err := r.payments.Stale(ctx, before, 200)
	if err != nil {
		return res, err
	}
	var firstErr error
	for _, id := range ids {
		res.Checked++
		if err := r.one(ctx, id, &res); err != nil {
			r.logger.WarnContext(ctx, "reconcile payment", "payment_id", id, "error", err)
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	refunds, err := r.payments.PendingRefunds(ctx, before, 200)
	if err != nil {
		return res, err
	}
	for _, rf := range refunds {
		p, err := r.payments.Get(ctx, rf.PaymentID)
		if err != nil {
			return res, err
		}
		if _, err := completeRefund(ctx, r.payments, r.gateway, p.ProviderPaymentID(), rf, r.now, r.metrics); err != nil {
			r.logger.WarnContext(ctx, "reconcile refund", "refund_id", rf.ID, "error", err)
			continue
		}
		res.RefundsCompleted++
	}
	return res, firstErr
}

func (r *Reconciler) one(ctx context.Context, id uuid.UUID, res *ReconcileResult) error {
	p, err := r.payments.Get(ctx, id)
	if err != nil {
		return err
	}
	if p.Status() == domain.PaymentPending && p.ProviderPaymentID() == "" {
		// the intent was never recorded (crash or provider outage): create it with the same key
		p, err = createIntent(ctx, r.payments, r.gateway, p, r.now)
		if err != nil {
			return err
		}
		res.IntentsCreated++
	}
	in, err := r.gateway.GetIntent(ctx, p.ProviderPaymentID())
	if err != nil {
		return err
	}
	_, err = r.payments.Update(ctx, p.ID(), nil, func(p *domain.Payment) error {
		switch in.Status {
		case IntentSucceeded:
			if p.Status() == domain.PaymentSucceeded {
				return nil
			}
			res.Succeeded++
			return p.Succeed(in.AmountReceived, r.now())
		case IntentCanceled:
			if p.Status() == domain.PaymentSucceeded {
				return nil
			}
			res.Failed++
			return p.Fail(in.FailureReason, r.now())
		}
		if r.now().Sub(p.CreatedAt()) > AbandonAfter && p.Status() != domain.PaymentSucceeded {
			// never paid: stop polling it (a later success still credits through the webhook)
			res.Failed++
			return p.Fail("abandoned: not paid within "+AbandonAfter.String(), r.now())
		}
		return nil
	})
	return err
}
