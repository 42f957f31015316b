// Package errs defines the error values every context declares once, each with a kind (which
// decides the HTTP status) and a stable code (which clients may switch on).
package errs

import (
	"errors"
	"sort"
	"sync"
	"time"
)

// Kind classifies an error for transports; it never carries a message of its own.
type Kind int

// The kinds, from the client's point of view.
const (
	Internal Kind = iota
	Invalid
	Unprocessable
	Unauthenticated
	Forbidden
	NotFound
	Conflict
	Gone
	TooLarge
	UnsupportedMedia
	RangeNotSatisfiable
	TooManyRequests
	Unavailable
	PreconditionFailed
	UpgradeRequired
)

// Error is a domain error with a stable code. Copies made with With* keep the code, so
// errors.Is(copy, original) holds.
type Error struct {
	kind       Kind
	code       string
	message    string
	fields     map[string]string
	retryAfter time.Duration
	cause      error
}

var (
	registryMu sync.Mutex
	registry   = map[string]int{}
)

// New declares an error value. Call it once per code, at package level.
func New(kind Kind, code, message string) *Error {
	registryMu.Lock()
	registry[code]++
	registryMu.Unlock()
	return &Error{kind: kind, code: code, message: message}
}

// DuplicateCodes lists every code declared more than once in the linked program.
func DuplicateCodes() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	var dup []string
	for code, n := range registry {
		if n > 1 {
			dup = append(dup, code)
		}
	}
	sort.Strings(dup)
	return dup
}

// Codes lists every declared code.
func Codes() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]string, 0, len(registry))
	for code := range registry {
		out = append(out, code)
	}
	sort.Strings(out)
	return out
}

func (e *Error) Error() string {
	if e.cause != nil {
		return e.code + ": " + e.message + ": " + e.cause.Error()
	}
	return e.code + ": " + e.message
}

// Kind returns the error's kind.
func (e *Error) Kind() Kind { return e.kind }

// Code returns the stable code.
func (e *Error) Code() string { return e.code }

// Message returns the human-readable message, safe to show to clients.
func (e *Error) Message() string { return e.message }

// Fields returns field-level messages (field name -> problem), if any.
func (e *Error) Fields() map[string]string { return e.fields }

// RetryAfter is how long a client should wait before retrying (TooManyRequests, Unavailable).
func (e *Error) RetryAfter() time.Duration { return e.retryAfter }

// Unwrap exposes the cause for logging; the cause never reaches clients.
func (e *Error) Unwrap() error { return e.cause }

// Is matches any error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.code == e.code
	}
	return false
}

func (e *Error) clone() *Error {
	c := *e
	if e.fields != nil {
		c.fields = make(map[string]string, len(e.fields))
		for k, v := range e.fields {
			c.fields[k] = v
		}
	}
	return &c
}

// WithMessage returns a copy with a more specific message.
func (e *Error) WithMessage(msg string) *Error {
	c := e.clone()
	c.message = msg
	return c
}

// WithField returns a copy that names a field and what is wrong with it.
func (e *Error) WithField(field, problem string) *Error {
	c := e.clone()
	if c.fields == nil {
		c.fields = map[string]string{}
	}
	c.fields[field] = problem
	return c
}

// WithFields returns a copy carrying several field problems.
func (e *Error) WithFields(fields map[string]string) *Error {
	c := e.clone()
	if c.fields == nil {
		c.fields = map[string]string{}
	}
	for k, v := range fields {
		c.fields[k] = v
	}
	return c
}

// WithRetryAfter returns a copy that tells the client when to retry.
func (e *Error) WithRetryAfter(d time.Duration) *Error {
	c := e.clone()
	c.retryAfter = d
	return c
}

// Wrap returns a copy that records the underlying cause (for logs only).
func (e *Error) Wrap(cause error) *Error {
	c := e.clone()
	c.cause = cause
	return c
}

// As extracts an *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Fields collects field problems during validation and turns them into one error.
type Fields map[string]string

// Add records a problem with a field; the first problem per field wins.
func (f Fields) Add(field, problem string) {
	if _, ok := f[field]; !ok {
		f[field] = problem
	}
}

// Err returns base carrying the collected fields, or nil when there are none.
func (f Fields) Err(base *Error) error {
	if len(f) == 0 {
		return nil
	}
	return base.WithFields(f)
}

// Common errors shared by every context.
var (
	ErrValidation      = New(Unprocessable, "validation_failed", "the request has invalid fields")
	ErrBadRequest      = New(Invalid, "bad_request", "the request could not be read")
	ErrInternal        = New(Internal, "internal", "an internal error occurred")
	ErrNotFound        = New(NotFound, "not_found", "the resource does not exist")
	ErrUnauthenticated = New(Unauthenticated, "auth.unauthenticated", "authentication is required")
	ErrForbidden       = New(Forbidden, "auth.forbidden", "you are not allowed to do this")
)
