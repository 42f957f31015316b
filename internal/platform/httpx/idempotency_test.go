package httpx_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var errTeapot = errs.New(errs.Unavailable, "test.unavailable", "try later")

type idemServer struct {
	e     *echo.Echo
	calls atomic.Int64
	gate  chan struct{}
	fail  atomic.Bool
}

func newIdemServer(t *testing.T) *idemServer {
	pool := pgtest.NewDB(t)
	s := &idemServer{e: httpx.New(httpx.Options{})}
	withUser := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if u := c.Request().Header.Get("X-User"); u != "" {
				httpx.SetPrincipal(c, httpx.Principal{UserID: uuid.MustParse(u)})
			}
			return next(c)
		}
	}
	s.e.POST("/pay", func(c echo.Context) error {
		n := s.calls.Add(1)
		if s.gate != nil {
			<-s.gate
		}
		if s.fail.Load() {
			return errTeapot
		}
		var body map[string]any
		if err := httpx.Bind(c, &body); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, map[string]any{"call": n, "echo": body})
	}, withUser, httpx.Idempotent(pool, "test.pay", httpx.IdempotencyOptions{}))
	return s
}

func (s *idemServer) post(key, body string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/pay", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set(httpx.HeaderIdempotencyKey, key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	return rec
}

func code(t *testing.T, rec *httptest.ResponseRecorder) string {
	var b httpx.ErrorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &b), rec.Body.String())
	return b.Error.Code
}

func TestIdempotentReplaysTheFirstResponse(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t)
	first := s.post("k1", `{"amount":"1.00"}`)
	require.Equal(t, http.StatusCreated, first.Code)
	again := s.post("k1", `{"amount":"1.00"}`)
	assert.Equal(t, http.StatusCreated, again.Code)
	assert.JSONEq(t, first.Body.String(), again.Body.String())
	assert.Equal(t, "true", again.Header().Get("Idempotent-Replayed"))
	assert.Equal(t, int64(1), s.calls.Load())

	other := s.post("k1", `{"amount":"2.00"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, other.Code)
	assert.Equal(t, "http.idempotency_key_reused", code(t, other))

	missing := s.post("", `{"amount":"1.00"}`)
	assert.Equal(t, http.StatusBadRequest, missing.Code)
	assert.Equal(t, "http.idempotency_key_required", code(t, missing))
	assert.Equal(t, int64(1), s.calls.Load())
}

func TestIdempotentKeysAreScopedPerCaller(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t)
	a := s.post("k", `{}`, "X-User", uuid.NewString())
	b := s.post("k", `{}`, "X-User", uuid.NewString())
	assert.Equal(t, http.StatusCreated, a.Code)
	assert.Equal(t, http.StatusCreated, b.Code)
	assert.Equal(t, int64(2), s.calls.Load())
}

func TestIdempotentServerErrorsAreNotStored(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t)
	s.fail.Store(true)
	first := s.post("k", `{}`)
	assert.Equal(t, http.StatusServiceUnavailable, first.Code)
	s.fail.Store(false)
	second := s.post("k", `{}`)
	assert.Equal(t, http.StatusCreated, second.Code, "the key was released, so the retry runs")
	assert.Equal(t, int64(2), s.calls.Load())
}

func TestIdempotentConcurrentDuplicatesRunOnce(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t)
	s.gate = make(chan struct{})
	firstDone := make(chan *httptest.ResponseRecorder)
	go func() { firstDone <- s.post("k", `{"x":1}`) }()
	// wait until the first request is inside the handler, holding the key
	for s.calls.Load() == 0 {
		runtimeGosched()
	}
	var wg sync.WaitGroup
	codes := make([]int, 10)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = s.post("k", `{"x":1}`).Code
		}()
	}
	wg.Wait()
	close(s.gate)
	first := <-firstDone
	assert.Equal(t, http.StatusCreated, first.Code)
	for _, c := range codes {
		assert.Equal(t, http.StatusConflict, c, "a duplicate arriving while the first runs is refused")
	}
	assert.Equal(t, int64(1), s.calls.Load())
	assert.Equal(t, http.StatusCreated, s.post("k", `{"x":1}`).Code, "and replayed once it finished")
	assert.Equal(t, int64(1), s.calls.Load())
}

func TestPurgeIdempotencyKeysKeepsRecentOnes(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO platform.idempotency_keys (scope, key, request_hash, created_at) VALUES
		('s', 'old', '', now() - interval '8 days'), ('s', 'new', '', now())`)
	require.NoError(t, err)
	n, err := httpx.PurgeIdempotencyKeys(ctx, pool, 7*24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	var left string
	require.NoError(t, pool.QueryRow(ctx, `SELECT key FROM platform.idempotency_keys`).Scan(&left))
	assert.Equal(t, "new", left)
}

func TestIdempotencyComparesCanonicalJSONAndNamesAnOverlongKey(t *testing.T) {
	t.Parallel()
	s := newIdemServer(t)
	first := s.post("fmt-key", `{"amount":"5.00","to":"x"}`)
	require.Equal(t, http.StatusCreated, first.Code, first.Body.String())
	// same request, other formatting and key order: the stored answer
	again := s.post("fmt-key", "{\n  \"to\": \"x\",\n  \"amount\": \"5.00\"\n}\n")
	assert.Equal(t, http.StatusCreated, again.Code, again.Body.String())
	assert.Equal(t, "true", again.Header().Get("Idempotent-Replayed"))
	assert.JSONEq(t, first.Body.String(), again.Body.String())
	assert.Equal(t, int64(1), s.calls.Load())
	// a different value is a different request
	other := s.post("fmt-key", `{"to":"x","amount":"6.00"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, other.Code)
	assert.Equal(t, "http.idempotency_key_reused", code(t, other))

	long := s.post(strings.Repeat("k", 256), `{}`)
	assert.Equal(t, http.StatusBadRequest, long.Code)
	assert.Equal(t, "http.idempotency_key_too_long", code(t, long))
	missing := s.post("", `{}`)
	assert.Equal(t, "http.idempotency_key_required", code(t, missing))
}
