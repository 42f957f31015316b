package httpx

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

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

// MaxCursorLen bounds a cursor: the ones the server issues are a few hundred bytes at most.
const MaxCursorLen = 1024

// DecodeCursor reads a cursor made by EncodeCursor; an empty cursor leaves dst untouched and
// returns false. A cursor the server could not have issued (too long, not base64 of one JSON
// value, invalid UTF-8, or a NUL in any string, which Postgres text would refuse) is
// ErrBadCursor.
func DecodeCursor(s string, dst any) (bool, error) {
	if s == "" {
		return false, nil
	}
	if len(s) > MaxCursorLen {
		return false, ErrBadCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(b) {
		return false, ErrBadCursor
	}
	var generic any
	if json.Unmarshal(b, &generic) != nil || hasNUL(generic) || json.Unmarshal(b, dst) != nil {
		return false, ErrBadCursor
	}
	return true, nil
}

func hasNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.IndexByte(x, 0) >= 0
	case []any:
		for _, e := range x {
			if hasNUL(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if strings.IndexByte(k, 0) >= 0 || hasNUL(e) {
				return true
			}
		}
	}
	return false
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
