package main

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/payment"
	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainhttp"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chains"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/live"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// DepositCreditedV1 is published to the user when a deposit from their wallet is credited.
const DepositCreditedV1 = "payment.deposit_credited.v1"

// wireChains starts the chain adapters (and the local chains when no RPC URL is set) and
// mounts the blockchain API: GET /chains, the transactions API, treasury mints and grants. Its
// routes exist even with CHAINS_ENABLED=false (they answer chain.unavailable).
func (a *app) wireChains() error {
	ledger := a.payment.Ledger()
	directory := a.users.Directory()
	store := chainstore.New(a.pool, chainstore.WithBus(a.bus), chainstore.WithEnqueue(func(ctx context.Context, tx pgx.Tx, id uuid.UUID, chain string) error {
		return a.runner.InsertTx(ctx, tx, river.InsertManyParams{Args: chains.TransferArgs{ID: id, Blockchain: chain}})
	}))

	var ch *chains.Chains
	if a.cfg.Chains.Enabled {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		var err error
		ch, err = chains.Start(ctx, chains.Config{DataDir: a.cfg.DataDir, Ethereum: a.cfg.Chains.Ethereum,
			Solana: a.cfg.Chains.Solana, Logger: a.logger})
		if err != nil {
			return err
		}
		a.closers = append(a.closers, ch.Close)
		a.chains = ch
		for name, fn := range ch.Checks() {
			a.health.AddCheck(name, false, fn)
		}
	}
	chains.Routes(a.api, ch)
	appChains, appStore := chains.AppChains{C: ch}, chains.AppStore{S: store}
	withdraw := chaintx.NewWithdrawHandler(ledger, directory, appChains, appStore)
	var err error
	if a.withdrawals, err = payment.NewWithdrawals(withdraw); err != nil {
		return err
	}
	(&chainhttp.Handlers{
		Withdraw: withdraw,
		Mint:     chaintx.NewMintHandler(appChains, appStore),
		Grant:    chaintx.NewGrantHandler(ledger),
		Queries:  chaintx.NewQueries(appChains, appStore),
		Store:    store,
		Pool:     a.pool,
	}).Routes(a.api)
	if ch == nil {
		return nil
	}

	// Durable transfers: the job that signs, stores, broadcasts and confirms, behind one
	// circuit breaker per chain; the outcome is booked in the ledger (settle or release).
	metrics := chains.NewMetrics(a.registry)
	breakers := map[string]*chains.Breaker{"ethereum": chains.NewBreaker(5, 10*time.Second), "solana": chains.NewBreaker(5, 10*time.Second)}
	for name, b := range breakers {
		a.health.AddComponent("chain_breaker_"+name, b.State)
	}
	outcomes := chaintx.NewOutcomeHandler(ledger, appStore)
	a.chainExec = &chains.Executor{Store: store, Chains: ch, Metrics: metrics, EthSendLock: chains.PostgresSendLock(a.pool),
		OnOutcome: func(ctx context.Context, o chains.Outcome) error {
			return outcomes.Handle(ctx, chaintx.Outcome{ID: o.ID, Status: o.Status, TxHash: o.TxHash, Reason: o.Reason})
		}}
	river.AddWorker(a.runner.Workers(), &chains.TransferWorker{Executor: a.chainExec, Breakers: breakers})

	// Deposits: a periodic scan (River runs it on the leader) credits linked wallets once.
	deposits := chaintx.NewDeposits(ledger, directory)
	a.depositWatcher = &chains.DepositWatcher{Chains: ch, Store: store, Owners: deposits, Crediter: deposits, Metrics: metrics,
		OnRecorded: func(ctx context.Context, d chainstore.Deposit) error {
			if d.UserID == nil {
				return nil
			}
			env, err := events.New(ctx, DepositCreditedV1, "payment", map[string]any{"blockchain": d.Blockchain, "tx_hash": d.TxHash,
				"amount": chaintx.FormatVIBE(*d.Amount), "from": d.From}, events.ForUsers(*d.UserID))
			if err != nil {
				return err
			}
			return postgres.InTx(ctx, a.pool, func(tx pgx.Tx) error { return a.bus.Publish(ctx, tx, env) })
		}}
	river.AddWorker(a.runner.Workers(), &chains.DepositScanWorker{Watcher: a.depositWatcher})
	a.runner.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(a.cfg.Chains.DepositScanInterval),
		func() (river.JobArgs, *river.InsertOpts) { return chains.DepositScanArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	return nil
}

// wireLive mounts GET /api/v1/ws: each user's committed events, live, with replay since an
// event id.
func (a *app) wireLive() {
	a.live = live.New(a.bus, live.Options{Logger: a.logger, Registerer: a.registry})
	a.live.Routes(a.api)
}
