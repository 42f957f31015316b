package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/infrastructure/wallet"
)

type challengeBody struct {
	Chain     string    `json:"chain"`
	Address   string    `json:"address"`
	Message   string    `json:"message"`
	Nonce     string    `json:"nonce"`
	ExpiresAt time.Time `json:"expires_at"`
}

func getChallenge(t *testing.T, ta *testApp, tok, chain, address string) challengeBody {
	t.Helper()
	res := ta.do(http.MethodPost, "/api/v1/users/me/wallets/challenge", map[string]any{"chain": chain, "address": address}, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var c challengeBody
	res.JSON(t, &c)
	return c
}

// personalSign signs like MetaMask: EIP-191 prefix, v of 27/28.
func personalSign(t *testing.T, key *ecdsa.PrivateKey, msg string) string {
	t.Helper()
	sig, err := crypto.Sign(wallet.PersonalSignHash(msg), key)
	require.NoError(t, err)
	sig[64] += 27
	return "0x" + hex.EncodeToString(sig)
}

func linkWallet(ta *testApp, tok, chain, address, msg, sig string) response {
	return ta.do(http.MethodPost, "/api/v1/users/me/wallets", map[string]any{
		"chain": chain, "address": address, "message": msg, "signature": sig,
	}, withToken(tok))
}

func ethKey(t *testing.T) (*ecdsa.PrivateKey, string) {
	t.Helper()
	k, err := crypto.GenerateKey()
	require.NoError(t, err)
	return k, crypto.PubkeyToAddress(k.PublicKey).Hex()
}

func TestLinkEthereumWallet(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, tok, email := registerUserFull(t, ta, "listener")
	key, addr := ethKey(t)

	// The challenge is EIP-4361 text for this server's domain and chain id.
	c := getChallenge(t, ta, tok, "ethereum", strings.ToLower(addr))
	assert.Equal(t, addr, c.Address, "the address is returned EIP-55 checksummed")
	host := mustHost(t, ta.app.cfg.PublicURL)
	assert.True(t, strings.HasPrefix(c.Message, host+" wants you to sign in with your Ethereum account:\n"+addr+"\n\n"), c.Message)
	for _, line := range []string{"URI: " + ta.app.cfg.PublicURL, "Version: 1", "Chain ID: 31337", "Nonce: " + c.Nonce, "Issued At: ", "Expiration Time: "} {
		assert.Contains(t, c.Message, "\n"+line)
	}
	assert.WithinDuration(t, time.Now().Add(10*time.Minute), c.ExpiresAt, 5*time.Second)

	res := linkWallet(ta, tok, "ethereum", addr, c.Message, personalSign(t, key, c.Message))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))

	// The nonce is single-use.
	res = linkWallet(ta, tok, "ethereum", addr, c.Message, personalSign(t, key, c.Message))
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "user.wallet_nonce_used", res.ErrorCode(t))

	res = ta.do(http.MethodGet, "/api/v1/users/me/wallets", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	var list struct {
		Items []struct {
			Chain   string `json:"chain"`
			Address string `json:"address"`
		} `json:"items"`
	}
	res.JSON(t, &list)
	require.Len(t, list.Items, 1)
	assert.Equal(t, addr, list.Items[0].Address)

	// The old token predates the link; the next one carries it.
	assert.Equal(t, map[string]any{}, decodeClaims(t, tok)["context"].(map[string]any)["blockchain_addresses"])
	fresh := loginToken(t, ta, email, testPassword)
	assert.Equal(t, map[string]any{"ethereum": addr}, decodeClaims(t, fresh)["context"].(map[string]any)["blockchain_addresses"])
	p, err := ta.app.users.Authenticator().Authenticate(context.Background(), fresh)
	require.NoError(t, err)
	assert.Equal(t, addr, p.Wallets["ethereum"])

	// Other contexts find the owner through the directory.
	owner, err := ta.app.users.Directory().WalletOwner(context.Background(), "ethereum", strings.ToUpper("0x"+addr[2:]))
	require.NoError(t, err)
	assert.Equal(t, p.UserID, owner)
	ws, err := ta.app.users.Directory().Wallets(context.Background(), p.UserID)
	require.NoError(t, err)
	assert.Equal(t, []contracts.Wallet{{Chain: "ethereum", Address: addr}}, ws)
	_, err = ta.app.users.Directory().WalletOwner(context.Background(), "ethereum", "0x0000000000000000000000000000000000000001")
	assert.ErrorIs(t, err, contracts.ErrUserNotFound)

	var n int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM platform.events WHERE type = $1`, contracts.WalletLinkedV1).Scan(&n))
	assert.Equal(t, 1, n)

	// Unlink.
	res = ta.do(http.MethodDelete, "/api/v1/users/me/wallets/ethereum/"+strings.ToLower(addr), nil, withToken(tok))
	assert.Equal(t, http.StatusNoContent, res.Status)
	res = ta.do(http.MethodDelete, "/api/v1/users/me/wallets/ethereum/"+addr, nil, withToken(tok))
	assert.Equal(t, http.StatusNotFound, res.Status)
	assert.Equal(t, "user.wallet_not_found", res.ErrorCode(t))
	fresh = loginToken(t, ta, email, testPassword)
	assert.Equal(t, map[string]any{}, decodeClaims(t, fresh)["context"].(map[string]any)["blockchain_addresses"])
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM platform.events WHERE type = $1`, contracts.WalletUnlinkedV1).Scan(&n))
	assert.Equal(t, 1, n)
}

