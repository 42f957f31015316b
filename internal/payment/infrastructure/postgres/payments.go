package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/postgres/paymentdb"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// PaymentStore implements application.PaymentRepository and application.LedgerReader.
type PaymentStore struct {
	pool    *pgxpool.Pool
	q       *paymentdb.Queries
	ledger  *LedgerStore
	bus     events.Publisher
	metrics application.Metrics
}

var (
	_ application.PaymentRepository = (*PaymentStore)(nil)
	_ application.LedgerReader      = (*PaymentStore)(nil)
)

// NewPaymentStore builds the store; bus and metrics may be nil.
func NewPaymentStore(pool *pgxpool.Pool, ledger *LedgerStore, bus events.Publisher, metrics application.Metrics) *PaymentStore {
	return &PaymentStore{pool: pool, q: paymentdb.New(pool), ledger: ledger, bus: bus, metrics: metrics}
}

func paymentFromRow(r paymentdb.PaymentPayment) (*domain.Payment, error) {
	st, err := domain.ParsePaymentStatus(r.Status)
	if err != nil {
		return nil, err
	}
	return domain.RehydratePayment(domain.PaymentState{ID: r.ID, UserID: r.UserID, Amount: money.MustNew(money.USD, r.Amount),
		Currency: r.Currency, Status: st, Provider: r.Provider, IdempotencyKey: r.IdempotencyKey, ProviderPaymentID: deref(r.ProviderPaymentID),
		ClientSecret: deref(r.ClientSecret), Refunded: money.MustNew(money.USD, r.Refunded), ReviewRequired: r.ReviewRequired,
		FailureReason: deref(r.FailureReason), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}), nil
}

// Create stores p unless the user already used its key.
func (s *PaymentStore) Create(ctx context.Context, p *domain.Payment) (*domain.Payment, bool, error) {
	err := s.q.InsertPayment(ctx, paymentdb.InsertPaymentParams{ID: p.ID(), UserID: p.UserID(), Amount: p.Amount().Units(), Currency: p.Currency(),
		Status: string(p.Status()), Provider: p.Provider(), IdempotencyKey: p.IdempotencyKey(), Refunded: p.Refunded().Units(),
		ReviewRequired: p.ReviewRequired(), CreatedAt: p.CreatedAt(), UpdatedAt: p.UpdatedAt()})
	if err == nil {
		return p, true, nil
	}
	if !postgres.IsUniqueViolation(err, "payments_user_key") {
		return nil, false, err
	}
	row, err := s.q.PaymentByUserKey(ctx, paymentdb.PaymentByUserKeyParams{UserID: p.UserID(), IdempotencyKey: p.IdempotencyKey()})
	if err != nil {
		return nil, false, err
	}
	stored, err := paymentFromRow(row)
	return stored, false, err
}

// Get loads a payment.
func (s *PaymentStore) Get(ctx context.Context, id uuid.UUID) (*domain.Payment, error) {
	row, err := s.q.PaymentByID(ctx, id)
	if err != nil {
		if postgres.IsNoRows(err) {
			return nil, domain.ErrPaymentNotFound
		}
		return nil, err
	}
	return paymentFromRow(row)
}

// IDByProviderID finds a payment by the provider's id.
func (s *PaymentStore) IDByProviderID(ctx context.Context, provider, providerID string) (uuid.UUID, error) {
	id, err := s.q.PaymentIDByProviderID(ctx, paymentdb.PaymentIDByProviderIDParams{Provider: provider, ProviderPaymentID: &providerID})
	if postgres.IsNoRows(err) {
		return uuid.Nil, domain.ErrPaymentNotFound
	}
	return id, err
}

// ClaimEvent records an event id; false when it was recorded before.
func (s *PaymentStore) ClaimEvent(ctx context.Context, c application.EventClaim) (bool, error) {
	n, err := s.q.ClaimWebhookEvent(ctx, paymentdb.ClaimWebhookEventParams{Provider: c.Provider, EventID: c.EventID, Type: c.Type, ReceivedAt: time.Now().UTC()})
	return n == 1, err
}

// Update locks, claims, transitions, saves, credits and publishes in one transaction.
func (s *PaymentStore) Update(ctx context.Context, id uuid.UUID, claim *application.EventClaim, fn func(p *domain.Payment) error) (*domain.Payment, error) {
	var out *domain.Payment
	var credited []domain.PaymentSucceededEvent
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		credited = nil
		q := s.q.WithTx(tx)
		row, err := q.PaymentForUpdate(ctx, id)
		if err != nil {
			if postgres.IsNoRows(err) {
				return domain.ErrPaymentNotFound
			}
			return err
		}
		if claim != nil {
			n, err := q.ClaimWebhookEvent(ctx, paymentdb.ClaimWebhookEventParams{Provider: claim.Provider, EventID: claim.EventID, Type: claim.Type, ReceivedAt: time.Now().UTC()})
			if err != nil {
				return err
			}
			if n == 0 {
				return application.ErrEventAlreadyHandled
			}
		}
		p, err := paymentFromRow(row)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		if err := s.save(ctx, q, p); err != nil {
			return err
		}
		for _, ev := range p.PullEvents() {
			if e, ok := ev.(domain.PaymentSucceededEvent); ok {
				if err := s.credit(ctx, tx, p, e); err != nil {
					return err
				}
				credited = append(credited, e)
			}
		}
		out = p
		return nil
	})
	if err == nil && s.metrics != nil {
		for _, e := range credited {
			s.metrics.Volume(money.USD, "top_up", e.Amount)
		}
	}
	return out, err
}

