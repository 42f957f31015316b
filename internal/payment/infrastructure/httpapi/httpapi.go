// Package httpapi is the payment context's REST API: top-ups, the Stripe webhook, payments,
// refunds, balances and ledger history. Handlers are thin: bind, call the application, map.
package httpapi

import (
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// maxWebhookBody bounds a Stripe event (Stripe's are well under 64 KiB).
const maxWebhookBody = 256 << 10

// Handlers serve the payment routes.
type Handlers struct {
	TopUps   *application.TopUpHandler
	Webhooks *application.WebhookHandler
	// TestConfirms answers POST /payments/{id}/test-confirm (404 unless the local card setup).
	TestConfirms *application.TestConfirmHandler
	Refunds      *application.RefundHandler
	Queries      *application.Queries
	// Pool stores Idempotency-Key responses (platform.idempotency_keys).
	Pool *pgxpool.Pool
}

// Routes mounts the routes on the /api/v1 group.
func (h *Handlers) Routes(api *echo.Group) {
	idem := func(scope string) echo.MiddlewareFunc {
		return httpx.Idempotent(h.Pool, scope, httpx.IdempotencyOptions{})
	}
	g := api.Group("/payments")
	g.POST("/top-ups", h.topUp, httpx.Require(usercontracts.PermWritePayment), idem("payment.top_up"))
	g.POST("/webhooks/stripe", h.stripeWebhook)
	g.GET("/balances", h.balances, httpx.Require(usercontracts.PermReadPayment))
	g.GET("/ledger", h.ledger, httpx.Require(usercontracts.PermReadPayment))
	g.GET("/:id", h.payment, httpx.Require(usercontracts.PermReadPayment))
	g.POST("/:id/test-confirm", h.testConfirm, httpx.Require(usercontracts.PermWritePayment))
	g.POST("/:id/refunds", h.refund, httpx.Require(usercontracts.PermAdminPayments), idem("payment.refund"))
}

type topUpRequest struct {
	AmountCents int64  `json:"amount_cents"`
	Currency    string `json:"currency"`
}

type topUpResponse struct {
	PaymentID             uuid.UUID `json:"payment_id"`
	StripePaymentIntentID string    `json:"stripe_payment_intent_id"`
	ClientSecret          string    `json:"client_secret"`
	Status                string    `json:"status"`
	Amount                string    `json:"amount"`
	Currency              string    `json:"currency"`
	ReviewRequired        bool      `json:"review_required"`
}

func (h *Handlers) topUp(c echo.Context) error {
	var req topUpRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	f := errs.Fields{}
	if req.AmountCents <= 0 {
		f.Add("amount_cents", "must be a positive number of cents")
	}
	if req.Currency == "" {
		f.Add("currency", "is required (usd)")
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return err
	}
	p, err := h.TopUps.Handle(c.Request().Context(), application.TopUp{UserID: httpx.MustPrincipal(c).UserID, AmountCents: req.AmountCents,
		Currency: req.Currency, IdempotencyKey: c.Request().Header.Get(httpx.HeaderIdempotencyKey)})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, topUpResponse{PaymentID: p.ID(), StripePaymentIntentID: p.ProviderPaymentID(), ClientSecret: p.ClientSecret(),
		Status: string(p.Status()), Amount: p.Amount().String(), Currency: p.Currency(), ReviewRequired: p.ReviewRequired()})
}

type webhookResponse struct {
	Received bool `json:"received"`
	Handled  bool `json:"handled"`
}

func (h *Handlers) stripeWebhook(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxWebhookBody+1))
	if err != nil {
		return errs.ErrBadRequest.WithMessage("the webhook body could not be read")
	}
	if len(body) > maxWebhookBody {
		return httpx.ErrBodyTooLarge
	}
	res, err := h.Webhooks.Handle(c.Request().Context(), body, c.Request().Header.Get("Stripe-Signature"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, webhookResponse{Received: true, Handled: res.Handled})
}

