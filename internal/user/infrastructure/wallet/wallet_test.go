package wallet

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// ethSign signs like a wallet's personal_sign: v is 27 or 28.
func ethSign(t *testing.T, msg string) (address, sig string) {
	t.Helper()
	key, err := crypto.GenerateKey()
	require.NoError(t, err)
	s, err := crypto.Sign(PersonalSignHash(msg), key)
	require.NoError(t, err)
	s[64] += 27
	return crypto.PubkeyToAddress(key.PublicKey).Hex(), "0x" + hex.EncodeToString(s)
}

func TestEthereumPersonalSign(t *testing.T) {
	t.Parallel()
	msg := "example.com wants you to sign in with your Ethereum account:\n..."
	addr, sig := ethSign(t, msg)
	e := Ethereum{}
	require.NoError(t, e.Verify(addr, msg, sig), "v = 27/28")
	require.NoError(t, e.Verify(strings.ToLower(addr), msg, sig), "lower-case address")

	raw, _ := hex.DecodeString(sig[2:])
	raw[64] -= 27
	require.NoError(t, e.Verify(addr, msg, hex.EncodeToString(raw)), "v = 0/1, without 0x")

	assert.ErrorIs(t, e.Verify(addr, msg+".", sig), domain.ErrInvalidSignature, "tampered message")
	other, _ := ethSign(t, msg)
	assert.ErrorIs(t, e.Verify(other, msg, sig), domain.ErrInvalidSignature, "signed by another key")
	raw[64] = 5
	assert.ErrorIs(t, e.Verify(addr, msg, hex.EncodeToString(raw)), domain.ErrInvalidSignature, "bad v")
	assert.ErrorIs(t, e.Verify(addr, msg, "0x1234"), domain.ErrInvalidSignature, "short signature")
	assert.ErrorIs(t, e.Verify(addr, msg, "zz"), domain.ErrInvalidSignature, "not hex")
}

func TestKnownPersonalSignVector(t *testing.T) {
	t.Parallel()
	// The message and signature of ethers.js' signMessage documentation example, made by the
	// well-known Hardhat account #0 private key.
	key, err := crypto.HexToECDSA("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
	require.NoError(t, err)
	addr := crypto.PubkeyToAddress(key.PublicKey).Hex()
	assert.Equal(t, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", addr)
	sig, err := crypto.Sign(PersonalSignHash("hello"), key)
	require.NoError(t, err)
	// EIP-191 hash of "hello", as every wallet computes it.
	assert.Equal(t, "50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750", hex.EncodeToString(PersonalSignHash("hello")))
	require.NoError(t, Ethereum{}.Verify(addr, "hello", hex.EncodeToString(sig)))
}

func TestEthereumNormalize(t *testing.T) {
	t.Parallel()
	e := Ethereum{}
	got, err := e.Normalize("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
	require.NoError(t, err)
	assert.Equal(t, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", got, "EIP-55 checksum form")
	_, err = e.Normalize("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")
	assert.NoError(t, err, "all upper case carries no checksum")
	for _, bad := range []string{
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", // wrong checksum
		"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",   // no 0x
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae",  // short
		"0xgaaeb6053f3e94c9b9a09f33669435e7ef1beaed", // not hex
	} {
		_, err := e.Normalize(bad)
		assert.ErrorIs(t, err, domain.ErrInvalidAddress, bad)
	}
}

func TestSolanaSignature(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	addr := base58.Encode(pub)
	msg := "example.com wants you to sign in with your Solana account:\n" + addr
	sig := base58.Encode(ed25519.Sign(priv, []byte(msg)))
	s := Solana{}
	require.NoError(t, s.Verify(addr, msg, sig))
	assert.ErrorIs(t, s.Verify(addr, msg+" ", sig), domain.ErrInvalidSignature, "tampered message")

	otherPub, otherPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	assert.ErrorIs(t, s.Verify(addr, msg, base58.Encode(ed25519.Sign(otherPriv, []byte(msg)))), domain.ErrInvalidSignature, "another key")
	assert.ErrorIs(t, s.Verify(base58.Encode(otherPub), msg, sig), domain.ErrInvalidSignature, "another address")
	assert.ErrorIs(t, s.Verify(addr, msg, "0x"+hex.EncodeToString(ed25519.Sign(priv, []byte(msg)))), domain.ErrInvalidSignature, "hex is not base58")
}

func TestSolanaNormalize(t *testing.T) {
	t.Parallel()
	s := Solana{}
	got, err := s.Normalize("11111111111111111111111111111111")
	require.NoError(t, err)
	assert.Equal(t, "11111111111111111111111111111111", got)
	for _, bad := range []string{"", "0OIl", "1111", strings.Repeat("z", 44), "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"} {
		_, err := s.Normalize(bad)
		assert.ErrorIs(t, err, domain.ErrInvalidAddress, bad)
	}
}
