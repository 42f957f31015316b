package httpapi

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/media"
)

func fuzzContent(size uint16) []byte {
	b := make([]byte, int(size)%5000)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

var rangeSeeds = []string{"", "bytes=0-", "bytes=0-0", "bytes=-0", "bytes=-1", "bytes=100-199", "bytes=5-1", "bytes=0-1,3-4",
	"bytes=0-1,3-4,6-7,9-10,12-13,15-16,18-19,21-22,24-25", "bytes=9999999999999999999-", "bytes=-9999999999999999999", "bytes= 1-2",
	"bytes=1-2 ,", "items=0-1", "bytes=0-1,-0", "bytes=1-1,1-1,1-1", "bytes=\x00", "bytes=\xff-", "bytes=--1", "bytes=1--2", "bytes=,"}

// FuzzStreamRange drives the plain stream's Range handling (checkRange, http.ServeContent and
// the counting writer, as the handler runs them) with any Range header over a file of any
// size: nothing panics, the status is 200, 206 or an error that sends no audio, a single
// range carries exactly the bytes its Content-Range names, several ranges stay bounded, and
// the bytes counted are the bytes sent.
func FuzzStreamRange(f *testing.F) {
	for _, r := range rangeSeeds {
		f.Add(r, uint16(1000))
		f.Add(r, uint16(0))
	}
	f.Fuzz(func(t *testing.T, rangeHdr string, size uint16) {
		content := fuzzContent(size)
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/stream", nil)
		req.Header["Range"] = []string{rangeHdr}
		if err := checkRange(req, int64(len(content))); err != nil {
			if !errors.Is(err, domain.ErrRangeUnsatisfiable) {
				t.Fatalf("checkRange(%q) = %v", rangeHdr, err)
			}
			return
		}
		w := &countingWriter{r: echo.NewResponse(rec, echo.New())}
		http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(content))
		body := rec.Body.Bytes()
		if w.failed != 0 {
			if w.failed != http.StatusRequestedRangeNotSatisfiable && w.failed != http.StatusPreconditionFailed {
				t.Fatalf("Range %q failed with %d", rangeHdr, w.failed)
			}
			if len(body) != 0 || w.n != 0 {
				t.Fatalf("a refused range sent %d bytes", len(body))
			}
			return
		}
		if int64(len(body)) != w.n {
			t.Fatalf("counted %d bytes, sent %d", w.n, len(body))
		}
		switch rec.Code {
		case http.StatusOK:
			if !bytes.Equal(body, content) {
				t.Fatalf("200 for %q did not carry the file", rangeHdr)
			}
		case http.StatusPartialContent:
			cr := rec.Header().Get("Content-Range")
			if cr == "" { // several ranges: multipart/byteranges
				if len(body) > MaxRanges*(len(content)+200)+200 {
					t.Fatalf("%d ranges of a %d-byte file made %d bytes", strings.Count(rangeHdr, ",")+1, len(content), len(body))
				}
				return
			}
			start, end, ok := contentRange(cr)
			if !ok || start < 0 || end > int64(len(content)) || start >= end {
				t.Fatalf("Content-Range %q for a %d-byte file", cr, len(content))
			}
			if rangeStart(cr) != start {
				t.Fatalf("rangeStart(%q) = %d, want %d", cr, rangeStart(cr), start)
			}
			if !bytes.Equal(body, content[start:end]) {
				t.Fatalf("206 %q did not carry bytes [%d, %d)", cr, start, end)
			}
		default:
			t.Fatalf("Range %q answered %d", rangeHdr, rec.Code)
		}
	})
}

