package ownership_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// dying kills the process in the middle of a settlement: before the ledger call ("before") or
// after it committed but before ownership marked the trade ("after").
type dying struct {
	paycontracts.Ledger
	when string
}

func (d dying) Settle(ctx context.Context, req paycontracts.SettleRequest) (paycontracts.Receipt, error) {
	if d.when == "after" {
		if _, err := d.Ledger.Settle(ctx, req); err != nil {
			return paycontracts.Receipt{}, err
		}
	}
	os.Exit(3)
	return paycontracts.Receipt{}, errors.New("unreachable")
}

// TestKillChild is the process that dies; it runs only when TestKillDuringSettlement starts it.
func TestKillChild(t *testing.T) {
	url := os.Getenv("OWNERSHIP_KILL_DB")
	if url == "" {
		t.Skip("started by TestKillDuringSettlement")
	}
	when := os.Getenv("OWNERSHIP_KILL_WHEN")
	v := newEnv(t, envOpts{url: url, ledger: func(l paycontracts.Ledger) paycontracts.Ledger { return dying{Ledger: l, when: when} }})
	buyer, song := uuid.MustParse(os.Getenv("OWNERSHIP_KILL_BUYER")), uuid.MustParse(os.Getenv("OWNERSHIP_KILL_SONG"))
	r := v.order(buyer, song, "buy", 100, "2", "GTC")
	t.Fatalf("the process should have died in the settlement, got %d %s", r.Code, r.Raw)
}

// TestKillDuringSettlement kills a real process between a trade's commit and its cash
// settlement (and between the ledger's commit and ownership's mark); a fresh instance on the
// same database sweeps, and the money moves exactly once.
func TestKillDuringSettlement(t *testing.T) {
	t.Parallel()
	for _, when := range []string{"before", "after"} {
		t.Run(when, func(t *testing.T) {
			t.Parallel()
			url := pgtest.NewURL(t)
			m := newMarket(t, envOpts{url: url})
			require.Equal(t, http.StatusCreated, m.order(m.seller, m.song, "sell", 100, "2", "GTC").Code)

			cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "OWNERSHIP_KILL_DB="+url, "OWNERSHIP_KILL_WHEN="+when,
				"OWNERSHIP_KILL_BUYER="+m.buyer.String(), "OWNERSHIP_KILL_SONG="+m.song.String())
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, string(out))
			require.Equal(t, 3, exit.ExitCode(), string(out))

			// the trade committed (shares moved), its cash did not settle in ownership's books
			sh, _ := m.holding(m.song, m.buyer)
			assert.Equal(t, int64(100), sh)
			assert.Equal(t, 1, m.count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`))

			// a fresh instance sweeps (twice: the second changes nothing)
			for i := 0; i < 2; i++ {
				_, err := m.mod.Sweep(context.Background())
				require.NoError(t, err)
			}
			assert.Equal(t, 0, m.count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`))
			assert.Equal(t, 1, m.count(`SELECT count(*) FROM payment.journal_entries WHERE reason = 'share_trade'`))
			assert.Equal(t, "1200.000000", m.wallet(m.seller), "paid exactly once")
			assert.Equal(t, "798.000000", m.wallet(m.buyer))
			assert.Equal(t, "0.000000", m.held(m.buyer))
			paymenttest.RequireLedgerConsistent(t, m.pool)
		})
	}
}
