package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// ConcertMetrics are the concerts' business metrics.
type ConcertMetrics struct {
	Sold, Volume, Refunds, Recovered prometheus.Counter
	Refused                          *prometheus.CounterVec
}

// ConcertHandlers serve VR concerts, tickets, passes and attendance.
type ConcertHandlers struct {
	Metrics  *ConcertMetrics
	Pool     *pgxpool.Pool // idempotency keys of ticket purchases
	Concerts *application.Concerts
	Tickets  *application.Tickets
}

// Routes mounts the concert routes under /music.
func (h *ConcertHandlers) Routes(api *echo.Group) {
	g := api.Group("/music/concerts")
	read := httpx.Require(usercontracts.PermReadMusic)
	write := httpx.Require(usercontracts.PermWriteMusic)
	g.POST("", h.create, write)
	g.GET("", h.list, read)
	g.GET("/:id", h.get, read)
	g.POST("/:id/cancel", h.cancel, write)
	g.POST("/:id/tickets", h.buy, httpx.Require(usercontracts.PermWritePayment), httpx.Idempotent(h.Pool, "music.ticket", httpx.IdempotencyOptions{}))
	g.GET("/:id/tickets/:ticket_id", h.ticket, read)
	g.POST("/:id/check-in", h.checkIn(true), httpx.Require())
	g.POST("/:id/check-out", h.checkIn(false), httpx.Require())
	g.GET("/:id/attendance", h.attendance, write)
	api.GET("/music/tickets", h.mine, read)
}

type concertRequest struct {
	Title           string `json:"title"`
	StartsAt        string `json:"starts_at"`
	DurationMinutes int    `json:"duration_minutes"`
	Capacity        int    `json:"capacity"`
	TicketPrice     string `json:"ticket_price"`
	MinAge          *int   `json:"min_age"`
	VenueURL        string `json:"venue_url"`
}

type concertResponse struct {
	ID              uuid.UUID  `json:"id"`
	ArtistID        uuid.UUID  `json:"artist_id"`
	Title           string     `json:"title"`
	StartsAt        time.Time  `json:"starts_at"`
	EndsAt          time.Time  `json:"ends_at"`
	DurationMinutes int        `json:"duration_minutes"`
	Capacity        int        `json:"capacity"`
	TicketPrice     string     `json:"ticket_price"`
	MinAge          *int       `json:"min_age,omitempty"`
	VenueURL        string     `json:"venue_url"`
	Status          string     `json:"status"`
	TicketsSold     int        `json:"tickets_sold"`
	TicketsLeft     int        `json:"tickets_left"`
	CreatedAt       time.Time  `json:"created_at"`
	CancelledAt     *time.Time `json:"cancelled_at,omitempty"`
}

func concertOf(c *domain.Concert) concertResponse {
	t := c.Terms()
	r := concertResponse{ID: c.ID(), ArtistID: c.ArtistID(), Title: t.Title, StartsAt: t.StartsAt, EndsAt: c.EndsAt(),
		DurationMinutes: t.DurationMinutes, Capacity: t.Capacity, TicketPrice: t.TicketPrice.String(), VenueURL: t.VenueURL,
		Status: string(c.Status()), TicketsSold: c.Sold(), TicketsLeft: c.Left(), CreatedAt: c.CreatedAt(), CancelledAt: c.CancelledAt()}
	if t.MinAge > 0 {
		m := t.MinAge
		r.MinAge = &m
	}
	return r
}

type concertsResponse struct {
	Items      []concertResponse `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

type ticketRequest struct {
	AgeProof *struct {
		Circuit      string   `json:"circuit"`
		Proof        string   `json:"proof"`
		PublicInputs []string `json:"public_inputs"`
		Attestation  string   `json:"attestation"`
	} `json:"age_proof"`
}

type ticketResponse struct {
	ID        uuid.UUID `json:"id"`
	ConcertID uuid.UUID `json:"concert_id"`
	HolderID  uuid.UUID `json:"holder_id"`
	Status    string    `json:"status"`
	Price     string    `json:"price"`
	Pass      string    `json:"pass,omitempty"`
	CheckedIn bool      `json:"checked_in"`
	CreatedAt time.Time `json:"created_at"`
}

func ticketOf(v application.TicketView) ticketResponse {
	return ticketResponse{ID: v.ID, ConcertID: v.ConcertID, HolderID: v.HolderID, Status: string(v.Status), Price: v.Price.String(),
		Pass: v.Pass, CheckedIn: v.Presence.CheckedIn, CreatedAt: v.CreatedAt}
}

type passRequest struct {
	Pass string `json:"pass"`
}

type attendanceResponse struct {
	ConcertID uuid.UUID `json:"concert_id"`
	Capacity  int       `json:"capacity"`
	Sold      int64     `json:"sold"`
	CheckedIn int64     `json:"checked_in"`
	Inside    int64     `json:"inside"`
	Refunded  int64     `json:"refunded"`
	Gross     string    `json:"gross"`
	Revenue   string    `json:"revenue"`
}

func concertID(c echo.Context) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil || len(c.Param("id")) != 36 {
		return uuid.Nil, domain.ErrConcertNotFound
	}
	return id, nil
}

func (h *ConcertHandlers) create(c echo.Context) error {
	var req concertRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, req.StartsAt)
	if err != nil || len(req.StartsAt) > 40 {
		return errs.ErrValidation.WithField("starts_at", "must be an RFC 3339 time")
	}
	if len(req.TicketPrice) > 40 {
		return domain.ErrConcertPrice
	}
	price, err := money.Parse(money.USD, req.TicketPrice)
	if err != nil {
		return domain.ErrConcertPrice
	}
	min := 0
	if req.MinAge != nil {
		if *req.MinAge < 1 {
			return domain.ErrConcertMinAge
		}
		min = *req.MinAge
	}
	con, err := h.Concerts.Create(c.Request().Context(), httpx.MustPrincipal(c).UserID, domain.ConcertTerms{Title: req.Title, StartsAt: start,
		DurationMinutes: req.DurationMinutes, Capacity: req.Capacity, TicketPrice: price, MinAge: min, VenueURL: strings.TrimSpace(req.VenueURL)})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, concertOf(con))
}

type concertCursor struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"i"`
}

