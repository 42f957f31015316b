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
	return code
}

func start() (*postgres.LocalServer, error) {
	mu.Lock()
	defer mu.Unlock()
	if server != nil {
		return server, nil
	}
	dir, err := os.MkdirTemp("", "vibestream-pgtest-")
	if err != nil {
		return nil, err
	}
	// The server may run as the postgres user, who must be able to traverse this directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	initFrom, err := cachedInitDB()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := postgres.StartLocal(ctx, filepath.Join(dir, "data"), postgres.LocalOptions{Fast: true, InitFrom: initFrom})
	if err != nil {
		return nil, err
	}
	server, baseDir = s, dir
	return s, nil
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
	tmplOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if tmplErr = s.EnsureDatabase(ctx, templateDB); tmplErr != nil {
			return
		}
		pool, err := postgres.Connect(ctx, s.URL(templateDB), 4)
		if err != nil {
			tmplErr = err
			return
		}
		defer pool.Close()
		tmplErr = postgres.Migrate(ctx, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	})
	return tmplErr
}

// NewURL creates a fresh, fully migrated database for this test and returns its URL.
func NewURL(t testing.TB) string {
	t.Helper()
	s, err := start()
	if err != nil {
		t.Fatalf("pgtest: start postgres: %v", err)
	}
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
