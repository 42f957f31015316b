package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

// builtBinary is a Go program built once per test run.
type builtBinary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// get builds pkg into a temporary file named name the first time and returns its path.
func (b *builtBinary) get(t *testing.T, name, pkg string) string {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", name+"-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, name)
		b.out, b.err = exec.Command("go", "build", "-o", b.path, pkg).CombinedOutput()
	})
	require.NoError(t, b.err, string(b.out))
	return b.path
}

var vibestreamBin builtBinary

// testBinary builds the vibestream binary once per test run.
func testBinary(t *testing.T) string { return vibestreamBin.get(t, "vibestream", ".") }

// startServer runs bin with vars on top of the environment; it is stopped (and its logs shown
// when the test failed) at the test's end.
func startServer(t *testing.T, bin, addr string, vars map[string]string) *server {
	t.Helper()
	env := os.Environ()
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	s := &server{t: t, bin: bin, env: env, addr: addr, logs: &strings.Builder{}, mu: &sync.Mutex{}}
	s.start()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Signal(syscall.SIGTERM)
			_ = s.cmd.Wait()
		}
		if t.Failed() {
			s.mu.Lock()
			t.Logf("server %s logs:\n%s", addr, s.logs.String())
			s.mu.Unlock()
		}
	})
	return s
}

// server is the real binary serving on a fixed address.
type server struct {
	t    *testing.T
	bin  string
	env  []string
	addr string
	cmd  *exec.Cmd
	logs *strings.Builder
	mu   *sync.Mutex
}

func (s *server) start() {
	t := s.t
	t.Helper()
	cmd := exec.Command(s.bin, "serve")
	cmd.Env = s.env
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	s.cmd = cmd
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			s.mu.Lock()
			s.logs.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
		}
	}()
	eventually(t, 90*time.Second, func() bool {
		res, err := http.Get("http://" + s.addr + "/health/ready")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, "the binary to become ready")
}

func (s *server) kill() {
	require.NoError(s.t, s.cmd.Process.Signal(syscall.SIGKILL))
	_ = s.cmd.Wait()
}

