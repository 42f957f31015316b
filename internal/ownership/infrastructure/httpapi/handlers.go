// Package httpapi is the ownership context's HTTP adapter: offerings, purchases, orders, the
// book, royalties and portfolios under /api/v1.
package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/ownership/application"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Handlers holds one use case per route.
type Handlers struct {
	Pool          *pgxpool.Pool
	OpenOffering  *application.OpenOffering
	CloseOffering *application.CloseOffering
	Purchase      *application.Purchase
	PlaceOrder    *application.PlaceOrder
	CancelOrder   *application.CancelOrder
	Claim         *application.ClaimRoyalties
	Queries       *application.Queries
}

// Routes mounts the routes.
func (h *Handlers) Routes(api *echo.Group) {
	idem := func(scope string) echo.MiddlewareFunc {
		return httpx.Idempotent(h.Pool, scope, httpx.IdempotencyOptions{})
	}
	trade := httpx.Require(usercontracts.PermWritePayment)
	read := httpx.Require(usercontracts.PermReadPayment)
	g := api.Group("/ownership")
	g.POST("/offerings", h.openOffering, httpx.Require(usercontracts.PermWriteMusic))
	g.GET("/offerings", h.offerings)
	g.GET("/offerings/:id", h.offering)
	g.POST("/offerings/:id/close", h.closeOffering, httpx.Require(usercontracts.PermWriteMusic))
	g.POST("/offerings/:id/purchases", h.purchase, trade, idem("ownership.purchase"))
	g.POST("/orders", h.placeOrder, trade, idem("ownership.order"))
	g.GET("/orders", h.orders, read)
	g.DELETE("/orders/:id", h.cancelOrder, trade)
	g.GET("/songs/:id", h.register)
	g.GET("/songs/:id/book", h.book)
	g.GET("/songs/:id/trades", h.trades)
	g.PUT("/songs/:id/watch", h.watch, read)
	g.DELETE("/songs/:id/watch", h.unwatch, read)
	g.POST("/royalties/claim", h.claim, trade, idem("ownership.claim"))
	api.GET("/user/portfolio", h.portfolio, read)
}

var errBadID = errs.New(errs.Invalid, "ownership.invalid_id", "the id in the path is not a valid uuid")

func pathID(c echo.Context) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return uuid.Nil, errBadID
	}
	return id, nil
}

func usd(units int64) string { return money.MustNew(money.USD, units).String() }

type offeringRequest struct {
	SongID             uuid.UUID  `json:"song_id"`
	ShareholderBPS     int        `json:"shareholder_bps"`
	SharesForSale      int64      `json:"shares_for_sale"`
	PricePerShare      string     `json:"price_per_share"`
	MinPurchaseShares  int64      `json:"min_purchase_shares"`
	MaxSharesPerHolder int64      `json:"max_shares_per_holder"`
	OpensAt            *time.Time `json:"opens_at"`
	ClosesAt           *time.Time `json:"closes_at"`
}

type offeringResponse struct {
	ID                 uuid.UUID  `json:"id"`
	SongID             uuid.UUID  `json:"song_id"`
	SongTitle          string     `json:"song_title"`
	ArtistUserID       uuid.UUID  `json:"artist_user_id"`
	Status             string     `json:"status"`
	ShareholderBPS     int        `json:"shareholder_bps"`
	TotalShares        int64      `json:"total_shares"`
	SharesForSale      int64      `json:"shares_for_sale"`
	SharesSold         int64      `json:"shares_sold"`
	SharesLeft         int64      `json:"shares_left"`
	ArtistShares       int64      `json:"artist_shares"`
	PricePerShare      string     `json:"price_per_share"`
	MinPurchaseShares  int64      `json:"min_purchase_shares"`
	MaxSharesPerHolder int64      `json:"max_shares_per_holder"`
	FeeBPS             int        `json:"fee_bps"`
	OpensAt            time.Time  `json:"opens_at"`
	ClosesAt           *time.Time `json:"closes_at"`
	ClosedAt           *time.Time `json:"closed_at"`
	CreatedAt          time.Time  `json:"created_at"`
}

