package chains

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

// A transfer the store holds as confirmed whose transaction the chain lost (here: anvil
// reverted to a snapshot taken before it, as a restart from an older saved state or a reorg
// would) is found by Audit and its stored signed transaction broadcast again: it lands once.
func TestAuditRebroadcastsConfirmedTransfersTheChainLost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := Start(ctx, Config{DataDir: t.TempDir(), Ethereum: EthereumConfig{BlockTime: 50 * time.Millisecond}})
	require.NoError(t, err)
	defer c.Close()
	rec := &recorder{}
	e := rec.executor(t, c)
	treasury(t, e, "ethereum", 10_000_000_000)

	var snap string
	require.NoError(t, c.Ethereum.RPC().CallContext(ctx, &snap, "evm_snapshot"))
	to := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	id := newTransfer(t, e, "ethereum", to.Hex(), 1_000_000_000)
	require.NoError(t, e.Execute(ctx, id))
	tr, err := e.Store.Get(ctx, id)
	require.NoError(t, err)
	require.Equal(t, chainstore.StatusConfirmed, tr.Status)

	var reverted bool
	require.NoError(t, c.Ethereum.RPC().CallContext(ctx, &reverted, "evm_revert", snap))
	require.True(t, reverted)
	bal, err := c.Ethereum.BalanceOf(ctx, to)
	require.NoError(t, err)
	require.Zero(t, bal.Sign(), "the chain lost the confirmed transfer")

	res, err := e.Audit(ctx, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Rebroadcast)
	_, err = c.Ethereum.WaitMined(ctx, common.HexToHash(tr.TxHash), 1)
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(1_000_000_000)
	bal, err = c.Ethereum.BalanceOf(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, want, bal, "landed again, once")

	res, err = e.Audit(ctx, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	assert.Zero(t, res.Rebroadcast, "present now: nothing to do")
	assert.Equal(t, 2, res.Checked, "the mint and the withdrawal")
}

// A transfer whose worker died (its lock is gone with its connection) is resumed by Resume; a
// transfer whose worker is alive (holding the lock) is left to it.
func TestResumeTakesOverTransfersWhoseWorkerDied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := testChains(t)
	pool := pgtest.NewDB(t)
	store := chainstore.New(pool)
	lock := PostgresTryLock(pool)
	e := (&recorder{}).drive(&Executor{Store: store, Chains: c, Metrics: NewMetrics(nil), EthSendLock: PostgresSendLock(pool), Lock: lock})
	to := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	mint := uuid.New()
	_, err := store.Create(ctx, chainstore.Transfer{ID: mint, Kind: "mint", Blockchain: "ethereum", To: "hot-wallet", Amount: 5_000_000_000})
	require.NoError(t, err)
	busy := newTransfer(t, e, "ethereum", to.Hex(), 1_000_000_000)

	// busy's worker is alive: it holds the lock.
	unlock, ok, err := lock(ctx, transferLockKey(busy))
	require.NoError(t, err)
	require.True(t, ok)
	n, err := e.Resume(ctx, 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the mint, whose worker never ran, is resumed")
	tr, err := store.Get(ctx, busy)
	require.NoError(t, err)
	assert.Equal(t, chainstore.StatusPending, tr.Status, "a transfer with a live worker is left alone")
	assert.ErrorIs(t, e.Execute(ctx, busy), ErrBusy)

	// Its worker dies: the lock goes with it (a dead process's connection ends its session),
	// and the next pass drives it; the mint the first pass confirmed is not driven again.
	unlock()
	n, err = e.Resume(ctx, 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	tr, err = store.Get(ctx, busy)
	require.NoError(t, err)
	assert.Equal(t, chainstore.StatusConfirmed, tr.Status, tr.FailureReason)
	m, err := store.Get(ctx, mint)
	require.NoError(t, err)
	assert.Equal(t, chainstore.StatusConfirmed, m.Status, m.FailureReason)
}

// Two instances resuming the same orphaned transfers at once (each pass takes the transfers'
// locks on its own connections) send each exactly once.
func TestConcurrentResumesSendEachTransferOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := testChains(t)
	pool := pgtest.NewDB(t)
	store := chainstore.New(pool)
	e := (&recorder{}).drive(&Executor{Store: store, Chains: c, Metrics: NewMetrics(nil), EthSendLock: PostgresSendLock(pool), Lock: PostgresTryLock(pool)})
	treasury(t, e, "ethereum", 1_000_000_000)
	to := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	ids := make([]uuid.UUID, 5)
	for i := range ids {
		ids[i] = newTransfer(t, e, "ethereum", to.Hex(), 100_000_000)
	}
	errs := make(chan error, 3)
	for range 3 {
		go func() { _, err := e.Resume(ctx, 0, nil); errs <- err }()
	}
	for range 3 {
		require.NoError(t, <-errs)
	}
	// A pass that found a transfer busy leaves it to the other; a last pass finishes anything left.
	_, err := e.Resume(ctx, 0, nil)
	require.NoError(t, err)
	for _, id := range ids {
		tr, err := store.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, chainstore.StatusConfirmed, tr.Status, tr.FailureReason)
		assert.Equal(t, 1, tr.SignedCount, "signed once")
	}
	bal, err := c.Ethereum.BalanceOf(ctx, to)
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(5 * 100_000_000)
	assert.Equal(t, want, bal, "each transfer landed exactly once")
}

// While one scan runs (it holds the scan lock), another scan, from this instance or another,
// does nothing and says so without error; the lock frees with its holder.
func TestOverlappingDepositScansDoNotRunTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lock := PostgresTryLock(pgtest.NewDB(t))
	unlock, ok, err := lock(ctx, depositScanLockKey)
	require.NoError(t, err)
	require.True(t, ok)
	w := &DepositWatcher{Lock: lock} // no chains: a scan that ran would fail
	n, err := w.Scan(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	_, ok, err = lock(ctx, depositScanLockKey)
	require.NoError(t, err)
	assert.False(t, ok, "still held")
	unlock()
	again, ok, err := lock(ctx, depositScanLockKey)
	require.NoError(t, err)
	assert.True(t, ok, "free once its holder let go")
	again()
}
