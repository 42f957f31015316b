// Package devchain supervises the local peers used by `make run` and the tests: the stripe-mock
// card gateway (stripemock.go) and the local blockchains: anvil
// (Ethereum, from npm @foundry-rs/anvil-linux-amd64) and the litesvm JSON-RPC adapter (Solana,
// chains/solana-rpc/server.mjs). Both are child processes bound to 127.0.0.1 on a free port, die
// with this process (Pdeathsig) and are stopped by Stop, like the managed Postgres.
//
// Durability: the litesvm adapter journals every landed transaction as it lands. anvil keeps
// its chain in memory and saves it to its state file every second and on exit; it is sent
// SIGTERM (not SIGKILL) when this process dies, even by kill -9, so that it saves its final
// state, and a new anvil on the same state file waits for the previous one to have exited.
package devchain

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrNodeModulesMissing is returned when the npm tools are not installed.
var ErrNodeModulesMissing = errors.New("the local chains need the project's npm packages: run `npm ci` in the repository root (make run and make test do it through scripts/tools.sh), or set ETH_RPC_URL and SOLANA_RPC_URL")

// Process is one supervised local chain.
type Process struct {
	pidFile string
	name    string
	url     string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	done    chan struct{}
	waitErr error
	stop    sync.Once
	logger  *slog.Logger
	logFile *os.File
}

// URL is the JSON-RPC endpoint (http://127.0.0.1:PORT).
func (p *Process) URL() string { return p.url }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Alive reports whether the process still runs.
func (p *Process) Alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Stop terminates the process (SIGTERM, then SIGKILL after 5 s) and waits for it.
func (p *Process) Stop() {
	p.stop.Do(func() {
		if p.cmd == nil || p.cmd.Process == nil {
			return
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if p.stdin != nil {
			p.stdin.Close()
		}
		if p.logFile != nil {
			p.logFile.Close()
		}
		if p.pidFile != "" {
			_ = os.Remove(p.pidFile)
		}
		p.logger.Info("local chain stopped", "chain", p.name)
	})
}

// Kill ends the process abruptly (SIGKILL), as a crash would: for resilience tests.
func (p *Process) Kill() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// FindRoot returns the directory holding node_modules/.bin/anvil: dir itself or one of its
// parents (tests run inside package directories).
func FindRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "node_modules", ".bin", "anvil")); err == nil {
			return d, nil
		}
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return "", ErrNodeModulesMissing
		}
		if d == filepath.Dir(d) {
			return "", ErrNodeModulesMissing
		}
	}
}

// AnvilOptions tunes a local anvil node.
type AnvilOptions struct {
	// Root is the repository root (holding node_modules); empty: found from the working directory.
	Root string
	// StateFile, when set, persists the chain across restarts (anvil --state).
	StateFile string
	// BlockTime, when positive, also mines empty blocks at this interval so that confirmation
	// depths advance (anvil --mixed-mining); transactions are still mined at once.
	BlockTime time.Duration
	// LogFile receives anvil's output; empty discards it.
	LogFile string
	Logger  *slog.Logger
	// Port, when non-zero, is used instead of a free one (a restart at the same address).
	Port int
}

var listeningRE = regexp.MustCompile(`Listening on (127\.0\.0\.1:\d+)`)

