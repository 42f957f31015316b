package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment"
)

// runLedger implements `vibestream ledger verify`: it checks every ledger invariant and fails
// (exit status 1) when one is broken.
func runLedger(ctx context.Context, pool *pgxpool.Pool, out io.Writer, args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return errors.New("usage: vibestream ledger verify")
	}
	r, err := payment.VerifyLedger(ctx, pool)
	if err != nil {
		return fmt.Errorf("ledger verify: %w", err)
	}
	fmt.Fprintf(out, "checked %d journal entries, %d postings, %d accounts\n", r.Entries, r.Postings, r.Accounts)
	fmt.Fprintf(out, "promotions (marketing expense, may be negative): %s USD\n", money.MustNew(money.USD, r.Promotions).String())
	if !r.OK() {
		for _, p := range r.Problems {
			fmt.Fprintln(out, "BROKEN:", p)
		}
		return fmt.Errorf("ledger verify: %d invariant(s) broken", len(r.Problems))
	}
	fmt.Fprintln(out, "ok: every entry balances per asset, every balance equals its postings, no user balance is negative, holds match held balances")
	return nil
}
