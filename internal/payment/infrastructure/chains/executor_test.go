package chains

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	sol "github.com/gagliardetto/solana-go"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	if shared != nil {
		shared.Close()
	}
	if sharedDir != "" {
		_ = os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

var (
	shared     *Chains
	sharedOnce sync.Once
	sharedErr  error
	sharedDir  string
)

// testChains starts both local chains once per test binary (bootstrapped like `make run`).
func testChains(t testing.TB) *Chains {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "vibestream-chains-")
		if sharedErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		shared, sharedErr = Start(ctx, Config{DataDir: sharedDir, Ethereum: EthereumConfig{BlockTime: 50 * time.Millisecond}})
	})
	require.NoError(t, sharedErr)
	return shared
}

// outcome is one landing the executor returned.
type outcome struct {
	ID     uuid.UUID
	Status string
	TxHash string
	Reason string
}

// recorder records the landings of the executors it made.
type recorder struct {
	mu       sync.Mutex
	outcomes []outcome
}

// testExec is an executor driven, as in production, through the application's lifecycle (on a
// ledger that books nothing: these transfers hold nothing), recording every landing.
type testExec struct {
	*Executor
	rec *recorder
	lc  *chaintx.Lifecycle
}

func (x *testExec) Send(ctx context.Context, t *domain.Transfer, submitted func(context.Context, string) error) (chaintx.Landing, error) {
	l, err := x.Executor.Send(ctx, t, submitted)
	if err == nil {
		o := outcome{ID: t.ID(), Status: chainstore.StatusConfirmed, TxHash: l.TxHash}
		if l.Failed {
			o.Status, o.Reason = chainstore.StatusFailed, l.Reason
		}
		x.rec.mu.Lock()
		x.rec.outcomes = append(x.rec.outcomes, o)
		x.rec.mu.Unlock()
	}
	return l, err
}

// Execute drives one transfer to a final state (what the transfer job runs).
func (x *testExec) Execute(ctx context.Context, id uuid.UUID) error { return x.lc.Execute(ctx, id) }

// nopLedger books nothing (treasury mints in these tests have no ledger behind them).
type nopLedger struct{ contracts.Ledger }

func (nopLedger) Transfer(context.Context, contracts.TransferRequest) (contracts.Receipt, error) {
	return contracts.Receipt{}, nil
}

// drive wraps e (its Store set) for the tests.
func (r *recorder) drive(e *Executor) *testExec {
	x := &testExec{Executor: e, rec: r}
	x.lc = chaintx.NewLifecycle(e.Store, nopLedger{}, x, nil)
	e.Run = x.Execute
	return x
}

func (r *recorder) executor(t testing.TB, c *Chains) *testExec {
	return r.drive(&Executor{Store: chainstore.New(pgtest.NewDB(t)), Chains: c, Metrics: NewMetrics(nil)})
}

func newTransfer(t *testing.T, e *testExec, chain, to string, amount int64) uuid.UUID {
	t.Helper()
	id := uuid.New()
	created, err := e.Store.Create(context.Background(), chainstore.Transfer{ID: id, Kind: "withdrawal", Blockchain: chain, To: to, Amount: amount})
	require.NoError(t, err)
	require.True(t, created)
	return id
}

// treasury mints VIBE to the hot wallets through the executor (the mint path).
func treasury(t *testing.T, e *testExec, chain string, amount int64) {
	t.Helper()
	id := uuid.New()
	_, err := e.Store.Create(context.Background(), chainstore.Transfer{ID: id, Kind: "mint", Blockchain: chain, To: "hot-wallet", Amount: amount})
	require.NoError(t, err)
	require.NoError(t, e.Execute(context.Background(), id))
	tr, err := e.Store.Get(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, chainstore.StatusConfirmed, tr.Status, tr.FailureReason)
}

func TestWithdrawalsConfirmOnBothChains(t *testing.T) {
	ctx := context.Background()
	c := testChains(t)
	rec := &recorder{}
	e := rec.executor(t, c)
	treasury(t, e, "ethereum", 100_000_000_000)
	treasury(t, e, "solana", 100_000_000_000)

	ethTo := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	solTo := sol.NewWallet().PublicKey()
	for _, tc := range []struct{ chain, to string }{{"ethereum", ethTo.Hex()}, {"solana", solTo.String()}} {
		id := newTransfer(t, e, tc.chain, tc.to, 2_500_000_000)
		start := time.Now()
		require.NoError(t, e.Execute(ctx, id))
		t.Logf("%s: stored to confirmed in %s", tc.chain, time.Since(start))
		tr, err := e.Store.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, chainstore.StatusConfirmed, tr.Status, tr.FailureReason)
		assert.NotEmpty(t, tr.TxHash)
		assert.Equal(t, 1, tr.SignedCount)
		// Running it again is a no-op.
		require.NoError(t, e.Execute(ctx, id))
	}
	bal, err := c.Ethereum.BalanceOf(ctx, ethTo)
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(2_500_000_000)
	assert.Equal(t, want, bal)
	sb, err := c.Solana.Balance(ctx, solTo)
	require.NoError(t, err)
	assert.Equal(t, uint64(2_500_000_000), sb)
	ids := map[uuid.UUID]string{}
	for _, o := range rec.outcomes {
		if prev, ok := ids[o.ID]; ok {
			assert.Equal(t, prev, o.Status, "a replayed outcome is the same outcome")
		}
		ids[o.ID] = o.Status
	}
	assert.Len(t, ids, 4, "two mints and two withdrawals reported")
}

