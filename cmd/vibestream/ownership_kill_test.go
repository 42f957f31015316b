package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// subOf reads the user id out of an access token (the test trusts its own server's token).
func subOf(t *testing.T, tok string) uuid.UUID {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c struct {
		Sub string `json:"sub"`
	}
	require.NoError(t, json.Unmarshal(raw, &c))
	return uuid.MustParse(c.Sub)
}

// TestOwnershipTradingSurvivesKill9 kills a real `vibestream serve` with SIGKILL while traders
// are placing orders on one song's book, at a moment when a trade is committed but its cash
// is not settled yet, restarts it on the same database and checks: every order the server
// answered 201 is there; no trade is settled twice and none is left unsettled; every final
// buy's hold is released and what stays held is exactly the open buys' unspent part; the
// song still has exactly 10,000 shares and the locked ones are exactly the open sells'
// remainder; the traders' USD, their holds, the artist and the fee account add up to what
// they were; and `vibestream ledger verify` passes.
func TestOwnershipTradingSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	t.Parallel()
	bin := testBinary(t)
	dbURL := pgtest.NewURL(t)
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o755))
	dataDir := filepath.Join(dir, "var")
	fast := []string{"OWNERSHIP_SWEEP_INTERVAL=200ms", "OWNERSHIP_SWEEP_GRACE=1s"}
	a := startBinary(t, bin, dbURL, dataDir, fast...)

	ctx := context.Background()
	pool, err := postgres.Connect(ctx, dbURL, 4)
	require.NoError(t, err)
	defer pool.Close()
	pay, err := payment.New(payment.Deps{Pool: pool})
	require.NoError(t, err)
	ledger := pay.Ledger()
	count := func(q string, args ...any) int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, q, args...).Scan(&n))
		return n
	}
	usdOf := func(ref paycontracts.AccountRef) int64 {
		b, err := ledger.Balance(ctx, ref)
		require.NoError(t, err)
		return b.Units()
	}

	artistTok := a.register(t, "killtradeartist", "artist")
	artist := subOf(t, artistTok)
	var song songResp
	require.Equal(t, http.StatusCreated, a.json(t, http.MethodPost, "/api/v1/music/songs", artistTok, map[string]any{"title": "Kill Book", "genre": "Ambient"}, &song))
	var off struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusCreated, a.json(t, http.MethodPost, "/api/v1/ownership/offerings", artistTok, map[string]any{"song_id": song.ID,
		"shareholder_bps": 1000, "shares_for_sale": 8000, "price_per_share": "1"}, &off))
	toks := make([]string, 6)
	traders := make([]uuid.UUID, len(toks))
	for i := range toks {
		toks[i] = a.register(t, fmt.Sprintf("killtrader%d", i), "listener")
		traders[i] = subOf(t, toks[i])
		eventually(t, 20*time.Second, func() bool {
			_, err := ledger.Balance(ctx, paycontracts.Wallet(traders[i], money.USD))
			return err == nil
		}, "the trader's accounts to open")
		_, err := ledger.Transfer(ctx, paycontracts.TransferRequest{IdempotencyKey: "kill-test-fund:" + traders[i].String(),
			From:    paycontracts.System(paycontracts.KindTreasury, money.USD),
			To:      []paycontracts.Credit{{To: paycontracts.Wallet(traders[i], money.USD), Amount: money.MustNew(money.USD, 100_000_000_000)}},
			Details: paycontracts.Details{Reason: "test_grant"}})
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodPost, a.base+"/api/v1/ownership/offerings/"+off.ID+"/purchases", strings.NewReader(`{"shares":1000}`))
		req.Header.Set("Authorization", "Bearer "+toks[i])
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", uuid.NewString())
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusCreated, res.StatusCode)
	}
	total := func() int64 {
		n := usdOf(paycontracts.Wallet(artist, money.USD)) + usdOf(paycontracts.System(paycontracts.KindPlatformFees, money.USD))
		for _, u := range traders {
			n += usdOf(paycontracts.Wallet(u, money.USD)) + usdOf(paycontracts.UserAccount(u, money.USD, paycontracts.KindHeld))
		}
		return n
	}
	before := total()

	// Traders hammer the book until the server dies.
	var (
		mu       sync.Mutex
		answered = map[string]string{} // order id -> status answered with 201
		failures atomic.Int64
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for w := 0; w < 12; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for !stop.Load() {
				side := []string{"buy", "sell"}[rng.IntN(2)]
				body, _ := json.Marshal(map[string]any{"song_id": song.ID, "side": side, "shares": 1 + rng.IntN(10),
					"limit_price": fmt.Sprintf("0.%02d", 95+rng.IntN(10)), "time_in_force": []string{"GTC", "IOC"}[rng.IntN(2)]})
				req, _ := http.NewRequest(http.MethodPost, a.base+"/api/v1/ownership/orders", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+toks[rng.IntN(len(toks))])
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", uuid.NewString())
				res, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					continue
				}
				raw, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusCreated {
					var o struct {
						ID     string `json:"id"`
						Status string `json:"status"`
					}
					if json.Unmarshal(raw, &o) == nil {
						mu.Lock()
						answered[o.ID] = o.Status
						mu.Unlock()
					}
				} else if res.StatusCode >= 500 {
					t.Errorf("server error before the kill: %d %s", res.StatusCode, raw)
				}
			}
		}()
	}
	// kill -9 as soon as a trade is caught between its commit and its cash settlement, after
	// some trading happened
	eventually(t, 60*time.Second, func() bool {
		return count(`SELECT count(*) FROM ownership.trades`) >= 20 && count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`) > 0
	}, "trading with a trade in settlement")
	require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
	_, _ = a.cmd.Process.Wait()
	stop.Store(true)
	wg.Wait()
	t.Logf("killed with %d trades (%d unsettled), %d orders pending their hold, %d final buys unreleased; %d orders answered, %d requests cut",
		count(`SELECT count(*) FROM ownership.trades`), count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`),
		count(`SELECT count(*) FROM ownership.orders WHERE status = 'pending'`),
		count(`SELECT count(*) FROM ownership.orders WHERE side = 'buy' AND status IN ('filled', 'cancelled') AND NOT released`),
		len(answered), failures.Load())

	// The replacement process's sweeper finishes what the dead one left.
	b := startBinary(t, bin, dbURL, dataDir, fast...)
	eventually(t, 60*time.Second, func() bool {
		return count(`SELECT count(*) FROM ownership.trades WHERE settled_at IS NULL`) == 0 &&
			count(`SELECT count(*) FROM ownership.orders WHERE status = 'pending'`) == 0 &&
			count(`SELECT count(*) FROM ownership.orders WHERE side = 'buy' AND status IN ('filled', 'cancelled') AND NOT released`) == 0
	}, "the restarted server to settle and release everything the killed one left")

	// nothing lost: every order answered 201 is stored (not pending)
	mu.Lock()
	for id := range answered {
		var st string
		require.NoError(t, pool.QueryRow(ctx, `SELECT status FROM ownership.orders WHERE id = $1`, id).Scan(&st), "answered order %s", id)
		assert.NotEqual(t, "pending", st, id)
	}
	mu.Unlock()
	// nothing doubled: one ledger entry per trade (its key is the trade's id), cash conserved
	trades := count(`SELECT count(*) FROM ownership.trades`)
	assert.Equal(t, trades, count(`SELECT count(*) FROM payment.journal_entries WHERE reason = 'share_trade'`), "each trade's cash moved once")
	assert.Zero(t, count(`SELECT count(*) FROM ownership.trades t WHERE (SELECT count(*) FROM payment.journal_entries e
		WHERE e.reason = 'share_trade' AND e.external_ref = t.id::text) <> 1`), "every trade has exactly its own entry")
	assert.Equal(t, before, total(), "the traders', the artist's and the fee account's USD add up to what they were")
	var held int64
	for _, u := range traders {
		held += usdOf(paycontracts.UserAccount(u, money.USD, paycontracts.KindHeld))
	}
	assert.Equal(t, int64(count(`SELECT COALESCE(sum(hold_amount - spent), 0)::bigint FROM ownership.orders WHERE side = 'buy'
		AND status IN ('open', 'partially_filled')`)), held, "what stays held is exactly the open buys' unspent part")
	assert.Equal(t, 10000, count(`SELECT sum(shares)::int FROM ownership.holdings WHERE song_id = $1`, song.ID))
	assert.Equal(t, count(`SELECT COALESCE(sum(shares - filled), 0)::int FROM ownership.orders WHERE side = 'sell'
		AND status IN ('open', 'partially_filled')`), count(`SELECT sum(locked)::int FROM ownership.holdings WHERE song_id = $1 AND user_id <> $2`, song.ID, artist),
		"the traders' locked shares are exactly the open sells' remainder")
	assert.Equal(t, 2000, count(`SELECT locked::int FROM ownership.holdings WHERE song_id = $1 AND user_id = $2`, song.ID, artist),
		"the artist's unsold offering shares stay locked")

	// the restarted server trades on
	var o struct {
		Status string `json:"status"`
	}
	req := map[string]any{"song_id": song.ID, "side": "sell", "shares": 1, "limit_price": "0.01", "time_in_force": "IOC"}
	raw, _ := json.Marshal(req)
	r, err := http.NewRequest(http.MethodPost, b.base+"/api/v1/ownership/orders", bytes.NewReader(raw))
	require.NoError(t, err)
	r.Header.Set("Authorization", "Bearer "+toks[0])
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Idempotency-Key", uuid.NewString())
	res, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode, string(body))
	require.NoError(t, json.Unmarshal(body, &o))

	cmd := exec.Command(bin, "ledger", "verify")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "DATA_DIR="+dataDir, "CHAINS_ENABLED=false")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "ok:")
}
