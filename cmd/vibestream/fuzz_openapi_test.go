package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// fuzzCase is one hostile request derived from an operation of the served OpenAPI document.
type fuzzCase struct {
	op          string // "METHOD /path/{template}"
	documented  func(status int) bool
	what        string
	method      string
	path        string // already escaped
	query       string
	body        []byte
	contentType string
	header      map[string]string
	token       string
	// over: the request exceeds a documented maxLength, so it must be refused (4xx).
	over bool
}

// The fuzzer walks every operation of the document the server serves (so operations added by
// any context are covered without touching this file) and sends, for each: a plausible request
// built from the schema, then that request with malformed JSON, wrong types, NUL and invalid
// UTF-8 and huge strings in every string field, odd amounts, bad path parameters, hostile query
// values and Idempotency-Keys, and no token. No response may be a 500, and every error must
// have the one shape {"error": {"code", "message"}}.
func TestFuzzEveryOpenAPIOperationAnswersWithoutA500AndInTheOneErrorShape(t *testing.T) {
	ta := newTestApp(t)
	_, admin := registerAdmin(t, ta)

	res, err := ta.srv.Client().Get(ta.srv.URL + "/api/v1/openapi.json")
	require.NoError(t, err)
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	require.NoError(t, err)

	var cases []fuzzCase
	ops := 0
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		item := doc.Paths.Value(p)
		methods := make([]string, 0)
		for m := range item.Operations() {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			ops++
			cases = append(cases, fuzzOperation(p, m, item, item.Operations()[m], admin)...)
		}
	}
	require.Greater(t, ops, 40, "the served document lists the operations")

	client := &http.Client{Timeout: 20 * time.Second}
	failures, over := 0, 0
	for _, c := range cases {
		if c.over {
			over++
		}
	}
	statuses := map[int]int{}
	observed := map[string]map[int]bool{}
	start := time.Now()
	for _, c := range cases {
		status, problem := sendFuzz(client, ta.srv.URL, c)
		statuses[status]++
		if status >= 400 {
			if observed[c.op] == nil {
				observed[c.op] = map[int]bool{}
			}
			observed[c.op][status] = true
			if problem == "" && status != http.StatusNotFound && status != http.StatusMethodNotAllowed && !c.documented(status) {
				problem = fmt.Sprintf("status %d is not documented for the operation", status)
			}
		}
		if problem != "" {
			failures++
			if failures <= 40 {
				t.Errorf("%s %.120s?%.120s [%s]: %s", c.method, c.path, c.query, c.what, problem)
			}
		}
	}
	if out := os.Getenv("FUZZ_STATUS_OUT"); out != "" {
		b, _ := json.MarshalIndent(observed, "", " ")
		require.NoError(t, os.WriteFile(out, b, 0o644))
	}
	t.Logf("%d operations, %d requests (%d over a documented maxLength) in %s; statuses %v", ops, len(cases), over, time.Since(start).Round(time.Millisecond), statuses)
	require.Greater(t, over, 10, "the documented length limits are exercised")
	require.Zero(t, failures, "requests answered with a 500 or outside the error shape")
}

func sendFuzz(client *http.Client, base string, c fuzzCase) (int, string) {
	u := base + c.path
	if c.query != "" {
		u += "?" + c.query
	}
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, u, body)
	if err != nil {
		return 0, "" // not expressible as an HTTP request at all
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header[k] = []string{v}
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, "transport error: " + err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode >= 500 && res.StatusCode != http.StatusServiceUnavailable {
		return res.StatusCode, fmt.Sprintf("status %d: %.300s", res.StatusCode, b)
	}
	if c.over && res.StatusCode < 400 {
		return res.StatusCode, fmt.Sprintf("status %d for a value over its documented maxLength", res.StatusCode)
	}
	if res.StatusCode < 400 || c.method == http.MethodHead {
		return res.StatusCode, ""
	}
	if p := errorShapeProblem(res.Header.Get("Content-Type"), b); p != "" {
		return res.StatusCode, fmt.Sprintf("status %d: %s: %.300s", res.StatusCode, p, b)
	}
	return res.StatusCode, ""
}

