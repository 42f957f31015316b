// Package httpapi is the campaign context's HTTP surface: an artist's campaigns, their
// lifecycle and analytics.
package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/campaign/application"
	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Handlers holds the use cases the routes call.
type Handlers struct {
	Create      *application.Create
	Patch       *application.Patch
	Activate    *application.Activate
	Transitions *application.Transitions
	Queries     *application.Queries
}

// Routes mounts the routes under api. Every route is the artist's (write:music); admins
// (admin:music) may read any campaign.
func (h *Handlers) Routes(api *echo.Group) {
	// listeners' view: the songs boosted now (a static path, ahead of /campaigns/:id)
	api.GET("/campaigns/boosted-songs", h.boosted, httpx.Require(usercontracts.PermReadMusic))
	g := api.Group("/campaigns", httpx.Require(usercontracts.PermWriteMusic))
	g.POST("", h.create)
	g.GET("", h.list)
	g.GET("/:id", h.get)
	g.PATCH("/:id", h.patch)
	g.POST("/:id/activate", h.activate)
	g.POST("/:id/pause", h.transition(application.Pause))
	g.POST("/:id/resume", h.transition(application.Resume))
	g.POST("/:id/end", h.transition(application.End))
	g.GET("/:id/analytics", h.analytics)
}

const (
	maxAmountLength = 40
	maxTimeLength   = 40
)

func pathID(c echo.Context) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil || len(c.Param("id")) != 36 {
		return uuid.Nil, domain.ErrNotFound
	}
	return id, nil
}

// parsed is a request body read into the application's terms; set says which fields came.
type parsed struct {
	name             *string
	songs            []uuid.UUID
	startsAt, endsAt *time.Time
	boost            *domain.Boost
	budget           *money.Amount
}

func parseBody(c echo.Context, all bool) (parsed, error) {
	var req campaignRequest
	var p parsed
	if err := httpx.Bind(c, &req); err != nil {
		return p, err
	}
	missing := errs.Fields{}
	if req.Name != nil {
		p.name = req.Name
	} else if all {
		missing.Add("name", "is required")
	}
	if req.SongIDs != nil {
		if len(req.SongIDs) == 0 || len(req.SongIDs) > domain.MaxSongs {
			return p, domain.ErrNoSongs
		}
		p.songs = make([]uuid.UUID, 0, len(req.SongIDs))
		for _, s := range req.SongIDs {
			id, err := uuid.Parse(s)
			if err != nil || len(s) != 36 {
				return p, errs.ErrValidation.WithField("song_ids", "must be song ids (UUIDs)")
			}
			p.songs = append(p.songs, id)
		}
	} else if all {
		missing.Add("song_ids", "is required")
	}
	for _, f := range []struct {
		name string
		in   *string
		out  **time.Time
	}{{"starts_at", req.StartsAt, &p.startsAt}, {"ends_at", req.EndsAt, &p.endsAt}} {
		if f.in == nil {
			if all {
				missing.Add(f.name, "is required")
			}
			continue
		}
		t, err := time.Parse(time.RFC3339, *f.in)
		if err != nil || len(*f.in) > maxTimeLength {
			return p, errs.ErrValidation.WithField(f.name, "must be an RFC 3339 time")
		}
		t = t.UTC()
		*f.out = &t
	}
	if raw := bytes.TrimSpace(req.Boost); len(raw) > 0 && string(raw) != "null" {
		s := strings.Trim(string(raw), `"`)
		if len(s) > 8 {
			return p, domain.ErrInvalidBoost
		}
		b, err := domain.ParseBoost(s)
		if err != nil {
			return p, err
		}
		p.boost = &b
	} else if all {
		missing.Add("boost", "is required")
	}
	if req.Budget != nil {
		if len(*req.Budget) > maxAmountLength {
			return p, domain.ErrInvalidBudget
		}
		a, err := money.Parse(money.VIBE, *req.Budget)
		if err != nil {
			return p, domain.ErrInvalidBudget
		}
		p.budget = &a
	} else if all {
		missing.Add("budget", "is required")
	}
	if err := missing.Err(errs.ErrValidation); err != nil {
		return p, err
	}
	return p, nil
}

