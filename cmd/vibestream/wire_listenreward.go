package main

import (
	"github.com/vibestream/vibestream/internal/listenreward"
	"github.com/vibestream/vibestream/internal/orchestrator"
)

// wireListenReward builds the listen-reward context, its routes, its expiry job and the
// qualified-listen workflow across music, payment and listenreward. It runs after payment and
// music are wired.
func (a *app) wireListenReward() error {
	lc := a.cfg.Listen
	deps := listenreward.Deps{Pool: a.pool, Bus: a.bus, Runner: a.runner, Logger: a.logger.With("context", "listenreward"),
		Registerer: a.registry, Songs: a.music.Catalog(), Streams: a.music.Streams(), Ledger: a.payment.Ledger(),
		Users: a.users.Directory(), Boosts: a.campaign.Boosts(), Now: lc.Clock,
		Config: listenreward.Config{Policy: lc.Policy, RewardPolicy: lc.Rewards, FeeBPS: lc.PlatformFeeBPS,
			ExpireEvery: lc.ExpireEvery, StalledAfter: lc.StalledAfter, PoolLockBelow: lc.PoolLockBelow}}
	if a.withdrawals != nil { // nil when chains are disabled: on-chain claims are refused
		deps.Withdrawals = a.withdrawals
	}
	if a.ownership != nil { // the shareholders' part of each stream price (0 without an offering)
		deps.Shares = a.ownership.RoyaltyShares()
	}
	m, err := listenreward.New(deps)
	if err != nil {
		return err
	}
	m.Routes(a.api)
	orchestrator.ListenFlow(a.bus, a.payment.StreamPayments(), a.payment.Ledger(), m.Listens(), m.Rewards(), a.listenProofs, a.foreground)
	a.listen = m
	return nil
}