var errCrash = errors.New("simulated crash")

func TestCrashBetweenSigningAndBroadcastNeverDoubleSpends(t *testing.T) {
	ctx := context.Background()
	c := testChains(t)
	rec := &recorder{}
	e := rec.executor(t, c)
	treasury(t, e, "ethereum", 100_000_000_000)
	treasury(t, e, "solana", 100_000_000_000)

	ethTo := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	solTo := sol.NewWallet().PublicKey()
	for _, tc := range []struct{ chain, to string }{{"ethereum", ethTo.Hex()}, {"solana", solTo.String()}} {
		t.Run(tc.chain, func(t *testing.T) {
			id := newTransfer(t, e, tc.chain, tc.to, 1_000_000_000)
			e.crashAfterPersist = func() error { return errCrash }
			err := e.Execute(ctx, id)
			e.crashAfterPersist = nil
			require.ErrorIs(t, err, errCrash)
			tr, err := e.Store.Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, chainstore.StatusPending, tr.Status)
			require.NotEmpty(t, tr.TxHash, "the signed transaction was stored before the crash")
			stored := tr.TxHash

			// "Restart": the executor asks the chain, which never saw it, and sends the
			// stored bytes: the same transaction.
			require.NoError(t, e.Execute(ctx, id))
			tr, err = e.Store.Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, chainstore.StatusConfirmed, tr.Status, tr.FailureReason)
			assert.Equal(t, stored, tr.TxHash)
			assert.Equal(t, 1, tr.SignedCount)
		})
	}
	bal, err := c.Ethereum.BalanceOf(ctx, ethTo)
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(1_000_000_000)
	assert.Equal(t, want, bal, "exactly one transfer")
	sb, err := c.Solana.Balance(ctx, solTo)
	require.NoError(t, err)
	assert.Equal(t, uint64(1_000_000_000), sb)
}

func TestStoredTransactionWhoseNonceWasTakenIsResignedOnce(t *testing.T) {
	ctx := context.Background()
	c := testChains(t)
	rec := &recorder{}
	e := rec.executor(t, c)
	treasury(t, e, "ethereum", 100_000_000_000)

	a := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	b := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	first := newTransfer(t, e, "ethereum", a.Hex(), 1_000_000_000)
	e.crashAfterPersist = func() error { return errCrash }
	require.ErrorIs(t, e.Execute(ctx, first), errCrash)
	e.crashAfterPersist = nil
	// After the "restart" another transfer takes the same nonce and is mined first.
	second := newTransfer(t, e, "ethereum", b.Hex(), 2_000_000_000)
	require.NoError(t, e.Execute(ctx, second))

	require.NoError(t, e.Execute(ctx, first))
	tr, err := e.Store.Get(ctx, first)
	require.NoError(t, err)
	assert.Equal(t, chainstore.StatusConfirmed, tr.Status, tr.FailureReason)
	assert.Equal(t, 2, tr.SignedCount, "re-signed with a fresh nonce")
	ba, err := c.Ethereum.BalanceOf(ctx, a)
	require.NoError(t, err)
	wantA, _ := ethereum.ToTokenUnits(1_000_000_000)
	assert.Equal(t, wantA, ba)
	bb, err := c.Ethereum.BalanceOf(ctx, b)
	require.NoError(t, err)
	wantB, _ := ethereum.ToTokenUnits(2_000_000_000)
	assert.Equal(t, wantB, bb)
}

func TestTransferTheHotWalletCannotCoverFailsWithAReason(t *testing.T) {
	ctx := context.Background()
	c := testChains(t)
	rec := &recorder{}
	e := rec.executor(t, c)
	supply, err := c.Solana.Supply(ctx)
	require.NoError(t, err)
	id := newTransfer(t, e, "solana", sol.NewWallet().PublicKey().String(), int64(supply)+1)
	require.NoError(t, e.Execute(ctx, id))
	tr, err := e.Store.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, chainstore.StatusFailed, tr.Status)
	assert.NotEmpty(t, tr.FailureReason)
	require.Len(t, rec.outcomes, 1)
	assert.Equal(t, chainstore.StatusFailed, rec.outcomes[0].Status)
}