// errorShapeProblem says what is wrong with an error body, or "".
func errorShapeProblem(ct string, b []byte) string {
	if !strings.HasPrefix(ct, "application/json") {
		return "content type " + ct
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return "not a JSON object"
	}
	if len(top) != 1 || top["error"] == nil {
		return "not {\"error\": ...}"
	}
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(top["error"], &e); err != nil || e.Code == "" || e.Message == "" {
		return "error without code and message"
	}
	return ""
}

const fuzzMarker = "__fuzz_marker__"

// hostile string values, as raw JSON (invalid UTF-8 cannot be written by json.Marshal).
var hostileStrings = []struct{ what, raw string }{
	{"NUL", `"a\u0000b"`},
	{"invalid UTF-8", "\"a\xffb\""},
	{"cut multi-byte character", "\"caf\xc3\""},
	{"huge string", `"` + strings.Repeat("x", 200_000) + `"`},
	{"control characters", `"\u0001\u001f\u007f"`},
}

var hostileAmounts = []string{`"-1"`, `"0"`, `"1e309"`, `"0.0000000000001"`, `"NaN"`, `"99999999999999999999999999999999"`, `-1`, `1.5`, `1e400`, `""`}

var hostilePathValues = []string{"not-a-uuid", "%00", "a%00b", "%FF", "%C3", strings.Repeat("a", 3000), "..%2F..%2Fetc", "-1", "99999999999999999999", "00000000-0000-0000-0000-000000000000"}

