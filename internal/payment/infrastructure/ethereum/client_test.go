package ethereum_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/platform/devchain"
)

var anvil *devchain.Process

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	p, err := devchain.StartAnvil(ctx, devchain.AnvilOptions{})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "anvil:", err)
		os.Exit(1)
	}
	anvil = p
	code := m.Run()
	p.Stop()
	os.Exit(code)
}

// newClient gives each test its own funded hot wallet and, when deploy is set, its own token.
func newClient(t *testing.T, confirmations uint64, deploy bool) *ethereum.Client {
	t.Helper()
	ctx := context.Background()
	key, err := crypto.GenerateKey()
	require.NoError(t, err)
	c, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: anvil.URL(), Key: key, Confirmations: confirmations})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	fund(t, c, c.Address())
	if deploy {
		addr, err := c.Deploy(ctx)
		require.NoError(t, err)
		c.SetToken(addr)
	}
	return c
}

func fund(t *testing.T, c *ethereum.Client, a common.Address) {
	t.Helper()
	ten := new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18))
	require.NoError(t, c.RPC().CallContext(context.Background(), nil, "anvil_setBalance", a, hexutil.EncodeBig(ten)))
}

func vibe(n int64) *big.Int {
	v, err := ethereum.ToTokenUnits(n * 1_000_000_000)
	if err != nil {
		panic(err)
	}
	return v
}

func randomAddress(t *testing.T) (common.Address, *ecdsa.PrivateKey) {
	k, err := crypto.GenerateKey()
	require.NoError(t, err)
	return crypto.PubkeyToAddress(k.PublicKey), k
}

func TestDeployMintTransferAndReceipts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t, 1, true)
	assert.Equal(t, int64(31337), c.ChainID().Int64())

	var stored []ethereum.SignedTx
	persist := func(_ context.Context, tx ethereum.SignedTx) error { stored = append(stored, tx); return nil }

	mint, err := c.Mint(ctx, c.Address(), vibe(1000), persist)
	require.NoError(t, err)
	r, err := c.WaitMined(ctx, mint.Hash, 0)
	require.NoError(t, err)
	assert.True(t, r.Success)
	assert.Positive(t, r.GasUsed)

	to, _ := randomAddress(t)
	tx, err := c.Transfer(ctx, to, vibe(250), persist)
	require.NoError(t, err)
	require.Len(t, stored, 2, "every signed transaction is persisted before broadcast")
	assert.Equal(t, tx.Hash, stored[1].Hash)
	assert.Equal(t, mint.Nonce+1, tx.Nonce)

	r, err = c.WaitMined(ctx, tx.Hash, 0)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, r.Confirmations, uint64(1))

	bal, err := c.BalanceOf(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, vibe(250), bal)
	hot, err := c.BalanceOf(ctx, c.Address())
	require.NoError(t, err)
	assert.Equal(t, vibe(750), hot)

	// Re-broadcasting the stored bytes is harmless: same hash, no second transfer.
	require.NoError(t, c.Broadcast(ctx, stored[1].Raw))
	bal, err = c.BalanceOf(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, vibe(250), bal)
}

func TestOnlyThePlatformCanMint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	owner := newClient(t, 1, true)
	_, otherKey := randomAddress(t)
	other, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: anvil.URL(), Key: otherKey, Token: owner.Token()})
	require.NoError(t, err)
	defer other.Close()
	fund(t, other, other.Address())

	_, err = other.Mint(ctx, other.Address(), vibe(1), nil)
	require.Error(t, err, "gas estimation fails: the call reverts with OwnableUnauthorizedAccount")
	supply, err := owner.TotalSupply(ctx)
	require.NoError(t, err)
	assert.Zero(t, supply.Sign())
}

func TestConcurrentSendsNeverReuseOrSkipANonce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t, 1, true)
	_, err := c.Mint(ctx, c.Address(), vibe(100), nil)
	require.NoError(t, err)

	const n = 20
	to, _ := randomAddress(t)
	txs := make([]ethereum.SignedTx, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			txs[i], errs[i] = c.Transfer(ctx, to, vibe(1), nil)
		}()
	}
	wg.Wait()
	nonces := map[uint64]bool{}
	for i := range n {
		require.NoError(t, errs[i])
		assert.False(t, nonces[txs[i].Nonce], "nonce %d used twice", txs[i].Nonce)
		nonces[txs[i].Nonce] = true
	}
	for i := range n {
		_, err := c.WaitMined(ctx, txs[i].Hash, 0)
		require.NoError(t, err)
	}
	// No gap either: the nonces are exactly 2..n+1 (0 deployed, 1 minted).
	for i := uint64(2); i <= n+1; i++ {
		assert.True(t, nonces[i], "nonce %d skipped", i)
	}
	bal, err := c.BalanceOf(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, vibe(n), bal)
}

