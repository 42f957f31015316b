package chains

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	sol "github.com/gagliardetto/solana-go"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/solana"
)

// fakeDeposits stands for the application's deposit use case: senders in owners are credited
// (counted once per on-chain transfer, as the store records each once), others are unmatched.
type fakeDeposits struct {
	store  *chainstore.Store
	owners map[string]uuid.UUID
	mu     sync.Mutex
	calls  map[string]int64
}

func (f *fakeDeposits) Record(ctx context.Context, d chaintx.Deposit) (chaintx.Deposit, bool, error) {
	d.Status = chaintx.DepositUnmatched
	if d.Amount == nil {
		d.Status = chaintx.DepositRejected
	} else if id, ok := f.owners[d.Blockchain+":"+strings.ToLower(d.From)]; ok {
		d.Status, d.UserID = chaintx.DepositCredited, &id
	}
	inserted, err := f.store.RecordDeposit(ctx, chainstore.Deposit{Blockchain: d.Blockchain, TxHash: d.TxHash, LogIndex: d.LogIndex, From: d.From,
		ChainAmount: d.ChainAmount, Amount: d.Amount, BlockNumber: d.BlockNumber, Status: d.Status, UserID: d.UserID, Reason: d.Reason}, nil, nil)
	if inserted && d.UserID != nil {
		f.mu.Lock()
		f.calls[d.Blockchain+":"+d.TxHash+":"+d.UserID.String()] += *d.Amount
		f.mu.Unlock()
	}
	return d, inserted, err
}

func TestDepositsAreCreditedOnceAndUnknownSendersRecorded(t *testing.T) {
	ctx := context.Background()
	c := testChains(t)
	rec := &recorder{}
	e := rec.executor(t, c)
	treasury(t, e, "ethereum", 100_000_000_000)
	treasury(t, e, "solana", 100_000_000_000)

	// Two Ethereum users holding VIBE: one linked, one unknown.
	linkedKey, _ := crypto.GenerateKey()
	strangerKey, _ := crypto.GenerateKey()
	var users []*ethereum.Client
	for _, k := range []*ecdsa.PrivateKey{linkedKey, strangerKey} {
		u, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: c.EthProc.URL(), Key: k, Token: c.Ethereum.Token()})
		require.NoError(t, err)
		defer u.Close()
		ten := new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18))
		require.NoError(t, u.RPC().CallContext(ctx, nil, "anvil_setBalance", u.Address(), hexutil.EncodeBig(ten)))
		id := newTransfer(t, e, "ethereum", u.Address().Hex(), 10_000_000_000)
		require.NoError(t, e.Execute(ctx, id))
		users = append(users, u)
	}
	// A Solana user, linked.
	solKey, err := sol.NewRandomPrivateKey()
	require.NoError(t, err)
	solUser, err := solana.New(solana.Config{RPCURL: c.SolProc.URL(), Key: solKey, Mint: c.Solana.Mint()})
	require.NoError(t, err)
	require.NoError(t, solUser.Airdrop(ctx, solKey.PublicKey(), 1_000_000_000))
	id := newTransfer(t, e, "solana", solKey.PublicKey().String(), 10_000_000_000)
	require.NoError(t, e.Execute(ctx, id))

	alice, bob := uuid.New(), uuid.New()
	cr := &fakeDeposits{store: e.Store, calls: map[string]int64{}, owners: map[string]uuid.UUID{
		"ethereum:" + strings.ToLower(users[0].Address().Hex()):  alice,
		"solana:" + strings.ToLower(solKey.PublicKey().String()): bob,
	}}
	w := &DepositWatcher{Chains: c, Store: e.Store, Deposits: cr, Metrics: NewMetrics(nil)}
	// Skip what happened before this test on the shared chains.
	_, err = w.Scan(ctx)
	require.NoError(t, err)
	cr.calls = map[string]int64{}

	three, _ := ethereum.ToTokenUnits(3_000_000_000)
	tx1, err := users[0].Transfer(ctx, c.Ethereum.Address(), three, nil)
	require.NoError(t, err)
	tx2, err := users[1].Transfer(ctx, c.Ethereum.Address(), three, nil)
	require.NoError(t, err)
	dust := new(big.Int).Add(three, big.NewInt(1)) // 3 VIBE + 1 wei: no exact ledger value
	tx3, err := users[0].Transfer(ctx, c.Ethereum.Address(), dust, nil)
	require.NoError(t, err)
	for _, tx := range []ethereum.SignedTx{tx1, tx2, tx3} {
		_, err := users[0].WaitMined(ctx, tx.Hash, 1)
		require.NoError(t, err)
	}
	stx, _, err := solUser.SendAndConfirm(ctx, c.Solana.Address(), 4_000_000_000, "", nil)
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		_, err := w.Scan(ctx)
		require.NoError(t, err)
		cr.mu.Lock()
		defer cr.mu.Unlock()
		return len(cr.calls) == 2
	}, 10e9, 20e6)
	_, err = w.Scan(ctx)
	require.NoError(t, err)

	assert.Equal(t, int64(3_000_000_000), cr.calls["ethereum:"+tx1.Hash.Hex()+":"+alice.String()])
	assert.Equal(t, int64(4_000_000_000), cr.calls["solana:"+stx.Signature.String()+":"+bob.String()])
	assert.Len(t, cr.calls, 2, "the stranger's deposit and the inexact one are not credited")

	unmatched, err := e.Store.UnmatchedDeposits(ctx, 100)
	require.NoError(t, err)
	var found bool
	for _, d := range unmatched {
		if d.TxHash == tx2.Hash.Hex() {
			found = true
			assert.Equal(t, users[1].Address().Hex(), d.From)
			assert.Equal(t, int64(3_000_000_000), *d.Amount)
		}
	}
	assert.True(t, found, "the unknown sender's deposit is recorded for an admin")
	_ = chainstore.StatusConfirmed
}
