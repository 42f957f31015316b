package httpx

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// ErrBadCursor is returned for a cursor the server did not issue.
var ErrBadCursor = errs.New(errs.Invalid, "http.invalid_cursor", "the cursor is not valid")

// EncodeCursor turns a position into an opaque cursor.
func EncodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor made by EncodeCursor; an empty cursor leaves dst untouched and
// returns false.
func DecodeCursor(s string, dst any) (bool, error) {
	if s == "" {
		return false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, dst) != nil {
		return false, ErrBadCursor
	}
	return true, nil
}

// Limit reads ?limit= with a default and a maximum.
func Limit(c echo.Context, def, max int) (int, error) {
	s := c.QueryParam("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, errs.ErrValidation.WithField("limit", "must be an integer between 1 and "+strconv.Itoa(max))
	}
	return n, nil
}

// Page is the shape of every paginated list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}
