package httpx_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/httpx"
)

// What Go's server answers by itself (a NUL in a header, a broken request line) leaves in the
// one error shape; ordinary responses are untouched.
func TestGoServerErrorsLeaveInTheOneErrorShape(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "fine") })}
	go func() { _ = srv.Serve(httpx.Listener(ln)) }()
	t.Cleanup(func() { _ = srv.Close() })

	send := func(raw string) (*http.Response, []byte) {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		_, err = io.WriteString(c, raw)
		require.NoError(t, err)
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	for _, raw := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\nX-Thing: a\x00b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nIdempotency-Key: \x01\r\n\r\n",
		"NOT A REQUEST\r\n\r\n",
	} {
		res, b := send(raw)
		assert.Equal(t, http.StatusBadRequest, res.StatusCode)
		assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
		var body httpx.ErrorBody
		require.NoError(t, json.Unmarshal(b, &body), string(b))
		assert.Equal(t, "http.bad_request", body.Error.Code)
		assert.True(t, strings.HasPrefix(body.Error.Message, "the request could not be read"))
	}
	res, b := send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "fine", string(b))
}
