// Command vibeload simulates VibeStream users against one or more running instances and reports
// per-operation latencies, WebSocket delivery latency and the money checks after the run.
//
//	vibeload -urls URL1[,URL2...] -users N -duration D [-ramp D] [-json FILE] [scenario flags]
//
// Each simulated user registers (or logs in, when the seeded pool of -prefix already holds it),
// is funded when its balance is low, keeps a WebSocket open, and then, with random think times,
// browses and searches the catalog, plays songs through listen sessions (Range requests at the
// rendition's real bitrate, heartbeats, completion), checks balances and rewards, and now and
// then withdraws VIBE to a linked wallet or buys a song share. With several URLs, user i calls
// the API of URL i mod n and holds its WebSocket on the next one, so every event a user causes
// must cross instances to reach it. Everything stops by itself at -duration (requests cut by the
// end are not counted); only the given URLs are contacted, and the -ledger-verify command is run
// afterwards. The exit status is 1 when any operation or check failed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type config struct {
	urls          []string
	users         int
	duration      time.Duration
	ramp          time.Duration
	jsonFile      string
	think         time.Duration
	mix           mix
	prefix        string
	password      string
	adminEmail    string
	adminPassword string
	fundUSD       float64
	fundVIBE      float64
	withdrawVIBE  string
	listenSeconds time.Duration
	chunk         time.Duration
	buffer        time.Duration
	ledgerVerify  string
	verifyWait    time.Duration
	seed          int64
	maxConns      int
	timeout       time.Duration
	seeding       seedConfig
}

// mix is the weighted choice of what a user does after each think time.
type mix struct {
	names []string
	cum   []float64
}

const defaultMix = "browse=3,search=2,listen=4,balances=2,rewards=1,withdraw=0.1,trade=0.3"

var actions = map[string]bool{"browse": true, "search": true, "listen": true, "balances": true, "rewards": true, "withdraw": true, "trade": true}

func parseMix(s string) (mix, error) {
	var m mix
	total := 0.0
	for _, part := range strings.Split(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		f, err := strconv.ParseFloat(w, 64)
		if !ok || err != nil || f < 0 || !actions[name] {
			return m, fmt.Errorf("-mix: %q is not action=weight with an action among browse, search, listen, balances, rewards, withdraw, trade", part)
		}
		if f == 0 {
			continue
		}
		total += f
		m.names = append(m.names, name)
		m.cum = append(m.cum, total)
	}
	if total == 0 {
		return m, errors.New("-mix: no action has a weight")
	}
	for i := range m.cum {
		m.cum[i] /= total
	}
	return m, nil
}

func (m mix) pick(x float64) string {
	for i, c := range m.cum {
		if x < c {
			return m.names[i]
		}
	}
	return m.names[len(m.names)-1]
}

func (m mix) has(name string) bool {
	for _, n := range m.names {
		if n == name {
			return true
		}
	}
	return false
}

