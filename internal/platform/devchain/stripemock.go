package devchain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// ErrStripeMockMissing is returned when the pinned stripe-mock binary is not installed.
var ErrStripeMockMissing = errors.New("the local card setup needs the pinned stripe-mock in ./bin (run `make tools`, which scripts/tools.sh does), or set STRIPE_SECRET_KEY, or STRIPE_LOCAL=false")

// StripeMockOptions tunes the local Stripe peer.
type StripeMockOptions struct {
	// Bin is the stripe-mock binary; empty: ./bin/stripe-mock of the repository (found from the
	// working directory), then PATH.
	Bin     string
	LogFile string
	Logger  *slog.Logger
}

// StartStripeMock starts the pinned stripe-mock on free 127.0.0.1 ports (HTTP and HTTPS are
// both bound to loopback: without -https-addr it would listen on every interface) and waits
// until its API answers. stripe-mock does not announce the port it took, so the ports are chosen
// here and a start that lost a port race is retried.
func StartStripeMock(ctx context.Context, opts StripeMockOptions) (*Process, error) {
	bin := opts.Bin
	if bin == "" {
		var err error
		if bin, err = findStripeMock(); err != nil {
			return nil, err
		}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		httpPort, err := freePort()
		if err != nil {
			return nil, err
		}
		httpsPort, err := freePort()
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(bin, "-http-addr", "127.0.0.1:"+strconv.Itoa(httpPort), "-https-addr", "127.0.0.1:"+strconv.Itoa(httpsPort))
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
		p := &Process{name: "stripe-mock", cmd: cmd, done: make(chan struct{}), logger: logger, url: "http://127.0.0.1:" + strconv.Itoa(httpPort)}
		if opts.LogFile != "" {
			if err := os.MkdirAll(filepath.Dir(opts.LogFile), 0o755); err != nil {
				return nil, err
			}
			f, err := os.OpenFile(opts.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				return nil, fmt.Errorf("stripe-mock log: %w", err)
			}
			p.logFile, cmd.Stdout, cmd.Stderr = f, f, f
		}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("start stripe-mock (%s): %w", bin, err)
		}
		go func() {
			p.waitErr = cmd.Wait()
			close(p.done)
		}()
		if lastErr = waitStripe(ctx, p); lastErr == nil {
			logger.Info("local stripe-mock ready", "url", p.url)
			return p, nil
		}
		p.Stop()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return nil, fmt.Errorf("stripe-mock did not start: %w", lastErr)
}

func waitStripe(ctx context.Context, p *Process) error {
	deadline := time.Now().Add(20 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/v1/balance", nil)
		req.Header.Set("Authorization", "Bearer sk_test_local")
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("stripe-mock exited (port taken?): %v", p.waitErr)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stripe-mock at %s did not answer within 20s: %v", p.url, err)
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func findStripeMock() (string, error) {
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				if p := filepath.Join(d, "bin", "stripe-mock"); isExecutable(p) {
					return p, nil
				}
				break
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	return "", ErrStripeMockMissing
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}
