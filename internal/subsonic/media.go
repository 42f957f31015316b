package subsonic

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	listencontracts "github.com/vibestream/vibestream/internal/listenreward/contracts"
)

// qualityFor maps stream's maxBitRate and format onto our renditions: format=raw asks for the
// uploaded original; a cap at or under 128 kbps picks "low"; anything else the default
// ("high"). We do not transcode on the fly, so other formats get the default mp3.
func qualityFor(c echo.Context) (string, error) {
	if strings.EqualFold(param(c, "format"), "raw") {
		return "original", nil
	}
	br, err := intParam(c, "maxBitRate", 0, 0, 1<<20)
	if err != nil {
		return "", err
	}
	if br > 0 && br <= 128 {
		return "low", nil
	}
	return "", nil
}

// stream continues (or opens) the listener's listen session of the song and serves the bytes
// through the session's own link, so they are counted like any session stream; Range and
// conditional requests are honoured by the music context's handler.
func (api *API) stream(c echo.Context, a *call) (*Response, error) {
	id, err := requiredID(c, "id", "")
	if err != nil {
		return nil, err
	}
	q, err := qualityFor(c)
	if err != nil {
		return nil, err
	}
	// Only what the library shows can be streamed (an unpublished song is not found, even
	// to its artist: players browse the public catalog).
	if _, err := api.d.Library.Track(a.ctx, a.account.UserID, id); err != nil {
		return nil, err
	}
	s, err := api.d.Plays.Play(a.ctx, listencontracts.PlayRequest{ListenerID: a.account.UserID, SongID: id, Quality: q, ClientIP: c.RealIP()})
	if err != nil {
		return nil, err
	}
	if s.StreamURL == "" || s.Status != "active" {
		return nil, fail(CodeGeneric, "the listen could not start: "+strings.Join(s.Reasons, ", "))
	}
	c.Response().Header().Set("X-Listen-Session", s.ID.String())
	return nil, api.replay(c, s.StreamURL)
}

// download serves the uploaded original of the caller's own song only (artists fetching
// their masters); everyone else streams.
func (api *API) download(c echo.Context, a *call) (*Response, error) {
	id, err := requiredID(c, "id", "")
	if err != nil {
		return nil, err
	}
	link, err := api.d.Library.OriginalLink(a.ctx, a.account.UserID, id)
	if err != nil {
		return nil, err
	}
	return nil, api.replay(c, link)
}

// replay serves link (a signed path) in-process with the player's method, Range and
// conditional headers. A JSON error the link answers becomes a Subsonic error (but a 416
// stays an HTTP 416: players seeking past the end expect it).
func (api *API) replay(c echo.Context, link string) error {
	orig := c.Request()
	req, err := http.NewRequestWithContext(orig.Context(), http.MethodGet, link, http.NoBody)
	if err != nil {
		return err
	}
	if orig.Method == http.MethodHead {
		req.Method = http.MethodHead
	}
	for _, h := range []string{"Range", "If-Range", "If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since"} {
		if v := orig.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	// as a server request: the handler chain expects a body and the request line
	req.RemoteAddr, req.Host, req.RequestURI, req.Proto = orig.RemoteAddr, orig.Host, link, orig.Proto
	w := &replayWriter{w: c.Response(), hdr: http.Header{}}
	api.d.Media.ServeHTTP(w, req)
	if w.errBody != nil {
		var e struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		_ = jsonUnmarshal(w.errBody.Bytes(), &e)
		code := CodeGeneric
		switch w.status {
		case http.StatusNotFound, http.StatusGone:
			code = CodeNotFound
		case http.StatusForbidden, http.StatusUnauthorized:
			code = CodeNotAuthorized
		}
		msg := e.Error.Message
		if msg == "" {
			msg = http.StatusText(w.status)
		}
		return api.writeError(c, fail(code, msg))
	}
	return nil
}

// replayWriter forwards a successful (or 304/416) answer to the player and keeps an error
// answer aside so that it can be turned into a Subsonic error.
type replayWriter struct {
	w       *echo.Response
	hdr     http.Header
	status  int
	errBody *bytes.Buffer
}

func (r *replayWriter) Header() http.Header { return r.hdr }

func (r *replayWriter) WriteHeader(code int) {
	if r.status != 0 {
		return
	}
	r.status = code
	if code >= 400 && code != http.StatusRequestedRangeNotSatisfiable {
		r.errBody = &bytes.Buffer{}
		return
	}
	dst := r.w.Header()
	for k, v := range r.hdr {
		dst[k] = v
	}
	r.w.WriteHeader(code)
}

func (r *replayWriter) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	if r.errBody != nil {
		if r.errBody.Len() < 64<<10 {
			r.errBody.Write(p)
		}
		return len(p), nil
	}
	return r.w.Write(p)
}

