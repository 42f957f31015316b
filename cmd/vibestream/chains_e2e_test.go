package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	sol "github.com/gagliardetto/solana-go"
	"github.com/google/uuid"
	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/platform/devchain"
)

type txBody struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	TxHash        string `json:"tx_hash"`
	To            string `json:"to"`
	Amount        string `json:"amount"`
	FailureReason string `json:"failure_reason"`
}

func waitTx(t *testing.T, ta *testApp, tok, id, want string) txBody {
	t.Helper()
	var tx txBody
	eventually(t, 20*time.Second, func() bool {
		res := ta.do(http.MethodGet, "/api/v1/transactions/"+id, nil, withToken(tok))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		res.JSON(t, &tx)
		require.NotEqual(t, "failed", tx.Status, tx.FailureReason)
		return tx.Status == want
	}, "transaction "+id+" "+want)
	return tx
}

// treasuryMint mints amount VIBE on chain to the hot wallet and waits for the reward pool.
func treasuryMint(t *testing.T, ta *testApp, adminTok, chain, amount string) {
	t.Helper()
	res := ta.do(http.MethodPost, "/api/v1/admin/treasury/mint", map[string]any{"blockchain": chain, "amount": amount},
		withToken(adminTok), withHeader("Idempotency-Key", uuid.NewString()))
	require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
	var tx txBody
	res.JSON(t, &tx)
	waitTx(t, ta, adminTok, tx.ID, "confirmed")
}

func grant(t *testing.T, ta *testApp, adminTok, userID, amount string) {
	t.Helper()
	res := ta.do(http.MethodPost, "/api/v1/admin/grants", map[string]any{"user_id": userID, "asset": "VIBE", "amount": amount, "reason": "test"},
		withToken(adminTok), withHeader("Idempotency-Key", uuid.NewString()))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
}

func linkEthWallet(t *testing.T, ta *testApp, tok string) (*ethereum.Client, string) {
	t.Helper()
	key, addr := ethKey(t)
	c := getChallenge(t, ta, tok, "ethereum", addr)
	res := linkWallet(ta, tok, "ethereum", addr, c.Message, personalSign(t, key, c.Message))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	cl, err := ethereum.Dial(context.Background(), ethereum.Config{RPCURL: ta.app.payment.Chains().EthProc.URL(), Key: key, Token: ta.app.payment.Chains().Ethereum.Token()})
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	return cl, addr
}

func linkSolWallet(t *testing.T, ta *testApp, tok string) (sol.PrivateKey, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	addr := base58.Encode(pub)
	c := getChallenge(t, ta, tok, "solana", addr)
	res := linkWallet(ta, tok, "solana", addr, c.Message, base58.Encode(ed25519.Sign(priv, []byte(c.Message))))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	return sol.PrivateKey(priv), addr
}

func vibeBalance(t *testing.T, ta *testApp, userID string) money.Amount {
	t.Helper()
	b, err := ta.app.payment.Ledger().Balance(context.Background(), contracts.Wallet(mustUUID(t, userID), money.VIBE))
	require.NoError(t, err)
	return b
}

