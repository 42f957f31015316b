package main

import "time"

// OwnershipConfig is the ownership context's configuration.
type OwnershipConfig struct {
	// FeeBPS is the platform fee on share purchases and trades (the original's launch phase: 1%).
	FeeBPS int
	// SweepInterval schedules the settlement sweeper; SweepGrace is how old unfinished work
	// (a trade's cash, a hold's release, a purchase, a claim) must be before it takes it over.
	SweepInterval time.Duration
	SweepGrace    time.Duration
}

func loadOwnershipConfig(e *env) OwnershipConfig {
	return OwnershipConfig{
		FeeBPS:        e.integer("OWNERSHIP_FEE_BPS", 100, 1, 1000),
		SweepInterval: e.duration("OWNERSHIP_SWEEP_INTERVAL", 10*time.Second),
		SweepGrace:    e.duration("OWNERSHIP_SWEEP_GRACE", 30*time.Second),
	}
}
