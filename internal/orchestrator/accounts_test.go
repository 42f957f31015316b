package orchestrator_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/orchestrator"
	"github.com/vibestream/vibestream/internal/payment"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func TestRegisteredUserGetsLedgerAccounts(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	runner := jobs.NewRunner(pool, jobs.Options{FetchPollInterval: 50 * time.Millisecond, Logger: observability.DiscardLogger()})
	bus := events.NewBus(pool, runner, observability.DiscardLogger())
	mod, err := payment.New(payment.Deps{Pool: pool})
	require.NoError(t, err)
	orchestrator.OpenAccountsOnRegistration(bus, mod.Ledger())
	require.NoError(t, runner.Start(ctx))
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })

	u := uuid.New()
	env, err := events.New(ctx, usercontracts.UserRegisteredV1, usercontracts.Source,
		usercontracts.UserRegistered{UserID: u, Username: "ana", Roles: []string{usercontracts.RoleListener}, RegisteredAt: time.Now()})
	require.NoError(t, err)
	// delivered twice (at least once delivery): opening is idempotent
	env2 := env
	env2.ID = uuid.New()
	require.NoError(t, postgres.InTx(ctx, pool, func(tx pgx.Tx) error { return bus.Publish(ctx, tx, env, env2) }))

	deadline := time.Now().Add(10 * time.Second)
	var n int
	for time.Now().Before(deadline) {
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM payment.accounts WHERE owner_id = $1`, u).Scan(&n))
		if n == 8 {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling a condition with a deadline
	}
	assert.Equal(t, 8, n, "wallet, held, earnings and rewards for USD and VIBE")
	b, err := mod.Ledger().Balance(ctx, paymentcontracts.Wallet(u, money.VIBE))
	require.NoError(t, err)
	assert.True(t, b.IsZero())
}