func (h *Handlers) create(c echo.Context) error {
	p, err := parseBody(c, true)
	if err != nil {
		return err
	}
	v, err := h.Create.Handle(c.Request().Context(), application.CreateCampaign{ArtistUserID: httpx.MustPrincipal(c).UserID,
		Draft: application.Draft{Name: *p.name, SongIDs: p.songs, StartsAt: *p.startsAt, EndsAt: *p.endsAt, Boost: *p.boost, Budget: *p.budget}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, campaignOf(v))
}

func (h *Handlers) patch(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := parseBody(c, false)
	if err != nil {
		return err
	}
	v, err := h.Patch.Handle(c.Request().Context(), application.PatchCampaign{ArtistUserID: httpx.MustPrincipal(c).UserID, CampaignID: id,
		Name: p.name, SongIDs: p.songs, StartsAt: p.startsAt, EndsAt: p.endsAt, Boost: p.boost, Budget: p.budget})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, campaignOf(v))
}

func (h *Handlers) activate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.Activate.Handle(c.Request().Context(), application.ActivateCampaign{ArtistUserID: httpx.MustPrincipal(c).UserID, CampaignID: id})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, campaignOf(v))
}

func (h *Handlers) transition(do application.Transition) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		v, err := h.Transitions.Handle(c.Request().Context(), application.TransitionCampaign{ArtistUserID: httpx.MustPrincipal(c).UserID,
			CampaignID: id, Do: do})
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, campaignOf(v))
	}
}

func isAdmin(p httpx.Principal) bool { return p.Has(usercontracts.PermAdminMusic) }

func (h *Handlers) get(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	v, err := h.Queries.Get(c.Request().Context(), p.UserID, isAdmin(p), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, campaignOf(v))
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
	has, err := httpx.DecodeCursor(c.QueryParam("cursor"), &cur)
	if err != nil {
		return err
	}
	q := application.ListCampaigns{Limit: limit + 1}
	if has {
		q.AfterCreated, q.AfterID = &cur.At, cur.ID
	}
	if s := c.QueryParam("status"); s != "" {
		if q.Status, err = domain.ParseStatus(s); err != nil {
			return err
		}
	}
	if s := c.QueryParam("artist_id"); s != "" {
		id, err := uuid.Parse(s)
		if err != nil || len(s) != 36 {
			return errs.ErrValidation.WithField("artist_id", "must be an artist id (UUID)")
		}
		q.ArtistID = id
	}
	p := httpx.MustPrincipal(c)
	if !isAdmin(p) {
		q.OwnerID = p.UserID
	}
	vs, err := h.Queries.List(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := campaignsResponse{Items: []campaignResponse{}}
	for i, v := range vs {
		if i == limit {
			last := vs[limit-1]
			out.NextCursor = httpx.EncodeCursor(cursor{At: last.CreatedAt, ID: last.ID})
			break
		}
		out.Items = append(out.Items, campaignOf(v))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) analytics(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	v, err := h.Queries.Analytics(c.Request().Context(), p.UserID, isAdmin(p), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, analyticsOf(v))
}

type boostedSongResponse struct {
	SongID     uuid.UUID   `json:"song_id"`
	Title      string      `json:"title"`
	Boost      json.Number `json:"boost"`
	EndsAt     time.Time   `json:"ends_at"`
	CampaignID uuid.UUID   `json:"campaign_id"`
}

func (h *Handlers) boosted(c echo.Context) error {
	vs, err := h.Queries.Boosted(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]boostedSongResponse, 0, len(vs))
	for _, v := range vs {
		out = append(out, boostedSongResponse{SongID: v.SongID, Title: v.Title, Boost: json.Number(v.Boost.String()), EndsAt: v.EndsAt,
			CampaignID: v.Running})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}