func fuzzOperation(path, method string, item *openapi3.PathItem, op *openapi3.Operation, token string) []fuzzCase {
	params := append(openapi3.Parameters{}, item.Parameters...)
	params = append(params, op.Parameters...)
	pathVals := map[string]string{}
	var pathNames []string
	query := url.Values{}
	header := map[string]string{}
	for _, pr := range params {
		p := pr.Value
		if p == nil {
			continue
		}
		v := sampleParam(p)
		switch p.In {
		case openapi3.ParameterInPath:
			pathVals[p.Name] = url.PathEscape(v)
			pathNames = append(pathNames, p.Name)
		case openapi3.ParameterInQuery:
			if p.Required {
				query.Set(p.Name, v)
			}
		case openapi3.ParameterInHeader:
			header[p.Name] = v
		}
	}
	build := func(vals map[string]string) string {
		out := path
		for k, v := range vals {
			out = strings.ReplaceAll(out, "{"+k+"}", v)
		}
		return out
	}
	hdr := func(extra map[string]string) map[string]string {
		h := map[string]string{}
		for k, v := range header {
			h[k] = v
		}
		if _, ok := h["Idempotency-Key"]; ok {
			h["Idempotency-Key"] = uuid.NewString()
		}
		for k, v := range extra {
			h[http.CanonicalHeaderKey(k)] = v
		}
		return h
	}

	var bodyTemplate []byte // JSON with the marker at one leaf per variant
	var leaves []jsonLeaf
	contentType := ""
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			contentType = "application/json"
			v := sampleSchema(mt.Schema.Value, 0)
			bodyTemplate, _ = json.Marshal(v)
			collectLeaves(v, nil, mt.Schema.Value, &leaves)
		} else {
			for ct := range op.RequestBody.Value.Content {
				contentType = ct
				break
			}
		}
	}
	base := fuzzCase{method: method, path: build(pathVals), query: query.Encode(), contentType: contentType, token: token}
	if bodyTemplate != nil {
		base.body = bodyTemplate
	} else if contentType != "" {
		base.body = []byte("\x00\xff not what was asked for")
	}
	var out []fuzzCase
	documented := func(status int) bool {
		if op.Responses == nil {
			return false
		}
		code := strconv.Itoa(status)
		return op.Responses.Value(code) != nil || op.Responses.Value(code[:1]+"XX") != nil
	}
	add := func(c fuzzCase, what string) {
		c.op = method + " " + path
		c.documented = documented
		c.what = what
		c.header = hdr(c.header)
		out = append(out, c)
	}
	add(base, "plausible request")
	anon := base
	anon.token = ""
	add(anon, "no token")
	bad := base
	bad.token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."
	add(bad, "forged token")

	// path parameters
	for _, name := range pathNames {
		for _, hv := range hostilePathValues {
			vals := map[string]string{}
			for k, v := range pathVals {
				vals[k] = v
			}
			vals[name] = hv
			c := base
			c.path = build(vals)
			add(c, "path "+name+"="+hv[:min(len(hv), 20)])
		}
	}
	// query parameters
	for _, pr := range params {
		p := pr.Value
		if p == nil || p.In != openapi3.ParameterInQuery {
			continue
		}
		hostile := []string{"%00", "a%00b", "%FF", "caf%C3", strings.Repeat("q", 20_000), "-1", "x", "99999999999999999999", "%"}
		if p.Name == "cursor" {
			// well-formed base64 around JSON the server never issued
			for _, j := range []string{`{"t":"a\u0000b","i":"a\u0000b","s":"x","c":1}`, `{"t":"10000-01-01T00:00:00Z"}`, `[]`, `null`,
				`{"i":"00000000-0000-0000-0000-000000000000","t":"0001-01-01T00:00:00Z","s":1e308}`, "{\"t\":\"\xff\"}"} {
				hostile = append(hostile, base64.RawURLEncoding.EncodeToString([]byte(j)))
			}
		}
		for _, hv := range hostile {
			q := query.Encode()
			if q != "" {
				q += "&"
			}
			c := base
			c.query = q + url.QueryEscape(p.Name) + "=" + hv
			add(c, "query "+p.Name+"="+hv[:min(len(hv), 20)])
		}
	}
	// headers
	for name := range header {
		for _, hv := range []string{"k\xff", strings.Repeat("k", 300), "caf\xc3"} {
			c := base
			c.header = map[string]string{name: hv}
			add(c, "header "+name)
		}
	}
	// the body
	if contentType == "application/json" {
		for _, b := range []string{`{`, `[]`, `null`, `"x"`, `{"a":`, "\xff\xfe", `{"` + strings.Repeat("k", 100) + `":1}`, strings.Repeat("[", 10_000)} {
			c := base
			c.body = []byte(b)
			add(c, "body "+b[:min(len(b), 12)])
		}
		c := base
		c.body = nil
		add(c, "no body")
		c = base
		c.contentType = "text/plain"
		add(c, "text/plain body")
		for _, lf := range leaves {
			marked := lf.mark(bodyTemplate)
			if marked == nil {
				continue
			}
			var variants []struct{ what, raw string }
			switch lf.kind {
			case "string":
				variants = append(variants, hostileStrings...)
				variants = append(variants, struct{ what, raw string }{"wrong type", `12345`}, struct{ what, raw string }{"object", `{"a":1}`})
				if strings.Contains(strings.ToLower(lf.name), "amount") || strings.Contains(strings.ToLower(lf.name), "price") {
					for _, a := range hostileAmounts {
						variants = append(variants, struct{ what, raw string }{"amount " + a, a})
					}
				}
			case "integer", "number":
				for _, a := range hostileAmounts {
					variants = append(variants, struct{ what, raw string }{"number " + a, a})
				}
				variants = append(variants, struct{ what, raw string }{"wrong type", `"x"`})
			case "boolean":
				variants = append(variants, struct{ what, raw string }{"wrong type", `"true"`}, struct{ what, raw string }{"null", `null`})
			}
			for _, v := range variants {
				c := base
				c.body = bytes.Replace(marked, []byte(`"`+fuzzMarker+`"`), []byte(v.raw), 1)
				add(c, lf.name+": "+v.what)
			}
			if lf.maxLength > 0 {
				c := base
				c.body = bytes.Replace(marked, []byte(`"`+fuzzMarker+`"`), []byte(`"`+strings.Repeat("a", lf.maxLength+1)+`"`), 1)
				c.over = true
				add(c, lf.name+": one character over maxLength")
			}
		}
	}
	return out
}

