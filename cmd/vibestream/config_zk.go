package main

import (
	"path/filepath"
	"time"
)

// ZKConfig is the zero-knowledge proofs' configuration.
type ZKConfig struct {
	// KeysDir holds one directory of keys per circuit (ZK_KEYS_DIR, default $DATA_DIR/zk).
	KeysDir string
	// Generate: keys missing at start are generated (single-party development setup). Off
	// (ZK_KEYS_GENERATE=false) in production, where keys come from the ceremony.
	Generate bool
	// AttestationTTL is how long a solvency or age attestation stays valid.
	AttestationTTL time.Duration
	// RootHistory is how many past roots of each tree stay accepted.
	RootHistory int
	// Provers is how many listen proofs are made at once (ZK_PROVERS, default 1: gnark spreads
	// one proof over every core, but not all of it; as many provers as cores keeps the cores
	// busy, for more proofs per second and less CPU left to the API).
	Provers int
	// VerifierAddress is the deployed listen verifier (ZK_VERIFIER_ADDRESS); on the local chain
	// it is deployed at first start.
	VerifierAddress string
	// ProofCPUPercent (ZK_PROOF_CPU_PERCENT, default 50) bounds the share of wall time the
	// listen prover works (a proof spreads over every core): it rests after each proof so the
	// payments sharing the cores always get them. ProofYieldMax (ZK_PROOF_YIELD_MAX, default
	// 10s) is the longest a proof waits for the listen payments to go quiet before it starts.
	ProofCPUPercent int
	ProofYieldMax   time.Duration
}

func loadZKConfig(e *env, c *Config) ZKConfig {
	z := ZKConfig{
		KeysDir:         e.str("ZK_KEYS_DIR", filepath.Join(c.DataDir, "zk")),
		Generate:        e.boolean("ZK_KEYS_GENERATE", true),
		AttestationTTL:  e.duration("ZK_ATTESTATION_TTL", 10*time.Minute),
		RootHistory:     e.integer("ZK_ROOT_HISTORY", 1000, 1, 1_000_000),
		Provers:         e.integer("ZK_PROVERS", 1, 1, 64),
		VerifierAddress: e.str("ZK_VERIFIER_ADDRESS", ""),
		ProofCPUPercent: e.integer("ZK_PROOF_CPU_PERCENT", 50, 1, 100),
		ProofYieldMax:   e.duration("ZK_PROOF_YIELD_MAX", 10*time.Second),
	}
	if z.AttestationTTL < 10*time.Second || z.AttestationTTL > 24*time.Hour {
		e.fail("ZK_ATTESTATION_TTL", "must be between 10s and 24h, got %s", z.AttestationTTL)
	}
	if abs, err := filepath.Abs(z.KeysDir); err == nil {
		z.KeysDir = abs
	}
	return z
}
