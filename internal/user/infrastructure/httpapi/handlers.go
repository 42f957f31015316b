package httpapi

import (
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/user/application"
	"github.com/vibestream/vibestream/internal/user/contracts"
)

// Handlers holds the use cases the routes call.
type Handlers struct {
	Register      *application.Register
	Login         *application.Login
	Refresh       *application.Refresh
	Logout        *application.Logout
	Profiles      *application.Profiles
	UpdateProfile *application.UpdateProfile
	Wallets       *application.Wallets
	ChangeRoles   *application.ChangeRoles
	Birthdates    *application.SetBirthdate
	// AgeProofs is optional (POST /zk/age-proofs answers 503 without it).
	AgeProofs *application.ProveAge
	// AppPasswords is optional (no app-password routes without it).
	AppPasswords *application.AppPasswords
	// JWKS returns the public key set served at /.well-known/jwks.json.
	JWKS func() []byte
	// Metrics is optional.
	Metrics *Metrics
}

func (h *Handlers) valid() error {
	if h.Register == nil || h.Login == nil || h.Refresh == nil || h.Logout == nil || h.Profiles == nil ||
		h.UpdateProfile == nil || h.Wallets == nil || h.ChangeRoles == nil || h.JWKS == nil || h.Birthdates == nil {
		return errors.New("user httpapi: every handler dependency is required")
	}
	if h.Metrics == nil {
		h.Metrics = NewMetrics(nil)
	}
	return nil
}

// Routes mounts the user context's routes: auth and users under api (/api/v1), the JWK set at
// the root.
func Routes(root *echo.Echo, api *echo.Group, h *Handlers) error {
	if err := h.valid(); err != nil {
		return err
	}
	root.GET("/.well-known/jwks.json", h.jwks)
	api.POST("/auth/register", h.register)
	api.POST("/auth/login", h.login)
	api.POST("/auth/refresh", h.refresh)
	api.POST("/auth/logout", h.logout)
	api.GET("/users/me", h.me, httpx.Require())
	api.PATCH("/users/me", h.patchMe, httpx.Require())
	api.GET("/users/:id", h.publicProfile)
	api.POST("/users/me/wallets/challenge", h.challenge, httpx.Require())
	api.POST("/users/me/wallets", h.link, httpx.Require())
	api.GET("/users/me/wallets", h.wallets, httpx.Require())
	api.DELETE("/users/me/wallets/:chain/:address", h.unlink, httpx.Require())
	api.PUT("/admin/users/:id/roles/:role", h.grantRole, httpx.Require(contracts.PermAdminUsers))
	h.ageRoutes(api)
	h.appPasswordRoutes(api)
	api.DELETE("/admin/users/:id/roles/:role", h.revokeRole, httpx.Require(contracts.PermAdminUsers))
	return nil
}

func (h *Handlers) jwks(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSONBlob(http.StatusOK, h.JWKS())
}

func noStore(c echo.Context) { c.Response().Header().Set("Cache-Control", "no-store") }

func (h *Handlers) register(c echo.Context) error {
	var req registerRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	res, err := h.Register.Handle(c.Request().Context(), application.RegisterCommand{Email: req.Email, Username: req.Username,
		Password: req.Password, DisplayName: req.DisplayName, Role: req.Role, Birthdate: req.Birthdate})
	h.Metrics.registration(err)
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusCreated, registerResponse{User: userOf(res.User), tokensResponse: tokensOf(res.Tokens)})
}

// DeviceCookie carries the device token that marks a browser as one of the account's known
// devices (clients without cookies send it as device_token instead).
const DeviceCookie = "vs_device"

func (h *Handlers) login(c echo.Context) error {
	var req loginRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	device := req.DeviceToken
	if device == "" {
		if ck, err := c.Cookie(DeviceCookie); err == nil {
			device = ck.Value
		}
	}
	pair, err := h.Login.Handle(c.Request().Context(), application.LoginCommand{Login: req.Login, Password: req.Password,
		ClientIP: c.RealIP(), DeviceToken: device})
	h.Metrics.login(err)
	if err != nil {
		return err
	}
	noStore(c)
	c.SetCookie(&http.Cookie{Name: DeviceCookie, Value: pair.DeviceToken, Path: "/api/v1/auth", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: c.Scheme() == "https", SameSite: http.SameSiteStrictMode})
	return c.JSON(http.StatusOK, loginResponse{tokensResponse: tokensOf(pair), DeviceToken: pair.DeviceToken})
}

func (h *Handlers) refresh(c echo.Context) error {
	var req refreshRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	pair, err := h.Refresh.Handle(c.Request().Context(), req.RefreshToken)
	h.Metrics.refresh(err)
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusOK, tokensOf(pair))
}

func (h *Handlers) logout(c echo.Context) error {
	var req refreshRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	if err := h.Logout.Handle(c.Request().Context(), req.RefreshToken); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *Handlers) me(c echo.Context) error {
	v, err := h.Profiles.Me(c.Request().Context(), httpx.MustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, userOf(v))
}

func (h *Handlers) patchMe(c echo.Context) error {
	var req patchMeRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	if req.Birthdate != nil {
		if err := h.Birthdates.Handle(c.Request().Context(), application.SetBirthdateCommand{UserID: httpx.MustPrincipal(c).UserID,
			Birthdate: *req.Birthdate}); err != nil {
			return err
		}
	}
	v, err := h.UpdateProfile.Handle(c.Request().Context(), application.UpdateProfileCommand{UserID: httpx.MustPrincipal(c).UserID,
		DisplayName: req.DisplayName, Bio: req.Bio, AvatarURL: req.AvatarURL})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, userOf(v))
}

func (h *Handlers) publicProfile(c echo.Context) error {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return contracts.ErrUserNotFound
	}
	p, err := h.Profiles.Public(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, profileOf(p))
}

func (h *Handlers) challenge(c echo.Context) error {
	var req challengeRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	ch, err := h.Wallets.Challenge(c.Request().Context(), httpx.MustPrincipal(c).UserID, req.Chain, req.Address)
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusCreated, challengeResponse{Chain: ch.Chain, Address: ch.Address, Message: ch.Message,
		Nonce: ch.Nonce, IssuedAt: ch.IssuedAt, ExpiresAt: ch.ExpiresAt})
}

func (h *Handlers) link(c echo.Context) error {
	var req linkRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	w, err := h.Wallets.Link(c.Request().Context(), application.LinkCommand{UserID: httpx.MustPrincipal(c).UserID,
		Chain: req.Chain, Address: req.Address, Message: req.Message, Signature: req.Signature})
	h.Metrics.walletLink(err)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, walletOf(w))
}

func (h *Handlers) wallets(c echo.Context) error {
	ws, err := h.Wallets.List(c.Request().Context(), httpx.MustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	out := walletsResponse{Items: make([]walletResponse, len(ws))}
	for i, w := range ws {
		out.Items[i] = walletOf(w)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) unlink(c echo.Context) error {
	if err := h.Wallets.Unlink(c.Request().Context(), httpx.MustPrincipal(c).UserID, c.Param("chain"), c.Param("address")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *Handlers) grantRole(c echo.Context) error {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return contracts.ErrUserNotFound
	}
	v, err := h.ChangeRoles.Grant(c.Request().Context(), id, c.Param("role"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, userOf(v))
}

func (h *Handlers) revokeRole(c echo.Context) error {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return contracts.ErrUserNotFound
	}
	v, err := h.ChangeRoles.Revoke(c.Request().Context(), httpx.MustPrincipal(c).UserID, id, c.Param("role"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, userOf(v))
}