// ReadFrom keeps sendfile reachable for the audio body.
func (r *replayWriter) ReadFrom(src io.Reader) (int64, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	if r.errBody != nil {
		return io.Copy(r.errBody, io.LimitReader(src, 64<<10))
	}
	if rf, ok := r.w.Writer.(io.ReaderFrom); ok {
		n, err := rf.ReadFrom(src)
		r.w.Size += n
		return n, err
	}
	return io.Copy(struct{ io.Writer }{r.w}, src)
}

// getCoverArt redirects to an album's artwork when its artist set one (cover_url), and
// otherwise answers a generated placeholder (a two-colour gradient derived from the id): the
// catalog stores no image files. Unknown id shapes are not found.
func (api *API) getCoverArt(c echo.Context, a *call) (*Response, error) {
	raw := param(c, "id")
	if raw == "" {
		return nil, missing("id")
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(raw, albumPrefix), artistPrefix)
	id, err := uuid.Parse(rest)
	if err != nil {
		return nil, fail(CodeNotFound, "Cover art not found")
	}
	if strings.HasPrefix(raw, albumPrefix) {
		if al, _, err := api.d.Library.Album(a.ctx, a.account.UserID, id); err == nil && al.CoverURL != "" {
			c.Response().Header().Set("Cache-Control", "public, max-age=3600")
			return nil, c.Redirect(http.StatusFound, al.CoverURL)
		}
	}
	size, err := intParam(c, "size", 300, 16, 600)
	if err != nil {
		return nil, err
	}
	body, err := placeholder(raw, size)
	if err != nil {
		return nil, err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return nil, c.Blob(http.StatusOK, "image/png", body)
}

func placeholder(id string, size int) ([]byte, error) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	v := h.Sum64()
	c1 := color.RGBA{R: uint8(v), G: uint8(v >> 8), B: uint8(v >> 16), A: 255}
	c2 := color.RGBA{R: uint8(v >> 24), G: uint8(v >> 32), B: uint8(v >> 40), A: 255}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			t := (x + y) * 255 / (2 * size)
			mix := func(a, b uint8) uint8 { return uint8((int(a)*(255-t) + int(b)*t) / 255) }
			img.SetRGBA(x, y, color.RGBA{R: mix(c1.R, c2.R), G: mix(c1.G, c2.G), B: mix(c1.B, c2.B), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// scrobble: submission=true (the default) completes the listener's open session of each song
// with what the server observed; submission=false ("now playing") changes nothing, since the
// session opened with the stream already shows it.
func (api *API) scrobble(c echo.Context, a *call) (*Response, error) {
	ids, err := songIDs(c, "id")
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, missing("id")
	}
	if !boolParam(c, "submission", true) {
		for _, id := range ids {
			if _, err := api.d.Library.Track(a.ctx, a.account.UserID, id); err != nil {
				return nil, err
			}
		}
		return &Response{}, nil
	}
	for _, id := range ids {
		if _, _, err := api.d.Plays.Finish(a.ctx, a.account.UserID, id); err != nil {
			return nil, err
		}
	}
	return &Response{}, nil
}
