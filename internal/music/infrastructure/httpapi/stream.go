package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/storage"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// stream serves GET and HEAD /music/stream/:id with byte ranges and conditional requests,
// authorised by a bearer token (read:music) or a signed link (?uid=&exp=&sig=). From the local
// store the file goes out with sendfile.
func (h *Handler) stream(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	q, err := domain.ParseQuality(c.QueryParam("quality"))
	if err != nil {
		return err
	}
	if c.QueryParam("sid") != "" {
		return h.streamSession(c, id, q)
	}
	v, err := h.streamViewer(c, id, q)
	if err != nil {
		return err
	}
	ctx := ctxOf(c)
	target, err := h.app.AuthorizeStream(ctx, v, id, q)
	if err != nil {
		return err
	}
	obj, err := h.store.Open(ctx, target.Rendition.Key)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return domain.ErrRenditionMissing.Wrap(err)
		}
		return err
	}
	defer obj.Close()

	req := c.Request()
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, target.Rendition.ContentType)
	hdr.Set("ETag", `"`+target.Rendition.SHA256+`"`)
	hdr.Set("Accept-Ranges", "bytes")
	hdr.Set("Cache-Control", "private, max-age=3600")
	hdr.Set("X-Content-Type-Options", "nosniff")

	if err := checkRange(req, obj.Size); err != nil {
		hdr.Del(echo.HeaderContentType)
		hdr.Set("Content-Range", "bytes */"+strconv.FormatInt(obj.Size, 10))
		return err
	}
	w := &countingWriter{r: c.Response()}
	if !serveSimple(w, req, obj.Reader, obj.Size, obj.ModTime) {
		http.ServeContent(w, req, "", obj.ModTime, obj.Reader)
	}
	if w.failed != 0 {
		hdr.Del(echo.HeaderContentType)
		if w.failed == http.StatusRequestedRangeNotSatisfiable {
			return domain.ErrRangeUnsatisfiable
		}
		if w.failed == http.StatusPreconditionFailed {
			return domain.ErrPreconditionFailed
		}
		return errs.ErrInternal
	}

	status := c.Response().Status
	if req.Method == http.MethodGet && (status == http.StatusOK || status == http.StatusPartialContent) {
		start := int64(0)
		if status == http.StatusPartialContent {
			start = rangeStart(hdr.Get("Content-Range"))
		}
		h.metrics.StreamBytes.WithLabelValues(string(target.Rendition.Quality)).Add(float64(w.n))
		if start == 0 && w.n > 0 {
			h.metrics.StreamStarts.Inc()
		}
		sess := session(c)
		h.app.RecordStream(ctx, domain.StreamRecord{SongID: id, UserID: v.UserID, SessionID: sess, Quality: target.Rendition.Quality,
			RangeStart: start, BytesServed: w.n, Started: start == 0 && w.n > 0, LinkKey: linkKey(c, q, sess),
			PlayThreshold: domain.PlayThresholdBytes(target.Rendition.Size, durationOf(target.Song))})
	}
	return nil
}

// streamViewer authenticates the request: a signed link wins over (and needs no) token.
func (h *Handler) streamViewer(c echo.Context, id uuid.UUID, q domain.Quality) (application.Viewer, error) {
	if sig := c.QueryParam("sig"); sig != "" {
		uid, exp, err := parseStreamLink(c)
		if err != nil {
			return application.Viewer{}, err
		}
		if err := h.app.CheckStreamLink(id, uid, q, exp, sig); err != nil {
			return application.Viewer{}, err
		}
		httpx.SetPrincipal(c, httpx.Principal{UserID: uid, Permissions: []string{usercontracts.PermReadMusic}})
		return application.Viewer{UserID: uid}, nil
	}
	p, ok := httpx.PrincipalOf(c)
	if !ok {
		return application.Viewer{}, errs.ErrUnauthenticated.WithMessage("send a bearer token or use a signed stream link")
	}
	if !p.Has(usercontracts.PermReadMusic) {
		return application.Viewer{}, errs.ErrForbidden.WithMessage("this needs the permission " + usercontracts.PermReadMusic)
	}
	return application.Viewer{UserID: p.UserID}, nil
}

// parseStreamLink reads a plain signed link's user and expiry (?uid=&exp=).
func parseStreamLink(c echo.Context) (uuid.UUID, int64, error) {
	uid, err1 := uuid.Parse(c.QueryParam("uid"))
	exp, err2 := strconv.ParseInt(c.QueryParam("exp"), 10, 64)
	if err1 != nil || err2 != nil {
		return uuid.Nil, 0, domain.ErrBadSignature
	}
	return uid, exp, nil
}

