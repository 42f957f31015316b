package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrBinariesMissing is returned when initdb/postgres cannot be found.
var ErrBinariesMissing = errors.New("PostgreSQL server binaries (initdb, postgres) not found on PATH or in /usr/lib/postgresql/*/bin: install the Debian package postgresql (apt-get install postgresql-15), or set DATABASE_URL to an existing server")

// LocalServer is a PostgreSQL server that this process starts, owns and stops. It listens on a
// unix socket only, inside its data directory, so several can run side by side.
type LocalServer struct {
	dataDir string
	sockDir string
	logger  *slog.Logger
	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error
	stop    sync.Once
	cred    *syscall.Credential
	logFile *os.File
}

// LocalOptions tunes a LocalServer.
type LocalOptions struct {
	// Logger receives lifecycle messages; nil discards them.
	Logger *slog.Logger
	// Fast trades durability for speed (fsync off): for throwaway test servers only.
	Fast bool
	// InitFrom, when set, is an already-initialised data directory copied instead of running
	// initdb (tests cache one to save ~2 s per test binary).
	InitFrom string
	// Settings are extra server settings (name -> value), e.g. shared_preload_libraries.
	Settings map[string]string
}

const localPort = 5432

// FindBinary locates a PostgreSQL server binary.
func FindBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", ErrBinariesMissing
}

// StartLocal initialises dataDir if needed, starts the server and waits until it accepts
// connections. Call Stop to shut it down; if this process dies, the kernel tells the server to
// shut down too.
func StartLocal(ctx context.Context, dataDir string, opts LocalOptions) (*LocalServer, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	initdb, err := FindBinary("initdb")
	if err != nil {
		return nil, err
	}
	postgresBin, err := FindBinary("postgres")
	if err != nil {
		return nil, err
	}
	dataDir, err = filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("postgres data dir: %w", err)
	}
	s := &LocalServer{dataDir: dataDir, sockDir: filepath.Join(dataDir, "run"), logger: logger, done: make(chan struct{})}
	if os.Geteuid() == 0 {
		cred, err := postgresCredential()
		if err != nil {
			return nil, err
		}
		s.cred = cred
	}
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o755); err != nil {
		return nil, fmt.Errorf("create postgres data dir: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create postgres data dir: %w", err)
	}
	if s.cred != nil {
		if err := checkTraversable(filepath.Dir(dataDir)); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if opts.InitFrom != "" {
			if err := copyDir(opts.InitFrom, dataDir); err != nil {
				return nil, fmt.Errorf("copy initialised data dir: %w", err)
			}
		} else {
			logger.Info("initialising local postgres", "data_dir", dataDir)
			if err := s.chown(dataDir); err != nil {
				return nil, err
			}
			out, err := s.command(initdb, "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions").CombinedOutput()
			if err != nil {
				return nil, fmt.Errorf("initdb: %w: %s", err, strings.TrimSpace(string(out)))
			}
		}
	}
	if err := os.MkdirAll(s.sockDir, 0o700); err != nil {
		return nil, fmt.Errorf("create socket dir: %w", err)
	}
	if err := s.chown(dataDir); err != nil {
		return nil, err
	}
	s.removeStalePID()

	args := []string{"-D", dataDir, "-k", s.sockDir, "-p", strconv.Itoa(localPort),
		"-c", "listen_addresses=", "-c", "max_connections=300", "-c", "shared_buffers=128MB",
		"-c", "logging_collector=off"}
	if opts.Fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	for k, v := range opts.Settings {
		args = append(args, "-c", k+"="+v)
	}
	logPath := filepath.Join(dataDir, "server.log")
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open postgres log: %w", err)
	}
	s.logFile = lf
	cmd := s.command(postgresBin, args...)
	cmd.Stdout = lf
	cmd.Stderr = lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	s.cmd = cmd
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()

	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		if err == nil {
			conn.Close(ctx)
			break
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("postgres exited during start-up (see %s): %v", logPath, s.waitErr)
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("postgres did not accept connections within 60s (see %s): %w", logPath, err)
		}
	}
	logger.Info("local postgres ready", "data_dir", dataDir, "socket_dir", s.sockDir)
	return s, nil
}

// URL returns a connection URL for the given database over the unix socket.
func (s *LocalServer) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&sslmode=disable", database, s.sockDir, localPort)
}

// EnsureDatabase creates the database if it does not exist.
func (s *LocalServer) EnsureDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

// Done is closed when the server process has exited.
func (s *LocalServer) Done() <-chan struct{} { return s.done }

// Stop shuts the server down (fast mode: open transactions roll back) and waits for it.
func (s *LocalServer) Stop() {
	s.stop.Do(func() {
		if s.cmd == nil || s.cmd.Process == nil {
			return
		}
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Signal(syscall.SIGQUIT)
			<-s.done
		}
		if s.logFile != nil {
			s.logFile.Close()
		}
		s.logger.Info("local postgres stopped")
	})
}

func (s *LocalServer) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	// SIGINT is postgres' fast shutdown: if this process dies, the server follows cleanly.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGINT, Setpgid: true}
	if s.cred != nil {
		cmd.SysProcAttr.Credential = s.cred
		cmd.Env = append(os.Environ(), "HOME="+s.dataDir, "USER=postgres")
		cmd.Dir = s.dataDir
	}
	return cmd
}

// removeStalePID deletes a postmaster.pid left by a server that no longer runs (this process
// was killed), so that start-up does not refuse.
func (s *LocalServer) removeStalePID() {
	pidFile := filepath.Join(s.dataDir, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return
	}
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		_ = os.Remove(pidFile)
	}
}

func (s *LocalServer) chown(dir string) error {
	if s.cred == nil {
		return nil
	}
	uid, gid := int(s.cred.Uid), int(s.cred.Gid)
	return filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
}

// checkTraversable makes sure the postgres user can reach the data directory: every ancestor
// must be searchable by others.
func checkTraversable(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("the postgres OS user cannot reach its data directory: %s is not searchable by others (chmod o+x %s, or choose another DATA_DIR)", d, d)
		}
		if d == "/" || d == "." {
			return nil
		}
	}
}

func postgresCredential() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the 'postgres' OS user (created by the postgresql package): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func copyDir(src, dst string) error {
	out, err := exec.Command("cp", "-a", src+"/.", dst).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}