func (s *PaymentStore) save(ctx context.Context, q *paymentdb.Queries, p *domain.Payment) error {
	return q.UpdatePayment(ctx, paymentdb.UpdatePaymentParams{ID: p.ID(), Amount: p.Amount().Units(), Status: string(p.Status()),
		ProviderPaymentID: nullable(p.ProviderPaymentID()), ClientSecret: nullable(p.ClientSecret()), Refunded: p.Refunded().Units(),
		ReviewRequired: p.ReviewRequired(), FailureReason: nullable(p.FailureReason()), UpdatedAt: p.UpdatedAt()})
}

// credit posts a succeeded top-up's entry (built by the application) and its event.
func (s *PaymentStore) credit(ctx context.Context, tx pgx.Tx, p *domain.Payment, e domain.PaymentSucceededEvent) error {
	clearing, err := s.ledger.Account(ctx, contracts.PlatformOwner, money.USD, string(contracts.KindStripeClearing))
	if err != nil {
		return err
	}
	wallet, err := s.ledger.Account(ctx, p.UserID(), money.USD, string(contracts.KindWallet))
	if err != nil {
		return err
	}
	entry, err := application.TopUpEntry(uuid.New(), clearing, wallet, p, e)
	if err != nil {
		return err
	}
	if _, err := s.ledger.PostTx(ctx, tx, entry); err != nil {
		return err
	}
	if s.bus == nil {
		return nil
	}
	env, err := events.New(ctx, contracts.TopUpSucceededV1, contracts.Source, contracts.TopUpSucceeded{PaymentID: p.ID(), UserID: p.UserID(),
		Asset: string(money.USD), Amount: e.Amount.String(), At: e.At}, events.ForUsers(p.UserID()))
	if err != nil {
		return err
	}
	return s.bus.Publish(ctx, tx, env)
}

// Stale lists payments waiting since before.
func (s *PaymentStore) Stale(ctx context.Context, before time.Time, limit int) ([]uuid.UUID, error) {
	return s.q.StalePayments(ctx, paymentdb.StalePaymentsParams{UpdatedAt: before, Limit: int32(limit)})
}

