package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// runHealthcheck asks a running instance's readiness endpoint and fails unless it answers 200:
// the container image's HEALTHCHECK, so that the image needs no curl. It reads only HTTP_ADDR
// (the address this instance listens on, as `serve` reads it) and never touches the database.
//
//	vibestream healthcheck [-timeout 5s] [url]
func runHealthcheck(ctx context.Context, getenv func(string) string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for an answer")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("healthcheck: %w (usage: vibestream healthcheck [-timeout 5s] [url])", err)
	}
	if fs.NArg() > 1 || *timeout <= 0 {
		return errors.New("healthcheck: usage: vibestream healthcheck [-timeout 5s] [url]")
	}
	target := fs.Arg(0)
	if target == "" {
		addr := strings.TrimSpace(getenv("HTTP_ADDR"))
		if addr == "" {
			addr = ":3000"
		}
		u, err := readinessURL(addr)
		if err != nil {
			return err
		}
		target = u
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %s: %w", target, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d: %s", target, res.StatusCode, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(out, strings.TrimSpace(string(body)))
	return nil
}

// readinessURL turns a listen address into the URL of its readiness endpoint; a wildcard host
// (":3000", "0.0.0.0:3000", "[::]:3000") is asked on the loopback interface.
func readinessURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", fmt.Errorf("healthcheck: HTTP_ADDR must be host:port or :port, got %q", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/health/ready", nil
}
