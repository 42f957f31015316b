package httpx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/observability"
)

// ErrorBody is the one error shape every endpoint answers with.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// Transport-level errors.
var (
	ErrRouteNotFound    = errs.New(errs.NotFound, "http.not_found", "no such route")
	ErrMethodNotAllowed = errs.New(errs.Invalid, "http.method_not_allowed", "method not allowed on this route")
	ErrBodyTooLarge     = errs.New(errs.TooLarge, "http.body_too_large", "the request body is too large")
	ErrUnsupportedMedia = errs.New(errs.UnsupportedMedia, "http.unsupported_media_type", "unsupported content type")
	ErrTimeout          = errs.New(errs.Unavailable, "http.timeout", "the request took too long")
)

// StatusOf maps an error kind to its HTTP status.
func StatusOf(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.Unprocessable:
		return http.StatusUnprocessableEntity
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Gone:
		return http.StatusGone
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.UnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case errs.RangeNotSatisfiable:
		return http.StatusRequestedRangeNotSatisfiable
	case errs.TooManyRequests:
		return http.StatusTooManyRequests
	case errs.Unavailable:
		return http.StatusServiceUnavailable
	case errs.PreconditionFailed:
		return http.StatusPreconditionFailed
	case errs.UpgradeRequired:
		return http.StatusUpgradeRequired
	default:
		return http.StatusInternalServerError
	}
}

// toDomainError turns anything a handler returned into an *errs.Error that is safe to show.
func toDomainError(err error) *errs.Error {
	if e, ok := errs.As(err); ok && (e.Kind() != errs.Internal || !storeUnreachable(err)) {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) { // before storeUnreachable: a bind error unwraps to the JSON decoder's io errors
		switch he.Code {
		case http.StatusNotFound:
			return ErrRouteNotFound
		case http.StatusMethodNotAllowed:
			return ErrMethodNotAllowed
		case http.StatusRequestEntityTooLarge:
			return ErrBodyTooLarge
		case http.StatusUnsupportedMediaType:
			return ErrUnsupportedMedia
		case http.StatusServiceUnavailable:
			return ErrTimeout
		case http.StatusUnauthorized:
			return errs.ErrUnauthenticated
		case http.StatusForbidden:
			return errs.ErrForbidden
		case http.StatusBadRequest:
			return errs.ErrBadRequest
		}
	}
	if storeUnreachable(err) {
		return ErrDatabaseUnavailable
	}
	return errs.ErrInternal
}

// ErrDatabaseUnavailable answers a request that failed because the database could not be
// reached or went away under it (a restart, a failover): a 503 the client may retry, not a 500.
var ErrDatabaseUnavailable = errs.New(errs.Unavailable, "http.database_unavailable", "the database is not reachable right now; retry shortly").
	WithRetryAfter(time.Second)

// storeUnreachable reports a failure to reach the database (or any peer over the network)
// rather than a fault of the request: refused or reset connections, a server shutting down
// or starting (SQLSTATE 57P01-57P03), a connection exception (class 08).
func storeUnreachable(err error) bool {
	var ce *pgconn.ConnectError
	var oe *net.OpError
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce), errors.As(err, &oe):
		return true
	case errors.As(err, &pe):
		return strings.HasPrefix(pe.Code, "57P") || strings.HasPrefix(pe.Code, "08")
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	return pgconn.SafeToRetry(err)
}

// StatusClientClosedRequest is what a request the client abandoned is recorded with.
const StatusClientClosedRequest = 499

// ErrorHandler is echo's central error handler: it logs server-side failures with their cause
// and answers with the stable code and safe message only.
func ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ctx := c.Request().Context()
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// The client went away mid-request: nobody reads the answer, and it is no server
		// failure. 499 (nginx's "client closed request") keeps it out of the 5xx metrics.
		logger(c).InfoContext(ctx, "request abandoned by the client", "error", err.Error(), "route", c.Path())
		c.Response().WriteHeader(StatusClientClosedRequest)
		return
	}
	de := toDomainError(err)
	status := StatusOf(de.Kind())
	if status >= 500 && de.Kind() != errs.Unavailable {
		logger(c).ErrorContext(ctx, "request failed", "error", err.Error(), "route", c.Path())
	}
	if ra := de.RetryAfter(); ra > 0 {
		secs := int(ra.Seconds() + 0.999)
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	}
	body := ErrorBody{Error: ErrorDetail{Code: de.Code(), Message: de.Message(), Fields: de.Fields(),
		RequestID: observability.RequestID(ctx)}}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, body)
}
