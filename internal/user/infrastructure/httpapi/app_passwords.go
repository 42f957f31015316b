package httpapi

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/user/application"
)

type createAppPasswordRequest struct {
	Name string `json:"name"`
}

type appPasswordResponse struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

type createdAppPasswordResponse struct {
	appPasswordResponse
	// Secret is shown this once.
	Secret string `json:"secret"`
}

type appPasswordsResponse struct {
	Items []appPasswordResponse `json:"items"`
}

func appPasswordOf(v application.AppPasswordView) appPasswordResponse {
	return appPasswordResponse{ID: v.ID.String(), Name: v.Name, CreatedAt: v.CreatedAt, LastUsedAt: v.LastUsedAt}
}

func (h *Handlers) appPasswordRoutes(api *echo.Group) {
	if h.AppPasswords == nil {
		return
	}
	api.POST("/users/me/app-passwords", h.createAppPassword, httpx.Require())
	api.GET("/users/me/app-passwords", h.listAppPasswords, httpx.Require())
	api.DELETE("/users/me/app-passwords/:id", h.revokeAppPassword, httpx.Require())
}

func (h *Handlers) createAppPassword(c echo.Context) error {
	var req createAppPasswordRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v, err := h.AppPasswords.Create(c.Request().Context(), httpx.MustPrincipal(c).UserID, req.Name)
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusCreated, createdAppPasswordResponse{appPasswordResponse: appPasswordOf(v.AppPasswordView), Secret: v.Secret})
}

func (h *Handlers) listAppPasswords(c echo.Context) error {
	vs, err := h.AppPasswords.List(c.Request().Context(), httpx.MustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	out := appPasswordsResponse{Items: make([]appPasswordResponse, len(vs))}
	for i, v := range vs {
		out.Items[i] = appPasswordOf(v)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) revokeAppPassword(c echo.Context) error {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return errs.ErrValidation.WithField("id", "must be a UUID")
	}
	if err := h.AppPasswords.Revoke(c.Request().Context(), httpx.MustPrincipal(c).UserID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
