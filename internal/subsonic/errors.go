package subsonic

import (
	"context"
	"errors"
	"log/slog"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// The Subsonic error codes (and the OpenSubsonic ones for API keys).
const (
	CodeGeneric        = 0
	CodeMissingParam   = 10
	CodeClientTooOld   = 20
	CodeServerTooOld   = 30
	CodeWrongAuth      = 40
	CodeTokenNotForUs  = 41
	CodeAuthMechanism  = 42
	CodeConflictingAut = 43
	CodeInvalidAPIKey  = 44
	CodeNotAuthorized  = 50
	CodeTrialOver      = 60
	CodeNotFound       = 70
)

// apiError is a Subsonic error answer.
type apiError struct {
	code int
	msg  string
}

func (e *apiError) Error() string { return e.msg }

func fail(code int, msg string) *apiError { return &apiError{code: code, msg: msg} }

func missing(name string) *apiError {
	return fail(CodeMissingParam, "Required parameter is missing: "+name)
}

// errorOf turns any error into the Subsonic error a client understands, never leaking
// driver text: kinds map onto the codes, anything unexpected is a logged generic error.
func errorOf(ctx context.Context, logger *slog.Logger, err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	e, ok := errs.As(err)
	if !ok {
		logger.ErrorContext(ctx, "subsonic request failed", "error", err)
		return fail(CodeGeneric, "internal error")
	}
	switch e.Kind() {
	case errs.NotFound, errs.Gone:
		return fail(CodeNotFound, e.Message())
	case errs.Forbidden:
		return fail(CodeNotAuthorized, e.Message())
	case errs.Unauthenticated:
		return fail(CodeWrongAuth, e.Message())
	case errs.Invalid, errs.Unprocessable:
		return fail(CodeMissingParam, e.Message())
	case errs.Internal:
		logger.ErrorContext(ctx, "subsonic request failed", "error", err)
		return fail(CodeGeneric, "internal error")
	}
	return fail(CodeGeneric, e.Message())
}