func refundFromRow(r paymentdb.PaymentRefund) application.Refund {
	return application.Refund{ID: r.ID, PaymentID: r.PaymentID, Amount: money.MustNew(money.USD, r.Amount), Reversed: money.MustNew(money.USD, r.Reversed),
		Status: application.RefundStatus(r.Status), Reason: r.Reason, ProviderRefundID: deref(r.ProviderRefundID), RequestedBy: r.RequestedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// StartRefund reserves the refund and reverses what the user still holds, in one transaction.
func (s *PaymentStore) StartRefund(ctx context.Context, paymentID uuid.UUID, r application.Refund, now time.Time) (application.Refund, error) {
	// The wallet is read without a lock (locking it ahead of post_entry's ordered locks could
	// deadlock); if it is spent in between, the posting fails and the whole step runs again.
	for attempt := 0; ; attempt++ {
		out, err := s.startRefund(ctx, paymentID, r, now)
		if errors.Is(err, contracts.ErrInsufficientFunds) && attempt < 5 {
			continue
		}
		return out, err
	}
}

func (s *PaymentStore) startRefund(ctx context.Context, paymentID uuid.UUID, r application.Refund, now time.Time) (application.Refund, error) {
	var out application.Refund
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		row, err := q.PaymentForUpdate(ctx, paymentID)
		if err != nil {
			if postgres.IsNoRows(err) {
				return domain.ErrPaymentNotFound
			}
			return err
		}
		p, err := paymentFromRow(row)
		if err != nil {
			return err
		}
		if err := p.Refund(r.Amount, now); err != nil {
			return err
		}
		wallet, err := s.ledger.Account(ctx, p.UserID(), money.USD, string(contracts.KindWallet))
		if err != nil {
			return err
		}
		available, err := q.AccountBalance(ctx, wallet.ID)
		if err != nil {
			return err
		}
		reversed := min(available, r.Amount.Units())
		r.Reversed, r.Status, r.PaymentID, r.CreatedAt, r.UpdatedAt = money.MustNew(money.USD, reversed), application.RefundPending, paymentID, now, now
		if reversed > 0 {
			if err := s.move(ctx, tx, func(clearing domain.Account) (*domain.Entry, error) {
				return application.RefundReversalEntry(uuid.New(), clearing, wallet, p, r, reversed)
			}); err != nil {
				return err
			}
		}
		if err := q.InsertRefund(ctx, paymentdb.InsertRefundParams{ID: r.ID, PaymentID: paymentID, Amount: r.Amount.Units(), Reversed: reversed,
			Status: string(r.Status), Reason: r.Reason, RequestedBy: r.RequestedBy, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		out = r
		return s.save(ctx, q, p)
	})
	return out, err
}

// move posts a refund's entry (built by the application) between the wallet and Stripe
// clearing.
func (s *PaymentStore) move(ctx context.Context, tx pgx.Tx, build func(clearing domain.Account) (*domain.Entry, error)) error {
	clearing, err := s.ledger.Account(ctx, contracts.PlatformOwner, money.USD, string(contracts.KindStripeClearing))
	if err != nil {
		return err
	}
	e, err := build(clearing)
	if err != nil {
		return err
	}
	_, err = s.ledger.PostTx(ctx, tx, e)
	return err
}

// FinishRefund records the provider's answer.
func (s *PaymentStore) FinishRefund(ctx context.Context, refundID uuid.UUID, providerRefundID string, ok bool, now time.Time) (application.Refund, error) {
	var out application.Refund
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		rr, err := q.RefundForUpdate(ctx, refundID)
		if err != nil {
			return err
		}
		r := refundFromRow(rr)
		if r.Status != application.RefundPending {
			out = r
			return nil
		}
		r.UpdatedAt = now
		if ok {
			r.Status, r.ProviderRefundID = application.RefundSucceeded, providerRefundID
		} else {
			r.Status = application.RefundFailed
			row, err := q.PaymentForUpdate(ctx, r.PaymentID)
			if err != nil {
				return err
			}
			p, err := paymentFromRow(row)
			if err != nil {
				return err
			}
			if err := p.RefundFailed(r.Amount, now); err != nil {
				return err
			}
			if err := s.save(ctx, q, p); err != nil {
				return err
			}
			if r.Reversed.IsPositive() {
				wallet, err := s.ledger.Account(ctx, p.UserID(), money.USD, string(contracts.KindWallet))
				if err != nil {
					return err
				}
				if err := s.move(ctx, tx, func(clearing domain.Account) (*domain.Entry, error) {
					return application.RefundUndoEntry(uuid.New(), clearing, wallet, p, r)
				}); err != nil {
					return err
				}
			}
		}
		if err := q.FinishRefund(ctx, paymentdb.FinishRefundParams{ID: r.ID, Status: string(r.Status), ProviderRefundID: nullable(r.ProviderRefundID), UpdatedAt: now}); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// PendingRefunds lists refunds waiting for the provider.
func (s *PaymentStore) PendingRefunds(ctx context.Context, before time.Time, limit int) ([]application.Refund, error) {
	rows, err := s.q.PendingRefunds(ctx, paymentdb.PendingRefundsParams{UpdatedAt: before, Limit: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]application.Refund, 0, len(rows))
	for _, r := range rows {
		out = append(out, refundFromRow(r))
	}
	return out, nil
}

// Refunds lists a payment's refunds, oldest first.
func (s *PaymentStore) Refunds(ctx context.Context, paymentID uuid.UUID) ([]application.Refund, error) {
	rows, err := s.q.RefundsOfPayment(ctx, paymentID)
	if err != nil {
		return nil, err
	}
	out := make([]application.Refund, 0, len(rows))
	for _, r := range rows {
		out = append(out, refundFromRow(r))
	}
	return out, nil
}

// StatusCounts counts payments per status (for metrics).
func (s *PaymentStore) StatusCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.q.PaymentStatusCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// UserBalances lists a user's balances per asset and kind.
func (s *PaymentStore) UserBalances(ctx context.Context, owner uuid.UUID) ([]application.BalanceRow, error) {
	rows, err := s.q.UserBalances(ctx, owner)
	if err != nil {
		return nil, err
	}
	out := make([]application.BalanceRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, application.BalanceRow{Asset: money.Asset(r.Asset), Kind: r.Kind, Units: r.Balance})
	}
	return out, nil
}

// UserLedger lists a user's postings in asset, newest first.
func (s *PaymentStore) UserLedger(ctx context.Context, owner uuid.UUID, asset money.Asset, beforeID int64, limit int) ([]application.LedgerLine, error) {
	a := string(asset)
	var before *int64
	if beforeID > 0 {
		before = &beforeID
	}
	rows, err := s.q.UserLedger(ctx, paymentdb.UserLedgerParams{OwnerID: owner, Asset: &a, BeforeID: before, RowLimit: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]application.LedgerLine, 0, len(rows))
	for _, r := range rows {
		amt, err := money.New(money.Asset(r.Asset), r.Amount)
		if err != nil {
			return nil, err
		}
		out = append(out, application.LedgerLine{PostingID: r.ID, EntryID: r.EntryID, EntryKind: r.Kind, Reason: r.Reason,
			ExternalRef: deref(r.ExternalRef), AccountKind: r.AccountKind, Amount: amt, CreatedAt: r.CreatedAt.UTC()})
	}
	return out, nil
}
