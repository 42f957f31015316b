// Package chainhttp is the REST API of the payment context's blockchain side: withdrawals
// (the original POST /api/v1/transactions), their queries and fee estimates, treasury mints,
// grants and the deposits kept for admins. Handlers are thin: bind, call the application, map.
package chainhttp

import (
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Handlers serve the routes.
type Handlers struct {
	Withdraw *chaintx.WithdrawHandler
	Mint     *chaintx.MintHandler
	Grant    *chaintx.GrantHandler
	Queries  *chaintx.Queries
	Store    *chainstore.Store
	Pool     *pgxpool.Pool // Idempotency-Key responses
}

// Routes mounts them on /api/v1.
func (h *Handlers) Routes(api *echo.Group) {
	idem := func(scope string) echo.MiddlewareFunc {
		return httpx.Idempotent(h.Pool, scope, httpx.IdempotencyOptions{})
	}
	api.POST("/transactions", h.create, httpx.Require(usercontracts.PermWritePayment), idem("chain.withdrawal"))
	api.GET("/transactions", h.list, httpx.Require(usercontracts.PermReadPayment))
	api.GET("/transactions/estimate", h.estimate, httpx.Require(usercontracts.PermReadPayment))
	api.GET("/transactions/:id", h.get, httpx.Require(usercontracts.PermReadPayment))
	api.POST("/admin/treasury/mint", h.mint, httpx.Require(usercontracts.PermAdminPayments), idem("chain.treasury_mint"))
	api.POST("/admin/grants", h.grant, httpx.Require(usercontracts.PermAdminPayments), idem("payment.grant"))
	api.GET("/admin/deposits/unmatched", h.unmatched, httpx.Require(usercontracts.PermAdminPayments))
}

type transactionDTO struct {
	ID            uuid.UUID  `json:"id"`
	Kind          string     `json:"kind"`
	Blockchain    string     `json:"blockchain"`
	To            string     `json:"to"`
	Amount        string     `json:"amount"`
	Token         string     `json:"token"`
	Status        string     `json:"status"`
	TxHash        string     `json:"tx_hash,omitempty"`
	FailureReason string     `json:"failure_reason,omitempty"`
	NetworkFee    string     `json:"network_fee,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	ConfirmedAt   *time.Time `json:"confirmed_at,omitempty"`
}

func dto(t chaintx.Transaction) transactionDTO {
	return transactionDTO{ID: t.ID, Kind: t.Kind, Blockchain: t.Blockchain, To: t.To, Amount: t.Amount.String(), Token: "VIBE",
		Status: t.Status, TxHash: t.TxHash, FailureReason: t.FailureReason, NetworkFee: t.Fee, CreatedAt: t.CreatedAt,
		UpdatedAt: t.UpdatedAt, ConfirmedAt: t.ConfirmedAt}
}

type createRequest struct {
	Blockchain string `json:"blockchain"`
	To         string `json:"to"`
	Amount     string `json:"amount"`
	Token      string `json:"token"`
}

func (h *Handlers) create(c echo.Context) error {
	var req createRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	t, err := h.Withdraw.Handle(c.Request().Context(), chaintx.Withdraw{UserID: httpx.MustPrincipal(c).UserID,
		IdempotencyKey: c.Request().Header.Get(httpx.HeaderIdempotencyKey), Blockchain: req.Blockchain, To: req.To,
		Amount: req.Amount, Token: req.Token})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/transactions/"+t.ID.String())
	return c.JSON(http.StatusAccepted, dto(t))
}

func isAdmin(p httpx.Principal) bool {
	return slices.Contains(p.Permissions, usercontracts.PermAdminPayments)
}

func (h *Handlers) get(c echo.Context) error {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return chaintx.ErrNotFound
	}
	p := httpx.MustPrincipal(c)
	t, err := h.Queries.Get(c.Request().Context(), id, p.UserID, isAdmin(p))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, dto(t))
}

func (h *Handlers) list(c echo.Context) error {
	limit, err := httpx.Limit(c, 20, 100)
	if err != nil {
		return err
	}
	var cur chaintx.Cursor
	ok, err := httpx.DecodeCursor(c.QueryParam("cursor"), &cur)
	if err != nil {
		return err
	}
	var after *chaintx.Cursor
	if ok {
		after = &cur
	}
	items, next, err := h.Queries.List(c.Request().Context(), httpx.MustPrincipal(c).UserID, after, limit)
	if err != nil {
		return err
	}
	page := httpx.Page[transactionDTO]{Items: make([]transactionDTO, len(items))}
	for i, t := range items {
		page.Items[i] = dto(t)
	}
	if next != nil {
		page.NextCursor = httpx.EncodeCursor(next)
	}
	return c.JSON(http.StatusOK, page)
}

type estimateDTO struct {
	Blockchain  string `json:"blockchain"`
	Amount      string `json:"amount"`
	NetworkFee  string `json:"network_fee"`
	Currency    string `json:"currency"`
	Decimals    int    `json:"decimals"`
	Gas         uint64 `json:"gas,omitempty"`
	AccountRent uint64 `json:"account_rent,omitempty"`
	PaidBy      string `json:"paid_by"`
}

func (h *Handlers) estimate(c echo.Context) error {
	f, err := h.Queries.Estimate(c.Request().Context(), c.QueryParam("blockchain"), c.QueryParam("to"), c.QueryParam("amount"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, estimateDTO{Blockchain: f.Blockchain, Amount: c.QueryParam("amount"), NetworkFee: f.Native,
		Currency: f.Currency, Decimals: f.Decimals, Gas: f.Gas, AccountRent: f.AccountRent, PaidBy: "platform"})
}

type mintRequest struct {
	Blockchain string `json:"blockchain"`
	Amount     string `json:"amount"`
}

func (h *Handlers) mint(c echo.Context) error {
	var req mintRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	t, err := h.Mint.Handle(c.Request().Context(), chaintx.Mint{AdminID: httpx.MustPrincipal(c).UserID,
		IdempotencyKey: c.Request().Header.Get(httpx.HeaderIdempotencyKey), Blockchain: req.Blockchain, Amount: req.Amount})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, dto(t))
}

type grantRequest struct {
	UserID uuid.UUID `json:"user_id"`
	Asset  string    `json:"asset"`
	Amount string    `json:"amount"`
	Reason string    `json:"reason"`
}

type grantResponse struct {
	EntryID uuid.UUID `json:"entry_id"`
	UserID  uuid.UUID `json:"user_id"`
	Asset   string    `json:"asset"`
	Amount  string    `json:"amount"`
}

func (h *Handlers) grant(c echo.Context) error {
	var req grantRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	r, amount, err := h.Grant.Handle(c.Request().Context(), chaintx.Grant{AdminID: httpx.MustPrincipal(c).UserID,
		IdempotencyKey: c.Request().Header.Get(httpx.HeaderIdempotencyKey), UserID: req.UserID, Asset: req.Asset, Amount: req.Amount, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, grantResponse{EntryID: r.EntryID, UserID: req.UserID, Asset: amount.Asset().String(), Amount: amount.String()})
}

type depositDTO struct {
	Blockchain  string `json:"blockchain"`
	TxHash      string `json:"tx_hash"`
	LogIndex    int    `json:"log_index"`
	From        string `json:"from"`
	ChainAmount string `json:"chain_amount"`
	Status      string `json:"status"`
	Reason      string `json:"reason,omitempty"`
}

func (h *Handlers) unmatched(c echo.Context) error {
	ds, err := h.Store.UnmatchedDeposits(c.Request().Context(), 500)
	if err != nil {
		return err
	}
	out := struct {
		Items []depositDTO `json:"items"`
	}{Items: make([]depositDTO, len(ds))}
	for i, d := range ds {
		out.Items[i] = depositDTO{Blockchain: d.Blockchain, TxHash: d.TxHash, LogIndex: d.LogIndex, From: d.From, ChainAmount: d.ChainAmount, Status: d.Status, Reason: d.Reason}
	}
	return c.JSON(http.StatusOK, out)
}
