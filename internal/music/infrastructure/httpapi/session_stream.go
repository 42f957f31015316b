package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/storage"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

var errAccounting = errs.New(errs.Unavailable, "music.stream_accounting_unavailable", "what this session streamed could not be recorded; retry")

// streamSession serves a listen session's signed link (?sid=&max=&uid=&exp=&sig=). Unlike a
// plain link it is capped (a preview never serves a byte at or beyond max: ranges are
// clipped, a range starting past it is 416), refused to a bearer token of another user, and
// every range is counted on the session BEFORE its body goes out (what a short write did not
// deliver is taken back afterwards), so SessionStreamed covers whatever the client received.
func (h *Handler) streamSession(c echo.Context, id uuid.UUID, q domain.Quality) error {
	link, err := parseSessionLink(c, id, q)
	if err != nil {
		return err
	}
	if err := h.sessions.CheckSessionLink(link, c.QueryParam("sig")); err != nil {
		return err
	}
	if p, ok := httpx.PrincipalOf(c); ok && p.UserID != link.UserID {
		return domain.ErrForeignStreamLink
	}
	httpx.SetPrincipal(c, httpx.Principal{UserID: link.UserID, Permissions: []string{usercontracts.PermReadMusic}})
	ctx := ctxOf(c)
	target, err := h.app.AuthorizeStream(ctx, application.Viewer{UserID: link.UserID}, id, q)
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

	var content io.ReadSeeker = obj.Reader
	etag := `"` + target.Rendition.SHA256 + `"`
	if link.MaxBytes > 0 && link.MaxBytes < obj.Size {
		content = &cappedReader{r: obj.Reader, size: link.MaxBytes}
		etag = `"` + target.Rendition.SHA256 + "-" + strconv.FormatInt(link.MaxBytes, 10) + `"`
	}
	req := c.Request()
	oneRange(req)
	size := obj.Size
	if link.MaxBytes > 0 && link.MaxBytes < size {
		size = link.MaxBytes
	}
	if err := checkRange(req, size); err != nil {
		c.Response().Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		return err
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, target.Rendition.ContentType)
	hdr.Set("ETag", etag)
	hdr.Set("Accept-Ranges", "bytes")
	hdr.Set("Cache-Control", "private, no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")

	w := &sessionWriter{r: c.Response(), get: req.Method == http.MethodGet,
		serve: application.SessionServe{SessionID: link.SessionID, SongID: id, UserID: link.UserID}, ctx: ctx, sessions: h.sessions}
	http.ServeContent(w, req, "", obj.ModTime, content)
	if w.reserved && w.n < w.serve.End-w.serve.Start {
		if err := h.sessions.Return(context.WithoutCancel(ctx), w.serve, w.n); err != nil {
			return err // logged; the response is gone
		}
	}
	if w.failed {
		return nil
	}
	switch w.refused {
	case 0:
	case http.StatusRequestedRangeNotSatisfiable:
		hdr.Del(echo.HeaderContentType)
		return domain.ErrRangeUnsatisfiable
	case http.StatusPreconditionFailed:
		hdr.Del(echo.HeaderContentType)
		return domain.ErrPreconditionFailed
	default:
		hdr.Del(echo.HeaderContentType)
		return errs.ErrInternal
	}
	status := c.Response().Status
	if w.get && (status == http.StatusOK || status == http.StatusPartialContent) {
		h.metrics.StreamBytes.WithLabelValues(string(target.Rendition.Quality)).Add(float64(w.n))
		if w.serve.Start == 0 && w.n > 0 {
			h.metrics.StreamStarts.Inc()
		}
		h.app.RecordStream(ctx, domain.StreamRecord{SongID: id, UserID: link.UserID, SessionID: link.SessionID.String(),
			Quality: target.Rendition.Quality, RangeStart: w.serve.Start, BytesServed: w.n, Started: w.serve.Start == 0 && w.n > 0,
			LinkKey: "session:" + link.SessionID.String(), PlayThreshold: domain.PlayThresholdBytes(target.Rendition.Size, durationOf(target.Song))})
	}
	return nil
}

func parseSessionLink(c echo.Context, id uuid.UUID, q domain.Quality) (application.SessionLink, error) {
	uid, err1 := uuid.Parse(c.QueryParam("uid"))
	sid, err2 := uuid.Parse(c.QueryParam("sid"))
	exp, err3 := strconv.ParseInt(c.QueryParam("exp"), 10, 64)
	maxBytes, err4 := strconv.ParseInt(c.QueryParam("max"), 10, 64)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return application.SessionLink{}, domain.ErrBadSignature
	}
	return application.SessionLink{SongID: id, UserID: uid, Quality: q, SessionID: sid, MaxBytes: maxBytes, ExpiresAt: exp}, nil
}