func (h *ConcertHandlers) list(c echo.Context) error {
	limit, err := httpx.Limit(c, 20, 100)
	if err != nil {
		return err
	}
	var cur concertCursor
	has, err := httpx.DecodeCursor(c.QueryParam("cursor"), &cur)
	if err != nil {
		return err
	}
	f := domain.ConcertFilter{Limit: limit + 1}
	switch c.QueryParam("upcoming") {
	case "", "false":
	case "true":
		f.Upcoming = true
	default:
		return errs.ErrValidation.WithField("upcoming", "must be true or false")
	}
	if s := c.QueryParam("artist_id"); s != "" {
		if f.ArtistID, err = uuid.Parse(s); err != nil || len(s) != 36 {
			return errs.ErrValidation.WithField("artist_id", "must be an artist id (UUID)")
		}
	}
	if has {
		f.AfterStart, f.AfterID = &cur.At, cur.ID
	}
	cs, err := h.Concerts.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := concertsResponse{Items: []concertResponse{}}
	for i, con := range cs {
		if i == limit {
			last := cs[limit-1]
			out.NextCursor = httpx.EncodeCursor(concertCursor{At: last.Terms().StartsAt, ID: last.ID()})
			break
		}
		out.Items = append(out.Items, concertOf(con))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *ConcertHandlers) get(c echo.Context) error {
	id, err := concertID(c)
	if err != nil {
		return err
	}
	con, err := h.Concerts.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, concertOf(con))
}

func (h *ConcertHandlers) cancel(c echo.Context) error {
	id, err := concertID(c)
	if err != nil {
		return err
	}
	con, err := h.Concerts.Cancel(c.Request().Context(), httpx.MustPrincipal(c).UserID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, concertOf(con))
}

func (h *ConcertHandlers) buy(c echo.Context) error {
	id, err := concertID(c)
	if err != nil {
		return err
	}
	var req ticketRequest
	if c.Request().ContentLength != 0 {
		if err := httpx.Bind(c, &req); err != nil {
			return err
		}
	}
	cmd := application.BuyTicket{BuyerID: httpx.MustPrincipal(c).UserID, ConcertID: id}
	if p := req.AgeProof; p != nil {
		cmd.AgeProof = &usercontracts.AgeProof{Circuit: p.Circuit, Proof: p.Proof, PublicInputs: p.PublicInputs, Attestation: p.Attestation}
	}
	v, err := h.Tickets.Buy(c.Request().Context(), cmd)
	if err != nil {
		if e, ok := errs.As(err); ok && h.Metrics != nil {
			h.Metrics.Refused.WithLabelValues(e.Code()).Inc()
		}
		return err
	}
	if h.Metrics != nil {
		h.Metrics.Sold.Inc()
		h.Metrics.Volume.Add(float64(v.Price.Units()))
	}
	return c.JSON(http.StatusCreated, ticketOf(v))
}

func (h *ConcertHandlers) ticket(c echo.Context) error {
	if _, err := concertID(c); err != nil {
		return err
	}
	tid, err := uuid.Parse(c.Param("ticket_id"))
	if err != nil {
		return domain.ErrTicketNotFound
	}
	v, err := h.Tickets.Ticket(c.Request().Context(), httpx.MustPrincipal(c).UserID, tid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ticketOf(v))
}

type heldTicketResponse struct {
	ticketResponse
	Concert concertResponse `json:"concert"`
}

func (h *ConcertHandlers) mine(c echo.Context) error {
	limit, err := httpx.Limit(c, 50, 100)
	if err != nil {
		return err
	}
	vs, err := h.Tickets.Mine(c.Request().Context(), httpx.MustPrincipal(c).UserID, limit)
	if err != nil {
		return err
	}
	out := make([]heldTicketResponse, 0, len(vs))
	for _, v := range vs {
		out = append(out, heldTicketResponse{ticketResponse: ticketOf(v.TicketView), Concert: concertOf(v.Concert)})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

const maxPassLength = 4096

func (h *ConcertHandlers) checkIn(in bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := concertID(c)
		if err != nil {
			return err
		}
		var req passRequest
		if err := httpx.Bind(c, &req); err != nil {
			return err
		}
		if req.Pass == "" || len(req.Pass) > maxPassLength {
			return usercontracts.ErrPassInvalid
		}
		p := httpx.MustPrincipal(c)
		t, err := h.Tickets.CheckIn(c.Request().Context(), p.UserID, p.Has(usercontracts.PermAdminMusic), id, req.Pass, in)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, ticketOf(application.TicketView{Ticket: t}))
	}
}

func (h *ConcertHandlers) attendance(c echo.Context) error {
	id, err := concertID(c)
	if err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	con, a, err := h.Concerts.Attendance(c.Request().Context(), p.UserID, p.Has(usercontracts.PermAdminMusic), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, attendanceResponse{ConcertID: id, Capacity: con.Terms().Capacity, Sold: a.Sold, CheckedIn: a.CheckedIn,
		Inside: a.Inside, Refunded: a.Refunded, Gross: a.Gross.String(), Revenue: a.Revenue.String()})
}