func (s *server) run(args ...string) (string, error) {
	cmd := exec.Command(s.bin, args...)
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// kill -9 while withdrawals are in flight (one broadcast and waiting to be mined, one just
// accepted), then a restart: both confirm within 30 s, each exactly once on chain, a deposit
// made after the crash is credited, and `ledger verify` run beside the live server reads its
// chains and reports them in balance.
func TestKilledWithWithdrawalsInFlightTheyConfirmOnceAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	t.Parallel()
	bin := testBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	dbURL := pgtest.NewURL(t)
	dataDir := filepath.Join(t.TempDir(), "var")
	vars := map[string]string{"DATA_DIR": dataDir, "DATABASE_URL": dbURL, "HTTP_ADDR": addr, "CHAINS_ENABLED": "true", "CHAIN_DEPOSIT_SCAN_INTERVAL": "1s"}
	s := startServer(t, bin, addr, vars)

	// The test helpers, through a proxy to the binary (and its OpenAPI checks).
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	require.NoError(t, err)
	pool, err := postgres.Connect(context.Background(), dbURL, 4)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	target, _ := url.Parse("http://" + addr)
	proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(proxy.Close)
	ta := &testApp{t: t, app: &app{cfg: cfg, pool: pool}, srv: proxy}

	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, "ethereum", "100")
	grant(t, ta, adminTok, userID, "10")
	ctx := context.Background()
	rpcURL := func() string {
		var body struct {
			Chains []chainInfo `json:"chains"`
		}
		res := ta.do(http.MethodGet, "/api/v1/chains", nil)
		require.Equal(t, http.StatusOK, res.Status)
		res.JSON(t, &body)
		for _, c := range body.Chains {
			if c.Blockchain == "ethereum" {
				return c.RPCURL
			}
		}
		t.Fatal("no ethereum chain")
		return ""
	}
	eth, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: rpcURL(), Key: mustECDSA(t)})
	require.NoError(t, err)
	// Stop mining: broadcast transactions wait in the pool, their jobs wait for receipts.
	require.NoError(t, eth.RPC().CallContext(ctx, nil, "evm_setAutomine", false))
	require.NoError(t, eth.RPC().CallContext(ctx, nil, "evm_setIntervalMining", 0))
	eth.Close()

	// The user's own wallet (linked, so that VIBE coming back from it is a deposit).
	toKey := mustECDSA(t)
	to := crypto.PubkeyToAddress(toKey.PublicKey)
	c := getChallenge(t, ta, tok, "ethereum", to.Hex())
	res := linkWallet(ta, tok, "ethereum", to.Hex(), c.Message, personalSign(t, toKey, c.Message))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	withdraw := func(amount string) string {
		res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": "ethereum", "amount": amount, "to": to.Hex()},
			withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
		require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
		var tx txBody
		res.JSON(t, &tx)
		return tx.ID
	}
	first := withdraw("1.5")
	waitTx(t, ta, tok, first, "submitted")
	second := withdraw("2")
	s.kill()

	restarted := time.Now()
	s.start()
	for _, id := range []string{first, second} {
		eventually(t, 30*time.Second-time.Since(restarted), func() bool {
			res := ta.do(http.MethodGet, "/api/v1/transactions/"+id, nil, withToken(tok))
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			var tx txBody
			res.JSON(t, &tx)
			require.NotEqual(t, "failed", tx.Status, tx.FailureReason)
			return tx.Status == "confirmed"
		}, "withdrawal "+id+" confirmed within 30 s of the restart")
	}
	t.Logf("both withdrawals confirmed %s after the restart began", time.Since(restarted))

	eth, err = ethereum.Dial(ctx, ethereum.Config{RPCURL: rpcURL(), Key: mustECDSA(t)})
	require.NoError(t, err)
	defer eth.Close()
	eth.SetToken(tokenAddress(t, ta))
	bal, err := eth.BalanceOf(ctx, to)
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(3_500_000_000)
	assert.Equal(t, want, bal, "each withdrawal landed exactly once")

	// Deposits are scanned after the crash too: 0.5 VIBE back from the user's wallet.
	mod, err := payment.New(payment.Deps{Pool: pool})
	require.NoError(t, err)
	vibe := func() int64 {
		b, err := mod.Ledger().Balance(ctx, contracts.Wallet(mustUUID(t, userID), money.VIBE))
		require.NoError(t, err)
		return b.Units()
	}
	require.Equal(t, int64(6_500_000_000), vibe())
	user, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: rpcURL(), Key: toKey, Token: tokenAddress(t, ta)})
	require.NoError(t, err)
	defer user.Close()
	require.NoError(t, user.RPC().CallContext(ctx, nil, "anvil_setBalance", to, hexutil.EncodeBig(big.NewInt(1e18))))
	half, _ := ethereum.ToTokenUnits(500_000_000)
	dep, err := user.Transfer(ctx, depositAddress(t, ta), half, nil)
	require.NoError(t, err)
	_, err = user.WaitMined(ctx, dep.Hash, 1)
	require.NoError(t, err)
	eventually(t, 20*time.Second, func() bool { return vibe() == 7_000_000_000 }, "the deposit after the crash credited")

	// ledger verify beside the running server: it reads the server's chains, starts none.
	out, err := s.run("ledger", "verify")
	require.NoError(t, err, out)
	assert.Contains(t, out, "the running instance's chains", out)
	assert.Contains(t, out, "ok: the hot wallets match the ledger", out)
}

func mustECDSA(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	require.NoError(t, err)
	return k
}

func depositAddress(t *testing.T, ta *testApp) common.Address {
	t.Helper()
	var body struct {
		Chains []chainInfo `json:"chains"`
	}
	res := ta.do(http.MethodGet, "/api/v1/chains", nil)
	require.Equal(t, http.StatusOK, res.Status)
	res.JSON(t, &body)
	for _, c := range body.Chains {
		if c.Blockchain == "ethereum" {
			return common.HexToAddress(c.DepositAddress)
		}
	}
	t.Fatal("no ethereum chain")
	return common.Address{}
}

func tokenAddress(t *testing.T, ta *testApp) common.Address {
	t.Helper()
	var body struct {
		Chains []chainInfo `json:"chains"`
	}
	res := ta.do(http.MethodGet, "/api/v1/chains", nil)
	require.Equal(t, http.StatusOK, res.Status)
	res.JSON(t, &body)
	for _, c := range body.Chains {
		if c.Blockchain == "ethereum" {
			return common.HexToAddress(c.TokenAddress)
		}
	}
	t.Fatal("no ethereum chain")
	return common.Address{}
}
