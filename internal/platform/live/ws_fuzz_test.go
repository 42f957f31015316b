package live_test

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/platform/live"
)

// frame builds one masked client frame (RFC 6455 section 5.2) with a 7-bit or 16-bit length.
func frame(opcode byte, fin bool, payload []byte) []byte {
	b0 := opcode
	if fin {
		b0 |= 0x80
	}
	out := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		out = append(out, 0x80|byte(n))
	default:
		out = append(out, 0x80|126, byte(n>>8), byte(n))
	}
	mask := []byte{1, 2, 3, 4}
	out = append(out, mask...)
	for i, c := range payload {
		out = append(out, c^mask[i%4])
	}
	return out
}

// FuzzWebSocketClientFrames writes any bytes to an open /ws connection after a real
// handshake: the server expects no data messages from clients, answers control frames and
// refuses the rest. Whatever arrives, nothing panics, the server sends only well-formed
// frames, and once the client goes away the hub forgets it (no connection leaks), so the
// next client is served.
func FuzzWebSocketClientFrames(f *testing.F) {
	e := setup(f, live.Options{Heartbeat: time.Hour})
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	f.Add(frame(0x9, true, []byte("ping")))                 // ping: answered with a pong
	f.Add(frame(0x1, true, []byte(`{"type":"subscribe"}`))) // a text message: policy violation
	f.Add(frame(0x2, true, bytes.Repeat([]byte{0}, 300)))   // binary
	f.Add(append(frame(0x1, false, []byte("frag")), frame(0x0, true, []byte("ment"))...))
	f.Add(frame(0x8, true, []byte{0x03, 0xe8, 'b', 'y', 'e'}))                // close 1000
	f.Add(frame(0x8, true, []byte{0x03}))                                     // a close with a 1-byte body
	f.Add(frame(0x9, true, bytes.Repeat([]byte("p"), 200)))                   // a control frame over 125 bytes
	f.Add(frame(0x1, true, []byte("\xff\xfe")))                               // invalid UTF-8 text
	f.Add([]byte{0x81, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) // unmasked, 2^63 bytes declared
	f.Add([]byte{0x83, 0x80, 0, 0, 0, 0})                                     // reserved opcode
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, frames []byte) {
		user := uuid.New()
		conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, err = conn.Write([]byte("GET /api/v1/ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Test-User: " + user.String() + "\r\n\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("handshake: %v %v", err, res)
		}
		if _, err := conn.Write(frames); err != nil {
			return // the server already closed: fine
		}
		// read what the server sends for a moment: each frame must be a well-formed, unmasked
		// server frame
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
		for {
			h := make([]byte, 2)
			if _, err := readFull(br, h); err != nil {
				break
			}
			if h[1]&0x80 != 0 {
				t.Fatalf("the server sent a masked frame")
			}
			op := h[0] & 0x0f
			if op != 0x8 && op != 0x9 && op != 0xa {
				t.Fatalf("the server sent opcode %#x to a client that was sent nothing", op)
			}
			n := int(h[1] & 0x7f)
			if n > 125 {
				t.Fatalf("a control frame of %d bytes", n)
			}
			if _, err := readFull(br, make([]byte, n)); err != nil {
				break
			}
		}
		conn.Close()
		// promptly: the library's CloseRead held a client that sent a message for 15 s
		deadline := time.Now().Add(2 * time.Second)
		for e.hub.Connections() != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("the hub still holds %d connections after the client left", e.hub.Connections())
			}
			time.Sleep(time.Millisecond)
		}
	})
}

func readFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