func TestStuckTransactionIsReplacedWithAHigherFee(t *testing.T) {
	// Not parallel: it turns automine off for the whole node.
	ctx := context.Background()
	c := newClient(t, 1, true)
	mint, err := c.Mint(ctx, c.Address(), vibe(10), nil)
	require.NoError(t, err)
	_, err = c.WaitMined(ctx, mint.Hash, 0)
	require.NoError(t, err)

	require.NoError(t, c.RPC().CallContext(ctx, nil, "evm_setAutomine", false))
	defer func() { _ = c.RPC().CallContext(ctx, nil, "evm_setAutomine", true) }()

	to, _ := randomAddress(t)
	stuck, err := c.Transfer(ctx, to, vibe(3), nil)
	require.NoError(t, err)
	st, err := c.Status(ctx, stuck.Hash)
	require.NoError(t, err)
	assert.Zero(t, st.Confirmations, "pending while nothing is mined")

	repl, err := c.Replace(ctx, stuck, nil)
	require.NoError(t, err)
	assert.Equal(t, stuck.Nonce, repl.Nonce)
	assert.NotEqual(t, stuck.Hash, repl.Hash)
	assert.Equal(t, 1, repl.GasTipCap.Cmp(stuck.GasTipCap))

	require.NoError(t, c.RPC().CallContext(ctx, nil, "evm_mine"))
	r, err := c.WaitMined(ctx, repl.Hash, 0)
	require.NoError(t, err)
	assert.True(t, r.Success)
	_, err = c.Status(ctx, stuck.Hash)
	assert.ErrorIs(t, err, ethereum.ErrNotFound, "the replaced transaction can never be mined")
	used, err := c.NonceMined(ctx, stuck.Nonce)
	require.NoError(t, err)
	assert.True(t, used)
	bal, err := c.BalanceOf(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, vibe(3), bal, "exactly one of the two transfers happened")
}

func TestFailedPersistGivesTheNonceBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t, 1, true)
	boom := errors.New("database down")
	_, err := c.Mint(ctx, c.Address(), vibe(5), func(context.Context, ethereum.SignedTx) error { return boom })
	require.ErrorIs(t, err, boom)
	tx, err := c.Mint(ctx, c.Address(), vibe(5), nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), tx.Nonce, "nonce 0 deployed; the failed persist did not consume 1")
	_, err = c.WaitMined(ctx, tx.Hash, 0)
	require.NoError(t, err)
}

type memCheckpoints struct {
	mu sync.Mutex
	m  map[string]uint64
}

func (m *memCheckpoints) Load(_ context.Context, name string) (uint64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[name]
	return v, ok, nil
}

func (m *memCheckpoints) Save(_ context.Context, name string, b uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[name] = b
	return nil
}

func TestDepositScannerWaitsForDepthAndHandsEachTransferOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hot := newClient(t, 3, true)
	// A user wallet with VIBE of its own.
	userAddr, userKey := randomAddress(t)
	_, err := hot.Mint(ctx, userAddr, vibe(50), nil)
	require.NoError(t, err)
	user, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: anvil.URL(), Key: userKey, Token: hot.Token()})
	require.NoError(t, err)
	defer user.Close()
	fund(t, user, userAddr)

	start, err := hot.BlockNumber(ctx)
	require.NoError(t, err)
	dep, err := user.Transfer(ctx, hot.Address(), vibe(7), nil)
	require.NoError(t, err)
	r, err := user.WaitMined(ctx, dep.Hash, 1)
	require.NoError(t, err)

	var got []ethereum.Transfer
	cp := &memCheckpoints{m: map[string]uint64{}}
	scanner := &ethereum.DepositScanner{Client: hot, Checkpoints: cp, Name: "test", StartBlock: start,
		Handle: func(_ context.Context, ts []ethereum.Transfer) error { got = append(got, ts...); return nil }}

	// Mine until the deposit is exactly one block short of the depth: nothing handed over.
	for {
		head, err := hot.BlockNumber(ctx)
		require.NoError(t, err)
		if head >= r.BlockNumber+1 {
			break
		}
		require.NoError(t, hot.RPC().CallContext(ctx, nil, "evm_mine"))
	}
	// Other tests share this anvil and may mine a block while the scanner polls: the assertion
	// only holds when the head the scanner could have seen is still short of the depth.
	head, _ := hot.BlockNumber(ctx)
	early := 0
	if head-r.BlockNumber+1 < 3 {
		early, err = scanner.Poll(ctx)
		require.NoError(t, err)
		after, _ := hot.BlockNumber(ctx)
		if after == head {
			assert.Empty(t, got, "a deposit above the confirmation depth is not read")
		}
	}
	require.NoError(t, hot.RPC().CallContext(ctx, nil, "anvil_mine", "0x3"))
	n, err := scanner.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, early+n, "the deposit is handed over exactly once")
	require.Len(t, got, 1)
	assert.Equal(t, userAddr, got[0].From)
	assert.Equal(t, vibe(7), got[0].Amount)
	assert.Equal(t, dep.Hash, got[0].TxHash)

	// Polling again hands nothing new: the checkpoint moved past the deposit.
	n, err = scanner.Poll(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Len(t, got, 1)
}