var prefixRE = regexp.MustCompile(`^[a-z0-9]{1,16}$`)

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("vibeload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	urls := fs.String("urls", "", "comma-separated base URLs of the instances (required), e.g. http://127.0.0.1:3000")
	fs.IntVar(&c.users, "users", 100, "simulated users")
	fs.DurationVar(&c.duration, "duration", time.Minute, "how long the load runs (users start within -ramp of the start)")
	ramp := fs.Duration("ramp", -1, "time over which the users start (default a fifth of -duration)")
	fs.StringVar(&c.jsonFile, "json", "", "write the JSON summary to this file")
	fs.DurationVar(&c.think, "think", 5*time.Second, "mean think time between a user's actions (exponential)")
	mixFlag := fs.String("mix", defaultMix, "relative weights of the user actions")
	fs.StringVar(&c.prefix, "prefix", "load", "seeded pool: user i is <prefix>_<i>@load.test (registered, or logged in when it exists)")
	fs.StringVar(&c.password, "password", "vibeload-password-1", "the pool's password")
	fs.StringVar(&c.adminEmail, "admin-email", "", "an admin account: users are funded by grants (without it, by card top-ups through the local card gateway)")
	fs.StringVar(&c.adminPassword, "admin-password", "", "the admin's password")
	fs.Float64Var(&c.fundUSD, "fund-usd", 2, "USD each user is given when its balance is below half of it")
	fs.Float64Var(&c.fundVIBE, "fund-vibe", -1, "VIBE each user is granted for withdrawals (default 1 when the mix withdraws and an admin is given)")
	fs.StringVar(&c.withdrawVIBE, "withdraw-amount", "0.01", "VIBE per withdrawal")
	fs.DurationVar(&c.listenSeconds, "listen", 0, "seconds listened per session (default: the session's qualifying time + 2 s, at most the song)")
	fs.DurationVar(&c.chunk, "chunk", 5*time.Second, "audio per Range request")
	fs.DurationVar(&c.buffer, "buffer", 10*time.Second, "audio the player keeps buffered ahead")
	fs.StringVar(&c.ledgerVerify, "ledger-verify", "vibestream ledger verify", "command run after the load (with this environment); empty: skipped")
	fs.DurationVar(&c.verifyWait, "verify-wait", 2*time.Minute, "how long qualified listens may take to be paid after the load")
	fs.Int64Var(&c.seed, "seed", 1, "random seed (think times, choices)")
	fs.IntVar(&c.maxConns, "max-conns", 1024, "HTTP connections per instance (WebSockets not included)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.IntVar(&c.seeding.artists, "seed-artists", 0, "before the load, make sure this many artists of the pool have songs (needs -seed-audio)")
	fs.StringVar(&c.seeding.audio, "seed-audio", "", "directory of audio files each seeded artist uploads as songs")
	fs.StringVar(&c.seeding.mint, "seed-mint", "", "VIBE minted to the reward pool before the load (needs the admin and the chains)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	for _, u := range strings.Split(*urls, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				return c, fmt.Errorf("-urls: %q is not an http(s) URL", u)
			}
			c.urls = append(c.urls, u)
		}
	}
	if len(c.urls) == 0 {
		return c, errors.New("-urls is required")
	}
	if c.users < 1 || c.duration <= 0 {
		return c, errors.New("-users and -duration must be positive")
	}
	c.ramp = *ramp
	if c.ramp < 0 {
		c.ramp = c.duration / 5
	}
	if !prefixRE.MatchString(c.prefix) {
		return c, errors.New("-prefix: 1-16 lower-case letters or digits")
	}
	m, err := parseMix(*mixFlag)
	if err != nil {
		return c, err
	}
	c.mix = m
	if c.fundVIBE < 0 {
		c.fundVIBE = 0
		if m.has("withdraw") && c.adminEmail != "" {
			c.fundVIBE = 1
		}
	}
	if c.chunk <= 0 || c.buffer < 0 || c.think < 0 {
		return c, errors.New("-chunk must be positive, -buffer and -think not negative")
	}
	return c, nil
}

// Summary is the JSON written with -json.
type Summary struct {
	Users           int                  `json:"users"`
	Instances       []string             `json:"instances"`
	DurationSeconds float64              `json:"duration_seconds"`
	Operations      map[string]OpSummary `json:"operations"`
	ErrorsTotal     uint64               `json:"errors_total"`
	WS              WSSummary            `json:"ws"`
	Listens         ListenSummary        `json:"listens"`
	Checks          map[string]string    `json:"checks"`
	GoMaxProcs      int                  `json:"gomaxprocs"`
}

// WSSummary is the WebSocket part: events received and their delivery latency (committed ->
// received).
type WSSummary struct {
	Received    uint64  `json:"received"`
	P50         float64 `json:"p50_ms"`
	P95         float64 `json:"p95_ms"`
	P99         float64 `json:"p99_ms"`
	Max         float64 `json:"max_ms"`
	Disconnects uint64  `json:"disconnects"`
	Peak        int64   `json:"peak_connected"`
}

