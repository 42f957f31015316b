package httpapi

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/application"
)

type fakeReserver struct {
	err  error
	seen []application.SessionServe
}

func (f *fakeReserver) Reserve(_ context.Context, s application.SessionServe) error {
	f.seen = append(f.seen, s)
	return f.err
}

func serveThrough(t *testing.T, r *fakeReserver, method, rangeHdr string, content []byte, capAt int64) (*httptest.ResponseRecorder, *sessionWriter) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, "/stream", nil)
	if rangeHdr != "" {
		req.Header.Set("Range", rangeHdr)
	}
	w := &sessionWriter{r: echo.NewResponse(rec, echo.New()), get: method == http.MethodGet,
		ctx: context.Background(), sessions: r}
	var rs interface {
		Read([]byte) (int, error)
		Seek(int64, int) (int64, error)
	} = bytes.NewReader(content)
	if capAt > 0 {
		rs = &cappedReader{r: bytes.NewReader(content), size: capAt}
	}
	http.ServeContent(w, req, "", time.Time{}, rs)
	return rec, w
}

func TestSessionWriterReservesTheRangeBeforeTheBody(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789"), 100)
	r := &fakeReserver{}
	rec, w := serveThrough(t, r, http.MethodGet, "bytes=100-299", content, 0)
	require.Equal(t, http.StatusPartialContent, rec.Code)
	assert.Equal(t, content[100:300], rec.Body.Bytes())
	require.Len(t, r.seen, 1)
	assert.Equal(t, int64(100), r.seen[0].Start)
	assert.Equal(t, int64(300), r.seen[0].End)
	assert.True(t, w.reserved)
	assert.Equal(t, int64(200), w.n)

	r = &fakeReserver{}
	rec, _ = serveThrough(t, r, http.MethodGet, "", content, 0)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Len(t, r.seen, 1)
	assert.Equal(t, application.SessionServe{Start: 0, End: 1000}, r.seen[0])

	r = &fakeReserver{}
	rec, _ = serveThrough(t, r, http.MethodHead, "", content, 0)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, r.seen, "HEAD sends no body and counts nothing")

	r = &fakeReserver{}
	rec, w = serveThrough(t, r, http.MethodGet, "bytes=5000-", content, 0)
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, w.refused, "held back for the one error shape")
	assert.Empty(t, rec.Body.String(), "ServeContent's plain-text body is dropped")
	assert.Empty(t, r.seen)
}

func TestSessionWriterSendsNoAudioWhenTheRangeCannotBeCounted(t *testing.T) {
	content := bytes.Repeat([]byte("A"), 1000)
	rec, w := serveThrough(t, &fakeReserver{err: errors.New("database down")}, http.MethodGet, "bytes=0-499", content, 0)
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.True(t, w.failed)
	assert.NotContains(t, rec.Body.String(), "AAAA", "no audio byte leaves")
	assert.Contains(t, rec.Body.String(), "music.stream_accounting_unavailable")
	assert.Empty(t, rec.Header().Get("Content-Range"))
}

func TestCappedReaderIsThePreviewsWholeWorld(t *testing.T) {
	content := []byte("abcdefghijklmnopqrstuvwxyz")
	r := &fakeReserver{}
	rec, _ := serveThrough(t, r, http.MethodGet, "bytes=-5", content, 10)
	require.Equal(t, http.StatusPartialContent, rec.Code)
	assert.Equal(t, "fghij", rec.Body.String(), "a suffix range is the end of the preview")
	assert.Equal(t, "bytes 5-9/10", rec.Header().Get("Content-Range"))
	_, w := serveThrough(t, r, http.MethodGet, "bytes=10-", content, 10)
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, w.refused)
	rec, _ = serveThrough(t, r, http.MethodGet, "", content, 10)
	assert.Equal(t, "abcdefghij", rec.Body.String())
}
