// Package paymenttest gives tests of any context the payment ledger's checks.
package paymenttest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
)

// RequireLedgerConsistent fails the test when any ledger invariant is broken (the checks of
// `vibestream ledger verify`).
func RequireLedgerConsistent(t testing.TB, pool *pgxpool.Pool) paymentpg.VerifyReport {
	t.Helper()
	r, err := paymentpg.VerifyLedger(context.Background(), pool)
	if err != nil {
		t.Fatalf("ledger verify: %v", err)
	}
	if !r.OK() {
		t.Fatalf("ledger invariants broken:\n  %s", strings.Join(r.Problems, "\n  "))
	}
	return r
}
