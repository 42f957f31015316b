package httpx

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"strconv"
)

// Listener wraps a listener so that the answers Go's HTTP server writes by itself, before any
// handler runs (400 for a malformed request line or a header with a control character, 431
// for oversized headers, 501 for an unknown transfer encoding), leave in the one error shape
// instead of plain text. Everything else passes through untouched (ReadFrom included, so
// sendfile still works).
func Listener(ln net.Listener) net.Listener { return shapedListener{ln} }

type shapedListener struct{ net.Listener }

func (l shapedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &shapedConn{Conn: c}, nil
}

type shapedConn struct{ net.Conn }

// goErrorHeaders is what net/http puts between the status line and the text of the errors it
// writes itself; handler responses always carry a Date header there instead.
var goErrorHeaders = []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")

func (c *shapedConn) Write(p []byte) (int, error) {
	if !bytes.HasPrefix(p, []byte("HTTP/1.")) {
		return c.Conn.Write(p)
	}
	i := bytes.Index(p, goErrorHeaders)
	if i < 0 || bytes.IndexByte(p[:i], '\n') >= 0 {
		return c.Conn.Write(p)
	}
	statusLine := string(p[:i]) // "HTTP/1.1 400 Bad Request"
	text := string(p[i+len(goErrorHeaders):])
	code := "http.bad_request"
	switch {
	case bytes.Contains(p[:i], []byte(" 431 ")):
		code = "http.headers_too_large"
	case bytes.Contains(p[:i], []byte(" 501 ")):
		code = "http.not_implemented"
	}
	body, _ := json.Marshal(ErrorBody{Error: ErrorDetail{Code: code, Message: "the request could not be read: " + text}})
	out := statusLine + "\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + string(body)
	if _, err := io.WriteString(c.Conn, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ReadFrom keeps the connection's sendfile path reachable through the wrapper.
func (c *shapedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(c.Conn, r)
}
