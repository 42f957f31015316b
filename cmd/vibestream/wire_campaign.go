package main

import "github.com/vibestream/vibestream/internal/campaign"

// wireCampaign builds the campaign context, its routes and its lifecycle job. It runs after
// payment and music (it holds budgets in the ledger and checks songs in the catalog) and before
// listenreward, which asks it for boosts.
func (a *app) wireCampaign() error {
	cc := a.cfg.Campaign
	m, err := campaign.New(campaign.Deps{Pool: a.pool, Bus: a.bus, Runner: a.runner, Logger: a.logger.With("context", "campaign"),
		Registerer: a.registry, Songs: a.music.Catalog(), Ledger: a.payment.Ledger(), Now: cc.Clock,
		Config: campaign.Config{TickEvery: cc.TickEvery, StaleAfter: cc.StaleAfter}})
	if err != nil {
		return err
	}
	m.Routes(a.api)
	a.campaign = m
	return nil
}
