package main

import (
	"time"

	"github.com/vibestream/vibestream/internal/payment"
)

// ChainsConfig is the blockchain part of the payment context.
type ChainsConfig struct {
	// Enabled starts the chain adapters (CHAINS_ENABLED, default true).
	Enabled bool
	// DepositScanInterval is how often the chains are scanned for deposits.
	DepositScanInterval time.Duration
	Ethereum            payment.EthereumConfig
	Solana              payment.SolanaConfig
}

// loadChainsConfig reads ETH_* and SOLANA_*; with no RPC URL the local chains are started.
func loadChainsConfig(e *env) ChainsConfig {
	c := ChainsConfig{
		Enabled:             e.boolean("CHAINS_ENABLED", true),
		DepositScanInterval: e.duration("CHAIN_DEPOSIT_SCAN_INTERVAL", time.Second),
		Ethereum: payment.EthereumConfig{
			RPCURL:        e.str("ETH_RPC_URL", ""),
			Key:           e.str("ETH_HOT_WALLET_KEY", ""),
			Token:         e.str("ETH_TOKEN_ADDRESS", ""),
			ChainID:       uint64(e.integer("ETH_CHAIN_ID", 0, 0, 1<<53)),
			Confirmations: uint64(e.integer("ETH_CONFIRMATIONS", 1, 1, 1000)),
			Network:       e.str("ETH_NETWORK", ""),
			BlockTime:     e.duration("ETH_LOCAL_BLOCK_TIME", time.Second),
		},
		Solana: payment.SolanaConfig{
			RPCURL:            e.str("SOLANA_RPC_URL", ""),
			Key:               e.str("SOLANA_HOT_WALLET_KEY", ""),
			Mint:              e.str("SOLANA_VIBE_MINT", ""),
			Commitment:        e.str("SOLANA_COMMITMENT", "confirmed"),
			DepositCommitment: e.str("SOLANA_DEPOSIT_COMMITMENT", "finalized"),
			Network:           e.str("SOLANA_NETWORK", ""),
		},
	}
	for _, v := range []struct{ name, url string }{{"ETH_RPC_URL", c.Ethereum.RPCURL}, {"SOLANA_RPC_URL", c.Solana.RPCURL}} {
		if v.url != "" && !validRPCURL(v.url) {
			e.fail(v.name, "must be an http(s):// or ws(s):// URL, got %q", v.url)
		}
	}
	switch c.Solana.Commitment {
	case "confirmed", "finalized":
	default:
		e.fail("SOLANA_COMMITMENT", "must be confirmed or finalized, got %q", c.Solana.Commitment)
	}
	return c
}

func validRPCURL(s string) bool {
	for _, p := range []string{"http://", "https://", "ws://", "wss://"} {
		if len(s) > len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}
