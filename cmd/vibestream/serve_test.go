package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// Shutdown lets an in-flight request finish before the server stops.
func TestGracefulShutdownDrainsInFlightRequests(t *testing.T) {
	cfg := testConfig(t)
	pool, err := postgres.Connect(context.Background(), pgtest.NewURL(t), 10)
	require.NoError(t, err)
	defer pool.Close()
	a, err := newApp(cfg, pool, observability.DiscardLogger(), jobs.Options{FetchPollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	entered := make(chan struct{})
	release := make(chan struct{})
	a.echo.GET("/slow", func(c echo.Context) error {
		close(entered)
		<-release
		return c.String(http.StatusOK, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.serve(ctx, ln) }()

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		got <- result{status: res.StatusCode, body: string(b)}
	}()
	<-entered
	cancel() // SIGTERM arrives while the request is in flight
	time.AfterFunc(100*time.Millisecond, func() { close(release) })
	r := <-got
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "done", r.body)
	require.NoError(t, <-served)
	_, err = net.DialTimeout("tcp", ln.Addr().String(), 200*time.Millisecond)
	assert.Error(t, err, "the listener is closed after shutdown")
}

// A request that outlives SHUTDOWN_TIMEOUT does not hold the stop hostage: once the timeout
// passes its connection is closed (its context cancelled, so its query ends and its database
// connection goes back), serve returns, and the pool closes at once.
func TestShutdownCutsRequestsThatOutliveTheTimeout(t *testing.T) {
	cfg := testConfig(t)
	cfg.ShutdownTimeout = 300 * time.Millisecond
	pool, err := postgres.Connect(context.Background(), pgtest.NewURL(t), 10)
	require.NoError(t, err)
	a, err := newApp(cfg, pool, observability.DiscardLogger(), jobs.Options{FetchPollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	entered := make(chan struct{})
	a.echo.GET("/stuck", func(c echo.Context) error {
		close(entered)
		_, err := pool.Exec(c.Request().Context(), "SELECT pg_sleep(60)")
		return err
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.serve(ctx, ln) }()
	clientErr := make(chan error, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/stuck")
		if err == nil {
			_, err = io.ReadAll(res.Body)
			res.Body.Close()
		}
		clientErr <- err
	}()
	<-entered
	stopAt := time.Now()
	cancel() // SIGTERM
	select {
	case err := <-served:
		require.NoError(t, err, "a stop that had to cut a request is still the stop that was asked for")
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return after SHUTDOWN_TIMEOUT")
	}
	assert.Less(t, time.Since(stopAt), 5*time.Second)
	select {
	case <-clientErr: // the cut request ended (an error, or whatever the server managed to send)
	case <-time.After(5 * time.Second):
		t.Fatal("the request outlived the shutdown")
	}
	closed := make(chan struct{})
	go func() { pool.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("pool.Close waited for the cut request's connection")
	}
}

// The real binary with no configuration but a data directory: it starts its own Postgres,
// migrates, serves, and on SIGTERM stops cleanly, taking its Postgres down with it.
func TestBinaryStartsWithEmbeddedDefaultsAndStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir, err := os.MkdirTemp("", "vibestream-bin-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "vibestream")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATA_DIR="+filepath.Join(dir, "var"), "HTTP_ADDR="+addr)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var logs strings.Builder
	logDone := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
		}
		close(logDone)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	eventually(t, 60*time.Second, func() bool {
		res, err := http.Get("http://" + addr + "/health/ready")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, "the binary to become ready")
	// The container HEALTHCHECK: the binary asks the instance at HTTP_ADDR.
	healthcheck := func() (string, error) {
		hc := exec.Command(bin, "healthcheck")
		hc.Env = append(os.Environ(), "HTTP_ADDR="+addr)
		out, err := hc.CombinedOutput()
		return string(out), err
	}
	hcOut, err := healthcheck()
	require.NoError(t, err, hcOut)
	assert.Contains(t, hcOut, `"status":"ready"`)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	waitErr := make(chan error, 1)
	// Read stderr to its end before Wait, which closes the pipe and could drop the last lines.
	go func() { <-logDone; waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		require.NoError(t, err, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("binary did not stop after SIGTERM:\n%s", logs.String())
	}
	assert.Contains(t, logs.String(), "local postgres stopped")
	_, err = os.Stat(filepath.Join(dir, "var", "postgres", "postmaster.pid"))
	assert.True(t, os.IsNotExist(err), "postgres was stopped cleanly")
	hcOut, err = healthcheck()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "healthcheck of a stopped instance must fail: %s", hcOut)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, hcOut, "healthcheck: http://"+addr+"/health/ready")
}
