package chains

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
)

// VerifyBalances checks that the VIBE the hot wallets hold on chain equals what the ledger
// says left the treasury and did not leave the platform's custody:
//
//	on chain = minted - withdrawn + deposited = -(treasury + chain_hot_wallet) + uncredited
//
// (a mint moves treasury -> reward pool; a withdrawal settles into chain_hot_wallet; a deposit
// moves chain_hot_wallet -> the user). Transfers still in flight make a difference
// inconclusive rather than broken.
func VerifyBalances(ctx context.Context, pool *pgxpool.Pool, ch *Chains, out io.Writer) error {
	ledger, err := application.NewLedger(paymentpg.NewLedgerStore(pool), nil, uuid.New)
	if err != nil {
		return err
	}
	store := chainstore.New(pool)
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
	uncredited, err := store.UncreditedUnits(ctx)
	if err != nil {
		return err
	}
	if uncredited != 0 {
		fmt.Fprintf(out, "uncredited deposits (unknown senders, inexact amounts): %s VIBE\n", money.MustNew(money.VIBE, uncredited))
		expected += uncredited
	}
	inFlight, err := store.InFlight(ctx)
	if err != nil {
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