// linkKey names the stream link a request belongs to, for play counting: a signed link by its
// signature, a bearer request by its quality and session label.
func linkKey(c echo.Context, q domain.Quality, session string) string {
	h := sha256.New()
	if sig := c.QueryParam("sig"); sig != "" {
		h.Write([]byte("sig\x00" + sig))
	} else {
		h.Write([]byte("bearer\x00" + string(q) + "\x00" + session))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func durationOf(s *domain.Song) int {
	if d := s.DurationMS(); d != nil {
		return *d
	}
	return 0
}

func session(c echo.Context) string { return domain.NormalizeSessionID(c.QueryParam("session")) }

// rangeStart reads the first byte of "bytes 100-199/1000".
func rangeStart(cr string) int64 {
	cr = strings.TrimPrefix(cr, "bytes ")
	i := strings.IndexByte(cr, '-')
	if i <= 0 {
		return 0
	}
	n, _ := strconv.ParseInt(cr[:i], 10, 64)
	return n
}

// serveSimple answers what players send almost always (no Range, or one "bytes=N-" or
// "bytes=N-M" range that starts inside the file, and no conditional header) exactly as
// http.ServeContent would, without its size probing seeks, its multi-range and conditional
// machinery and their allocations: one seek, then io.CopyN, which reaches sendfile through
// the countingWriter. Anything else returns false, untouched, for ServeContent to answer.
func serveSimple(w *countingWriter, req *http.Request, content io.ReadSeeker, size int64, modtime time.Time) bool {
	h := req.Header
	if len(h["If-Match"]) > 0 || len(h["If-None-Match"]) > 0 || len(h["If-Modified-Since"]) > 0 ||
		len(h["If-Unmodified-Since"]) > 0 || len(h["If-Range"]) > 0 {
		return false
	}
	code, start, n := http.StatusOK, int64(0), size
	if rv := h["Range"]; len(rv) > 0 {
		if len(rv) > 1 {
			return false
		}
		first, last, ok := simpleRange(rv[0])
		if !ok || first >= size {
			return false
		}
		if last < 0 || last >= size {
			last = size - 1
		}
		code, start, n = http.StatusPartialContent, first, last-first+1
	}
	if start > 0 {
		if _, err := content.Seek(start, io.SeekStart); err != nil {
			return false
		}
	}
	hdr := w.Header()
	if !modtime.IsZero() && !modtime.Equal(time.Unix(0, 0)) {
		hdr.Set("Last-Modified", modtime.UTC().Format(http.TimeFormat))
	}
	if code == http.StatusPartialContent {
		hdr.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(start+n-1, 10)+"/"+strconv.FormatInt(size, 10))
	}
	hdr.Set("Accept-Ranges", "bytes")
	hdr.Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(code)
	if req.Method != http.MethodHead && n > 0 {
		_, _ = io.CopyN(w, content, n)
	}
	return true
}

// simpleRange reads "bytes=N-" (last -1) and "bytes=N-M" (N <= M), digits only; anything else
// (suffixes, lists, spaces, other units) is not simple.
func simpleRange(v string) (first, last int64, ok bool) {
	spec, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return 0, 0, false
	}
	i := strings.IndexByte(spec, '-')
	if i <= 0 || i > 18 || len(spec)-i-1 > 18 {
		return 0, 0, false
	}
	first, ok = digits(spec[:i])
	if !ok {
		return 0, 0, false
	}
	if i == len(spec)-1 {
		return first, -1, true
	}
	last, ok = digits(spec[i+1:])
	if !ok || last < first {
		return 0, 0, false
	}
	return first, last, true
}

func digits(s string) (int64, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, len(s) > 0
}

// MaxRanges bounds the ranges of one request; past it the Range header is ignored and the whole
// file is sent (as nginx's max_ranges does), so 1,000 one-byte ranges cannot inflate the answer.
const MaxRanges = 8

// checkRange refuses what http.ServeContent would wrongly accept (a zero-length suffix
// "bytes=-0" answered 206 with nothing) and drops a Range header with too many ranges, or on
// an empty file.
func checkRange(req *http.Request, size int64) error {
	h := req.Header.Get("Range")
	if h == "" {
		return nil
	}
	if size == 0 {
		// ServeContent would answer "bytes 0--1/0" to a suffix range of an empty file
		req.Header.Del("Range")
		return nil
	}
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return nil // ServeContent refuses other units with 416, mapped below
	}
	parts := strings.Split(spec, ",")
	if len(parts) > MaxRanges {
		req.Header.Del("Range")
		return nil
	}
	for _, p := range parts {
		// as ServeContent reads a suffix: "-0", "-00", "- 0" and "-+0" all select nothing
		// (found by FuzzStreamRange)
		if rest, ok := strings.CutPrefix(strings.TrimSpace(p), "-"); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64); err == nil && n == 0 {
				return domain.ErrRangeUnsatisfiable.WithMessage("a suffix range of zero bytes selects nothing")
			}
		}
	}
	return nil
}

// countingWriter counts the body bytes that leave, and keeps the connection's ReadFrom (and so
// sendfile) reachable through echo's response.
// An error status from ServeContent (416, 412) is held back, with its plain-text body, so the
// handler answers it in the one error shape.
type countingWriter struct {
	r      *echo.Response
	n      int64
	failed int
}

func (w *countingWriter) Header() http.Header { return w.r.Header() }

func (w *countingWriter) WriteHeader(code int) {
	if code >= 400 {
		w.failed = code
		return
	}
	w.r.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.failed != 0 {
		return len(p), nil
	}
	n, err := w.r.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *countingWriter) ReadFrom(src io.Reader) (int64, error) {
	if !w.r.Committed {
		w.r.WriteHeader(http.StatusOK)
	}
	if rf, ok := w.r.Writer.(io.ReaderFrom); ok {
		n, err := rf.ReadFrom(src)
		w.r.Size += n
		w.n += n
		return n, err
	}
	return io.Copy(writerOnly{w}, src)
}

type writerOnly struct{ io.Writer }
