package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func TestEachTestGetsItsOwnMigratedDatabase(t *testing.T) {
	ctx := context.Background()
	a := pgtest.NewDB(t)
	b := pgtest.NewDB(t)
	_, err := a.Exec(ctx, `INSERT INTO platform.idempotency_keys (scope, key, request_hash) VALUES ('s', 'k', '\x00')`)
	require.NoError(t, err)
	var n int
	require.NoError(t, b.QueryRow(ctx, `SELECT count(*) FROM platform.idempotency_keys`).Scan(&n))
	assert.Equal(t, 0, n, "databases must be isolated")
	var riverTables int
	require.NoError(t, b.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'river_job'`).Scan(&riverTables))
	assert.Equal(t, 1, riverTables, "river's tables are migrated too")
}
