package httpx

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// Principal is the authenticated caller, as proven by an access token.
type Principal struct {
	UserID      uuid.UUID
	Roles       []string
	Permissions []string
	// Wallets maps chain -> address linked when the token was issued.
	Wallets map[string]string
	TokenID string
}

// Has reports whether the principal holds a permission.
func (p Principal) Has(permission string) bool { return slices.Contains(p.Permissions, permission) }

// HasRole reports whether the principal holds a role.
func (p Principal) HasRole(role string) bool { return slices.Contains(p.Roles, role) }

// Authenticator turns a bearer token into a principal; the user context implements it.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (Principal, error)
}

// CurrentPermissions is what an Authenticator may also offer: the caller's permissions as the
// source of truth holds them now, not as their token recorded them at sign-in. Require uses it
// for privileged permissions, so a role revoked a minute ago stops working at once.
type CurrentPermissions interface {
	CurrentPermissions(ctx context.Context, userID uuid.UUID) ([]string, error)
}

// PrivilegedPrefix marks the permissions checked against CurrentPermissions on every request.
const PrivilegedPrefix = "admin:"

const (
	principalKey = "httpx.principal"
	currentKey   = "httpx.current_permissions"
)

// QueryTokenParam is the query parameter that carries the access token on routes declared with
// AllowQueryToken.
const QueryTokenParam = "access_token"

var queryTokenRoutes sync.Map

// AllowQueryToken lets a route take its access token from ?access_token= when no Authorization
// header is sent: browsers cannot set headers on a WebSocket handshake. Only routes that need
// it should allow it, since URLs end up in more places than headers.
func AllowQueryToken(r *echo.Route) *echo.Route {
	queryTokenRoutes.Store(r.Method+" "+r.Path, true)
	return r
}

// Authenticate reads an optional bearer token. A request without one continues anonymously;
// a request with a bad one is rejected at once.
func Authenticate(a Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			if h == "" {
				if _, ok := queryTokenRoutes.Load(c.Request().Method + " " + c.Path()); ok {
					if tok := c.QueryParam(QueryTokenParam); tok != "" {
						h = "Bearer " + tok
					}
				}
			}
			if h == "" {
				return next(c)
			}
			scheme, token, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
				return errs.ErrUnauthenticated.WithMessage("the Authorization header must be 'Bearer <token>'")
			}
			p, err := a.Authenticate(c.Request().Context(), strings.TrimSpace(token))
			if err != nil {
				return err
			}
			c.Set(principalKey, p)
			if cp, ok := a.(CurrentPermissions); ok {
				c.Set(currentKey, cp)
			} else {
				c.Set(currentKey, noCurrentPermissions{})
			}
			return next(c)
		}
	}
}

// SetPrincipal attaches a principal (used by handlers that authenticate by other means, such as
// signed URLs, and by tests). Whoever sets it vouches for its permissions: privileged routes
// re-check only principals that came from a bearer token through Authenticate.
func SetPrincipal(c echo.Context, p Principal) {
	c.Set(principalKey, p)
	c.Set(currentKey, nil)
}

// noCurrentPermissions marks a token principal whose authenticator cannot say what the account
// holds now: privileged routes refuse it.
type noCurrentPermissions struct{}

// PrincipalOf returns the caller, if authenticated.
func PrincipalOf(c echo.Context) (Principal, bool) {
	p, ok := c.Get(principalKey).(Principal)
	return p, ok
}

// MustPrincipal returns the caller; use it only behind Require.
func MustPrincipal(c echo.Context) Principal {
	p, _ := PrincipalOf(c)
	return p
}

// Require rejects anonymous callers (401) and callers lacking any listed permission (403).
// With no permissions it only requires authentication. A privileged permission (admin:*) must
// be held both by the token and by the account now (CurrentPermissions); when the
// authenticator cannot tell what the account holds now, it is refused.
func Require(permissions ...string) echo.MiddlewareFunc {
	privileged := slices.ContainsFunc(permissions, func(p string) bool { return strings.HasPrefix(p, PrivilegedPrefix) })
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p, ok := PrincipalOf(c)
			if !ok {
				return errs.ErrUnauthenticated
			}
			for _, perm := range permissions {
				if !p.Has(perm) {
					return errs.ErrForbidden.WithMessage("this needs the permission " + perm)
				}
			}
			if privileged {
				if err := requireCurrent(c, p, permissions); err != nil {
					return err
				}
			}
			return next(c)
		}
	}
}

// requireCurrent checks privileged permissions of a token principal against the account's
// current roles.
func requireCurrent(c echo.Context, p Principal, permissions []string) error {
	src := c.Get(currentKey)
	if src == nil {
		return nil // set by SetPrincipal: its setter vouched for it
	}
	cp, ok := src.(CurrentPermissions)
	if !ok {
		return errs.ErrForbidden.WithMessage("the account's current permissions cannot be checked")
	}
	now, err := cp.CurrentPermissions(c.Request().Context(), p.UserID)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind() == errs.NotFound {
			return errs.ErrForbidden.WithMessage("the account no longer exists")
		}
		return err
	}
	for _, perm := range permissions {
		if strings.HasPrefix(perm, PrivilegedPrefix) && !slices.Contains(now, perm) {
			return errs.ErrForbidden.WithMessage("this needs the permission " + perm + ", which the account no longer holds")
		}
	}
	return nil
}