func sampleParam(p *openapi3.Parameter) string {
	if p.Schema == nil || p.Schema.Value == nil {
		return "x"
	}
	v := sampleSchema(p.Schema.Value, 0)
	switch x := v.(type) {
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// sampleSchema makes a plausible value for a schema: every property, enum's first value, the
// format's usual shape.
func sampleSchema(s *openapi3.Schema, depth int) any {
	if s == nil || depth > 6 {
		return nil
	}
	if len(s.AllOf) > 0 {
		merged := map[string]any{}
		for _, sub := range s.AllOf {
			if m, ok := sampleSchema(sub.Value, depth+1).(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			}
		}
		return merged
	}
	for _, alt := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf} {
		if len(alt) > 0 {
			return sampleSchema(alt[0].Value, depth+1)
		}
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	if s.Example != nil {
		return s.Example
	}
	switch {
	case s.Type.Is("object") || len(s.Properties) > 0:
		m := map[string]any{}
		for k, p := range s.Properties {
			if p.Value != nil && p.Value.ReadOnly {
				continue
			}
			m[k] = sampleSchema(p.Value, depth+1)
		}
		return m
	case s.Type.Is("array"):
		if s.Items == nil {
			return []any{}
		}
		return []any{sampleSchema(s.Items.Value, depth+1)}
	case s.Type.Is("integer"):
		if s.Min != nil {
			return int64(*s.Min)
		}
		return 1
	case s.Type.Is("number"):
		return 1.5
	case s.Type.Is("boolean"):
		return true
	}
	switch s.Format {
	case "uuid":
		return uuid.NewString()
	case "email":
		return "fuzz" + uuid.NewString()[:8] + "@example.com"
	case "date":
		return "2000-01-01"
	case "date-time":
		return "2030-01-01T00:00:00Z"
	case "uri", "url":
		return "https://example.com/x"
	}
	return "fuzz_" + uuid.NewString()[:8]
}

// jsonLeaf is one scalar field of a sample body.
type jsonLeaf struct {
	path      []any // keys and indexes
	name      string
	kind      string
	maxLength int // documented, 0 when none
}

// mark returns the template with this leaf replaced by the marker string.
func (l jsonLeaf) mark(template []byte) []byte {
	var v any
	if json.Unmarshal(template, &v) != nil {
		return nil
	}
	v = setAt(v, l.path)
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

func setAt(v any, path []any) any {
	if len(path) == 0 {
		return fuzzMarker
	}
	switch x := v.(type) {
	case map[string]any:
		k := path[0].(string)
		x[k] = setAt(x[k], path[1:])
		return x
	case []any:
		i := path[0].(int)
		x[i] = setAt(x[i], path[1:])
		return x
	}
	return v
}

func collectLeaves(v any, path []any, s *openapi3.Schema, out *[]jsonLeaf) {
	name := func() string {
		parts := make([]string, len(path))
		for i, p := range path {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, ".")
	}
	cp := func(extra any) []any { return append(append([]any{}, path...), extra) }
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			collectLeaves(x[k], cp(k), propertyOf(s, k), out)
		}
	case []any:
		var items *openapi3.Schema
		if s != nil && s.Items != nil {
			items = s.Items.Value
		}
		for i, e := range x {
			collectLeaves(e, cp(i), items, out)
		}
	case string:
		lf := jsonLeaf{path: path, name: name(), kind: "string"}
		if s != nil && s.MaxLength != nil && len(s.Enum) == 0 && s.Pattern == "" {
			lf.maxLength = int(*s.MaxLength)
		}
		*out = append(*out, lf)
	case bool:
		*out = append(*out, jsonLeaf{path: path, name: name(), kind: "boolean"})
	case float64, int, int64:
		*out = append(*out, jsonLeaf{path: path, name: name(), kind: "number"})
	}
}

// propertyOf finds a property's schema, through allOf.
func propertyOf(s *openapi3.Schema, k string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if p, ok := s.Properties[k]; ok && p.Value != nil {
		return p.Value
	}
	for _, sub := range s.AllOf {
		if p := propertyOf(sub.Value, k); p != nil {
			return p
		}
	}
	return nil
}