func TestWithdrawToLinkedWalletsAndReadTheBalanceOnChain(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withChains)
	verifiedAtEnd(t, func() *testApp { return ta })
	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, "ethereum", "1000")
	treasuryMint(t, ta, adminTok, "solana", "1000")
	grant(t, ta, adminTok, userID, "100")
	_, ethAddr := linkEthWallet(t, ta, tok)
	_, solAddr := linkSolWallet(t, ta, tok)

	// Too much: refused at once, nothing held.
	res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": "ethereum", "amount": "100.000000001", "token": "VIBE"},
		withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
	require.Equal(t, http.StatusConflict, res.Status, string(res.Body))
	assert.Equal(t, "payment.insufficient_funds", res.ErrorCode(t))
	res = ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": "ethereum", "amount": "1", "to": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"},
		withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
	require.Equal(t, http.StatusBadRequest, res.Status, "bad EIP-55 checksum: %s", res.Body)
	assert.Equal(t, "chain.invalid_address", res.ErrorCode(t))

	res = ta.do(http.MethodGet, "/api/v1/transactions/estimate?blockchain=solana&amount=20&to="+sol.NewWallet().PublicKey().String(), nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))

	start := time.Now()
	ids := map[string]string{}
	for chain, amount := range map[string]string{"ethereum": "10.5", "solana": "20"} {
		res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": chain, "amount": amount, "token": "VIBE"},
			withToken(tok), withHeader("Idempotency-Key", "withdraw-"+chain))
		require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
		var tx txBody
		res.JSON(t, &tx)
		assert.Equal(t, "pending", tx.Status)
		ids[chain] = tx.ID
	}
	assert.Equal(t, int64(69_500_000_000), vibeBalance(t, ta, userID).Units(), "held at once")
	eth := waitTx(t, ta, tok, ids["ethereum"], "confirmed")
	sl := waitTx(t, ta, tok, ids["solana"], "confirmed")
	t.Logf("both withdrawals confirmed %s after the POSTs", time.Since(start))
	assert.Equal(t, ethAddr, eth.To, "defaults to the linked wallet")
	assert.NotEmpty(t, eth.TxHash)
	assert.Equal(t, solAddr, sl.To)

	ctx := context.Background()
	onChain, err := ta.app.payment.Chains().Ethereum.BalanceOf(ctx, common.HexToAddress(ethAddr))
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(10_500_000_000)
	assert.Equal(t, want, onChain)
	sb, err := ta.app.payment.Chains().Solana.Balance(ctx, sol.MustPublicKeyFromBase58(solAddr))
	require.NoError(t, err)
	assert.Equal(t, uint64(20_000_000_000), sb)
	assert.Equal(t, int64(69_500_000_000), vibeBalance(t, ta, userID).Units())

	// The same Idempotency-Key again: the first response, no second transfer.
	res = ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": "ethereum", "amount": "10.5", "token": "VIBE"},
		withToken(tok), withHeader("Idempotency-Key", "withdraw-ethereum"))
	require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
	var again txBody
	res.JSON(t, &again)
	assert.Equal(t, ids["ethereum"], again.ID)
	onChain, err = ta.app.payment.Chains().Ethereum.BalanceOf(ctx, common.HexToAddress(ethAddr))
	require.NoError(t, err)
	assert.Equal(t, want, onChain, "one on-chain transfer")

	// The list shows both, newest first, paginated.
	res = ta.do(http.MethodGet, "/api/v1/transactions?limit=1", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	var page struct {
		Items      []txBody `json:"items"`
		NextCursor string   `json:"next_cursor"`
	}
	res.JSON(t, &page)
	require.Len(t, page.Items, 1)
	require.NotEmpty(t, page.NextCursor)
	res = ta.do(http.MethodGet, "/api/v1/transactions?limit=1&cursor="+page.NextCursor, nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	var page2 struct {
		Items []txBody `json:"items"`
	}
	res.JSON(t, &page2)
	require.Len(t, page2.Items, 1)
	assert.NotEqual(t, page.Items[0].ID, page2.Items[0].ID)

	// The hot wallets reconcile with the ledger.
	var out strings.Builder
	require.NoError(t, verifyChains(ctx, ta, &out))
	assert.Contains(t, out.String(), "ok: the hot wallets match the ledger", out.String())

	// Someone else cannot see it.
	_, other := registerUser(t, ta, "listener")
	res = ta.do(http.MethodGet, "/api/v1/transactions/"+ids["ethereum"], nil, withToken(other))
	assert.Equal(t, http.StatusNotFound, res.Status)
}

func TestDepositFromALinkedWalletIsCreditedOnceAndStrangersAreRecorded(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withChains)
	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, "ethereum", "100")
	grant(t, ta, adminTok, userID, "10")
	wallet, addr := linkEthWallet(t, ta, tok)
	ctx := context.Background()
	ten := new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18))
	require.NoError(t, wallet.RPC().CallContext(ctx, nil, "anvil_setBalance", wallet.Address(), hexutil.EncodeBig(ten)))

	// Put 10 VIBE in the user's own wallet, then deposit 4 of them back.
	res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": "ethereum", "amount": "10"},
		withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
	require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
	var w txBody
	res.JSON(t, &w)
	waitTx(t, ta, tok, w.ID, "confirmed")
	require.True(t, vibeBalance(t, ta, userID).IsZero())

	four, _ := ethereum.ToTokenUnits(4_000_000_000)
	dep, err := wallet.Transfer(ctx, ta.app.payment.Chains().Ethereum.Address(), four, nil)
	require.NoError(t, err)
	_, err = wallet.WaitMined(ctx, dep.Hash, 1)
	require.NoError(t, err)
	eventually(t, 20*time.Second, func() bool {
		_, err := ta.app.payment.ScanDeposits(ctx)
		require.NoError(t, err)
		return vibeBalance(t, ta, userID).Units() == 4_000_000_000
	}, "deposit credited")
	for range 3 {
		_, err := ta.app.payment.ScanDeposits(ctx)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(4_000_000_000), vibeBalance(t, ta, userID).Units(), "credited exactly once")
	_ = addr

	// A wallet nobody linked: recorded for admins, not credited.
	strangerKey, _ := ethKey(t)
	stranger, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: ta.app.payment.Chains().EthProc.URL(), Key: strangerKey, Token: ta.app.payment.Chains().Ethereum.Token()})
	require.NoError(t, err)
	defer stranger.Close()
	require.NoError(t, stranger.RPC().CallContext(ctx, nil, "anvil_setBalance", stranger.Address(), hexutil.EncodeBig(ten)))
	two, _ := ethereum.ToTokenUnits(2_000_000_000)
	tx, err := wallet.Transfer(ctx, stranger.Address(), two, nil)
	require.NoError(t, err)
	_, err = wallet.WaitMined(ctx, tx.Hash, 1)
	require.NoError(t, err)
	back, err := stranger.Transfer(ctx, ta.app.payment.Chains().Ethereum.Address(), two, nil)
	require.NoError(t, err)
	_, err = stranger.WaitMined(ctx, back.Hash, 1)
	require.NoError(t, err)
	eventually(t, 20*time.Second, func() bool {
		_, err := ta.app.payment.ScanDeposits(ctx)
		require.NoError(t, err)
		res := ta.do(http.MethodGet, "/api/v1/admin/deposits/unmatched", nil, withToken(adminTok))
		require.Equal(t, http.StatusOK, res.Status)
		var body struct {
			Items []struct {
				TxHash string `json:"tx_hash"`
				From   string `json:"from"`
			} `json:"items"`
		}
		res.JSON(t, &body)
		for _, d := range body.Items {
			if d.TxHash == back.Hash.Hex() {
				assert.Equal(t, stranger.Address().Hex(), d.From)
				return true
			}
		}
		return false
	}, "unknown sender's deposit recorded")
	assert.Equal(t, int64(4_000_000_000), vibeBalance(t, ta, userID).Units())

	var out strings.Builder
	require.NoError(t, verifyChains(ctx, ta, &out))
	assert.Contains(t, out.String(), "ok: the hot wallets match the ledger", out.String())
	assert.Contains(t, out.String(), "uncredited deposits")
	// Break it: VIBE leaves the hot wallet behind the ledger's back.
	rogue, err := ta.app.payment.Chains().Ethereum.Transfer(ctx, stranger.Address(), two, nil)
	require.NoError(t, err)
	_, err = ta.app.payment.Chains().Ethereum.WaitMined(ctx, rogue.Hash, 1)
	require.NoError(t, err)
	out.Reset()
	require.Error(t, verifyChains(ctx, ta, &out))
	assert.Contains(t, out.String(), "BROKEN")
}

