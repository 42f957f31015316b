package main

import "time"

// CampaignConfig is the campaign context's configuration.
type CampaignConfig struct {
	// TickEvery is CAMPAIGN_TICK_INTERVAL: how often the lifecycle job starts and ends
	// campaigns on their dates and gives back what is left of ended budgets.
	TickEvery time.Duration
	// StaleAfter is CAMPAIGN_STALE_AFTER: how old an interrupted activation or an unpaid boost
	// must be before the job finishes it.
	StaleAfter time.Duration
	// Clock drives the context's clock (nil: time.Now); tests only.
	Clock func() time.Time
}

func loadCampaignConfig(e *env) CampaignConfig {
	return CampaignConfig{
		TickEvery:  e.duration("CAMPAIGN_TICK_INTERVAL", 10*time.Second),
		StaleAfter: e.duration("CAMPAIGN_STALE_AFTER", time.Minute),
	}
}
