package main

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/solana"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// restartable is an app that can be stopped and started again on the same database and
// DATA_DIR, as an operator's restart would.
type restartable struct {
	t    *testing.T
	cfg  Config
	url  string
	ta   *testApp
	stop func()
}

func newRestartable(t *testing.T, mutate ...func(*Config)) *restartable {
	t.Helper()
	cfg := testConfig(t)
	for _, m := range mutate {
		m(&cfg)
	}
	r := &restartable{t: t, cfg: cfg, url: pgtest.NewURL(t)}
	r.start()
	t.Cleanup(func() { r.stop() })
	return r
}

func (r *restartable) start() {
	t := r.t
	t.Helper()
	pool, err := postgres.Connect(context.Background(), r.url, 40)
	require.NoError(t, err)
	a, err := newApp(r.cfg, pool, observability.DiscardLogger(), jobs.Options{FetchPollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, a.startBackground(context.Background()))
	srv := httptest.NewServer(a.echo)
	r.ta = &testApp{t: t, app: a, srv: srv}
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			a.stopBackground(ctx)
			pool.Close()
		})
	}
}

func (r *restartable) restart() {
	r.t.Helper()
	r.stop()
	r.start()
}

func fastDepositScan(c *Config) { c.Chains.DepositScanInterval = 200 * time.Millisecond }

// Deposits are credited by the periodic scan alone (nobody calls Scan here): one, then another
// more than a scan interval later on the other chain, then a third after a restart. Each is
// credited once, and its payment.deposit_credited.v1 is in the outbox.
func TestDepositsAreCreditedContinuouslyAndAfterARestart(t *testing.T) {
	t.Parallel()
	r := newRestartable(t, withChains, fastDepositScan)
	verifiedAtEnd(t, func() *testApp { return r.ta })
	ta := r.ta
	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, "ethereum", "100")
	treasuryMint(t, ta, adminTok, "solana", "100")
	grant(t, ta, adminTok, userID, "30")
	ethWalletKey, wallet := linkEthWalletKey(t, ta, tok)
	solKey, _ := linkSolWallet(t, ta, tok)
	ctx := context.Background()
	ten := new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18))
	require.NoError(t, wallet.RPC().CallContext(ctx, nil, "anvil_setBalance", wallet.Address(), hexutil.EncodeBig(ten)))
	solUser, err := solana.New(solana.Config{RPCURL: ta.app.payment.Chains().SolProc.URL(), Key: solKey, Mint: ta.app.payment.Chains().Solana.Mint()})
	require.NoError(t, err)
	require.NoError(t, solUser.Airdrop(ctx, solKey.PublicKey(), 1_000_000_000))

	// Move 20 VIBE to the user's own wallets (10 on each chain).
	for _, chain := range []string{"ethereum", "solana"} {
		res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": chain, "amount": "10"},
			withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
		require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
		var w txBody
		res.JSON(t, &w)
		waitTx(t, ta, tok, w.ID, "confirmed")
	}
	require.Equal(t, int64(10_000_000_000), vibeBalance(t, ta, userID).Units())

	credited := func(ta *testApp, want int64, what string) {
		t.Helper()
		eventually(t, 20*time.Second, func() bool { return vibeBalance(t, ta, userID).Units() == want }, what)
	}
	// 1. An ERC-20 transfer to the deposit address.
	four, _ := ethereum.ToTokenUnits(4_000_000_000)
	dep, err := wallet.Transfer(ctx, ta.app.payment.Chains().Ethereum.Address(), four, nil)
	require.NoError(t, err)
	_, err = wallet.WaitMined(ctx, dep.Hash, 1)
	require.NoError(t, err)
	credited(ta, 14_000_000_000, "the ERC-20 deposit credited by the periodic scan")

	// 2. More than a scan interval later, an SPL transfer.
	scans := func() float64 {
		mfs, err := ta.app.registry.Gather()
		require.NoError(t, err)
		for _, mf := range mfs {
			if mf.GetName() == "vibestream_chain_deposit_scans_total" {
				return mf.GetMetric()[0].GetCounter().GetValue()
			}
		}
		return 0
	}
	after := scans()
	eventually(t, 20*time.Second, func() bool { return scans() >= after+3 }, "later scans run (a unique periodic job ran once only)")
	stx, _, err := solUser.SendAndConfirm(ctx, ta.app.payment.Chains().Solana.Address(), 3_000_000_000, "", nil)
	require.NoError(t, err)
	credited(ta, 17_000_000_000, "the SPL deposit credited by a later scan")

	// 3. After a restart (same database, same DATA_DIR).
	r.restart()
	ta = r.ta
	wallet2, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: ta.app.payment.Chains().EthProc.URL(), Key: ethWalletKey, Token: ta.app.payment.Chains().Ethereum.Token()})
	require.NoError(t, err)
	defer wallet2.Close()
	two, _ := ethereum.ToTokenUnits(2_000_000_000)
	dep3, err := wallet2.Transfer(ctx, ta.app.payment.Chains().Ethereum.Address(), two, nil)
	require.NoError(t, err)
	_, err = wallet2.WaitMined(ctx, dep3.Hash, 1)
	require.NoError(t, err)
	credited(ta, 19_000_000_000, "the deposit after the restart credited")

	// Once each, each with its event in the outbox.
	for range 3 {
		_, err := ta.app.payment.ScanDeposits(ctx)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(19_000_000_000), vibeBalance(t, ta, userID).Units(), "credited exactly once")
	rows, err := ta.app.pool.Query(ctx, `SELECT payload->>'tx_hash' FROM platform.events WHERE type = $1 AND user_ids @> ARRAY[$2::uuid]`,
		contracts.DepositCreditedV1, userID)
	require.NoError(t, err)
	var hashes []string
	for rows.Next() {
		var h string
		require.NoError(t, rows.Scan(&h))
		hashes = append(hashes, h)
	}
	require.NoError(t, rows.Err())
	assert.ElementsMatch(t, []string{dep.Hash.Hex(), stx.Signature.String(), dep3.Hash.Hex()}, hashes)

	var out strings.Builder
	require.NoError(t, verifyChains(ctx, ta, &out))
	assert.Contains(t, out.String(), "ok: the hot wallets match the ledger", out.String())
}

// linkEthWalletKey links a new Ethereum wallet to the user and returns its key and a client.
func linkEthWalletKey(t *testing.T, ta *testApp, tok string) (*ecdsa.PrivateKey, *ethereum.Client) {
	t.Helper()
	key, addr := ethKey(t)
	c := getChallenge(t, ta, tok, "ethereum", addr)
	res := linkWallet(ta, tok, "ethereum", addr, c.Message, personalSign(t, key, c.Message))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	cl, err := ethereum.Dial(context.Background(), ethereum.Config{RPCURL: ta.app.payment.Chains().EthProc.URL(), Key: key, Token: ta.app.payment.Chains().Ethereum.Token()})
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	return key, cl
}
