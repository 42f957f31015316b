package payment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainhttp"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chains"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
)

// EthereumConfig configures the Ethereum gateway (an empty RPCURL starts a local anvil).
type EthereumConfig = chains.EthereumConfig

// SolanaConfig configures the Solana gateway (an empty RPCURL starts the local litesvm).
type SolanaConfig = chains.SolanaConfig

// ChainsConfig configures the chain half of the context: withdrawals, deposits, treasury.
type ChainsConfig struct {
	// Enabled starts the chain gateways; without it the chain routes answer chain.unavailable.
	Enabled bool
	// DataDir holds the chains' keys and local state (under DataDir/chains).
	DataDir string
	// DepositScanInterval: how often the chains are scanned for deposits (0: 1s).
	DepositScanInterval time.Duration
	// ResumeInterval: how often transfers whose worker died are looked for (0: 5s);
	// ResumeAfter: how long a transfer must be untouched to be one (0: 5s).
	ResumeInterval time.Duration
	ResumeAfter    time.Duration
	// AuditInterval: how often recently confirmed transfers are checked on chain (0: 10m; also
	// at start); AuditWindow: how far back (0: 24h).
	AuditInterval time.Duration
	AuditWindow   time.Duration
	Ethereum      EthereumConfig
	Solana        SolanaConfig
}

type chainHalf struct {
	chains   *chains.Chains
	handlers *chainhttp.Handlers
	watcher  *chains.DepositWatcher
	exec     *chains.Executor
	breakers map[string]*chains.Breaker
}

// wireChains builds the chain half: the use cases, their stores and, when enabled, the chain
// gateways (starting the local chains when no RPC URL is set), the transfer jobs, the resume
// and audit jobs and the deposit scan.
func (m *Module) wireChains(d Deps, ledger *application.Ledger, ledgerStore *paymentpg.LedgerStore) error {
	c := d.Chains
	var opts []chainstore.Option
	opts = append(opts, chainstore.WithLedger(ledgerStore))
	if d.Bus != nil {
		opts = append(opts, chainstore.WithBus(d.Bus))
	}
	if d.Runner != nil {
		opts = append(opts, chainstore.WithEnqueue(func(ctx context.Context, tx pgx.Tx, id uuid.UUID, chain string) error {
			return d.Runner.InsertTx(ctx, tx, river.InsertManyParams{Args: chains.TransferArgs{ID: id, Blockchain: chain}})
		}))
	}
	store := chainstore.New(d.Pool, opts...)
	h := &chainHalf{}
	m.chain = h
	if c.Enabled {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		ch, err := chains.Start(ctx, chains.Config{DataDir: c.DataDir, Ethereum: c.Ethereum, Solana: c.Solana, Logger: d.Logger})
		if err != nil {
			return err
		}
		h.chains = ch
	}
	appChains, appStore := chains.AppChains{C: h.chains}, chains.AppStore{S: store}
	h.handlers = &chainhttp.Handlers{
		Withdraw: chaintx.NewWithdrawHandler(ledger, d.Users, appChains, appStore),
		Mint:     chaintx.NewMintHandler(appChains, appStore),
		Grant:    chaintx.NewGrantHandler(ledger),
		Queries:  chaintx.NewQueries(appChains, appStore),
		Store:    store,
		Pool:     d.Pool,
	}
	if h.chains == nil || d.Runner == nil {
		return nil
	}

	// Durable transfers: the job runs the application's lifecycle (which moves the Transfer
	// and books it in the ledger: settle or release), which sends through the executor (sign,
	// store, broadcast, confirm), behind one circuit breaker per chain.
	metrics := chains.NewMetrics(d.Registry)
	h.breakers = map[string]*chains.Breaker{"ethereum": chains.NewBreaker(5, 5*time.Second), "solana": chains.NewBreaker(5, 5*time.Second)}
	lock := chains.PostgresTryLock(d.Pool)
	h.exec = &chains.Executor{Store: store, Chains: h.chains, Metrics: metrics, EthSendLock: chains.PostgresSendLock(d.Pool), Lock: lock, Logger: d.Logger}
	h.exec.Run = chaintx.NewLifecycle(store, ledger, h.exec, d.Now).Execute
	workers := d.Runner.Workers()
	river.AddWorker(workers, &chains.TransferWorker{Executor: h.exec, Breakers: h.breakers})
	// Recovery runs in every instance, not only on River's leader: a restarted instance must
	// not wait for the dead leader's lease to expire. The transfer locks keep instances apart.
	resume := &chains.Resumer{Executor: h.exec, Breakers: h.breakers, OlderThan: c.ResumeAfter}
	audit := &chains.Auditor{Executor: h.exec, Window: c.AuditWindow}
	m.background = append(m.background,
		every(orDefault(c.ResumeInterval, 5*time.Second), d.Logger, "resume chain transfers", func(ctx context.Context) error { return resume.Run(ctx) }),
		every(orDefault(c.AuditInterval, 10*time.Minute), d.Logger, "audit confirmed chain transfers", func(ctx context.Context) error { return audit.Run(ctx) }))

	// Deposits: a scan credits linked wallets once (the record, the credit and the event in one
	// transaction). It is a loop in every instance, not a River periodic job: a periodic job
	// inserted as unique ran once and never again (River counts completed jobs as duplicates
	// for a day), and one on River's leader stops for the dead leader's lease after a crash.
	// The scan lock lets one scan at a time do the work.
	deposits := chaintx.NewDeposits(ledger, d.Users, appStore)
	h.watcher = &chains.DepositWatcher{Chains: h.chains, Store: store, Deposits: deposits, Metrics: metrics, Lock: lock}
	m.background = append(m.background, every(orDefault(c.DepositScanInterval, time.Second), d.Logger, "scan chains for deposits", h.watcher.RunScan))
	return nil
}

