package main

import (
	"github.com/vibestream/vibestream/internal/ownership"
)

// wireOwnership builds the ownership context (offerings, order books, royalties, portfolios)
// on the payment ledger and the music catalog, and subscribes its royalty accrual to
// payment.stream_paid.v1. Its RoyaltyShares answers listenreward's port.
func (a *app) wireOwnership() error {
	m, err := ownership.New(ownership.Deps{
		Pool: a.pool, Bus: a.bus, Runner: a.runner, Ledger: a.payment.Ledger(), Catalog: a.music.Catalog(),
		Logger: a.logger.With("context", "ownership"), Registerer: a.registry,
		Config: ownership.Config{FeeBPS: a.cfg.Ownership.FeeBPS, SweepEvery: a.cfg.Ownership.SweepInterval,
			SweepGrace: a.cfg.Ownership.SweepGrace},
	})
	if err != nil {
		return err
	}
	m.Routes(a.api)
	m.Subscribe(a.bus)
	a.ownership = m
	return nil
}