func mustHost(t *testing.T, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	require.NoError(t, err)
	return p.Host
}

func TestLinkEthereumAcceptsRecoveryIDZeroOrOne(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, tok := registerUser(t, ta, "listener")
	key, addr := ethKey(t)
	c := getChallenge(t, ta, tok, "ethereum", addr)
	sig, err := crypto.Sign(wallet.PersonalSignHash(c.Message), key) // v is 0 or 1
	require.NoError(t, err)
	res := linkWallet(ta, tok, "ethereum", addr, c.Message, hex.EncodeToString(sig))
	assert.Equal(t, http.StatusCreated, res.Status, string(res.Body))
}

func TestLinkEthereumRejectsForgeries(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, tok := registerUser(t, ta, "listener")
	key, addr := ethKey(t)
	otherKey, _ := ethKey(t)
	c := getChallenge(t, ta, tok, "ethereum", addr)
	far := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)

	for name, tc := range map[string]struct {
		msg, sig, code string
	}{
		"signature by another key": {c.Message, personalSign(t, otherKey, c.Message), "user.wallet_signature_invalid"},
		"tampered message, original signature": {strings.Replace(c.Message, "Link this wallet", "Link this purse", 1),
			personalSign(t, key, c.Message), "user.wallet_signature_invalid"},
		"tampered message signed by the key": {replaceLine(c.Message, "Expiration Time: ", far),
			personalSign(t, key, replaceLine(c.Message, "Expiration Time: ", far)), "user.wallet_message_mismatch"},
		"another domain": {strings.Replace(c.Message, mustHost(t, ta.app.cfg.PublicURL), "evil.example", 1),
			personalSign(t, key, strings.Replace(c.Message, mustHost(t, ta.app.cfg.PublicURL), "evil.example", 1)), "user.wallet_message_mismatch"},
		"another chain id": {strings.Replace(c.Message, "Chain ID: 31337", "Chain ID: 1", 1),
			personalSign(t, key, strings.Replace(c.Message, "Chain ID: 31337", "Chain ID: 1", 1)), "user.wallet_message_mismatch"},
		"not a sign-in message": {"hello", personalSign(t, key, "hello"), "user.wallet_message_invalid"},
		"garbage signature":     {c.Message, "0xdeadbeef", "user.wallet_signature_invalid"},
	} {
		res := linkWallet(ta, tok, "ethereum", addr, tc.msg, tc.sig)
		assert.Equal(t, http.StatusUnprocessableEntity, res.Status, name)
		assert.Equal(t, tc.code, res.ErrorCode(t), name)
	}
	// None of the failures consumed the nonce: the genuine signature still links.
	res := linkWallet(ta, tok, "ethereum", addr, c.Message, personalSign(t, key, c.Message))
	assert.Equal(t, http.StatusCreated, res.Status, string(res.Body))
}

func replaceLine(msg, prefix, value string) string {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			lines[i] = prefix + value
		}
	}
	return strings.Join(lines, "\n")
}