// oneRange keeps the first range of a Range header: one range per request, so what is
// counted is what the body carries.
func oneRange(req *http.Request) {
	if r := req.Header.Get("Range"); strings.Contains(r, ",") {
		req.Header.Set("Range", r[:strings.IndexByte(r, ',')])
	}
}

// reserver counts a range on its session.
type reserver interface {
	Reserve(ctx context.Context, s application.SessionServe) error
}

// sessionWriter counts the range of a 200 or 206 on the session when the header goes out,
// before any body byte; if that fails, the request answers 503 and sends no audio. It counts
// the body bytes that leave and keeps the connection's ReadFrom (sendfile) reachable. It is
// self-contained (not the plain stream's writer) so the two can change apart.
type sessionWriter struct {
	r        *echo.Response
	n        int64
	get      bool
	ctx      context.Context
	sessions reserver
	serve    application.SessionServe
	reserved bool
	failed   bool
	// refused holds an error status of ServeContent (416, 412), whose plain-text body is
	// dropped so the handler answers it in the one error shape.
	refused int
}

func (w *sessionWriter) Header() http.Header { return w.r.Header() }

func (w *sessionWriter) WriteHeader(code int) {
	if code >= 400 {
		w.refused = code
		return
	}
	if !w.get || (code != http.StatusOK && code != http.StatusPartialContent) {
		w.r.WriteHeader(code)
		return
	}
	hdr := w.Header()
	start, end, ok := int64(0), int64(0), true
	if code == http.StatusPartialContent {
		start, end, ok = contentRange(hdr.Get("Content-Range"))
	} else {
		n, err := strconv.ParseInt(hdr.Get("Content-Length"), 10, 64)
		end, ok = n, err == nil
	}
	if ok {
		w.serve.Start, w.serve.End = start, end
		if err := w.sessions.Reserve(w.ctx, w.serve); err == nil {
			w.reserved = true
			w.r.WriteHeader(code)
			return
		}
	}
	w.failed = true
	for _, k := range []string{"Content-Range", "Content-Length", "ETag", "Accept-Ranges"} {
		hdr.Del(k)
	}
	hdr.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.r.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.r.Write([]byte(`{"error":{"code":"` + errAccounting.Code() + `","message":"` + errAccounting.Message() + `"}}`))
}

func (w *sessionWriter) Write(p []byte) (int, error) {
	if w.failed {
		return 0, errAccounting
	}
	if w.refused != 0 {
		return len(p), nil
	}
	n, err := w.r.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *sessionWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.failed {
		return 0, errAccounting
	}
	if !w.r.Committed {
		w.WriteHeader(http.StatusOK)
		if w.failed {
			return 0, errAccounting
		}
	}
	if rf, ok := w.r.Writer.(io.ReaderFrom); ok {
		n, err := rf.ReadFrom(src)
		w.r.Size += n
		w.n += n
		return n, err
	}
	return io.Copy(sessionBody{w}, src)
}

// sessionBody hides ReadFrom so io.Copy uses Write.
type sessionBody struct{ w *sessionWriter }

func (b sessionBody) Write(p []byte) (int, error) { return b.w.Write(p) }

// contentRange reads "bytes 100-199/1000" as [100, 200).
func contentRange(cr string) (int64, int64, bool) {
	cr, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return 0, 0, false
	}
	span, _, ok := strings.Cut(cr, "/")
	a, b, ok2 := strings.Cut(span, "-")
	if !ok || !ok2 {
		return 0, 0, false
	}
	start, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || last < start {
		return 0, 0, false
	}
	return start, last + 1, true
}

// cappedReader shows only the first size bytes of r: a preview's whole world, so that
// ServeContent clips ranges to it and answers 416 past it.
type cappedReader struct {
	r    io.ReadSeeker
	size int64
	pos  int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.pos >= c.size {
		return 0, io.EOF
	}
	if rest := c.size - c.pos; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.r.Read(p)
	c.pos += int64(n)
	return n, err
}

func (c *cappedReader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = c.pos + offset
	case io.SeekEnd:
		abs = c.size + offset
	default:
		return 0, errors.New("cappedReader: bad whence")
	}
	if abs < 0 {
		return 0, errors.New("cappedReader: negative position")
	}
	if _, err := c.r.Seek(min(abs, c.size), io.SeekStart); err != nil {
		return 0, err
	}
	c.pos = abs
	return abs, nil
}
