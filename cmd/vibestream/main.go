// Command vibestream is the whole VibeStream backend in one binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/vibestream/vibestream/api"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: vibestream [command]

commands:
  serve                          start the API (default)
  migrate                        apply database migrations and exit
  version                        print the version
  openapi                        print the served OpenAPI document (JSON) and exit
  healthcheck [-timeout 5s] [url]  ask /health/ready of the instance at HTTP_ADDR (exit status 1 unless ready)
  users grant-role <email> <role>  give a user a role (listener, artist, admin)
  ledger verify                  check every ledger invariant (exit status 1 when one is broken)
  zk setup | keys | export-solidity  generate / list the ZK keys, print the listen Solidity verifier
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "vibestream:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version", "--version", "-v":
		fmt.Println("vibestream", version)
		return nil
	case "help", "--help", "-h":
		fmt.Print(usage)
		return nil
	case "openapi":
		// the served OpenAPI document, for generating the web console's types (no database)
		doc, _, err := api.Document()
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(append(doc, '\n'))
		return err
	case "healthcheck":
		return runHealthcheck(context.Background(), osEnv, args, os.Stdout)
	case "serve", "migrate", "users", "ledger":
	case "zk":
		cfg, err := loadConfig(osEnv)
		if err != nil {
			return err
		}
		return runZK(cfg, os.Stdout, args)
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}

	cfg, err := loadConfig(osEnv)
	if err != nil {
		return err
	}
	logger := observability.NewLogger(os.Stderr, cfg.LogLevel)
	slog.SetDefault(logger)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	pool, closeDB, err := openDatabase(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := postgres.Migrate(ctx, pool, logger); err != nil {
		return err
	}

	switch cmd {
	case "migrate":
		logger.Info("migrations applied")
		return nil
	case "users":
		return runUsers(ctx, cfg, pool, logger, args)
	case "ledger":
		return runLedgerCommand(ctx, cfg, pool, logger, os.Stdout, args)
	}

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	a, err := newApp(cfg, pool, logger, jobs.Options{JobTimeout: cfg.JobTimeout, RescueAfter: cfg.JobRescueAfter})
	if err != nil {
		ln.Close()
		return err
	}
	err = a.serve(ctx, ln)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