// every runs fn at once and then every interval until ctx ends.
func every(interval time.Duration, logger *slog.Logger, what string, fn func(ctx context.Context) error) func(ctx context.Context) {
	return func(ctx context.Context) {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				logger.WarnContext(ctx, what, "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}
}

// Background is the context's work that runs in every instance for the life of the process
// (the chain transfers' resume and audit loops).
func (m *Module) Background() []func(ctx context.Context) { return m.background }

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// ChainChecks are the chains' readiness probes (RPC reachable), empty when disabled.
func (m *Module) ChainChecks() map[string]func(ctx context.Context) error {
	if m.chain == nil || m.chain.chains == nil {
		return nil
	}
	return m.chain.chains.Checks()
}

// ChainComponents describe the chains' circuit breakers for the health document.
func (m *Module) ChainComponents() map[string]func() string {
	out := map[string]func() string{}
	if m.chain == nil {
		return out
	}
	for name, b := range m.chain.breakers {
		out["chain_breaker_"+name] = b.State
	}
	return out
}

// Chains is the live chain gateways (nil when disabled), for tests and tools.
func (m *Module) Chains() *chains.Chains {
	if m.chain == nil {
		return nil
	}
	return m.chain.chains
}

// ScanDeposits scans the chains for deposits once (the periodic job does it on its own).
func (m *Module) ScanDeposits(ctx context.Context) (int, error) {
	if m.chain == nil || m.chain.watcher == nil {
		return 0, chaintx.ErrChainUnavailable
	}
	return m.chain.watcher.Scan(ctx)
}

// Close stops the chain gateways (and the local chains this module started).
func (m *Module) Close() {
	if m.chain != nil && m.chain.chains != nil {
		m.chain.chains.Close()
	}
}

// VerifyChains compares the hot wallets' on-chain VIBE with the ledger (`vibestream ledger
// verify`). It reads the chains without starting or saving anything another process owns: it
// talks to the chains of a running instance on this DATA_DIR, to the configured RPC URLs, or
// to a throwaway copy of the local chains' saved state.
func VerifyChains(ctx context.Context, d Deps, out io.Writer) error {
	ch, err := chains.Connect(ctx, chains.Config{DataDir: d.Chains.DataDir, Ethereum: d.Chains.Ethereum, Solana: d.Chains.Solana, Logger: d.Logger})
	if errors.Is(err, fs.ErrNotExist) && d.Chains.Ethereum.RPCURL == "" && d.Chains.Solana.RPCURL == "" {
		// The local chains never ran on this DATA_DIR: fine only if the ledger never used them.
		used, aerr := chainstore.New(d.Pool).Any(ctx)
		if aerr != nil {
			return aerr
		}
		if used {
			fmt.Fprintln(out, "BROKEN: the ledger has chain transfers or deposits but DATA_DIR holds no chain state")
			return fmt.Errorf("ledger verify: chains: %w", err)
		}
		fmt.Fprintln(out, "chains: the local chains have never run on this DATA_DIR; nothing on chain to compare")
		return nil
	}
	if err != nil {
		return fmt.Errorf("ledger verify: chains: %w", err)
	}
	defer ch.Close()
	fmt.Fprintf(out, "chains: %s\n", ch.Source())
	return chains.VerifyBalances(ctx, d.Pool, ch, out)
}

// Withdrawals lets other contexts send a user's VIBE on chain the way POST /api/v1/transactions
// does (held at once, durable transfer); nil without the chain half. Callers namespace their
// idempotency keys.
func (m *Module) Withdrawals() *Withdrawals {
	if m.chain == nil || m.chain.handlers == nil {
		return nil
	}
	w, err := NewWithdrawals(m.chain.handlers.Withdraw)
	if err != nil {
		return nil
	}
	return w
}