func TestConcurrentWithdrawalsUseDistinctNonces(t *testing.T) {
	ctx := context.Background()
	c := testChains(t)
	rec := &recorder{}
	e := rec.executor(t, c)
	treasury(t, e, "ethereum", 100_000_000_000)
	to := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	const n = 20
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = newTransfer(t, e, "ethereum", to.Hex(), 100_000_000)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range ids {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = e.Execute(ctx, ids[i]) }()
	}
	wg.Wait()
	nonces := map[int64]bool{}
	for i, id := range ids {
		require.NoError(t, errs[i])
		sigs, err := e.Store.Signatures(ctx, id)
		require.NoError(t, err)
		require.Len(t, sigs, 1)
		assert.False(t, nonces[*sigs[0].Nonce], "nonce reused")
		nonces[*sigs[0].Nonce] = true
	}
	bal, err := c.Ethereum.BalanceOf(ctx, to)
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(n * 100_000_000)
	assert.Equal(t, want, bal)
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	k, err := crypto.GenerateKey()
	require.NoError(t, err)
	return k
}

func TestFeeQuotesAndHotWalletBalances(t *testing.T) {
	ctx := context.Background()
	c := testChains(t)
	rec := &recorder{}
	e := rec.executor(t, c)
	before, err := c.HotWalletBalances(ctx)
	require.NoError(t, err)
	treasury(t, e, "ethereum", 7_000_000_000)
	treasury(t, e, "solana", 5_000_000_000)
	after, err := c.HotWalletBalances(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(7_000_000_000), after["ethereum"].Ledger-before["ethereum"].Ledger)
	assert.Equal(t, int64(5_000_000_000), after["solana"].Ledger-before["solana"].Ledger)
	assert.Equal(t, before["ethereum"].Dust, after["ethereum"].Dust)

	ef, err := c.EstimateFee(ctx, "ethereum", crypto.PubkeyToAddress(mustKey(t).PublicKey).Hex(), 1_000_000_000)
	require.NoError(t, err)
	assert.Equal(t, "ETH", ef.Currency)
	assert.Greater(t, ef.Gas, uint64(21000))
	sf, err := c.EstimateFee(ctx, "solana", sol.NewWallet().PublicKey().String(), 1_000_000_000)
	require.NoError(t, err)
	assert.Positive(t, sf.AccountRent, "a new recipient needs a token account")
	_, err = c.EstimateFee(ctx, "ethereum", "0x123", 1)
	assert.Error(t, err)
}

func TestTwoInstancesSharingTheHotWalletNeverReuseANonce(t *testing.T) {
	ctx := context.Background()
	c := testChains(t)
	rec := &recorder{}
	a := rec.executor(t, c)
	a.EthSendLock = PostgresSendLock(pgtest.NewDB(t))
	treasury(t, a, "ethereum", 100_000_000_000)
	// A second "instance": its own client (own nonce counter) on the same key and database.
	key, err := ethKeyOf(sharedDir)
	require.NoError(t, err)
	c2client, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: c.EthProc.URL(), Key: key, Token: c.Ethereum.Token()})
	require.NoError(t, err)
	defer c2client.Close()
	c2 := *c
	c2.Ethereum = c2client
	b := rec.drive(&Executor{Store: a.Store, Chains: &c2, Metrics: NewMetrics(nil), EthSendLock: a.EthSendLock})

	to := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	const n = 10
	ids := make([]uuid.UUID, 2*n)
	for i := range ids {
		ids[i] = newTransfer(t, a, "ethereum", to.Hex(), 100_000_000)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i := range ids {
		ex := a
		if i%2 == 1 {
			ex = b
		}
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = ex.Execute(ctx, ids[i]) }()
	}
	wg.Wait()
	for i := range ids {
		require.NoError(t, errs[i])
		tr, err := a.Store.Get(ctx, ids[i])
		require.NoError(t, err)
		assert.Equal(t, chainstore.StatusConfirmed, tr.Status, tr.FailureReason)
	}
	bal, err := c.Ethereum.BalanceOf(ctx, to)
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(2 * n * 100_000_000)
	assert.Equal(t, want, bal, "every transfer exactly once")
}

func ethKeyOf(dataDir string) (*ecdsa.PrivateKey, error) {
	return ethKey("", dataDir+"/chains/ethereum-hot-wallet.key", true)
}
