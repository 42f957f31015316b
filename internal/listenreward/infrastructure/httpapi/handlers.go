// Package httpapi is the listen-reward context's HTTP surface: listen sessions, listen rewards
// and claims, and the artist's earnings.
package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/listenreward/application"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Handlers holds the use cases the routes call.
type Handlers struct {
	Pool     *pgxpool.Pool // idempotency keys of claims
	Start    *application.Start
	Beat     *application.Beat
	Complete *application.Complete
	Sessions *application.SessionQueries
	Claim    *application.Claim
	Rewards  *application.RewardQueries
	Earnings *application.Earnings
}

// Routes mounts the routes under api.
func (h *Handlers) Routes(api *echo.Group) {
	listen := httpx.Require(usercontracts.PermWriteListen)
	g := api.Group("/listen-sessions")
	g.POST("", h.start, listen)
	g.GET("", h.list, listen)
	g.GET("/:id", h.get, listen)
	g.POST("/:id/heartbeat", h.heartbeat, listen)
	g.POST("/:id/complete", h.complete, listen)
	api.GET("/listen-rewards", h.rewards, listen)
	api.POST("/listen-rewards", h.claim, listen, httpx.Idempotent(h.Pool, "listenreward.claim", httpx.IdempotencyOptions{}))
	api.GET("/artists/me/earnings", h.earnings, httpx.Require(usercontracts.PermWriteMusic))
}

// maxQualityLength bounds the quality name (longer is never a rendition).
const maxQualityLength = 16

func (h *Handlers) start(c echo.Context) error {
	var req startRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	songID, err := uuid.Parse(req.SongID)
	if err != nil || len(req.SongID) != 36 {
		return errs.ErrValidation.WithField("song_id", "must be a song id (UUID)")
	}
	if len(req.Quality) > maxQualityLength {
		return domain.ErrInvalidQuality
	}
	p := httpx.MustPrincipal(c)
	v, err := h.Start.Handle(c.Request().Context(), application.StartSession{ListenerID: p.UserID, SongID: songID,
		Quality: req.Quality, ClientIP: c.RealIP()})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sessionOf(v))
}

func pathID(c echo.Context) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil || len(c.Param("id")) != 36 {
		return uuid.Nil, domain.ErrSessionNotFound
	}
	return id, nil
}

// seconds reads a whole number of seconds from a JSON body field: anything else (a string, a
// fraction, a negative or absurd number, a missing field) is 422 listenreward.invalid_seconds.
func seconds(c echo.Context, field string) (int, error) {
	var body map[string]json.RawMessage
	if err := httpx.Bind(c, &body); err != nil {
		return 0, err
	}
	raw, ok := body[field]
	if !ok {
		return 0, domain.ErrInvalidSeconds.WithField(field, "is required")
	}
	raw = bytes.TrimSpace(raw)
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n < 0 || n > domain.MaxSeconds {
		return 0, domain.ErrInvalidSeconds.WithField(field, "must be a whole number of seconds between 0 and 86400")
	}
	return int(n), nil
}

func (h *Handlers) heartbeat(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	secs, err := seconds(c, "position_seconds")
	if err != nil {
		return err
	}
	v, err := h.Beat.Handle(c.Request().Context(), application.Heartbeat{ListenerID: httpx.MustPrincipal(c).UserID, SessionID: id, PositionSeconds: secs})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sessionOf(v))
}

func (h *Handlers) complete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	secs, err := seconds(c, "listened_seconds")
	if err != nil {
		return err
	}
	v, err := h.Complete.Handle(c.Request().Context(), application.CompleteSession{ListenerID: httpx.MustPrincipal(c).UserID,
		SessionID: id, ListenedSeconds: secs})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sessionOf(v))
}

func (h *Handlers) get(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.Sessions.Get(c.Request().Context(), httpx.MustPrincipal(c).UserID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sessionOf(v))
}

type cursor struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"i"`
}

func (h *Handlers) list(c echo.Context) error {
	limit, err := httpx.Limit(c, 20, 100)
	if err != nil {
		return err
	}
	var cur cursor
	if _, err := httpx.DecodeCursor(c.QueryParam("cursor"), &cur); err != nil {
		return err
	}
	vs, next, err := h.Sessions.List(c.Request().Context(), httpx.MustPrincipal(c).UserID, domain.Cursor{StartedAt: cur.At, ID: cur.ID}, limit)
	if err != nil {
		return err
	}
	out := sessionsResponse{Items: []sessionResponse{}}
	for _, v := range vs {
		out.Items = append(out.Items, sessionOf(v))
	}
	if !next.StartedAt.IsZero() {
		out.NextCursor = httpx.EncodeCursor(cursor{At: next.StartedAt, ID: next.ID})
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) rewards(c echo.Context) error {
	limit, err := httpx.Limit(c, 50, 200)
	if err != nil {
		return err
	}
	v, err := h.Rewards.Summary(c.Request().Context(), httpx.MustPrincipal(c).UserID, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rewardsOf(v))
}

const maxAmountLength = 40

func (h *Handlers) claim(c echo.Context) error {
	var req claimRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	if len(req.Amount) > maxAmountLength {
		return domain.ErrInvalidClaimAmount
	}
	v, err := h.Claim.Handle(c.Request().Context(), application.ClaimRewards{UserID: httpx.MustPrincipal(c).UserID,
		Destination: req.Destination, Amount: req.Amount, IdempotencyKey: c.Request().Header.Get(httpx.HeaderIdempotencyKey)})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, claimOf(v))
}

func timeParam(c echo.Context, name string) (time.Time, error) {
	s := c.QueryParam(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || len(s) > 40 {
		return time.Time{}, domain.ErrInvalidPeriod.WithField(name, "must be an RFC 3339 time")
	}
	return t, nil
}

func (h *Handlers) earnings(c echo.Context) error {
	from, err := timeParam(c, "from")
	if err != nil {
		return err
	}
	to, err := timeParam(c, "to")
	if err != nil {
		return err
	}
	v, err := h.Earnings.Handle(c.Request().Context(), httpx.MustPrincipal(c).UserID, from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, earningsOf(v))
}