func TestTwentyConcurrentWithdrawalsNeverOverdrawNorReuseANonce(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withChains)
	verifiedAtEnd(t, func() *testApp { return ta })
	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, "ethereum", "100")
	grant(t, ta, adminTok, userID, "10")
	_, addr := linkEthWallet(t, ta, tok)

	const n = 20
	statuses := make([]int, n)
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": "ethereum", "amount": "1"},
				withToken(tok), withHeader("Idempotency-Key", fmt.Sprintf("concurrent-%d", i)))
			statuses[i] = res.Status
			if res.Status == http.StatusAccepted {
				var tx txBody
				res.JSON(t, &tx)
				ids[i] = tx.ID
			}
		}()
	}
	wg.Wait()
	accepted := 0
	for i, s := range statuses {
		switch s {
		case http.StatusAccepted:
			accepted++
		case http.StatusConflict:
		default:
			t.Errorf("request %d: status %d", i, s)
		}
	}
	assert.Equal(t, 10, accepted, "exactly the balance's worth is accepted")
	for _, id := range ids {
		if id != "" {
			waitTx(t, ta, tok, id, "confirmed")
		}
	}
	onChain, err := ta.app.payment.Chains().Ethereum.BalanceOf(context.Background(), common.HexToAddress(addr))
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(10_000_000_000)
	assert.Equal(t, want, onChain)
	assert.True(t, vibeBalance(t, ta, userID).IsZero())
	var distinct, total int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(),
		`SELECT count(DISTINCT s.nonce), count(*) FROM payment.chain_transfer_signatures s JOIN payment.chain_transfers t ON t.id = s.transfer_id WHERE t.blockchain = 'ethereum'`).Scan(&distinct, &total))
	assert.Equal(t, total, distinct, "no nonce signed twice")
}

