package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/httpx"
)

// readinessServer serves the real readiness handler with one critical and one optional check
// whose failures the test switches on.
func readinessServer(t *testing.T, criticalDown, optionalDown *atomic.Bool) string {
	t.Helper()
	h := httpx.NewHealth("vibestream")
	h.AddCheck("database", true, func(context.Context) error {
		if criticalDown.Load() {
			return errors.New("down")
		}
		return nil
	})
	h.AddCheck("ethereum", false, func(context.Context) error {
		if optionalDown.Load() {
			return errors.New("down")
		}
		return nil
	})
	e := echo.New()
	e.GET("/health/ready", h.Ready)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func TestHealthcheckPassesOnlyWhileTheInstanceIsReady(t *testing.T) {
	var criticalDown, optionalDown atomic.Bool
	addr := readinessServer(t, &criticalDown, &optionalDown)
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	env := func(name string) string {
		if name == "HTTP_ADDR" {
			return ":" + port // as in the image: a wildcard address, asked on the loopback
		}
		return ""
	}

	var out bytes.Buffer
	require.NoError(t, runHealthcheck(context.Background(), env, nil, &out))
	assert.Contains(t, out.String(), `"status":"ready"`)

	optionalDown.Store(true)
	out.Reset()
	require.NoError(t, runHealthcheck(context.Background(), env, nil, &out), "a degraded optional peer still serves traffic")
	assert.Contains(t, out.String(), `"status":"degraded"`)

	criticalDown.Store(true)
	err = runHealthcheck(context.Background(), env, nil, &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "answered 503")
	assert.Contains(t, err.Error(), `"database":"down"`)

	criticalDown.Store(false)
	require.NoError(t, runHealthcheck(context.Background(), func(string) string { return "" },
		[]string{"http://" + addr + "/health/ready"}, &out), "an explicit URL wins over HTTP_ADDR")
}

func TestHealthcheckFailsWhenNothingAnswers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	err = runHealthcheck(context.Background(), func(string) string { return addr }, nil, &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "http://"+addr+"/health/ready")
}

func TestHealthcheckGivesUpAfterItsTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	start := time.Now()
	err := runHealthcheck(context.Background(), func(string) string { return "" },
		[]string{"-timeout", "200ms", srv.URL + "/health/ready"}, &bytes.Buffer{})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestHealthcheckRejectsBadArguments(t *testing.T) {
	for _, tc := range []struct {
		name, addr string
		args       []string
		want       string
	}{
		{"address without port", "localhost", nil, "HTTP_ADDR must be host:port"},
		{"unknown flag", "", []string{"-verbose"}, "usage"},
		{"two URLs", "", []string{"http://a/", "http://b/"}, "usage"},
		{"zero timeout", "", []string{"-timeout", "0s"}, "usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := runHealthcheck(context.Background(), func(string) string { return tc.addr }, tc.args, &bytes.Buffer{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestReadinessURLAsksWildcardAddressesOnTheLoopback(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{":3000", "http://127.0.0.1:3000/health/ready"},
		{"0.0.0.0:8080", "http://127.0.0.1:8080/health/ready"},
		{"[::]:3000", "http://[::1]:3000/health/ready"},
		{"127.0.0.1:4000", "http://127.0.0.1:4000/health/ready"},
		{"10.0.0.5:3000", "http://10.0.0.5:3000/health/ready"},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			got, err := readinessURL(tc.addr)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
