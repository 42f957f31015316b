package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	sol "github.com/gagliardetto/solana-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
	"github.com/vibestream/vibestream/internal/platform/observability"
)

// withChains enables the chain adapters on local chains started for this app.
func withChains(c *Config) { c.Chains.Enabled = true }

type chainInfo struct {
	Blockchain     string `json:"blockchain"`
	Network        string `json:"network"`
	ChainID        string `json:"chain_id"`
	TokenAddress   string `json:"token_address"`
	Decimals       int    `json:"decimals"`
	DepositAddress string `json:"deposit_address"`
	Confirmations  int    `json:"confirmations"`
	RPCURL         string `json:"rpc_url"`
	Local          bool   `json:"local"`
}

func TestChainsAreStartedDeployedAndDescribed(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withChains)
	res := ta.do(http.MethodGet, "/api/v1/chains", nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var body struct {
		Chains []chainInfo `json:"chains"`
	}
	res.JSON(t, &body)
	require.Len(t, body.Chains, 2)
	eth, solana := body.Chains[0], body.Chains[1]

	assert.Equal(t, "ethereum", eth.Blockchain)
	assert.Equal(t, "31337", eth.ChainID)
	assert.Equal(t, 18, eth.Decimals)
	assert.True(t, common.IsHexAddress(eth.TokenAddress))
	assert.True(t, eth.Local)
	assert.NotEmpty(t, eth.RPCURL)
	// The token really is deployed, owned by the hot wallet that receives deposits.
	ctx := context.Background()
	code, err := ta.app.payment.Chains().Ethereum.Eth().CodeAt(ctx, common.HexToAddress(eth.TokenAddress), nil)
	require.NoError(t, err)
	assert.NotEmpty(t, code)
	assert.Equal(t, ta.app.payment.Chains().Ethereum.Address().Hex(), eth.DepositAddress)

	assert.Equal(t, "solana", solana.Blockchain)
	assert.Equal(t, 9, solana.Decimals)
	mint, err := sol.PublicKeyFromBase58(solana.TokenAddress)
	require.NoError(t, err)
	supply, err := ta.app.payment.Chains().Solana.Supply(ctx)
	require.NoError(t, err)
	assert.Zero(t, supply)
	assert.Equal(t, mint, ta.app.payment.Chains().Solana.Mint())

	// Readiness reports both chains.
	res = ta.do(http.MethodGet, "/health/ready", nil)
	require.Equal(t, http.StatusOK, res.Status)
	var ready struct {
		Checks map[string]string `json:"checks"`
	}
	res.JSON(t, &ready)
	assert.Equal(t, "up", ready.Checks["ethereum"])
	assert.Equal(t, "up", ready.Checks["solana"])
}

func TestChainRPCDownIsDegradedNotUnready(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withChains)
	ta.app.payment.Chains().EthProc.Kill()
	res := ta.do(http.MethodGet, "/health/ready", nil)
	require.Equal(t, http.StatusOK, res.Status, "the API keeps serving")
	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	res.JSON(t, &ready)
	assert.Equal(t, "degraded", ready.Status)
	assert.Equal(t, "degraded", ready.Checks["ethereum"])
	assert.Equal(t, "up", ready.Checks["solana"])
	res = ta.do(http.MethodGet, "/api/v1/chains", nil)
	assert.Equal(t, http.StatusOK, res.Status)
}

// verifyChains runs `ledger verify`'s chain check against ta's database and DATA_DIR.
func verifyChains(ctx context.Context, ta *testApp, out io.Writer) error {
	return payment.VerifyChains(ctx, payment.Deps{Pool: ta.app.pool, Chains: paymentChains(ta.app.cfg)}, out)
}

// verifiedAtEnd checks, when the test ends and before its app stops, every ledger invariant
// and that the hot wallets' on-chain VIBE matches the ledger (what `ledger verify` checks).
func verifiedAtEnd(t *testing.T, current func() *testApp) {
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		ta := current()
		paymenttest.RequireLedgerConsistent(t, ta.app.pool)
		var out strings.Builder
		require.NoError(t, verifyChains(context.Background(), ta, &out), out.String())
		assert.NotContains(t, out.String(), "BROKEN", out.String())
	})
}

// ledger verify on a DATA_DIR whose local chains never ran has nothing on chain to compare (and
// starts nothing); once the ledger used the chains, missing chain state is an error.
func TestLedgerVerifyWithoutChainState(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	var out strings.Builder
	cfg := ta.app.cfg
	cfg.Chains.Enabled = true
	require.NoError(t, runLedgerCommand(context.Background(), cfg, ta.app.pool, observability.DiscardLogger(), &out, []string{"verify"}), out.String())
	assert.Contains(t, out.String(), "never run on this DATA_DIR", out.String())
	_, err := os.Stat(filepath.Join(cfg.DataDir, "chains"))
	assert.True(t, os.IsNotExist(err), "nothing started or created")

	_, err = ta.app.pool.Exec(context.Background(), `INSERT INTO payment.chain_transfers (id, kind, blockchain, to_address, amount, status)
		VALUES (gen_random_uuid(), 'mint', 'ethereum', 'hot-wallet', 1, 'confirmed')`)
	require.NoError(t, err)
	out.Reset()
	require.Error(t, runLedgerCommand(context.Background(), cfg, ta.app.pool, observability.DiscardLogger(), &out, []string{"verify"}))
	assert.Contains(t, out.String(), "BROKEN", out.String())
}
