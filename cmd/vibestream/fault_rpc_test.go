package main

import (
	"context"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	sol "github.com/gagliardetto/solana-go"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/solana"
	"github.com/vibestream/vibestream/internal/platform/devchain"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// cutProxy is a TCP proxy the test controls: Cut closes every open connection and refuses new
// ones (as an unreachable RPC provider does), Restore forwards again.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]struct{}
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *cutProxy) Addr() string { return p.ln.Addr().String() }

func (p *cutProxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		c.Close()
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.conns[c], p.conns[up] = struct{}{}, struct{}{}
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); up.Close() }()
	_, _ = io.Copy(c, up)
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

func (p *cutProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
	}
}

func (p *cutProxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// rpcOutage is how long the Ethereum RPC stays unreachable: 5 s in make test, the issue's
// 60 s with VIBESTREAM_FAULT_RPC_OUTAGE=60s.
func rpcOutage(t *testing.T) time.Duration {
	if s := os.Getenv("VIBESTREAM_FAULT_RPC_OUTAGE"); s != "" {
		d, err := time.ParseDuration(s)
		require.NoError(t, err)
		return d
	}
	return 5 * time.Second
}

// rpcRecoverWithin bounds restore → both confirmed, whatever the outage's length: the breaker's
// cooldown (5 s) + the transfer job's capped retry (5 s) + a block and a confirmation, with
// slack for a loaded shared machine.
const rpcRecoverWithin = 25 * time.Second

// Ethereum RPC unreachable under load (issue 14): the binary talks to anvil only through a
// proxy the test cuts. During the outage withdrawals are still accepted (202) and wait, the
// API keeps answering (health, balances, history); once the RPC is back every withdrawal
// confirms by itself, each exactly once on chain.
func TestFaultEthereumRPCUnreachableWithdrawalsWaitThenConfirmOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs chains")
	}
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	anvil, err := devchain.StartAnvil(ctx, devchain.AnvilOptions{BlockTime: time.Second, LogFile: filepath.Join(dir, "anvil.log")})
	require.NoError(t, err)
	t.Cleanup(anvil.Stop)

	// the hot wallet: funded with gas, owner of a freshly deployed VIBE token
	hot := mustECDSA(t)
	owner, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: anvil.URL(), Key: hot})
	require.NoError(t, err)
	require.NoError(t, owner.RPC().CallContext(ctx, nil, "anvil_setBalance", owner.Address(), hexutil.EncodeBig(new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18)))))
	token, err := owner.Deploy(ctx)
	require.NoError(t, err)
	owner.Close()

	anvilURL, _ := url.Parse(anvil.URL())
	proxy := newCutProxy(t, anvilURL.Host)
	runRPCOutage(t, dir, "ethereum", proxy, map[string]string{"ETH_RPC_URL": "http://" + proxy.Addr(),
		"ETH_HOT_WALLET_KEY": hexutil.Encode(crypto.FromECDSA(hot)), "ETH_TOKEN_ADDRESS": token.Hex(), "ETH_CONFIRMATIONS": "1"},
		func(ta *testApp, tok string) (string, func() uint64) {
			toKey := mustECDSA(t)
			to := crypto.PubkeyToAddress(toKey.PublicKey)
			c := getChallenge(t, ta, tok, "ethereum", to.Hex())
			res := linkWallet(ta, tok, "ethereum", to.Hex(), c.Message, personalSign(t, toKey, c.Message))
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
			return to.Hex(), func() uint64 {
				check, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: anvil.URL(), Key: mustECDSA(t)})
				require.NoError(t, err)
				defer check.Close()
				check.SetToken(token)
				bal, err := check.BalanceOf(ctx, to)
				require.NoError(t, err)
				unit, _ := ethereum.ToTokenUnits(1) // one ledger unit (VIBE has 9 decimals in the ledger)
				return new(big.Int).Div(bal, unit).Uint64()
			}
		})
}