func toOffering(v application.OfferingView) offeringResponse {
	return offeringResponse{ID: v.ID, SongID: v.SongID, SongTitle: v.SongTitle, ArtistUserID: v.ArtistUserID, Status: v.Status,
		ShareholderBPS: v.ShareholderBPS, TotalShares: domain.TotalShares, SharesForSale: v.SharesForSale, SharesSold: v.SharesSold,
		SharesLeft: v.SharesLeft, ArtistShares: v.ArtistShares, PricePerShare: usd(v.PricePerShare), MinPurchaseShares: v.MinPurchaseShares,
		MaxSharesPerHolder: v.MaxSharesPerHolder, FeeBPS: v.FeeBPS, OpensAt: v.OpensAt, ClosesAt: v.ClosesAt, ClosedAt: v.ClosedAt,
		CreatedAt: v.CreatedAt}
}

func (h *Handlers) openOffering(c echo.Context) error {
	var req offeringRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	v, err := h.OpenOffering.Handle(c.Request().Context(), application.OpenOfferingCommand{ArtistUserID: p.UserID, SongID: req.SongID,
		ShareholderBPS: req.ShareholderBPS, SharesForSale: req.SharesForSale, PricePerShare: req.PricePerShare,
		MinPurchaseShares: req.MinPurchaseShares, MaxSharesPerHolder: req.MaxSharesPerHolder, OpensAt: req.OpensAt, ClosesAt: req.ClosesAt})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toOffering(v))
}

func (h *Handlers) offering(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.Queries.Offering(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toOffering(v))
}

