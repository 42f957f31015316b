package solana_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	sol "github.com/gagliardetto/solana-go"
	"github.com/gagliardetto/solana-go/rpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/solana"
	"github.com/vibestream/vibestream/internal/platform/devchain"
)

var node *devchain.Process

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	p, err := devchain.StartSolana(ctx, devchain.SolanaOptions{SlotTime: 20 * time.Millisecond, Finality: 8})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "solana adapter:", err)
		os.Exit(1)
	}
	node = p
	code := m.Run()
	p.Stop()
	os.Exit(code)
}

// newHot gives a test its own funded hot wallet and VIBE mint.
func newHot(t *testing.T, url string, commitment rpc.CommitmentType) *solana.Client {
	t.Helper()
	ctx := context.Background()
	key, err := sol.NewRandomPrivateKey()
	require.NoError(t, err)
	c, err := solana.New(solana.Config{RPCURL: url, Key: key, Commitment: commitment})
	require.NoError(t, err)
	require.NoError(t, c.Airdrop(ctx, c.Address(), 10_000_000_000))
	_, err = c.CreateMint(ctx)
	require.NoError(t, err)
	return c
}

func wallet(t *testing.T) (sol.PublicKey, sol.PrivateKey) {
	k, err := sol.NewRandomPrivateKey()
	require.NoError(t, err)
	return k.PublicKey(), k
}

func TestMintTransferCreatesTheRecipientAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newHot(t, node.URL(), "")

	tx, err := c.MintTo(ctx, 1_000_000_000_000, nil)
	require.NoError(t, err)
	_, err = c.WaitConfirmed(ctx, tx)
	require.NoError(t, err)
	supply, err := c.Supply(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(1_000_000_000_000), supply)

	to, _ := wallet(t)
	bal, err := c.Balance(ctx, to)
	require.NoError(t, err)
	assert.Zero(t, bal, "no token account yet")
	fee, rent, err := c.EstimateFee(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, uint64(5000), fee)
	assert.Positive(t, rent, "the recipient's token account must be created")

	var stored []solana.SignedTx
	start := time.Now()
	sent, st, err := c.SendAndConfirm(ctx, to, 1_500_000_000, "w-1", func(_ context.Context, s solana.SignedTx) error {
		stored = append(stored, s)
		return nil
	})
	require.NoError(t, err)
	t.Logf("transfer confirmed in %s", time.Since(start))
	assert.True(t, st.Confirmed)
	require.Len(t, stored, 1, "persisted before broadcast")
	assert.Equal(t, sent.Signature, stored[0].Signature)

	bal, err = c.Balance(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, uint64(1_500_000_000), bal)

	// A second transfer to the same wallet needs no account creation.
	_, rent, err = c.EstimateFee(ctx, to)
	require.NoError(t, err)
	assert.Zero(t, rent)
	_, _, err = c.SendAndConfirm(ctx, to, 500_000_000, "w-2", nil)
	require.NoError(t, err)
	bal, err = c.Balance(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, uint64(2_000_000_000), bal)

	// Re-broadcasting stored bytes never transfers twice.
	require.NoError(t, c.Broadcast(ctx, stored[0].Raw))
	bal, err = c.Balance(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, uint64(2_000_000_000), bal)
}

func TestIdenticalConcurrentTransfersAllLand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newHot(t, node.URL(), "")
	tx, err := c.MintTo(ctx, 100_000_000_000, nil)
	require.NoError(t, err)
	_, err = c.WaitConfirmed(ctx, tx)
	require.NoError(t, err)

	// Same recipient, same amount, same moment, often the same blockhash: the reference memo
	// keeps them distinct transactions, and each must land.
	to, _ := wallet(t)
	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	sigs := make([]sol.Signature, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _, err := c.SendAndConfirm(ctx, to, 1_000_000_000, fmt.Sprintf("w-%d", i), nil)
			errs[i], sigs[i] = err, s.Signature
		}()
	}
	wg.Wait()
	seen := map[sol.Signature]bool{}
	for i := range n {
		require.NoError(t, errs[i])
		assert.False(t, seen[sigs[i]])
		seen[sigs[i]] = true
	}
	bal, err := c.Balance(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, uint64(n*1_000_000_000), bal)
}

func TestOverdrawFailsBeforeLanding(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newHot(t, node.URL(), "")
	to, _ := wallet(t)
	_, err := c.Transfer(ctx, to, 1, "w", nil)
	require.ErrorIs(t, err, solana.ErrRejected, "preflight refuses a transfer from an empty account")
}

type memCheckpoints struct {
	mu sync.Mutex
	m  map[string]string
}

func (m *memCheckpoints) Load(_ context.Context, name string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[name]
	return v, ok, nil
}

func (m *memCheckpoints) Save(_ context.Context, name, sig string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[name] = sig
	return nil
}

func TestDepositsAreFoundAtFinalityOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hot := newHot(t, node.URL(), rpc.CommitmentFinalized)
	// A user wallet receives VIBE from the platform, then deposits some back.
	userPub, userKey := wallet(t)
	tx, err := hot.MintTo(ctx, 10_000_000_000, nil)
	require.NoError(t, err)
	_, err = hot.WaitConfirmed(ctx, tx)
	require.NoError(t, err)
	_, _, err = hot.SendAndConfirm(ctx, userPub, 5_000_000_000, "w", nil)
	require.NoError(t, err)

	user, err := solana.New(solana.Config{RPCURL: node.URL(), Key: userKey, Mint: hot.Mint()})
	require.NoError(t, err)
	require.NoError(t, user.Airdrop(ctx, userPub, 1_000_000_000))
	dep, _, err := user.SendAndConfirm(ctx, hot.Address(), 1_250_000_000, "", nil)
	require.NoError(t, err)

	var got []solana.Deposit
	scanner := &solana.DepositScanner{Client: hot, Checkpoints: &memCheckpoints{m: map[string]string{}}, Name: "t",
		Handle: func(_ context.Context, d solana.Deposit) error { got = append(got, d); return nil }}
	require.Eventually(t, func() bool {
		_, err := scanner.Poll(ctx)
		require.NoError(t, err)
		return len(got) > 0
	}, 10*time.Second, 20*time.Millisecond)
	require.Len(t, got, 1, "the platform's own outgoing transfer is not a deposit")
	assert.Equal(t, dep.Signature, got[0].Signature)
	assert.Equal(t, userPub, got[0].From)
	assert.Equal(t, uint64(1_250_000_000), got[0].Amount)

	n, err := scanner.Poll(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Len(t, got, 1)
}

func TestAddressValidation(t *testing.T) {
	t.Parallel()
	pub, _ := wallet(t)
	_, err := solana.ParseAddress(pub.String())
	require.NoError(t, err)
	for _, bad := range []string{"", "0x1234", "not-base58-OIl0", "11111111111111111111111111111111111111111111111111"} {
		_, err := solana.ParseAddress(bad)
		assert.Error(t, err, bad)
	}
	// A program-derived address is off the curve: no one holds its key.
	ata, _, err := sol.FindAssociatedTokenAddress(pub, pub)
	require.NoError(t, err)
	_, err = solana.ParseAddress(ata.String())
	assert.Error(t, err)
}

func TestAdapterStateSurvivesARestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	state := filepath.Join(t.TempDir(), "solana.jsonl")
	p, err := devchain.StartSolana(ctx, devchain.SolanaOptions{StateFile: state, SlotTime: 20 * time.Millisecond})
	require.NoError(t, err)
	c := newHot(t, p.URL(), "")
	tx, err := c.MintTo(ctx, 42_000_000_000, nil)
	require.NoError(t, err)
	_, err = c.WaitConfirmed(ctx, tx)
	require.NoError(t, err)
	p.Stop()

	p2, err := devchain.StartSolana(ctx, devchain.SolanaOptions{StateFile: state, SlotTime: 20 * time.Millisecond})
	require.NoError(t, err)
	defer p2.Stop()
	c2, err := solana.New(solana.Config{RPCURL: p2.URL(), Key: func() sol.PrivateKey { _, k := wallet(t); return k }(), Mint: c.Mint()})
	require.NoError(t, err)
	bal, err := c2.Balance(ctx, c.Address())
	require.NoError(t, err)
	assert.Equal(t, uint64(42_000_000_000), bal)
	st, err := c2.Status(ctx, tx.Signature)
	require.NoError(t, err)
	assert.True(t, st.Found, "history replayed")
}

func TestExpiredBlockhashIsDetectedAndTheTransferResigned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, err := devchain.StartSolana(ctx, devchain.SolanaOptions{SlotTime: 10 * time.Millisecond, BlockhashValidity: 10})
	require.NoError(t, err)
	defer p.Stop()
	c := newHot(t, p.URL(), "")
	tx, err := c.MintTo(ctx, 10_000_000_000, nil)
	require.NoError(t, err)
	_, err = c.WaitConfirmed(ctx, tx)
	require.NoError(t, err)
	to, _ := wallet(t)

	// Signed and stored, then the process "crashed" before broadcasting: while the blockhash
	// is valid, the stored bytes are simply broadcast.
	fresh, err := c.SignTransfer(ctx, to, 1_000_000_000, "w-fresh")
	require.NoError(t, err)
	require.NoError(t, c.Broadcast(ctx, fresh.Raw))
	_, err = c.WaitConfirmed(ctx, fresh)
	require.NoError(t, err)

	// Signed, never broadcast, and the blockhash expired: Expired says so only once it can
	// provably never land, the old bytes are refused, and a re-signed transfer lands once.
	stale, err := c.SignTransfer(ctx, to, 2_000_000_000, "w-stale")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		exp, err := c.Expired(ctx, stale)
		require.NoError(t, err)
		return exp
	}, 5*time.Second, 10*time.Millisecond)
	assert.ErrorIs(t, c.Broadcast(ctx, stale.Raw), solana.ErrRejected)
	st, err := c.Status(ctx, stale.Signature)
	require.NoError(t, err)
	assert.False(t, st.Found)

	again, _, err := c.SendAndConfirm(ctx, to, 2_000_000_000, "w-stale", nil)
	require.NoError(t, err)
	assert.NotEqual(t, stale.Signature, again.Signature)
	bal, err := c.Balance(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, uint64(3_000_000_000), bal)
}