// The same with the Solana RPC (the litesvm adapter behind the cut proxy).
func TestFaultSolanaRPCUnreachableWithdrawalsWaitThenConfirmOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs chains")
	}
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	node, err := devchain.StartSolana(ctx, devchain.SolanaOptions{LogFile: filepath.Join(dir, "solana.log")})
	require.NoError(t, err)
	t.Cleanup(node.Stop)

	// the hot wallet: funded with lamports, authority of a fresh VIBE mint
	hot, err := sol.NewRandomPrivateKey()
	require.NoError(t, err)
	owner, err := solana.New(solana.Config{RPCURL: node.URL(), Key: hot})
	require.NoError(t, err)
	require.NoError(t, owner.Airdrop(ctx, owner.Address(), 100_000_000_000))
	mint, err := owner.CreateMint(ctx)
	require.NoError(t, err)

	nodeURL, _ := url.Parse(node.URL())
	proxy := newCutProxy(t, nodeURL.Host)
	runRPCOutage(t, dir, "solana", proxy, map[string]string{"SOLANA_RPC_URL": "http://" + proxy.Addr(),
		"SOLANA_HOT_WALLET_KEY": hot.String(), "SOLANA_VIBE_MINT": mint.String()},
		func(ta *testApp, tok string) (string, func() uint64) {
			_, addr := linkSolWallet(t, ta, tok)
			return addr, func() uint64 {
				bal, err := owner.Balance(ctx, sol.MustPublicKeyFromBase58(addr))
				require.NoError(t, err)
				return bal // the mint has the ledger's 9 decimals
			}
		})
}

// runRPCOutage starts the binary with chainVars (its RPC behind proxy), withdraws twice while
// the proxy is cut, keeps probing the API through the outage, restores the proxy and checks
// both withdrawals confirm within rpcRecoverWithin and land exactly once (wallet links the
// user's wallet and returns its address and a reader of its VIBE balance on chain, in ledger units).
func runRPCOutage(t *testing.T, dir, chain string, proxy *cutProxy, chainVars map[string]string, wallet func(ta *testApp, tok string) (string, func() uint64)) {
	bin := testBinary(t)
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	dbURL := pgtest.NewURL(t)
	vars := map[string]string{"DATA_DIR": filepath.Join(dir, "var"), "DATABASE_URL": dbURL, "HTTP_ADDR": addr, "CHAINS_ENABLED": "true",
		"CHAIN_DEPOSIT_SCAN_INTERVAL": "1s", "PASSWORD_ARGON2_MEMORY_KIB": "8192", "PASSWORD_ARGON2_TIME": "1"}
	for k, v := range chainVars {
		vars[k] = v
	}
	startServer(t, bin, addr, vars)
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	require.NoError(t, err)
	pool, err := postgres.Connect(ctx, dbURL, 4)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	target, _ := url.Parse("http://" + addr)
	front := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(front.Close)
	ta := &testApp{t: t, app: &app{cfg: cfg, pool: pool}, srv: front}

	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, chain, "100")
	grant(t, ta, adminTok, userID, "10")
	to, onChain := wallet(ta, tok)
	withdraw := func(amount string) string {
		res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": chain, "amount": amount, "to": to},
			withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
		require.Equal(t, http.StatusAccepted, res.Status, "a withdrawal is accepted while the RPC is unreachable: %s", res.Body)
		var tx txBody
		res.JSON(t, &tx)
		return tx.ID
	}
	outage := rpcOutage(t)
	proxy.Cut()
	cutAt := time.Now()
	ids := []string{withdraw("1"), withdraw("2")}
	for time.Since(cutAt) < outage {
		// the API stays up: liveness, a database read, the transaction's own status
		st := ta.do(http.MethodGet, "/health", nil)
		require.Equal(t, http.StatusOK, st.Status)
		res := ta.do(http.MethodGet, "/api/v1/transactions/"+ids[0], nil, withToken(tok))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var tx txBody
		res.JSON(t, &tx)
		require.NotEqual(t, "failed", tx.Status, "a withdrawal waits out an outage instead of failing: %s", tx.FailureReason)
		require.NotEqual(t, "confirmed", tx.Status, "nothing confirms while the chain is unreachable")
		time.Sleep(500 * time.Millisecond) // pacing the probes, not synchronisation
	}
	proxy.Restore()
	restored := time.Now()
	for _, id := range ids {
		eventually(t, 90*time.Second, func() bool {
			res := ta.do(http.MethodGet, "/api/v1/transactions/"+id, nil, withToken(tok))
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			var tx txBody
			res.JSON(t, &tx)
			require.NotEqual(t, "failed", tx.Status, tx.FailureReason)
			return tx.Status == "confirmed"
		}, "withdrawal "+id+" confirmed after the RPC came back")
	}
	recovered := time.Since(restored)
	t.Logf("%s: outage %s; both withdrawals confirmed %s after the RPC came back", chain, outage, recovered.Round(time.Millisecond))
	assert.LessOrEqual(t, recovered, rpcRecoverWithin,
		"withdrawals go out within seconds of the RPC coming back, however long the outage (capped job retry, breaker cooldown)")

	assert.Equal(t, uint64(3_000_000_000), onChain(), "each withdrawal (1 + 2 VIBE) landed exactly once")
}
