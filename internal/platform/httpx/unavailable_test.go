package httpx_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/httpx"
)

// A request that failed because the database went away answers 503 with Retry-After, not a
// 500 (found by TestFaultPostgresRestartUnderLoad: every request during an outage was a 500).
func TestDatabaseOutagesAnswer503NotA500(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		err  error
		want int
	}{
		"connection refused":      {fmt.Errorf("get user: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), http.StatusServiceUnavailable},
		"server shutting down":    {fmt.Errorf("q: %w", &pgconn.PgError{Code: "57P01"}), http.StatusServiceUnavailable},
		"connection exception":    {&pgconn.PgError{Code: "08006"}, http.StatusServiceUnavailable},
		"reset mid-query":         {fmt.Errorf("scan: %w", syscall.ECONNRESET), http.StatusServiceUnavailable},
		"internal wrapping a cut": {errs.ErrInternal.Wrap(&net.OpError{Op: "read", Err: syscall.EPIPE}), http.StatusServiceUnavailable},
		"a unique violation":      {&pgconn.PgError{Code: "23505"}, http.StatusInternalServerError},
		"a plain bug":             {errors.New("nil map"), http.StatusInternalServerError},
		"a domain error":          {errs.ErrForbidden, http.StatusForbidden},
	} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/x", nil), rec)
			httpx.ErrorHandler(tc.err, c)
			require.Equal(t, tc.want, rec.Code)
			if tc.want == http.StatusServiceUnavailable {
				var body httpx.ErrorBody
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
				assert.Equal(t, "http.database_unavailable", body.Error.Code)
				assert.Equal(t, "1", rec.Header().Get("Retry-After"))
			}
		})
	}
}

// A malformed body is the client's fault even though echo's bind error unwraps to the JSON
// decoder's io.ErrUnexpectedEOF (found by the OpenAPI fuzzer: it had become a 503).
func TestBindErrorsStay400(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/x", nil), rec)
	httpx.ErrorHandler(echo.NewHTTPError(http.StatusBadRequest, "bad json").SetInternal(io.ErrUnexpectedEOF), c)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
}

// A request whose client went away (its context cancelled) is not a server failure: no 500 in
// the logs and metrics (vibeload's cut requests were logged as 500s).
func TestAbandonedRequestsAreNot500s(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/x", nil).WithContext(ctx), rec)
	httpx.ErrorHandler(fmt.Errorf("begin: %w", context.Canceled), c)
	assert.Equal(t, httpx.StatusClientClosedRequest, rec.Code)

	// The same error while the request is still live (a cancelled inner operation) stays a 500.
	rec = httptest.NewRecorder()
	c = echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/x", nil), rec)
	httpx.ErrorHandler(fmt.Errorf("begin: %w", context.Canceled), c)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
}
