package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// Text errors: what Postgres (and most clients) cannot store or show never gets past the edge.
var (
	ErrInvalidText   = errs.New(errs.Unprocessable, "http.invalid_text", "text must be valid UTF-8 without NUL characters")
	ErrInvalidHeader = errs.New(errs.Invalid, "http.invalid_header", "a header value is not valid text")
	ErrTextTooLong   = errs.New(errs.Unprocessable, "http.text_too_long", "a text value is longer than any field allows")
)

// Ceilings that hold whatever the field: each field documents (and its domain enforces) its own,
// smaller limit; these only keep an unlimited field from storing megabytes.
const (
	MaxJSONStringChars = 10_000
	MaxQueryValueBytes = 2048
)

// checkedHeaders are the headers whose values the application keeps or echoes; their values
// must be valid UTF-8 (Go's server already refuses control characters in any header).
var checkedHeaders = []string{HeaderIdempotencyKey}

const (
	problemNUL  = "must not contain a NUL character"
	problemUTF8 = "must be valid UTF-8"
)

func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return problemUTF8
	case strings.IndexByte(s, 0) >= 0:
		return problemNUL
	}
	return ""
}

// ValidText rejects, before any handler runs, a request carrying a NUL character or invalid
// UTF-8 in its path (422), its query parameters (422), a JSON body's keys or string values
// (422, every offending field named by its JSON path) or the headers the application keeps
// (400). Request bodies that are not JSON (uploads) are left to their handlers.
func ValidText() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if _, own := ownTextRoutes.Load(r.Method + " " + c.Path()); own {
				return next(c)
			}
			if p := textProblem(r.URL.Path); p != "" {
				return ErrInvalidText.WithField("path", p)
			}
			fields := errs.Fields{}
			long := errs.Fields{}
			query, err := parseQuery(r.URL.RawQuery)
			if err != nil {
				return ErrInvalidText.WithMessage("the query string is not valid percent-encoding")
			}
			for k, vs := range query {
				if p := textProblem(k); p != "" {
					fields.Add("query", p)
					continue
				}
				for _, v := range vs {
					if p := textProblem(v); p != "" {
						fields.Add(k, p)
					} else if len(v) > MaxQueryValueBytes {
						long.Add(k, "must be at most "+strconv.Itoa(MaxQueryValueBytes)+" bytes")
					}
				}
			}
			if len(fields) > 0 {
				return fields.Err(ErrInvalidText)
			}
			if len(long) > 0 {
				return long.Err(ErrTextTooLong)
			}
			for _, h := range checkedHeaders {
				for _, v := range r.Header.Values(h) {
					if p := textProblem(v); p != "" {
						return ErrInvalidHeader.WithMessage("the " + h + " header " + p)
					}
				}
			}
			if r.Body != nil && r.Body != http.NoBody && isJSON(r.Header.Get(echo.HeaderContentType)) {
				if _, large := largeBodyRoutes.Load(r.Method + " " + c.Path()); !large {
					body, err := io.ReadAll(r.Body)
					if err != nil {
						var tooLarge *http.MaxBytesError
						if errors.As(err, &tooLarge) {
							return ErrBodyTooLarge
						}
						return errs.ErrBadRequest.WithMessage("the request body could not be read")
					}
					r.Body = io.NopCloser(bytes.NewReader(body))
					if err := checkJSONText(body); err != nil {
						return err
					}
				}
			}
			return next(c)
		}
	}
}

// parseQuery splits a raw query like url.ParseQuery, but keeps undecodable values as errors
// instead of dropping them silently.
func parseQuery(raw string) (map[string][]string, error) {
	out := map[string][]string{}
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, err1 := unescapeQuery(k)
		v, err2 := unescapeQuery(v)
		if err1 != nil || err2 != nil {
			return nil, errors.New("bad escape")
		}
		out[k] = append(out[k], v)
	}
	return out, nil
}

func unescapeQuery(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil // nothing escaped (a signed stream link's parameters): no copy
	}
	s = strings.ReplaceAll(s, "+", " ")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errors.New("bad escape")
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", err
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), nil
}

func isJSON(ct string) bool {
	if ct == "" {
		return true // Bind treats a missing content type as JSON
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == echo.MIMEApplicationJSON || strings.HasSuffix(mt, "+json"))
}

// checkJSONText walks a JSON body's strings. Raw invalid UTF-8 anywhere is refused; so is a
// NUL (written \u0000) in any key or string value. A body that is not valid JSON is left for
// Bind to refuse with 400.
func checkJSONText(body []byte) error {
	if !utf8.Valid(body) {
		return ErrInvalidText.WithMessage("the request body is not valid UTF-8")
	}
	if !bytes.Contains(body, []byte(`\u0000`)) && len(body) <= MaxJSONStringChars {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	fields, long := errs.Fields{}, errs.Fields{}
	walkJSON(v, "", func(path string, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			fields.Add(path, problemNUL)
		} else if utf8.RuneCountInString(s) > MaxJSONStringChars {
			long.Add(path, "must be at most "+strconv.Itoa(MaxJSONStringChars)+" characters")
		}
	})
	if len(fields) > 0 {
		return fields.Err(ErrInvalidText)
	}
	if len(long) > 0 {
		return long.Err(ErrTextTooLong)
	}
	return nil
}

// walkJSON calls check with every string of v (keys included) and its JSON path.
func walkJSON(v any, path string, check func(path, s string)) {
	name := func(p string) string {
		if p == "" {
			return "body"
		}
		return p
	}
	switch x := v.(type) {
	case string:
		check(name(path), x)
	case []any:
		for i, e := range x {
			walkJSON(e, path+"["+strconv.Itoa(i)+"]", check)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			check(name(path), k)
			walkJSON(x[k], p, check)
		}
	}
}
