package chains

import (
	"context"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	sol "github.com/gagliardetto/solana-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/platform/devchain"
)

func portOf(t *testing.T, u string) int {
	pu, err := url.Parse(u)
	require.NoError(t, err)
	p, err := strconv.Atoi(pu.Port())
	require.NoError(t, err)
	return p
}

// The node goes down between storing a signed transfer and broadcasting it, and comes back
// (same address, same chain state): the job's retry asks the chain first, sends the stored
// bytes, and the transfer happens exactly once on each chain.
func TestRPCKilledMidFlightAndRestarted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := Start(ctx, Config{DataDir: dir, Ethereum: EthereumConfig{BlockTime: 50 * time.Millisecond}})
	require.NoError(t, err)
	defer func() { c.Close() }()
	rec := &recorder{}
	e := rec.executor(t, c)
	treasury(t, e, "ethereum", 10_000_000_000)
	treasury(t, e, "solana", 10_000_000_000)

	ethTo := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	solTo := sol.NewWallet().PublicKey()
	restart := map[string]func(){
		"ethereum": func() {
			port := portOf(t, c.EthProc.URL())
			p, err := devchain.StartAnvil(ctx, devchain.AnvilOptions{Port: port, StateFile: filepath.Join(dir, "chains", "anvil-state.json"), BlockTime: 50 * time.Millisecond})
			require.NoError(t, err)
			c.EthProc = p
		},
		"solana": func() {
			port := portOf(t, c.SolProc.URL())
			p, err := devchain.StartSolana(ctx, devchain.SolanaOptions{Port: port, StateFile: filepath.Join(dir, "chains", "solana-ledger.jsonl")})
			require.NoError(t, err)
			c.SolProc = p
		},
	}
	for _, tc := range []struct{ chain, to string }{{"ethereum", ethTo.Hex()}, {"solana", solTo.String()}} {
		id := newTransfer(t, e, tc.chain, tc.to, 1_000_000_000)
		var down func()
		e.crashAfterPersist = func() error {
			// Kill the node after the signed transaction is stored, before its broadcast.
			if tc.chain == "ethereum" {
				c.EthProc.Stop() // anvil keeps its chain in its state file (written on SIGTERM)
			} else {
				c.SolProc.Kill() // the adapter journals every landed transaction as it goes
			}
			down = restart[tc.chain]
			return nil
		}
		err := e.Execute(ctx, id)
		e.crashAfterPersist = nil
		require.Error(t, err, "%s: the broadcast cannot reach the node", tc.chain)
		tr, err := e.Store.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, chainstore.StatusPending, tr.Status)
		require.NotEmpty(t, tr.TxHash)

		down() // the node comes back
		var lastErr error
		require.Eventually(t, func() bool { lastErr = e.Execute(ctx, id); return lastErr == nil }, 20*time.Second, 100*time.Millisecond, "%s: %v", tc.chain, lastErr)
		tr, err = e.Store.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, chainstore.StatusConfirmed, tr.Status, "%s: %s", tc.chain, tr.FailureReason)
		assert.Equal(t, 1, tr.SignedCount, "%s: the stored transaction itself was sent", tc.chain)
	}
	bal, err := c.Ethereum.BalanceOf(ctx, ethTo)
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(1_000_000_000)
	assert.Equal(t, want, bal)
	sb, err := c.Solana.Balance(ctx, solTo)
	require.NoError(t, err)
	assert.Equal(t, uint64(1_000_000_000), sb)
}

func TestBreakerOpensAfterFailuresAndProbes(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	b := NewBreaker(3, 10*time.Second)
	b.now = func() time.Time { return now }
	for range 2 {
		b.Failure()
		ok, _ := b.Allow()
		assert.True(t, ok)
	}
	b.Failure()
	ok, wait := b.Allow()
	assert.False(t, ok)
	assert.Equal(t, 10*time.Second, wait)
	assert.Equal(t, "open", b.State())

	now = now.Add(10 * time.Second)
	ok, _ = b.Allow()
	assert.True(t, ok, "one probe after the cooldown")
	ok, _ = b.Allow()
	assert.False(t, ok, "only one probe at a time")
	b.Failure()
	assert.Equal(t, "open", b.State(), "a failed probe reopens")
	now = now.Add(10 * time.Second)
	ok, _ = b.Allow()
	require.True(t, ok)
	b.Success()
	assert.Equal(t, "closed", b.State())
}
