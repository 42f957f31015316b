package httpx

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// HeaderIdempotencyKey names the header that makes a money-moving request safe to retry.
const HeaderIdempotencyKey = "Idempotency-Key"

// Idempotency errors.
var (
	ErrIdempotencyKeyMissing = errs.New(errs.Invalid, "http.idempotency_key_required", "this endpoint requires an Idempotency-Key header (1 to 255 characters)")
	ErrIdempotencyKeyTooLong = errs.New(errs.Invalid, "http.idempotency_key_too_long", "the Idempotency-Key header is longer than 255 characters")
	ErrIdempotencyKeyReused  = errs.New(errs.Unprocessable, "http.idempotency_key_reused", "this Idempotency-Key was already used with a different request")
	ErrIdempotencyInProgress = errs.New(errs.Conflict, "http.idempotency_in_progress", "a request with this Idempotency-Key is still being processed")
)

// IdempotencyOptions tune Idempotent.
type IdempotencyOptions struct {
	// StaleAfter is how long an unfinished request keeps its key before a retry may take it
	// over (the first attempt crashed). Default 2 minutes.
	StaleAfter time.Duration
}

// Idempotent makes a route answer a retry with the stored first response. Keys are scoped to
// the route's scope name and the caller (anonymous callers share the scope). The first request
// claims the key before the handler runs, so concurrent duplicates never both execute: the
// others get 409 http.idempotency_in_progress. The same key with a different method, path or
// body gets 422 http.idempotency_key_reused. Responses with status >= 500 are not stored: the
// key is released so the client can retry.
func Idempotent(pool *pgxpool.Pool, scope string, opts IdempotencyOptions) echo.MiddlewareFunc {
	if opts.StaleAfter <= 0 {
		opts.StaleAfter = 2 * time.Minute
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			key := c.Request().Header.Get(HeaderIdempotencyKey)
			if key == "" {
				return ErrIdempotencyKeyMissing
			}
			if len(key) > 255 {
				return ErrIdempotencyKeyTooLong
			}
			body, err := io.ReadAll(c.Request().Body)
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					return ErrBodyTooLarge
				}
				return errs.ErrBadRequest.WithMessage("the request body could not be read")
			}
			c.Request().Body = io.NopCloser(bytes.NewReader(body))
			h := sha256.New()
			h.Write([]byte(c.Request().Method + " " + c.Request().URL.Path + "\n"))
			h.Write(canonicalJSON(body))
			hash := h.Sum(nil)
			fullScope := scope
			if p, ok := PrincipalOf(c); ok {
				fullScope += ":" + p.UserID.String()
			}
			ctx := c.Request().Context()

			claimed, err := claimKey(ctx, pool, fullScope, key, hash, opts.StaleAfter)
			if err != nil {
				return err
			}
			if claimed == nil {
				return runAndStore(c, next, pool, fullScope, key)
			}
			return claimed.answer(c)
		}
	}
}

// storedResponse is a key already present.
type storedResponse struct {
	sameRequest bool
	status      *int32
	contentType *string
	body        []byte
}

func (s *storedResponse) answer(c echo.Context) error {
	if !s.sameRequest {
		return ErrIdempotencyKeyReused
	}
	if s.status == nil {
		return ErrIdempotencyInProgress.WithRetryAfter(time.Second)
	}
	c.Response().Header().Set("Idempotent-Replayed", "true")
	ct := echo.MIMEApplicationJSON
	if s.contentType != nil && *s.contentType != "" {
		ct = *s.contentType
	}
	return c.Blob(int(*s.status), ct, s.body)
}

// claimKey inserts the key; it returns nil when this request now owns it, or what is stored.
func claimKey(ctx context.Context, pool *pgxpool.Pool, scope, key string, hash []byte, staleAfter time.Duration) (*storedResponse, error) {
	tag, err := pool.Exec(ctx, `INSERT INTO platform.idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
		ON CONFLICT (scope, key) DO NOTHING`, scope, key, hash)
	if err != nil {
		return nil, err
	}
	if tag.RowsAffected() == 1 {
		return nil, nil
	}
	var (
		s       storedResponse
		stored  []byte
		created time.Time
	)
	err = pool.QueryRow(ctx, `SELECT request_hash, status, content_type, body, created_at FROM platform.idempotency_keys
		WHERE scope = $1 AND key = $2`, scope, key).Scan(&stored, &s.status, &s.contentType, &s.body, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		// released by a failed first attempt in between: try once more
		return claimKey(ctx, pool, scope, key, hash, staleAfter)
	}
	if err != nil {
		return nil, err
	}
	s.sameRequest = bytes.Equal(stored, hash)
	if s.sameRequest && s.status == nil && time.Since(created) > staleAfter {
		// the first attempt died without answering: take the key over, once
		tag, err := pool.Exec(ctx, `UPDATE platform.idempotency_keys SET created_at = now()
			WHERE scope = $1 AND key = $2 AND status IS NULL AND created_at = $3`, scope, key, created)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 1 {
			return nil, nil
		}
	}
	return &s, nil
}

// recorder tees the response body.
type recorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

func runAndStore(c echo.Context, next echo.HandlerFunc, pool *pgxpool.Pool, scope, key string) error {
	rec := &recorder{ResponseWriter: c.Response().Writer}
	c.Response().Writer = rec
	err := next(c)
	if err != nil {
		// render the error now, through the recorder, so that it is stored like any answer
		c.Error(err)
	}
	c.Response().Writer = rec.ResponseWriter
	ctx := context.WithoutCancel(c.Request().Context())
	status := c.Response().Status
	if status >= 500 || !c.Response().Committed {
		_, derr := pool.Exec(ctx, `DELETE FROM platform.idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL`, scope, key)
		if derr != nil {
			logger(c).ErrorContext(ctx, "release idempotency key", "error", derr)
		}
		return nil
	}
	_, serr := pool.Exec(ctx, `UPDATE platform.idempotency_keys SET status = $3, content_type = $4, body = $5
		WHERE scope = $1 AND key = $2`, scope, key, status, c.Response().Header().Get(echo.HeaderContentType), rec.buf.Bytes())
	if serr != nil {
		logger(c).ErrorContext(ctx, "store idempotent response", "error", serr)
	}
	return nil
}

// PurgeIdempotencyKeys deletes stored responses older than olderThan (a retry after that long
// runs again); it returns how many were deleted.
func PurgeIdempotencyKeys(ctx context.Context, pool *pgxpool.Pool, olderThan time.Duration) (int64, error) {
	tag, err := pool.Exec(ctx, `DELETE FROM platform.idempotency_keys WHERE created_at < now() - $1::interval`, olderThan.String())
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// canonicalJSON is the body as the request means it: a JSON body re-encoded (keys sorted, no
// insignificant white space, numbers kept as written), so a retry that formats the same request
// differently is recognised as the same; anything else is compared byte for byte.
func canonicalJSON(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return body
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}