func TestTransactionStatusChangesArePushedOverTheWebSocket(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withChains)
	verifiedAtEnd(t, func() *testApp { return ta })
	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, "solana", "100")
	grant(t, ta, adminTok, userID, "5")
	linkSolWallet(t, ta, tok)

	ctx := context.Background()
	url := "ws" + strings.TrimPrefix(ta.srv.URL, "http") + "/api/v1/ws"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
	require.NoError(t, err)
	defer conn.CloseNow()
	got := make(chan map[string]any, 64)
	go func() {
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				close(got)
				return
			}
			var m map[string]any
			if json.Unmarshal(b, &m) == nil {
				got <- m
			}
		}
	}()
	// The listener may still be connecting: withdraw until a status change arrives, then
	// follow that transaction to "confirmed".
	var id string
	statuses := map[string]bool{}
	balanceKinds := map[string][]string{}
	deadline := time.After(20 * time.Second)
	for i := 0; !statuses["confirmed"]; i++ {
		if id == "" && i%10 == 0 {
			res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": "solana", "amount": "0.1"},
				withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
			require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
		}
		select {
		case m := <-got:
			if m["type"] == contracts.BalanceChangedV1 {
				p := m["payload"].(map[string]any)
				for _, a := range p["accounts"].([]any) {
					acc := a.(map[string]any)
					balanceKinds[acc["kind"].(string)] = append(balanceKinds[acc["kind"].(string)], acc["change"].(string))
				}
				continue
			}
			if m["type"] != "payment.chain_transaction_updated.v1" {
				continue
			}
			p := m["payload"].(map[string]any)
			if id == "" {
				id = p["id"].(string)
			}
			if p["id"] == id {
				statuses[p["status"].(string)] = true
			}
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no confirmed status pushed; saw %v", statuses)
		}
	}
	assert.True(t, statuses["confirmed"])
	// The balances moved with it: the hold (wallet -> held) and its settlement (held -> out).
	eventually(t, 10*time.Second, func() bool {
		for {
			select {
			case m := <-got:
				if m["type"] == contracts.BalanceChangedV1 {
					for _, a := range m["payload"].(map[string]any)["accounts"].([]any) {
						acc := a.(map[string]any)
						balanceKinds[acc["kind"].(string)] = append(balanceKinds[acc["kind"].(string)], acc["change"].(string))
					}
				}
				continue
			default:
			}
			break
		}
		return slices.Contains(balanceKinds["user_held"], "-0.100000000")
	}, "payment.balance_changed.v1 pushed for the hold and its settlement")
	assert.Contains(t, balanceKinds["user_wallet"], "-0.100000000", "the hold left the wallet")
	assert.Contains(t, balanceKinds["user_held"], "0.100000000", "and entered the held balance")
}

func TestEthereumRPCDownThenBackWithdrawalCompletesOnce(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withChains)
	verifiedAtEnd(t, func() *testApp { return ta })
	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, "ethereum", "100")
	grant(t, ta, adminTok, userID, "10")
	_, addr := linkEthWallet(t, ta, tok)

	// The node goes away (its chain is kept in its state file, as a real node keeps its disk).
	port := ta.app.payment.Chains().EthProc.URL()[len("http://127.0.0.1:"):]
	ta.app.payment.Chains().EthProc.Stop()
	res := ta.do(http.MethodGet, "/health/ready", nil)
	require.Equal(t, http.StatusOK, res.Status, "the API keeps serving")
	assert.Contains(t, string(res.Body), `"ethereum":"degraded"`)

	res = ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": "ethereum", "amount": "3"},
		withToken(tok), withHeader("Idempotency-Key", "while-down"))
	require.Equal(t, http.StatusAccepted, res.Status, "accepted and held while the chain is down: %s", res.Body)
	var tx txBody
	res.JSON(t, &tx)
	assert.Equal(t, int64(7_000_000_000), vibeBalance(t, ta, userID).Units())
	res = ta.do(http.MethodGet, "/api/v1/transactions/"+tx.ID, nil, withToken(tok))
	var now txBody
	res.JSON(t, &now)
	assert.Equal(t, "pending", now.Status)

	// Back on the same address: the job's retry completes the withdrawal, once.
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	proc, err := devchain.StartAnvil(context.Background(), devchain.AnvilOptions{Port: p, BlockTime: time.Second,
		StateFile: filepath.Join(ta.app.cfg.DataDir, "chains", "anvil-state.json")})
	require.NoError(t, err)
	ta.app.payment.Chains().EthProc = proc
	waitTx(t, ta, tok, tx.ID, "confirmed")
	onChain, err := ta.app.payment.Chains().Ethereum.BalanceOf(context.Background(), common.HexToAddress(addr))
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(3_000_000_000)
	assert.Equal(t, want, onChain)
	assert.Equal(t, int64(7_000_000_000), vibeBalance(t, ta, userID).Units())
}

