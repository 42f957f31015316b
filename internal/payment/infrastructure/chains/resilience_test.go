package chains

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	sol "github.com/gagliardetto/solana-go"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
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

// A caller let through as the probe that reports nothing (the transfer was busy, the resume
// loop before it reported) must not keep the breaker half-open for good: that stalled every
// withdrawal after an RPC outage until the process restarted.
func TestBreakerProbeWithoutOutcomeIsReleasedOrExpires(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	b := NewBreaker(1, 4*time.Second)
	b.now = func() time.Time { return now }
	b.Failure()
	now = now.Add(4 * time.Second)
	ok, _ := b.Allow()
	require.True(t, ok, "the probe")
	b.Release()
	ok, _ = b.Allow()
	assert.True(t, ok, "a released probe lets the next caller probe at once")

	ok, wait := b.Allow()
	require.False(t, ok)
	assert.Equal(t, time.Second, wait, "the others look again a quarter cooldown later")
	now = now.Add(4 * time.Second)
	ok, _ = b.Allow()
	assert.True(t, ok, "an unreported probe expires after one cooldown")
	b.Success()
	assert.Equal(t, "closed", b.State())
}

func TestReportTellsTheBreakerOnlyWhatTheRunLearntAboutTheChain(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	b := NewBreaker(1, time.Second)
	b.now = func() time.Time { return now }
	ctx := context.Background()
	b.Failure()
	now = now.Add(time.Second)
	for _, err := range []error{ErrBusy, chainstore.ErrNotFound} {
		ok, _ := b.Allow()
		require.True(t, ok)
		report(b, ctx, err)
		assert.Equal(t, "half-open", b.State(), "%v says nothing about the chain", err)
	}
	ok, _ := b.Allow()
	require.True(t, ok, "and handed the probe back")
	report(b, ctx, errors.New("estimate gas: EOF"))
	assert.Equal(t, "open", b.State(), "an RPC error reopens")
	now = now.Add(time.Second)
	ok, _ = b.Allow()
	require.True(t, ok)
	report(b, ctx, nil)
	assert.Equal(t, "closed", b.State())
	report(nil, ctx, errors.New("no breaker: nothing to tell"))
}

// A transfer job retries on a short bounded backoff however many times the RPC failed: River's
// client backoff (doubling up to minutes) left a transfer waiting long after a 60 s outage.
func TestTransferJobRetriesWithinSecondsAfterAnyNumberOfErrors(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second},
		[]time.Duration{TransferRetryDelay(1), TransferRetryDelay(2), TransferRetryDelay(3), TransferRetryDelay(4), TransferRetryDelay(5)})
	w := &TransferWorker{}
	for _, n := range []int{0, 3, 12, 99} {
		job := &river.Job[TransferArgs]{JobRow: &rivertype.JobRow{Errors: make([]rivertype.AttemptError, n)}}
		at := time.Until(w.NextRetry(job))
		assert.LessOrEqual(t, at, TransferRetryMax, "after %d errors", n)
		assert.Greater(t, at, time.Duration(0), "after %d errors", n)
	}
}
