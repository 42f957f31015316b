package main

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/chains"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/platform/live"
)

// wireChains starts the chain adapters (and the local chains when no RPC URL is set), then
// mounts GET /api/v1/chains and the chains' readiness checks.
func (a *app) wireChains() error {
	if !a.cfg.Chains.Enabled {
		chains.Routes(a.api, nil)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ch, err := chains.Start(ctx, chains.Config{DataDir: a.cfg.DataDir, Ethereum: a.cfg.Chains.Ethereum,
		Solana: a.cfg.Chains.Solana, Logger: a.logger})
	if err != nil {
		return err
	}
	a.closers = append(a.closers, ch.Close)
	a.chains = ch
	for name, fn := range ch.Checks() {
		a.health.AddCheck(name, false, fn)
	}
	chains.Routes(a.api, ch)

	// Durable transfers: the job that signs, stores, broadcasts and confirms, behind one
	// circuit breaker per chain. Withdrawals and treasury mints insert chains.TransferArgs.
	metrics := chains.NewMetrics(a.registry)
	breakers := map[string]*chains.Breaker{"ethereum": chains.NewBreaker(5, 10*time.Second), "solana": chains.NewBreaker(5, 10*time.Second)}
	for name, b := range breakers {
		a.health.AddComponent("chain_breaker_"+name, b.State)
	}
	a.chainExec = &chains.Executor{Store: chainstore.New(a.pool), Chains: ch, Metrics: metrics}
	river.AddWorker(a.runner.Workers(), &chains.TransferWorker{Executor: a.chainExec, Breakers: breakers})
	return nil
}

// wireLive mounts GET /api/v1/ws: each user's committed events, live, with replay since an
// event id.
func (a *app) wireLive() {
	a.live = live.New(a.bus, live.Options{Logger: a.logger, Registerer: a.registry})
	a.live.Routes(a.api)
}