func TestLinkRejectsAnotherUsersNonceAndTakenAddresses(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, alice := registerUser(t, ta, "listener")
	_, bob := registerUser(t, ta, "listener")
	key, addr := ethKey(t)

	c := getChallenge(t, ta, alice, "ethereum", addr)
	sig := personalSign(t, key, c.Message)
	res := linkWallet(ta, bob, "ethereum", addr, c.Message, sig)
	assert.Equal(t, http.StatusNotFound, res.Status, "Bob cannot use Alice's challenge")
	assert.Equal(t, "user.wallet_challenge_not_found", res.ErrorCode(t))
	require.Equal(t, http.StatusCreated, linkWallet(ta, alice, "ethereum", addr, c.Message, sig).Status)

	// Bob holds the key too, but the address already belongs to Alice.
	c = getChallenge(t, ta, bob, "ethereum", addr)
	res = linkWallet(ta, bob, "ethereum", addr, c.Message, personalSign(t, key, c.Message))
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "user.wallet_taken", res.ErrorCode(t))

	c = getChallenge(t, ta, alice, "ethereum", addr)
	res = linkWallet(ta, alice, "ethereum", addr, c.Message, personalSign(t, key, c.Message))
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "user.wallet_already_linked", res.ErrorCode(t))
}

func TestLinkRejectsAnExpiredChallenge(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, func(c *Config) { c.User.ChallengeTTL = time.Second })
	_, tok := registerUser(t, ta, "listener")
	key, addr := ethKey(t)
	c := getChallenge(t, ta, tok, "ethereum", addr)
	eventually(t, 5*time.Second, func() bool { return time.Now().After(c.ExpiresAt) }, "the challenge expires")
	res := linkWallet(ta, tok, "ethereum", addr, c.Message, personalSign(t, key, c.Message))
	assert.Equal(t, http.StatusGone, res.Status)
	assert.Equal(t, "user.wallet_challenge_expired", res.ErrorCode(t))
}

func TestLinkSolanaWallet(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, tok, email := registerUserFull(t, ta, "listener")
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	addr := base58.Encode(pub)

	c := getChallenge(t, ta, tok, "solana", addr)
	assert.True(t, strings.HasPrefix(c.Message, mustHost(t, ta.app.cfg.PublicURL)+" wants you to sign in with your Solana account:\n"+addr+"\n"))
	assert.Contains(t, c.Message, "\nChain ID: localnet\n")

	_, otherPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	res := linkWallet(ta, tok, "solana", addr, c.Message, base58.Encode(ed25519.Sign(otherPriv, []byte(c.Message))))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status, "signature by another key")
	assert.Equal(t, "user.wallet_signature_invalid", res.ErrorCode(t))
	tampered := strings.Replace(c.Message, "Version: 1", "Version: 1 ", 1)
	res = linkWallet(ta, tok, "solana", addr, tampered, base58.Encode(ed25519.Sign(priv, []byte(tampered))))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status, "tampered message")

	sig := base58.Encode(ed25519.Sign(priv, []byte(c.Message)))
	res = linkWallet(ta, tok, "solana", addr, c.Message, sig)
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	res = linkWallet(ta, tok, "solana", addr, c.Message, sig)
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "user.wallet_nonce_used", res.ErrorCode(t))

	fresh := loginToken(t, ta, email, testPassword)
	assert.Equal(t, map[string]any{"solana": addr}, decodeClaims(t, fresh)["context"].(map[string]any)["blockchain_addresses"])
	res = ta.do(http.MethodDelete, "/api/v1/users/me/wallets/solana/"+addr, nil, withToken(tok))
	assert.Equal(t, http.StatusNoContent, res.Status)
}

func TestWalletInputValidation(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, tok := registerUser(t, ta, "listener")
	for name, body := range map[string]map[string]any{
		"unknown chain":      {"chain": "bitcoin", "address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"},
		"bad eth address":    {"chain": "ethereum", "address": "0x1234"},
		"bad eth checksum":   {"chain": "ethereum", "address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"},
		"bad solana address": {"chain": "solana", "address": "not-base58-0OIl"},
		"eth address on sol": {"chain": "solana", "address": "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"},
	} {
		res := ta.do(http.MethodPost, "/api/v1/users/me/wallets/challenge", body, withToken(tok))
		assert.Equal(t, http.StatusUnprocessableEntity, res.Status, name)
	}
	res := ta.do(http.MethodPost, "/api/v1/users/me/wallets/challenge", map[string]any{"chain": "ethereum", "address": "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"})
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	res = ta.do(http.MethodGet, "/api/v1/users/me/wallets", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	assert.JSONEq(t, `{"items": []}`, string(res.Body))
}

// One signed challenge posted several times at once links once.
func TestConcurrentUsesOfOneNonce(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, tok := registerUser(t, ta, "listener")
	key, addr := ethKey(t)
	c := getChallenge(t, ta, tok, "ethereum", addr)
	sig := personalSign(t, key, c.Message)
	const n = 6
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = linkWallet(ta, tok, "ethereum", addr, c.Message, sig).Status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	assert.Equal(t, map[int]int{http.StatusCreated: 1, http.StatusConflict: n - 1}, count)
}
