package httpapi

import (
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

	w := &countingWriter{r: c.Response()}
	http.ServeContent(w, req, "", obj.ModTime, obj.Reader)

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
		h.app.RecordStream(ctx, domain.StreamRecord{SongID: id, UserID: v.UserID, SessionID: session(c), Quality: target.Rendition.Quality,
			RangeStart: start, BytesServed: w.n, Started: start == 0 && w.n > 0})
	}
	return nil
}

// streamViewer authenticates the request: a signed link wins over (and needs no) token.
func (h *Handler) streamViewer(c echo.Context, id uuid.UUID, q domain.Quality) (application.Viewer, error) {
	if sig := c.QueryParam("sig"); sig != "" {
		uid, err := uuid.Parse(c.QueryParam("uid"))
		if err != nil {
			return application.Viewer{}, domain.ErrBadSignature
		}
		exp, err := strconv.ParseInt(c.QueryParam("exp"), 10, 64)
		if err != nil {
			return application.Viewer{}, domain.ErrBadSignature
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

func session(c echo.Context) string {
	s := c.QueryParam("session")
	if len(s) > 128 {
		s = s[:128]
	}
	return s
}

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

// countingWriter counts the body bytes that leave, and keeps the connection's ReadFrom (and so
// sendfile) reachable through echo's response.
type countingWriter struct {
	r *echo.Response
	n int64
}

func (w *countingWriter) Header() http.Header  { return w.r.Header() }
func (w *countingWriter) WriteHeader(code int) { w.r.WriteHeader(code) }

func (w *countingWriter) Write(p []byte) (int, error) {
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