type refundDTO struct {
	ID               uuid.UUID `json:"id"`
	PaymentID        uuid.UUID `json:"payment_id"`
	Amount           string    `json:"amount"`
	ReversedInLedger string    `json:"reversed_in_ledger"`
	Status           string    `json:"status"`
	Reason           string    `json:"reason"`
	StripeRefundID   string    `json:"stripe_refund_id,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
}

func refundOf(r application.Refund) refundDTO {
	return refundDTO{ID: r.ID, PaymentID: r.PaymentID, Amount: r.Amount.String(), ReversedInLedger: r.Reversed.String(), Status: string(r.Status),
		Reason: r.Reason, StripeRefundID: r.ProviderRefundID, CreatedAt: r.CreatedAt}
}

type paymentDTO struct {
	ID                    uuid.UUID   `json:"id"`
	UserID                uuid.UUID   `json:"user_id"`
	Status                string      `json:"status"`
	Amount                string      `json:"amount"`
	Currency              string      `json:"currency"`
	Provider              string      `json:"provider"`
	StripePaymentIntentID string      `json:"stripe_payment_intent_id,omitempty"`
	Refunded              string      `json:"refunded"`
	ReviewRequired        bool        `json:"review_required"`
	FailureReason         string      `json:"failure_reason,omitempty"`
	Refunds               []refundDTO `json:"refunds"`
	CreatedAt             time.Time   `json:"created_at"`
	UpdatedAt             time.Time   `json:"updated_at"`
}

func parseID(c echo.Context) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return uuid.Nil, domain.ErrPaymentNotFound
	}
	return id, nil
}

// testConfirm sends a signed payment_intent.succeeded webhook for a test payment through the
// real webhook endpoint (local card setup only) and answers the payment as it is then.
func (h *Handlers) testConfirm(c echo.Context) error {
	pr := httpx.MustPrincipal(c)
	admin := pr.Has(usercontracts.PermAdminPayments)
	if !h.TestConfirms.Available() {
		return application.ErrTestConfirmUnavailable
	}
	id, err := parseID(c)
	if err != nil {
		return err
	}
	if _, err := h.TestConfirms.Handle(c.Request().Context(), id, pr.UserID, admin); err != nil {
		return err
	}
	return h.payment(c)
}

func (h *Handlers) payment(c echo.Context) error {
	id, err := parseID(c)
	if err != nil {
		return err
	}
	pr := httpx.MustPrincipal(c)
	p, refunds, err := h.Queries.Payment(c.Request().Context(), id, pr.UserID, pr.Has(usercontracts.PermAdminPayments))
	if err != nil {
		return err
	}
	out := paymentDTO{ID: p.ID(), UserID: p.UserID(), Status: string(p.Status()), Amount: p.Amount().String(), Currency: p.Currency(),
		Provider: p.Provider(), StripePaymentIntentID: p.ProviderPaymentID(), Refunded: p.Refunded().String(), ReviewRequired: p.ReviewRequired(),
		FailureReason: p.FailureReason(), Refunds: []refundDTO{}, CreatedAt: p.CreatedAt(), UpdatedAt: p.UpdatedAt()}
	for _, r := range refunds {
		out.Refunds = append(out.Refunds, refundOf(r))
	}
	return c.JSON(http.StatusOK, out)
}

type refundRequest struct {
	AmountCents int64  `json:"amount_cents"`
	Reason      string `json:"reason"`
}

func (h *Handlers) refund(c echo.Context) error {
	id, err := parseID(c)
	if err != nil {
		return err
	}
	var req refundRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	f := errs.Fields{}
	if req.AmountCents < 0 {
		f.Add("amount_cents", "must be positive (or omitted to refund what remains)")
	}
	if req.Reason == "" {
		f.Add("reason", "is required")
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return err
	}
	r, err := h.Refunds.Handle(c.Request().Context(), application.RefundPayment{PaymentID: id, AdminID: httpx.MustPrincipal(c).UserID,
		AmountCents: req.AmountCents, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, refundOf(r))
}

type balanceDTO struct {
	Asset     string `json:"asset"`
	Available string `json:"available"`
	Held      string `json:"held"`
	Earnings  string `json:"earnings"`
}

type balancesResponse struct {
	Balances []balanceDTO `json:"balances"`
}

func (h *Handlers) balances(c echo.Context) error {
	bs, err := h.Queries.Balances(c.Request().Context(), httpx.MustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	out := balancesResponse{Balances: make([]balanceDTO, 0, len(bs))}
	for _, b := range bs {
		out.Balances = append(out.Balances, balanceDTO{Asset: string(b.Asset), Available: b.Available.String(), Held: b.Held.String(), Earnings: b.Earnings.String()})
	}
	return c.JSON(http.StatusOK, out)
}

type ledgerLineDTO struct {
	ID          int64     `json:"id"`
	EntryID     uuid.UUID `json:"entry_id"`
	Kind        string    `json:"kind"`
	Reason      string    `json:"reason"`
	Account     string    `json:"account"`
	Asset       string    `json:"asset"`
	Amount      string    `json:"amount"`
	ExternalRef string    `json:"external_ref,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

type ledgerCursor struct {
	Before int64 `json:"b"`
}

// accountNames turns account kinds into the words clients see.
var accountNames = map[string]string{"user_wallet": "available", "user_held": "held", "user_earnings": "earnings", "user_rewards": "rewards"}

func (h *Handlers) ledger(c echo.Context) error {
	asset := money.USD
	if s := c.QueryParam("asset"); s != "" {
		a, err := money.ParseAsset(s)
		if err != nil {
			return errs.ErrValidation.WithField("asset", "must be USD or VIBE")
		}
		asset = a
	}
	limit, err := httpx.Limit(c, 50, 200)
	if err != nil {
		return err
	}
	var cur ledgerCursor
	if _, err := httpx.DecodeCursor(c.QueryParam("cursor"), &cur); err != nil {
		return err
	}
	lines, err := h.Queries.History(c.Request().Context(), httpx.MustPrincipal(c).UserID, asset, cur.Before, limit+1)
	if err != nil {
		return err
	}
	page := httpx.Page[ledgerLineDTO]{Items: make([]ledgerLineDTO, 0, len(lines))}
	if len(lines) > limit {
		lines = lines[:limit]
		page.NextCursor = httpx.EncodeCursor(ledgerCursor{Before: lines[len(lines)-1].PostingID})
	}
	for _, l := range lines {
		name := accountNames[l.AccountKind]
		if name == "" {
			name = l.AccountKind
		}
		page.Items = append(page.Items, ledgerLineDTO{ID: l.PostingID, EntryID: l.EntryID, Kind: l.EntryKind, Reason: l.Reason, Account: name,
			Asset: string(l.Amount.Asset()), Amount: l.Amount.String(), ExternalRef: l.ExternalRef, CreatedAt: l.CreatedAt})
	}
	return c.JSON(http.StatusOK, page)
}
