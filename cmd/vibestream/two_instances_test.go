package main

import (
	"context"
	"encoding/json"
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
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/platform/postgres"
)

var vibeloadBin builtBinary

// vibeloadBinary builds the load tool once per test run.
func vibeloadBinary(t *testing.T) string { return vibeloadBin.get(t, "vibeload", "../vibeload") }

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// startInstance starts `vibestream serve` with vars on top of this environment.
func startInstance(t *testing.T, vars map[string]string) *server {
	t.Helper()
	return startServer(t, testBinary(t), vars["HTTP_ADDR"], vars)
}

// Two `vibestream serve` processes on one Postgres (the second started with the first's
// DATABASE_URL and its chains' RPC endpoints), driven over HTTP: periodic and queued jobs run
// once, a WebSocket on B receives what A caused, a metadata change on either is seen at once on
// the other (whose cache held the old value), withdrawals from both use distinct nonces and all
// confirm, a deposit is credited once although both scan the chain, listens started on one and
// streamed or completed on the other are paid exactly once, and a short vibeload run spread
// over both finishes without an error and with `ledger verify` green.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two binaries")
	}
	t.Parallel()
	tone := longTone(t) // skips without ffmpeg
	dbURL := pgtest.NewURL(t)
	shared := map[string]string{"DATABASE_URL": dbURL, "CHAINS_ENABLED": "true", "CHAIN_DEPOSIT_SCAN_INTERVAL": "500ms",
		"LISTEN_MIN_DURATION": "3s", "PASSWORD_ARGON2_MEMORY_KIB": "8192", "PASSWORD_ARGON2_TIME": "1", "TRUST_PROXY": "true",
		"LOG_LEVEL": "warn"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range shared {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	// What the instances must share besides the database: the public URL (the load balancer's:
	// token issuer, wallet challenges), the stream-link secret, the JWT key and the media.
	addrA := freeAddr(t)
	shared["PUBLIC_URL"] = "http://" + addrA
	shared["STREAM_URL_SECRET"] = "two-instances-share-this-stream-link-secret"
	dirA := filepath.Join(t.TempDir(), "a")
	varsA := with(map[string]string{"DATA_DIR": dirA, "HTTP_ADDR": addrA, "INSTANCE_ID": "a"})
	a := startInstance(t, varsA)

	// B shares A's database and chains: the same hot wallets, token and mint, over RPC.
	dirB := filepath.Join(t.TempDir(), "b")
	require.NoError(t, os.MkdirAll(filepath.Join(dirB, "chains"), 0o700))
	for _, f := range []string{"ethereum-hot-wallet.key", "ethereum.json", "solana-hot-wallet.json", "solana.json"} {
		raw, err := os.ReadFile(filepath.Join(dirA, "chains", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dirB, "chains", f), raw, 0o600))
	}
	var ep struct {
		Ethereum string `json:"ethereum_rpc_url"`
		Solana   string `json:"solana_rpc_url"`
	}
	raw, err := os.ReadFile(filepath.Join(dirA, "chains", "endpoints.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &ep))
	varsB := with(map[string]string{"DATA_DIR": dirB, "HTTP_ADDR": freeAddr(t), "INSTANCE_ID": "b",
		"ETH_RPC_URL": ep.Ethereum, "SOLANA_RPC_URL": ep.Solana,
		"JWT_PRIVATE_KEY_FILE": filepath.Join(dirA, "keys", "jwt-ed25519.pem"), "MEDIA_DIR": filepath.Join(dirA, "media")})
	b := startInstance(t, varsB)

	ctx := context.Background()
	pool, err := postgres.Connect(ctx, dbURL, 4)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	cfg, err := loadConfig(func(k string) string { return varsA[k] })
	require.NoError(t, err)
	through := func(s *server) *testApp {
		target, _ := url.Parse("http://" + s.addr)
		proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
		t.Cleanup(proxy.Close)
		return &testApp{t: t, app: &app{cfg: cfg, pool: pool}, srv: proxy}
	}
	taA, taB := through(a), through(b)
	count := func(q string, args ...any) int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, q, args...).Scan(&n))
		return n
	}

	_, adminTok := registerAdmin(t, taA)
	_, artistTok := registerUser(t, taB, "artist")
	listenerID, tok := registerUser(t, taA, "listener")

	// A song uploaded through B, transcoded by whichever instance took the job: once.
	data, err := os.ReadFile(tone)
	require.NoError(t, err)
	song := createSong(t, taB, artistTok, "Shared Song")
	res := uploadMultipart(t, taB, artistTok, song.ID, "tone40.mp3", data)
	require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
	song = waitStatus(t, taA, artistTok, song.ID, "ready", "failed")
	require.Equal(t, "ready", song.Status, song.FailureReason)
	assert.Equal(t, 1, count(`SELECT count(*) FROM river_job WHERE kind = 'music_transcode' AND args->>'song_id' = $1`, song.ID), "one transcode job")
	assert.Equal(t, 1, count(`SELECT max(attempt) FROM river_job WHERE kind = 'music_transcode' AND args->>'song_id' = $1`, song.ID), "run once")
	res = taA.do(http.MethodPatch, "/api/v1/music/songs/"+song.ID, map[string]any{"published": true}, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))

	// Caches: both instances read (and cache) the song, then each renames it in turn; the other
	// serves the new title at once, well inside the one-hour cache TTL.
	title := func(ta *testApp) string { return getSong(t, ta, tok, song.ID).Title }
	require.Equal(t, "Shared Song", title(taA))
	require.Equal(t, "Shared Song", title(taB))
	for i, pair := range []struct{ writer, reader *testApp }{{taA, taB}, {taB, taA}} {
		name := []string{"Renamed On A", "Renamed On B"}[i]
		res := pair.writer.do(http.MethodPatch, "/api/v1/music/songs/"+song.ID, map[string]any{"title": name}, withToken(artistTok))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		eventually(t, 2*time.Second, func() bool { return title(pair.reader) == name }, "the other instance drops its cached song: "+name)
	}

	// A WebSocket on B receives the events of a grant made through A.
	wsURL := "ws://" + b.addr + "/api/v1/ws"
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
	require.NoError(t, err)
	defer conn.CloseNow()
	types := make(chan string, 256)
	go func() {
		for {
			_, msg, err := conn.Read(ctx)
			if err != nil {
				close(types)
				return
			}
			var m struct {
				Type    string          `json:"type"`
				Payload json.RawMessage `json:"payload"`
			}
			if json.Unmarshal(msg, &m) == nil {
				types <- m.Type
			}
		}
	}()
	waitAccounts(t, taA, listenerID)
	res = taA.do(http.MethodPost, "/api/v1/admin/grants", map[string]any{"user_id": listenerID, "asset": "USD", "amount": "5", "reason": "two instances"},
		withToken(adminTok), withHeader("Idempotency-Key", uuid.NewString()))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	awaitType := func(want string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case ty, ok := <-types:
				require.True(t, ok, "the WebSocket closed")
				if ty == want {
					return
				}
			case <-deadline:
				t.Fatalf("no %s on instance B's WebSocket", want)
			}
		}
	}
	awaitType("payment.balance_changed.v1")

	// Listens that cross instances: started on one, streamed and completed on the other.
	listen := func(start, other *testApp) string {
		s := startListen(t, start, tok, song.ID)
		require.False(t, s.PreviewOnly)
		bps := bytesPerSecond(song)
		began := time.Now()
		got := streamBytes(t, other, tok, s.StreamURL, bps*6)
		require.Greater(t, got, bps*5)
		time.Sleep(time.Until(began.Add(4200 * time.Millisecond))) // the wall time a 4 s listen takes
		res, done := completeListen(t, other, tok, s.ID, 4)
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		require.Equal(t, "qualified", done.Status, "%v", done.Reasons)
		return s.ID
	}
	sessions := []string{listen(taA, taB), listen(taB, taA)}
	for _, id := range sessions {
		eventually(t, 30*time.Second, func() bool {
			s := getListen(t, taA, tok, id)
			return s.Payment != nil && s.Payment.Status == "paid"
		}, "session "+id+" paid")
	}
	awaitType("payment.stream_paid.v1")

	// Withdrawals from both instances at once: distinct nonces, every one confirmed once.
	treasuryMint(t, taA, adminTok, "ethereum", "1000")
	grant(t, taB, adminTok, listenerID, "10")
	key := mustECDSA(t)
	to := crypto.PubkeyToAddress(key.PublicKey)
	c := getChallenge(t, taB, tok, "ethereum", to.Hex())
	res = linkWallet(taB, tok, "ethereum", to.Hex(), c.Message, personalSign(t, key, c.Message))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var wg sync.WaitGroup
	ids := make([]string, 6)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ta := []*testApp{taA, taB}[i%2]
			res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": "ethereum", "amount": "0.5", "to": to.Hex()},
				withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
			if !assert.Equal(t, http.StatusAccepted, res.Status, string(res.Body)) {
				return
			}
			var tx txBody
			res.JSON(t, &tx)
			ids[i] = tx.ID
		}()
	}
	wg.Wait()
	require.NotContains(t, ids, "")
	eth, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: ep.Ethereum, Key: mustECDSA(t)})
	require.NoError(t, err)
	defer eth.Close()
	nonces := map[uint64]string{}
	for i, id := range ids {
		tx := waitTx(t, []*testApp{taA, taB}[i%2], tok, id, "confirmed")
		onChain, _, err := eth.Eth().TransactionByHash(ctx, common.HexToHash(tx.TxHash))
		require.NoError(t, err)
		require.NotContains(t, nonces, onChain.Nonce(), "nonce %d reused by %s and %s", onChain.Nonce(), nonces[onChain.Nonce()], tx.TxHash)
		nonces[onChain.Nonce()] = tx.TxHash
	}
	eth.SetToken(tokenAddress(t, taA))
	bal, err := eth.BalanceOf(ctx, to)
	require.NoError(t, err)
	want, _ := ethereum.ToTokenUnits(3_000_000_000)
	assert.Equal(t, want, bal, "six withdrawals of 0.5 VIBE landed, each once")

	// A deposit back from the wallet: both instances scan the chain, one credits it.
	vibe := func() string {
		res := taA.do(http.MethodGet, "/api/v1/payments/balances", nil, withToken(tok))
		require.Equal(t, http.StatusOK, res.Status)
		var bals struct {
			Balances []struct {
				Asset     string `json:"asset"`
				Available string `json:"available"`
			} `json:"balances"`
		}
		res.JSON(t, &bals)
		for _, x := range bals.Balances {
			if x.Asset == "VIBE" {
				return x.Available
			}
		}
		return ""
	}
	eventually(t, 10*time.Second, func() bool { return vibe() == "7.000000000" }, "10 VIBE granted, 3 withdrawn")
	user, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: ep.Ethereum, Key: key, Token: tokenAddress(t, taA)})
	require.NoError(t, err)
	defer user.Close()
	require.NoError(t, user.RPC().CallContext(ctx, nil, "anvil_setBalance", to, hexutil.EncodeBig(big.NewInt(1e18))))
	half, _ := ethereum.ToTokenUnits(500_000_000)
	dep, err := user.Transfer(ctx, depositAddress(t, taA), half, nil)
	require.NoError(t, err)
	_, err = user.WaitMined(ctx, dep.Hash, 1)
	require.NoError(t, err)
	eventually(t, 20*time.Second, func() bool { return vibe() == "7.500000000" }, "the deposit credited")

	// A short load over both instances: each user's WebSocket is on the other instance.
	sum := filepath.Join(t.TempDir(), "summary.json")
	load := exec.Command(vibeloadBinary(t), "-urls", "http://"+a.addr+",http://"+b.addr, "-users", "6", "-duration", "15s", "-ramp", "2s",
		"-think", "300ms", "-mix", "browse=1,search=1,listen=4,balances=1,rewards=1", "-prefix", "twoinst", "-fund-usd", "2",
		"-ledger-verify", testBinary(t)+" ledger verify", "-verify-wait", "30s", "-json", sum)
	// Without an admin, users pay by card through the local card gateway; give them USD by
	// grants instead, through an admin of the pool.
	adminEmail := "twoinst_admin@load.test"
	res = taA.do(http.MethodPost, "/api/v1/auth/register", map[string]any{"email": adminEmail, "username": "twoinst_admin", "password": testPassword,
		"display_name": "Load admin", "role": "listener"})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	out, err := a.run("users", "grant-role", adminEmail, "admin")
	require.NoError(t, err, out)
	load.Args = append(load.Args, "-admin-email", adminEmail, "-admin-password", testPassword)
	load.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "DATA_DIR="+dirA)
	outLoad, err := load.CombinedOutput()
	require.NoError(t, err, string(outLoad))
	t.Logf("vibeload over both instances:\n%s", outLoad)
	var summary struct {
		ErrorsTotal int `json:"errors_total"`
		WS          struct {
			Received int `json:"received"`
		} `json:"ws"`
		Listens struct {
			Qualified int `json:"qualified"`
			Paid      int `json:"paid"`
		} `json:"listens"`
		Checks     map[string]string `json:"checks"`
		Operations map[string]struct {
			Count int `json:"count"`
		} `json:"operations"`
	}
	raw, err = os.ReadFile(sum)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &summary))
	assert.Zero(t, summary.ErrorsTotal)
	assert.Positive(t, summary.WS.Received, "events crossed to the other instance's WebSockets")
	assert.Positive(t, summary.Listens.Qualified, string(outLoad))
	assert.Equal(t, summary.Listens.Qualified, summary.Listens.Paid)
	assert.True(t, strings.HasPrefix(summary.Checks["paid_once"], "ok"), summary.Checks["paid_once"])
	assert.Equal(t, "ok", summary.Checks["ledger_verify"])
	assert.Positive(t, summary.Operations["stream_ttfb"].Count)

	// Every qualified listen in the database has exactly one settlement.
	assert.Zero(t, count(`SELECT count(*) FROM (SELECT idempotency_key FROM payment.journal_entries WHERE idempotency_key LIKE 'stream_paid:%'
		GROUP BY idempotency_key HAVING count(*) > 1) twice`))
	qualified := count(`SELECT count(*) FROM listenreward.sessions WHERE status = 'qualified'`)
	assert.Equal(t, qualified, count(`SELECT count(*) FROM payment.journal_entries WHERE idempotency_key LIKE 'stream_paid:%'`), "one settlement per qualified listen")
	assert.GreaterOrEqual(t, qualified, 2+summary.Listens.Qualified)
	// The periodic hourly cleanup was enqueued by the one leader, not once per instance.
	assert.Equal(t, 1, count(`SELECT count(*) FROM river_job WHERE kind = 'user_cleanup'`))
	// Still exactly one credit for the deposit after both scanned for several more rounds.
	assert.Equal(t, "7.500000000", vibe())

	out, err = b.run("ledger", "verify")
	require.NoError(t, err, out)
	assert.Contains(t, out, "ok: the hot wallets match the ledger", out)
}
