package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chains"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
)

// runLedgerCommand is `vibestream ledger verify`: the ledger's own invariants, then (with the
// chains enabled) the hot wallets' on-chain VIBE against the ledger.
func runLedgerCommand(ctx context.Context, cfg Config, pool *pgxpool.Pool, logger *slog.Logger, out io.Writer, args []string) error {
	err := runLedger(ctx, pool, out, args)
	if err != nil || !cfg.Chains.Enabled {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	ch, err := chains.Start(sctx, chains.Config{DataDir: cfg.DataDir, Ethereum: cfg.Chains.Ethereum, Solana: cfg.Chains.Solana, Logger: logger})
	if err != nil {
		return fmt.Errorf("ledger verify: chains: %w", err)
	}
	defer ch.Close()
	return verifyChainBalances(ctx, pool, ch, out)
}

// verifyChainBalances checks that the VIBE the hot wallets hold on chain equals what the
// ledger says left the treasury and did not leave the platform's custody:
//
//	on chain = minted - withdrawn + deposited = -(treasury + chain_hot_wallet) + uncredited
//
// (a mint moves treasury -> reward pool; a withdrawal settles into chain_hot_wallet; a deposit
// moves chain_hot_wallet -> the user). Transfers still in flight make a difference
// inconclusive rather than broken.
func verifyChainBalances(ctx context.Context, pool *pgxpool.Pool, ch *chains.Chains, out io.Writer) error {
	ledger, err := application.NewLedger(paymentpg.NewLedgerStore(pool), nil, uuid.New)
	if err != nil {
		return err
	}
	var expected int64
	for _, kind := range []contracts.AccountKind{contracts.KindTreasury, contracts.KindChainHotWallet} {
		b, err := ledger.Balance(ctx, contracts.System(kind, money.VIBE))
		if errors.Is(err, contracts.ErrAccountNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		expected -= b.Units()
	}
	onChain, err := ch.HotWalletBalances(ctx)
	if err != nil {
		return fmt.Errorf("ledger verify: hot wallet balances: %w", err)
	}
	var total int64
	for _, chain := range []string{"ethereum", "solana"} {
		b := onChain[chain]
		total += b.Ledger
		fmt.Fprintf(out, "%s hot wallet: %s VIBE on chain", chain, money.MustNew(money.VIBE, b.Ledger))
		if b.Dust != "0" && b.Dust != "" {
			fmt.Fprintf(out, " (+%s base units of dust, never credited)", b.Dust)
		}
		fmt.Fprintln(out)
	}
	// VIBE that reached the hot wallets without being credited (unknown senders, inexact
	// amounts) is on chain but not in the ledger.
	var uncredited int64
	if err := pool.QueryRow(ctx, `SELECT coalesce(sum(CASE WHEN blockchain = 'ethereum' THEN floor(chain_amount::numeric / 1000000000)
		ELSE chain_amount::numeric END), 0)::bigint FROM payment.chain_deposits WHERE status IN ('unmatched', 'rejected')`).Scan(&uncredited); err != nil {
		return err
	}
	if uncredited != 0 {
		fmt.Fprintf(out, "uncredited deposits (unknown senders, inexact amounts): %s VIBE\n", money.MustNew(money.VIBE, uncredited))
		expected += uncredited
	}
	var inFlight int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM payment.chain_transfers WHERE status IN ('pending', 'submitted')`).Scan(&inFlight); err != nil {
		return err
	}
	fmt.Fprintf(out, "ledger expects %s VIBE in the hot wallets; they hold %s\n", money.MustNew(money.VIBE, expected), money.MustNew(money.VIBE, total))
	switch {
	case total == expected:
		fmt.Fprintln(out, "ok: the hot wallets match the ledger")
		return nil
	case inFlight > 0:
		fmt.Fprintf(out, "inconclusive: %d chain transfer(s) in flight; run again once they settle\n", inFlight)
		return nil
	default:
		fmt.Fprintln(out, "BROKEN: the hot wallets' on-chain VIBE differs from the ledger")
		return fmt.Errorf("ledger verify: hot wallets hold %d units, the ledger expects %d", total, expected)
	}
}
