package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// client is the one HTTP client every simulated user shares: one Transport, so that thousands
// of users reuse a bounded set of keep-alive connections, as a fleet of players behind a NAT or
// a load balancer would.
type client struct {
	http  *http.Client
	stats *stats
}

func newTransport(maxConns int) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        0,
		MaxIdleConnsPerHost: maxConns,
		MaxConnsPerHost:     maxConns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
		// Responses are read to the end; a slow header is a server problem worth seeing.
		ResponseHeaderTimeout: 60 * time.Second,
	}
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 32*1024); return &b }}

// apiError is a failed call: its status and the API's error code (or a transport error).
type apiError struct {
	Status int
	Code   string
	Body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Body) }

// key is how a failure is counted in the summary: "409 payment.insufficient_funds",
// "transport", "timeout".
func (e *apiError) key() string {
	if e.Status == 0 {
		return e.Code
	}
	if e.Code == "" {
		return strconv.Itoa(e.Status)
	}
	return strconv.Itoa(e.Status) + " " + e.Code
}

// call is one request. body (if not nil) is sent as JSON; out (if not nil) receives the JSON
// response. want lists the accepted statuses (default 200/201/202/204).
type call struct {
	method, url string
	token       string
	body        any
	out         any
	idem        string
	forwarded   string
	want        []int
}

func (c *client) do(ctx context.Context, k call) (int, error) {
	var rd io.Reader
	if k.body != nil {
		raw, err := json.Marshal(k.body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, k.url, rd)
	if err != nil {
		return 0, err
	}
	if k.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if k.token != "" {
		req.Header.Set("Authorization", "Bearer "+k.token)
	}
	if k.idem != "" {
		req.Header.Set("Idempotency-Key", k.idem)
	}
	if k.forwarded != "" {
		req.Header.Set("X-Forwarded-For", k.forwarded)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, transportError(err)
	}
	defer res.Body.Close()
	accepted := false
	if len(k.want) == 0 {
		accepted = res.StatusCode >= 200 && res.StatusCode < 300
	}
	for _, w := range k.want {
		accepted = accepted || res.StatusCode == w
	}
	if !accepted {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		var e struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		return res.StatusCode, &apiError{Status: res.StatusCode, Code: e.Error.Code, Body: string(raw)}
	}
	if k.out != nil && res.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(res.Body).Decode(k.out); err != nil {
			return res.StatusCode, &apiError{Status: res.StatusCode, Code: "bad_json", Body: err.Error()}
		}
	}
	drain(res.Body)
	return res.StatusCode, nil
}

func drain(r io.Reader) {
	bp := bufPool.Get().(*[]byte)
	_, _ = io.CopyBuffer(io.Discard, r, *bp)
	bufPool.Put(bp)
}

func transportError(err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return &apiError{Code: "canceled", Body: err.Error()}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &apiError{Code: "timeout", Body: err.Error()}
	}
	return &apiError{Code: "transport", Body: err.Error()}
}

// timed runs a call as the named operation and records its outcome. Calls cut by the end of
// the run (the context was canceled) are neither successes nor failures: they are dropped.
func (c *client) timed(ctx context.Context, name string, k call) (int, error) {
	start := time.Now()
	status, err := c.do(ctx, k)
	c.record(ctx, name, start, err)
	return status, err
}

func (c *client) record(ctx context.Context, name string, start time.Time, err error) {
	d := time.Since(start)
	if err != nil && ctx.Err() != nil {
		return
	}
	o := c.stats.op(name)
	if err == nil {
		o.ok(d)
		return
	}
	var ae *apiError
	if errors.As(err, &ae) {
		o.fail(d, ae.key())
		return
	}
	o.fail(d, "error")
}
