package main

import (
	"context"
	"time"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/chains"
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
	return nil
}

// wireLive mounts GET /api/v1/ws: each user's committed events, live, with replay since an
// event id.
func (a *app) wireLive() {
	a.live = live.New(a.bus, live.Options{Logger: a.logger, Registerer: a.registry})
	a.live.Routes(a.api)
}
