package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/payment"
)

// runLedgerCommand is `vibestream ledger verify`: the ledger's own invariants, then (with the
// chains enabled) the hot wallets' on-chain VIBE against the ledger. It never starts or saves
// the chains of a running instance (payment.VerifyChains).
func runLedgerCommand(ctx context.Context, cfg Config, pool *pgxpool.Pool, logger *slog.Logger, out io.Writer, args []string) error {
	err := runLedger(ctx, pool, out, args)
	if err != nil || !cfg.Chains.Enabled {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return payment.VerifyChains(sctx, payment.Deps{Pool: pool, Logger: logger, Chains: paymentChains(cfg)}, out)
}
