package main

import (
	"github.com/vibestream/vibestream/internal/payment"
	"github.com/vibestream/vibestream/internal/platform/live"
)

// paymentChains is the chain half's configuration for the payment context.
func paymentChains(cfg Config) payment.ChainsConfig {
	c := cfg.Chains
	return payment.ChainsConfig{Enabled: c.Enabled, DataDir: cfg.DataDir, DepositScanInterval: c.DepositScanInterval,
		Ethereum: c.Ethereum, Solana: c.Solana}
}

// wireChainHealth reports the payment context's chains in the health document (their RPCs are
// not critical: the rest of the platform works without them), runs its background loops, keeps
// its withdrawals for the other contexts and stops the chains on shutdown.
func (a *app) wireChainHealth(m *payment.Module) {
	a.withdrawals = m.Withdrawals()
	a.background = append(a.background, m.Background()...)
	for name, fn := range m.ChainChecks() {
		a.health.AddCheck(name, false, fn)
	}
	for name, fn := range m.ChainComponents() {
		a.health.AddComponent(name, fn)
	}
	a.closers = append(a.closers, m.Close)
}

// wireLive mounts GET /api/v1/ws: each user's committed events, live, with replay since an
// event id.
func (a *app) wireLive() {
	a.live = live.New(a.bus, live.Options{Logger: a.logger, Registerer: a.registry})
	a.live.Routes(a.api)
}