// ListenSummary counts the sessions.
type ListenSummary struct {
	Started         uint64            `json:"started"`
	Qualified       uint64            `json:"qualified"`
	Rejected        uint64            `json:"rejected"`
	RejectedReasons map[string]uint64 `json:"rejected_reasons,omitempty"`
	Preview         uint64            `json:"preview_only"`
	Abandoned       uint64            `json:"abandoned_at_end"`
	Paid            uint64            `json:"paid"`
}

func main() {
	code, err := runMain(os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vibeload:", err)
	}
	os.Exit(code)
}

func runMain(args []string, stdout, stderr io.Writer) (int, error) {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, nil
		}
		return 2, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := load(ctx, cfg, stdout)
	if err != nil {
		return 1, err
	}
	if cfg.jsonFile != "" {
		raw, _ := json.MarshalIndent(sum, "", "  ")
		if err := os.WriteFile(cfg.jsonFile, append(raw, '\n'), 0o644); err != nil {
			return 1, err
		}
	}
	if sum.ErrorsTotal > 0 {
		return 1, fmt.Errorf("%d operations failed", sum.ErrorsTotal)
	}
	for name, v := range sum.Checks {
		if !strings.HasPrefix(v, "ok") && !strings.HasPrefix(v, "skipped") {
			return 1, fmt.Errorf("check %s failed: %s", name, v)
		}
	}
	return 0, nil
}