// FuzzSessionStreamRange drives the session stream's path (one range kept, the preview cap,
// the range reserved before the body): no byte at or past the cap ever leaves, what is
// reserved is exactly what the body carries, and a 416 reserves nothing.
func FuzzSessionStreamRange(f *testing.F) {
	for _, r := range rangeSeeds {
		f.Add(r, uint16(1000), uint16(300))
		f.Add(r, uint16(1000), uint16(0))
	}
	f.Fuzz(func(t *testing.T, rangeHdr string, size, capAt uint16) {
		content := fuzzContent(size)
		limit := int64(capAt)
		if limit >= int64(len(content)) {
			limit = 0
		}
		req := httptest.NewRequest(http.MethodGet, "/stream", nil)
		req.Header["Range"] = []string{rangeHdr}
		oneRange(req)
		if strings.Contains(req.Header.Get("Range"), ",") {
			t.Fatalf("oneRange left %q", req.Header.Get("Range"))
		}
		visible := int64(len(content))
		if limit > 0 {
			visible = limit
		}
		if err := checkRange(req, visible); err != nil {
			if !errors.Is(err, domain.ErrRangeUnsatisfiable) {
				t.Fatalf("checkRange(%q) = %v", rangeHdr, err)
			}
			return
		}
		res := &fakeReserver{}
		rec, w := serveThrough(t, res, http.MethodGet, req.Header.Get("Range"), content, limit)
		body := rec.Body.Bytes()
		code := rec.Code
		if w.refused != 0 {
			code = w.refused
			if rec.Body.Len() != 0 {
				t.Fatalf("a refused range wrote %q", rec.Body.Bytes())
			}
		}
		switch code {
		case http.StatusOK, http.StatusPartialContent:
			if len(res.seen) != 1 || !w.reserved {
				t.Fatalf("%d reservations for one range", len(res.seen))
			}
			s := res.seen[0]
			if s.Start < 0 || s.End > visible || s.End-s.Start != int64(len(body)) || w.n != int64(len(body)) {
				t.Fatalf("reserved [%d, %d) of %d visible, sent %d, counted %d", s.Start, s.End, visible, len(body), w.n)
			}
			if !bytes.Equal(body, content[s.Start:s.End]) {
				t.Fatalf("the body is not bytes [%d, %d)", s.Start, s.End)
			}
		case http.StatusRequestedRangeNotSatisfiable:
			if len(res.seen) != 0 || w.n != 0 {
				t.Fatalf("a 416 reserved or sent audio")
			}
		default:
			t.Fatalf("Range %q answered %d", rangeHdr, rec.Code)
		}
	})
}

// FuzzUploadBody sends any Content-Type and body to the upload's body selection, then sniffs
// what it yields the way the upload does: nothing panics, every refusal is a client error in
// the one error shape (never a 500), the whole body is bounded by the limit plus the form's
// overhead, and the sniffer names one accepted format or none.
func FuzzUploadBody(f *testing.F) {
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_ = mw.SetBoundary("b0undary")
	_ = mw.WriteField("title", "x")
	fw, _ := mw.CreateFormFile("file", "a.flac")
	_, _ = fw.Write([]byte("fLaC\x00\x00\x00\x22rest of a flac"))
	_ = mw.Close()
	f.Add("multipart/form-data; boundary=b0undary", mp.Bytes())
	f.Add("multipart/form-data; boundary=b0undary", mp.Bytes()[:len(mp.Bytes())/2])
	f.Add("multipart/form-data", mp.Bytes())
	f.Add("multipart/form-data; boundary=\"\"", []byte("--\r\n"))
	f.Add("audio/flac", []byte("fLaC"))
	f.Add("audio/mpeg", []byte("ID3\x04\x00\x10\x7f\x7f\x7f\x7f"))
	f.Add("", []byte("x"))
	f.Add("multipart/form-data; boundary=b", []byte(strings.Repeat("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n"+strings.Repeat("y", 500)+"\r\n", 200)))
	f.Add("text/plain; charset=\xff", []byte{})
	const maxUpload = 512
	f.Fuzz(func(t *testing.T, contentType string, raw []byte) {
		src := &countingBody{r: bytes.NewReader(raw)}
		req := httptest.NewRequest(http.MethodPost, "/upload", nil)
		req.Body = src
		req.ContentLength = -1 // chunked: nothing refused up front
		req.Header["Content-Type"] = []string{contentType}
		body, err := audioBody(req, maxUpload)
		if err == nil {
			head := make([]byte, media.SniffLen)
			n, rerr := io.ReadFull(io.LimitReader(body, maxUpload+1), head)
			if rerr != nil && !errors.Is(rerr, io.EOF) && !errors.Is(rerr, io.ErrUnexpectedEOF) {
				err = rerr
			}
			switch media.Sniff(head[:n]) {
			case "", media.FormatMP3, media.FormatFLAC, media.FormatWAV, media.FormatOgg, media.FormatOpus, media.FormatM4A:
			default:
				t.Fatalf("Sniff named an unknown format")
			}
		}
		if src.n > maxUpload+64<<10+4096 {
			t.Fatalf("read %d bytes of the body for a %d-byte limit", src.n, maxUpload)
		}
		if err == nil {
			return
		}
		var ee *errs.Error
		if !errors.As(err, &ee) {
			// a multipart read error inside the file part: the upload maps it to upload_interrupted
			return
		}
		if ee.Kind() == errs.Internal || ee.Kind() == errs.Unavailable {
			t.Fatalf("a client's body made %v", err)
		}
	})
}