func (h *Handlers) offerings(c echo.Context) error {
	limit, err := httpx.Limit(c, 50, 100)
	if err != nil {
		return err
	}
	vs, err := h.Queries.Offerings(c.Request().Context(), limit)
	if err != nil {
		return err
	}
	out := make([]offeringResponse, 0, len(vs))
	for _, v := range vs {
		out = append(out, toOffering(v))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

func (h *Handlers) closeOffering(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := h.CloseOffering.Handle(c.Request().Context(), httpx.MustPrincipal(c).UserID, id); err != nil {
		return err
	}
	v, err := h.Queries.Offering(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toOffering(v))
}

type purchaseRequest struct {
	Shares int64 `json:"shares"`
}

type purchaseResponse struct {
	ID            uuid.UUID `json:"id"`
	OfferingID    uuid.UUID `json:"offering_id"`
	SongID        uuid.UUID `json:"song_id"`
	Shares        int64     `json:"shares"`
	PricePerShare string    `json:"price_per_share"`
	Total         string    `json:"total"`
	Fee           string    `json:"fee"`
	Status        string    `json:"status"`
	CreatedAt     time.Time `json:"created_at"`
}

func (h *Handlers) purchase(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req purchaseRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v, err := h.Purchase.Handle(c.Request().Context(), application.PurchaseCommand{OfferingID: id, BuyerID: httpx.MustPrincipal(c).UserID, Shares: req.Shares})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, purchaseResponse{ID: v.ID, OfferingID: v.OfferingID, SongID: v.SongID, Shares: v.Shares,
		PricePerShare: usd(v.PricePerShare), Total: usd(v.Gross), Fee: usd(v.Fee), Status: v.Status, CreatedAt: v.CreatedAt})
}

type orderRequest struct {
	SongID      uuid.UUID `json:"song_id"`
	Side        string    `json:"side"`
	Shares      int64     `json:"shares"`
	LimitPrice  string    `json:"limit_price"`
	TimeInForce string    `json:"time_in_force"`
}

type tradeResponse struct {
	ID     uuid.UUID `json:"id"`
	Shares int64     `json:"shares"`
	Price  string    `json:"price"`
	At     time.Time `json:"at"`
}

type orderResponse struct {
	ID           uuid.UUID       `json:"id"`
	SongID       uuid.UUID       `json:"song_id"`
	Side         string          `json:"side"`
	TimeInForce  string          `json:"time_in_force"`
	Status       string          `json:"status"`
	Shares       int64           `json:"shares"`
	FilledShares int64           `json:"filled_shares"`
	LimitPrice   string          `json:"limit_price"`
	CancelReason string          `json:"cancel_reason,omitempty"`
	Trades       []tradeResponse `json:"trades"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

func toTrades(ts []application.TradeView) []tradeResponse {
	out := make([]tradeResponse, 0, len(ts))
	for _, t := range ts {
		out = append(out, tradeResponse{ID: t.ID, Shares: t.Shares, Price: usd(t.Price), At: t.At})
	}
	return out
}

func toOrder(v application.OrderView) orderResponse {
	return orderResponse{ID: v.ID, SongID: v.SongID, Side: v.Side, TimeInForce: v.TIF, Status: v.Status, Shares: v.Shares,
		FilledShares: v.FilledShares, LimitPrice: usd(v.LimitPrice), CancelReason: v.CancelReason, Trades: toTrades(v.Trades),
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}

func (h *Handlers) placeOrder(c echo.Context) error {
	var req orderRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v, err := h.PlaceOrder.Handle(c.Request().Context(), application.PlaceOrderCommand{Owner: httpx.MustPrincipal(c).UserID, SongID: req.SongID,
		Side: req.Side, Shares: req.Shares, LimitPrice: req.LimitPrice, TimeInForce: req.TimeInForce})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toOrder(v))
}

func (h *Handlers) orders(c echo.Context) error {
	limit, err := httpx.Limit(c, 50, 200)
	if err != nil {
		return err
	}
	var cur *application.OrderCursor
	var pos application.OrderCursor
	if ok, err := httpx.DecodeCursor(c.QueryParam("cursor"), &pos); err != nil {
		return err
	} else if ok {
		cur = &pos
	}
	vs, next, err := h.Queries.Orders(c.Request().Context(), httpx.MustPrincipal(c).UserID, c.QueryParam("status"), cur, limit)
	if err != nil {
		return err
	}
	out := make([]orderResponse, 0, len(vs))
	for _, v := range vs {
		out = append(out, toOrder(v))
	}
	body := map[string]any{"orders": out}
	if next != nil {
		body["next_cursor"] = httpx.EncodeCursor(next)
	}
	return c.JSON(http.StatusOK, body)
}

func (h *Handlers) cancelOrder(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.CancelOrder.Handle(c.Request().Context(), httpx.MustPrincipal(c).UserID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toOrder(v))
}

type levelResponse struct {
	Price  string `json:"price"`
	Shares int64  `json:"shares"`
	Orders int    `json:"orders"`
}

func toLevels(ls []domain.Level) []levelResponse {
	out := make([]levelResponse, 0, len(ls))
	for _, l := range ls {
		out = append(out, levelResponse{Price: usd(l.Price), Shares: l.Shares, Orders: l.Orders})
	}
	return out
}

func (h *Handlers) book(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	levels := 20
	if s := c.QueryParam("levels"); s != "" {
		if levels, err = strconv.Atoi(s); err != nil || levels < 1 || levels > 100 {
			return errs.ErrBadRequest.WithMessage("levels must be between 1 and 100")
		}
	}
	v, err := h.Queries.Book(c.Request().Context(), id, levels)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"song_id": v.SongID, "bids": toLevels(v.Bids), "asks": toLevels(v.Asks), "last_price": usd(v.LastPrice)})
}

func (h *Handlers) trades(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	limit, err := httpx.Limit(c, 50, 200)
	if err != nil {
		return err
	}
	ts, err := h.Queries.Trades(c.Request().Context(), id, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"trades": toTrades(ts)})
}

type registerResponse struct {
	SongID           uuid.UUID         `json:"song_id"`
	Title            string            `json:"title"`
	Offering         *offeringResponse `json:"offering"`
	ShareholderBPS   int               `json:"shareholder_bps"`
	TotalShares      int64             `json:"total_shares"`
	Holders          int               `json:"holders"`
	LastPrice        string            `json:"last_price"`
	Volume24h        string            `json:"volume_24h"`
	Shares24h        int64             `json:"shares_traded_24h"`
	Trades24h        int               `json:"trades_24h"`
	RoyaltiesAccrued string            `json:"royalties_accrued"`
	RoyaltiesPaid    string            `json:"royalties_paid"`
	RoyaltiesUnpaid  string            `json:"royalties_unclaimed"`
}

func (h *Handlers) register(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.Queries.Register(c.Request().Context(), id)
	if err != nil {
		return err
	}
	r := registerResponse{SongID: v.SongID, Title: v.Title, ShareholderBPS: v.ShareholderBPS, TotalShares: domain.TotalShares,
		Holders: v.Holders, LastPrice: usd(v.LastPrice), Volume24h: usd(v.Volume24h), Shares24h: v.Shares24h, Trades24h: v.Trades24h,
		RoyaltiesAccrued: usd(v.RoyaltiesIn), RoyaltiesPaid: usd(v.RoyaltiesPaid), RoyaltiesUnpaid: usd(v.RoyaltiesIn - v.RoyaltiesPaid)}
	if v.Offering != nil {
		o := toOffering(*v.Offering)
		r.Offering = &o
	}
	return c.JSON(http.StatusOK, r)
}

func (h *Handlers) watch(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.Queries.Watch(c.Request().Context(), id, httpx.MustPrincipal(c).UserID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *Handlers) unwatch(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.Queries.Unwatch(c.Request().Context(), id, httpx.MustPrincipal(c).UserID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type claimLine struct {
	ClaimID uuid.UUID `json:"claim_id"`
	SongID  uuid.UUID `json:"song_id"`
	Amount  string    `json:"amount"`
	Status  string    `json:"status"`
}

func (h *Handlers) claim(c echo.Context) error {
	v, err := h.Claim.Handle(c.Request().Context(), httpx.MustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	lines := make([]claimLine, 0, len(v.Claims))
	for _, l := range v.Claims {
		st := "paid"
		if l.Pending {
			st = "pending"
		}
		lines = append(lines, claimLine{ClaimID: l.ClaimID, SongID: l.SongID, Amount: usd(l.Amount), Status: st})
	}
	return c.JSON(http.StatusOK, map[string]any{"total": usd(v.Total), "claims": lines})
}

type holdingResponse struct {
	SongID             uuid.UUID `json:"song_id"`
	Title              string    `json:"title"`
	Shares             int64     `json:"shares"`
	PoolPercent        string    `json:"pool_percent"`
	AverageCost        string    `json:"average_cost"`
	LastPrice          string    `json:"last_price"`
	MarketValue        string    `json:"market_value"`
	RoyaltiesEarned    string    `json:"royalties_earned"`
	RoyaltiesClaimable string    `json:"royalties_claimable"`
	OpenOrders         int       `json:"open_orders"`
}

// percent writes shares of 10,000 as a percentage with two decimals ("12.50").
func percent(bps int64) string {
	return strconv.FormatInt(bps/100, 10) + "." + strconv.FormatInt(bps%100/10, 10) + strconv.FormatInt(bps%10, 10)
}

func (h *Handlers) portfolio(c echo.Context) error {
	v, err := h.Queries.Portfolio(c.Request().Context(), httpx.MustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	hs := make([]holdingResponse, 0, len(v.Holdings))
	for _, x := range v.Holdings {
		hs = append(hs, holdingResponse{SongID: x.SongID, Title: x.Title, Shares: x.Shares, PoolPercent: percent(x.PoolBPS),
			AverageCost: usd(x.AverageCost), LastPrice: usd(x.LastPrice), MarketValue: usd(x.MarketValue),
			RoyaltiesEarned: usd(x.RoyaltiesEarned), RoyaltiesClaimable: usd(x.RoyaltiesClaimable), OpenOrders: x.OpenOrders})
	}
	return c.JSON(http.StatusOK, map[string]any{"holdings": hs, "totals": map[string]string{
		"market_value": usd(v.MarketValue), "royalties_earned": usd(v.RoyaltiesEarned), "royalties_claimable": usd(v.RoyaltiesClaimable)}})
}