// StartAnvil starts anvil on 127.0.0.1 with a free port and waits until it answers.
func StartAnvil(ctx context.Context, opts AnvilOptions) (*Process, error) {
	root, err := rootOf(opts.Root)
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(root, "node_modules", ".bin", "anvil")
	args := []string{"--host", "127.0.0.1", "--port", strconv.Itoa(opts.Port), "--chain-id", "31337", "--accounts", "2", "--balance", "1000000"}
	if opts.BlockTime > 0 {
		args = append(args, "--block-time", strconv.FormatFloat(opts.BlockTime.Seconds(), 'f', -1, 64), "--mixed-mining")
	}
	pidFile := ""
	if opts.StateFile != "" {
		if err := os.MkdirAll(filepath.Dir(opts.StateFile), 0o755); err != nil {
			return nil, fmt.Errorf("anvil state dir: %w", err)
		}
		pidFile = opts.StateFile + ".pid"
		// A previous anvil on this state file (its parent was killed) may still be saving its
		// final state: loading before it is done would lose the newest blocks.
		if err := waitPrevious(ctx, pidFile, 30*time.Second); err != nil {
			return nil, err
		}
		args = append(args, "--state", opts.StateFile, "--state-interval", "1")
	}
	p, err := start(ctx, "ethereum", bin, args, opts.LogFile, opts.Logger, syscall.SIGTERM, func(line string) (string, bool) {
		if m := listeningRE.FindStringSubmatch(line); m != nil {
			return "http://" + m[1], true
		}
		return "", false
	})
	if err != nil {
		return nil, err
	}
	if pidFile != "" {
		if err := os.WriteFile(pidFile, []byte(strconv.Itoa(p.cmd.Process.Pid)+"\n"), 0o644); err != nil {
			p.Stop()
			return nil, fmt.Errorf("anvil pid file: %w", err)
		}
		p.pidFile = pidFile
	}
	if err := waitRPC(ctx, p, `{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}`); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// waitPrevious waits until the process named in pidFile (if any, and if it is an anvil) has
// exited.
func waitPrevious(ctx context.Context, pidFile string, limit time.Duration) error {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return nil
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return nil
	}
	deadline := time.Now().Add(limit)
	for isAnvil(pid) {
		if time.Now().After(deadline) {
			return fmt.Errorf("the previous anvil (pid %d) on this state file is still running after %s", pid, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

func isAnvil(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	// A zombie has an empty command line: it has exited.
	return strings.Contains(string(cmdline), "anvil")
}

// SolanaOptions tunes the local litesvm RPC adapter.
type SolanaOptions struct {
	Root string
	// StateFile, when set, journals landed transactions and replays them at start.
	StateFile string
	// SlotTime is the slot interval (default 100ms); Finality the slots until "finalized" (32).
	SlotTime time.Duration
	Finality int
	// BlockhashValidity is how many slots a blockhash stays usable (default 150, as on mainnet).
	BlockhashValidity int
	// Port, when non-zero, is used instead of a free one.
	Port    int
	LogFile string
	Logger  *slog.Logger
}

// StartSolana starts the litesvm JSON-RPC adapter (needs node on PATH).
func StartSolana(ctx context.Context, opts SolanaOptions) (*Process, error) {
	root, err := rootOf(opts.Root)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "litesvm")); err != nil {
		return nil, ErrNodeModulesMissing
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("the local Solana chain needs Node.js >= 20 on PATH (apt-get install nodejs), or set SOLANA_RPC_URL")
	}
	if opts.SlotTime <= 0 {
		opts.SlotTime = 100 * time.Millisecond
	}
	if opts.Finality <= 0 {
		opts.Finality = 32
	}
	args := []string{filepath.Join(root, "chains", "solana-rpc", "server.mjs"), "--port", strconv.Itoa(opts.Port), "--exit-with-stdin",
		"--slot-ms", strconv.FormatInt(opts.SlotTime.Milliseconds(), 10), "--finality", strconv.Itoa(opts.Finality)}
	if opts.BlockhashValidity > 0 {
		args = append(args, "--blockhash-validity", strconv.Itoa(opts.BlockhashValidity))
	}
	if opts.StateFile != "" {
		if err := os.MkdirAll(filepath.Dir(opts.StateFile), 0o755); err != nil {
			return nil, fmt.Errorf("solana state dir: %w", err)
		}
		args = append(args, "--state", opts.StateFile)
	}
	p, err := start(ctx, "solana", node, args, opts.LogFile, opts.Logger, syscall.SIGKILL, func(line string) (string, bool) {
		var v struct {
			RPC string `json:"rpc"`
		}
		if json.Unmarshal([]byte(line), &v) == nil && v.RPC != "" {
			return v.RPC, true
		}
		return "", false
	})
	if err != nil {
		return nil, err
	}
	if err := waitRPC(ctx, p, `{"jsonrpc":"2.0","id":1,"method":"getHealth"}`); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

func rootOf(root string) (string, error) {
	if root != "" {
		if _, err := os.Stat(filepath.Join(root, "node_modules", ".bin", "anvil")); err != nil {
			return "", ErrNodeModulesMissing
		}
		return root, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return FindRoot(wd)
}

// start runs the command, scans its stdout for the line announcing its URL and keeps logging
// its output.
// deathSignal is what the child receives when this process dies (SIGTERM lets it save state).
func start(ctx context.Context, name, bin string, args []string, logPath string, logger *slog.Logger, deathSignal syscall.Signal, parse func(string) (string, bool)) (*Process, error) {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: deathSignal, Setpgid: true}
	p := &Process{name: name, cmd: cmd, done: make(chan struct{}), logger: logger}
	var sink io.Writer = io.Discard
	if logPath != "" {
		if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("%s log: %w", name, err)
		}
		p.logFile, sink = f, f
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = sink
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	p.stdin = stdin
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s chain (%s): %w", name, bin, err)
	}
	urlCh := make(chan string, 1)
	var tail strings.Builder
	var tailMu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		found := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(sink, line)
			if !found {
				tailMu.Lock()
				if tail.Len() < 4096 {
					tail.WriteString(line + "\n")
				}
				tailMu.Unlock()
				if u, ok := parse(line); ok {
					found = true
					urlCh <- u
				}
			}
		}
		_, _ = io.Copy(sink, stdout)
	}()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	select {
	case u := <-urlCh:
		p.url = u
	case <-p.done:
		tailMu.Lock()
		defer tailMu.Unlock()
		return nil, fmt.Errorf("%s chain exited during start-up: %v: %s", name, p.waitErr, strings.TrimSpace(tail.String()))
	case <-ctx.Done():
		p.Stop()
		return nil, ctx.Err()
	case <-time.After(60 * time.Second):
		p.Stop()
		return nil, fmt.Errorf("%s chain did not announce its port within 60s", name)
	}
	logger.Info("local chain ready", "chain", name, "rpc", p.url)
	return p, nil
}

func waitRPC(ctx context.Context, p *Process, body string) error {
	deadline := time.Now().Add(30 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s chain exited: %v", p.name, p.waitErr)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s chain at %s did not answer within 30s: %v", p.name, p.url, err)
		}
	}
}