type countingBody struct {
	r io.Reader
	n int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (c *countingBody) Close() error { return nil }

// FuzzSignedStreamURL presents any query string to the stream endpoint's link parsing and
// verification (plain links ?uid=&exp=&sig= and session links ?sid=&max=&uid=&exp=&sig=):
// nothing panics, and only the links the signer issued verify, with exactly the fields it
// signed (user, session, byte cap, expiry, quality).
func FuzzSignedStreamURL(f *testing.F) {
	signer, err := application.NewSigner([]byte(strings.Repeat("k", 32)), time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	song := uuid.MustParse("0b7e1f4e-3c59-4d2e-9a51-6f0c5b8e2d10")
	user := uuid.MustParse("6f1c2a52-8d0b-4b43-9d3e-2f4f3f8f0a11")
	sess := uuid.MustParse("a3d2c1b0-9e8f-4a7b-8c6d-5e4f3a2b1c0d")
	now := time.Unix(1_800_000_000, 0)
	exp := now.Add(time.Hour)
	plain := signer.Sign(song, user, domain.QualityHigh, exp)
	issued := application.SessionLink{SongID: song, UserID: user, Quality: domain.QualityHigh, SessionID: sess, MaxBytes: 480_000, ExpiresAt: exp.Unix()}
	sessSig := signer.SignSession(issued)
	plainQ := url.Values{"quality": {"high"}, "uid": {user.String()}, "exp": {strconv.FormatInt(exp.Unix(), 10)}, "sig": {plain}}
	sessQ := url.Values{"quality": {"high"}, "uid": {user.String()}, "sid": {sess.String()}, "max": {"480000"},
		"exp": {strconv.FormatInt(exp.Unix(), 10)}, "sig": {sessSig}}
	f.Add(plainQ.Encode())
	f.Add(sessQ.Encode())
	f.Add(strings.Replace(sessQ.Encode(), "max=480000", "max=0", 1))
	f.Add(strings.Replace(sessQ.Encode(), "max=480000", "max=-1", 1))
	f.Add(strings.Replace(plainQ.Encode(), "quality=high", "quality=original", 1))
	f.Add(plainQ.Encode() + "&exp=9999999999")
	f.Add(strings.Replace(plainQ.Encode(), "exp=", "exp=+", 1))
	f.Add(strings.Replace(plainQ.Encode(), "uid=", "uid=%7B", 1))
	f.Add("sig=%00&uid=%FF&exp=-9223372036854775808")
	f.Add("sid=&sig=x")
	decode := func(s string) string { b, _ := base64.RawURLEncoding.DecodeString(s); return string(b) }
	f.Fuzz(func(t *testing.T, rawQuery string) {
		req := httptest.NewRequest(http.MethodGet, "/stream", nil)
		req.URL.RawQuery = rawQuery
		c := echo.New().NewContext(req, httptest.NewRecorder())
		q, err := domain.ParseQuality(c.QueryParam("quality"))
		if err != nil {
			return
		}
		sig := c.QueryParam("sig")
		if c.QueryParam("sid") != "" {
			link, err := parseSessionLink(c, song, q)
			if err != nil {
				return
			}
			if link.MaxBytes < 0 { // CheckSessionLink refuses these before the MAC
				return
			}
			if signer.VerifySession(link, sig, now) == nil {
				if link != issued || decode(sig) != decode(sessSig) {
					t.Fatalf("a session link the signer never issued verified: %+v", link)
				}
			}
			return
		}
		if sig == "" {
			return
		}
		uid, e, err := parseStreamLink(c)
		if err != nil {
			return
		}
		if signer.Verify(song, uid, q, e, sig, now) == nil {
			if uid != user || e != exp.Unix() || q != domain.QualityHigh || decode(sig) != decode(plain) {
				t.Fatalf("a plain link the signer never issued verified: %s %d %s", uid, e, q)
			}
		}
	})
}