func load(ctx context.Context, cfg config, out io.Writer) (*Summary, error) {
	st := newStats()
	tr := newTransport(cfg.maxConns)
	defer tr.CloseIdleConnections()
	wsTr := newTransport(0)
	r := &run{cfg: cfg, stats: st, c: &client{http: &http.Client{Transport: tr, Timeout: cfg.timeout}, stats: st},
		ws: &http.Client{Transport: wsTr}, qualified: map[string][]string{}, rejected: map[string]uint64{}}
	if cfg.adminEmail != "" {
		var t tokens
		if _, err := r.c.do(ctx, call{method: http.MethodPost, url: cfg.urls[0] + "/api/v1/auth/login",
			body: map[string]any{"login": cfg.adminEmail, "password": cfg.adminPassword}, out: &t}); err != nil {
			return nil, fmt.Errorf("admin login: %w", err)
		}
		r.admin = t.AccessToken
	}
	if cfg.seeding.artists > 0 {
		if err := r.seed(ctx, cfg.seeding, out); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
	} else if cfg.seeding.mint != "" {
		if err := r.seed(ctx, seedConfig{mint: cfg.seeding.mint, audio: "."}, out); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
	}
	fmt.Fprintf(out, "vibeload: %d users against %s for %s (ramp %s, think %s)\n", cfg.users, strings.Join(cfg.urls, ", "), cfg.duration, cfg.ramp, cfg.think)
	start := time.Now()
	r.soft = start.Add(cfg.duration)
	// Requests still running a minute after the end are cut (and not counted).
	hardCtx, cancel := context.WithDeadline(ctx, r.soft.Add(time.Minute))
	defer cancel()
	r.users = make([]*user, cfg.users)
	var wg sync.WaitGroup
	progress := time.NewTicker(10 * time.Second)
	defer progress.Stop()
	go func() {
		for range progress.C {
			if time.Now().After(r.soft) {
				return
			}
			ops, errs := st.summary(time.Since(start))
			var n uint64
			for _, o := range ops {
				n += o.Count
			}
			fmt.Fprintf(out, "  %4.0fs: %d requests, %d errors, %d WebSockets open, %d events received, %d listens qualified\n",
				time.Since(start).Seconds(), n, errs, r.wsConn.Load(), r.wsRecv.Load(), r.listens.qualified.Load())
		}
	}()
	for i := range cfg.users {
		u := r.newUser(i)
		r.users[i] = u
		delay := time.Duration(0)
		if cfg.users > 1 {
			delay = cfg.ramp * time.Duration(i) / time.Duration(cfg.users)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !sleepCtx(hardCtx, delay) {
				return
			}
			u.live(hardCtx)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	progress.Stop()

	sum := &Summary{Users: cfg.users, Instances: cfg.urls, DurationSeconds: round2(min(elapsed, cfg.duration).Seconds()),
		Checks: map[string]string{}, GoMaxProcs: runtime.GOMAXPROCS(0)}
	sum.Listens = ListenSummary{Started: r.listens.started.Load(), Qualified: r.listens.qualified.Load(), Rejected: r.listens.rejected.Load(),
		Preview: r.listens.preview.Load(), Abandoned: r.listens.abandoned.Load()}
	if len(r.rejected) > 0 {
		sum.Listens.RejectedReasons = r.rejected
	}
	if ctx.Err() == nil {
		fmt.Fprintln(out, "vibeload: load over; checking that every qualified listen was paid exactly once")
		sum.Listens.Paid, sum.Checks["paid_once"] = r.verifyPaidOnce(ctx)
		sum.Checks["ledger_verify"] = runLedgerVerify(ctx, cfg.ledgerVerify, out)
	}
	sum.Operations, sum.ErrorsTotal = st.summary(cfg.duration)
	sum.WS = WSSummary{Received: r.wsRecv.Load(), P50: r.wsHist.quantile(0.5), P95: r.wsHist.quantile(0.95), P99: r.wsHist.quantile(0.99),
		Max: float64(r.wsHist.max.Load()) / 1000, Disconnects: r.wsLost.Load(), Peak: r.wsPeak.Load()}
	printSummary(out, sum)
	return sum, nil
}

func runLedgerVerify(ctx context.Context, command string, out io.Writer) string {
	f := strings.Fields(command)
	if len(f) == 0 {
		return "skipped (-ledger-verify is empty)"
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, f[0], f[1:]...)
	raw, err := cmd.CombinedOutput()
	text := strings.TrimSpace(string(raw))
	fmt.Fprintf(out, "vibeload: %s:\n%s\n", command, indent(text))
	if err != nil {
		last := text
		if i := strings.LastIndexByte(text, '\n'); i >= 0 {
			last = text[i+1:]
		}
		return fmt.Sprintf("failed: %v: %s", err, last)
	}
	return "ok"
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }

func printSummary(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "\n%-18s %9s %7s %9s %9s %9s %9s %9s\n", "operation", "count", "errors", "per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms")
	for _, name := range sortedNames(s.Operations) {
		o := s.Operations[name]
		fmt.Fprintf(w, "%-18s %9d %7d %9.2f %9.1f %9.1f %9.1f %9.1f\n", name, o.Count, o.Errors, o.PerSecond, o.P50, o.P95, o.P99, o.Max)
		codes := sortedNames(o.ErrorsByCode)
		sort.Slice(codes, func(i, j int) bool { return o.ErrorsByCode[codes[i]] > o.ErrorsByCode[codes[j]] })
		for _, c := range codes {
			fmt.Fprintf(w, "    %6d x %s\n", o.ErrorsByCode[c], c)
		}
	}
	fmt.Fprintf(w, "\nwebsocket: %d events received, delivery p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; %d disconnects; %d open at the peak\n",
		s.WS.Received, s.WS.P50, s.WS.P95, s.WS.P99, s.WS.Max, s.WS.Disconnects, s.WS.Peak)
	fmt.Fprintf(w, "listens: %d started, %d qualified, %d paid, %d rejected %v, %d preview-only, %d abandoned at the end\n",
		s.Listens.Started, s.Listens.Qualified, s.Listens.Paid, s.Listens.Rejected, s.Listens.RejectedReasons, s.Listens.Preview, s.Listens.Abandoned)
	for _, name := range sortedNames(s.Checks) {
		fmt.Fprintf(w, "check %s: %s\n", name, s.Checks[name])
	}
	fmt.Fprintf(w, "errors: %d\n", s.ErrorsTotal)
}