// The platform's own addresses and burn addresses are never withdrawal destinations: VIBE
// sent there would leave the user's balance without ever coming back as a deposit, and the
// hot wallets would never reconcile with the ledger again.
func TestWithdrawalsToPlatformAddressesAreRefused(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withChains)
	verifiedAtEnd(t, func() *testApp { return ta })
	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, "ethereum", "10")
	grant(t, ta, adminTok, userID, "5")
	ch := ta.app.payment.Chains()
	ata, err := ch.Solana.TokenAccount()
	require.NoError(t, err)
	cases := []struct{ name, chain, to string }{
		{"ethereum hot wallet (the deposit address)", "ethereum", ch.Ethereum.Address().Hex()},
		{"the VIBE token contract", "ethereum", ch.Ethereum.Token().Hex()},
		{"the zero address", "ethereum", "0x0000000000000000000000000000000000000000"},
		{"a precompile", "ethereum", "0x0000000000000000000000000000000000000001"},
		{"the dead address", "ethereum", "0x000000000000000000000000000000000000dEaD"},
		{"solana hot wallet", "solana", ch.Solana.Address().String()},
		{"the VIBE mint", "solana", ch.Solana.Mint().String()},
		{"the hot wallet's token account", "solana", ata.String()},
		{"the system program", "solana", sol.SystemProgramID.String()},
		{"the token program", "solana", sol.TokenProgramID.String()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": c.chain, "amount": "1", "to": c.to},
				withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
			if res.Status == http.StatusBadRequest {
				// Off-curve Solana addresses (programs, token accounts) are not wallets at all.
				assert.Equal(t, "chain.invalid_address", res.ErrorCode(t), string(res.Body))
				return
			}
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			assert.Equal(t, "chain.platform_destination", res.ErrorCode(t))
		})
	}
	assert.Equal(t, int64(5_000_000_000), vibeBalance(t, ta, userID).Units(), "nothing held")

	// Other contexts withdraw through the contract, with the same rules and the same flow.
	ctx := context.Background()
	w := ta.app.payment.Withdrawals()
	_, err = w.Withdraw(ctx, contracts.WithdrawalRequest{IdempotencyKey: "claim:1", UserID: mustUUID(t, userID), Chain: "ethereum",
		Amount: money.MustNew(money.USD, 1), ToAddress: "0x000000000000000000000000000000000000dEaD"})
	require.ErrorIs(t, err, errs.ErrValidation)
	_, err = w.Withdraw(ctx, contracts.WithdrawalRequest{IdempotencyKey: "claim:1", UserID: mustUUID(t, userID), Chain: "ethereum",
		Amount: money.MustNew(money.VIBE, 1_000_000_000), ToAddress: ch.Ethereum.Address().Hex()})
	require.ErrorIs(t, err, chaintx.ErrPlatformDestination)
	_, dest := ethKey(t)
	wd, err := w.Withdraw(ctx, contracts.WithdrawalRequest{IdempotencyKey: "claim:2", UserID: mustUUID(t, userID), Chain: "ethereum",
		Amount: money.MustNew(money.VIBE, 1_000_000_000), ToAddress: dest})
	require.NoError(t, err)
	assert.Equal(t, "pending", wd.Status)
	waitTx(t, ta, tok, wd.ID.String(), "confirmed")
	assert.Equal(t, int64(4_000_000_000), vibeBalance(t, ta, userID).Units())

	var out strings.Builder
	require.NoError(t, verifyChains(ctx, ta, &out))
	assert.Contains(t, out.String(), "ok: the hot wallets match the ledger", out.String())
}
