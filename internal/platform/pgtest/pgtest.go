// Package pgtest gives tests a real, throwaway PostgreSQL: one server per test binary and a
// fresh database per test, cloned from a template that has every migration applied.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
//
//	func TestX(t *testing.T) { pool := pgtest.NewDB(t); ... }
package pgtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/platform/postgres"
)

const templateDB = "vibestream_template"

var (
	mu       sync.Mutex
	server   *postgres.LocalServer
	baseDir  string
	tmplOnce sync.Once
	tmplErr  error
	counter  atomic.Int64

	// the durable server (fsync on), started only by a test that asks for it
	durable        *postgres.LocalServer
	durableDir     string
	durableTmpl    sync.Once
	durableTmplErr error
)

// Run starts nothing eagerly; it runs the tests and then stops the server and removes its files
// if a test started one.
func Run(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if server != nil {
		server.Stop()
		_ = os.RemoveAll(baseDir)
	}
	if durable != nil {
		durable.Stop()
		_ = os.RemoveAll(durableDir)
	}
	return code
}

func start() (*postgres.LocalServer, error) {
	mu.Lock()
	defer mu.Unlock()
	if server != nil {
		return server, nil
	}
	s, dir, err := startServer(true)
	if err != nil {
		return nil, err
	}
	server, baseDir = s, dir
	return s, nil
}

// startDurable starts (once per test binary) a second server with the production durability
// settings (fsync and synchronous_commit on), for benchmarks and tests of durable commits.
func startDurable() (*postgres.LocalServer, error) {
	mu.Lock()
	defer mu.Unlock()
	if durable != nil {
		return durable, nil
	}
	s, dir, err := startServer(false)
	if err != nil {
		return nil, err
	}
	durable, durableDir = s, dir
	return s, nil
}

func startServer(fast bool) (*postgres.LocalServer, string, error) {
	dir, err := os.MkdirTemp("", "vibestream-pgtest-")
	if err != nil {
		return nil, "", err
	}
	// The server may run as the postgres user, who must be able to traverse this directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, "", err
	}
	initFrom, err := cachedInitDB()
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := postgres.LocalOptions{Fast: fast, InitFrom: initFrom}
	if os.Getenv("PGTEST_STAT_STATEMENTS") != "" {
		// profiling: per-statement figures in pg_stat_statements (CREATE EXTENSION in the test)
		opts.Settings = map[string]string{"shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.track": "all"}
	}
	s, err := postgres.StartLocal(ctx, filepath.Join(dir, "data"), opts)
	if err != nil {
		return nil, "", err
	}
	return s, dir, nil
}

// cachedInitDB runs initdb once per machine into a shared directory, guarded by a file lock, so
// each test binary copies it instead of spending ~2 s in initdb.
func cachedInitDB() (string, error) {
	root := filepath.Join(os.TempDir(), fmt.Sprintf("vibestream-initdb-%d", os.Geteuid()))
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	_ = os.Chmod(root, 0o755)
	lockFile, err := os.OpenFile(filepath.Join(root, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lockFile.Close()
	if err := syscall.Flock(int(lockFile.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lockFile.Fd()), syscall.LOCK_UN) //nolint:errcheck
	data := filepath.Join(root, "data")
	if _, err := os.Stat(filepath.Join(root, "ready")); err == nil {
		return data, nil
	}
	_ = os.RemoveAll(data)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := postgres.StartLocal(ctx, data, postgres.LocalOptions{Fast: true})
	if err != nil {
		return "", err
	}
	s.Stop()
	_ = os.Remove(filepath.Join(data, "postmaster.pid"))
	if err := os.WriteFile(filepath.Join(root, "ready"), nil, 0o644); err != nil {
		return "", err
	}
	return data, nil
}

func prepareTemplate(s *postgres.LocalServer) error {
	once, errp := &tmplOnce, &tmplErr
	if s == durable {
		once, errp = &durableTmpl, &durableTmplErr
	}
	once.Do(func() { *errp = migrateTemplate(s) })
	return *errp
}

func migrateTemplate(s *postgres.LocalServer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.EnsureDatabase(ctx, templateDB); err != nil {
		return err
	}
	pool, err := postgres.Connect(ctx, s.URL(templateDB), 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	return postgres.Migrate(ctx, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// NewURL creates a fresh, fully migrated database for this test and returns its URL.
func NewURL(t testing.TB) string {
	t.Helper()
	s, err := start()
	if err != nil {
		t.Fatalf("pgtest: start postgres: %v", err)
	}
	return newDatabase(t, s)
}

// NewDurableURL is NewURL on a server with fsync and synchronous_commit on, as production runs
// (the default test server trades durability for speed). For measuring durable commits.
func NewDurableURL(t testing.TB) string {
	t.Helper()
	s, err := startDurable()
	if err != nil {
		t.Fatalf("pgtest: start durable postgres: %v", err)
	}
	return newDatabase(t, s)
}

// NewDurableDB is NewDB on the durable server (see NewDurableURL).
func NewDurableDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := postgres.Connect(context.Background(), NewDurableURL(t), 40)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func newDatabase(t testing.TB, s *postgres.LocalServer) string {
	t.Helper()
	if err := prepareTemplate(s); err != nil {
		t.Fatalf("pgtest: migrate template: %v", err)
	}
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), counter.Add(1))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, templateDB)); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	return s.URL(name)
}

// NewDB creates a fresh, fully migrated database and returns a pool on it, closed at cleanup.
func NewDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := NewURL(t)
	pool, err := postgres.Connect(context.Background(), url, 40)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}
