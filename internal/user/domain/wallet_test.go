package domain

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ethAddr = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"

func newTestChallenge(t *testing.T, user uuid.UUID) *Challenge {
	t.Helper()
	c, err := NewChallenge(ChallengeParams{UserID: user, Chain: ChainEthereum, Address: ethAddr, Domain: "vibestream.example",
		URI: "https://vibestream.example", ChainID: "1337", Nonce: "abcdEFGH1234", Now: now, TTL: 10 * time.Minute})
	require.NoError(t, err)
	return c
}

func TestChallengeMessageIsEIP4361(t *testing.T) {
	t.Parallel()
	c := newTestChallenge(t, uuid.New())
	want := "vibestream.example wants you to sign in with your Ethereum account:\n" +
		ethAddr + "\n\n" +
		LinkStatement + "\n\n" +
		"URI: https://vibestream.example\n" +
		"Version: 1\n" +
		"Chain ID: 1337\n" +
		"Nonce: abcdEFGH1234\n" +
		"Issued At: 2026-11-28T12:00:00Z\n" +
		"Expiration Time: 2026-11-28T12:10:00Z"
	assert.Equal(t, want, c.Message())

	m, err := ParseSignInMessage(c.Message())
	require.NoError(t, err)
	assert.Equal(t, SignInMessage{Domain: "vibestream.example", Chain: ChainEthereum, Address: ethAddr, Statement: LinkStatement,
		URI: "https://vibestream.example", Version: "1", ChainID: "1337", Nonce: "abcdEFGH1234",
		IssuedAt: now, ExpiresAt: now.Add(10 * time.Minute)}, m)
	assert.Equal(t, c.Message(), m.Text(), "render and parse round-trip")
}

func TestSolanaMessage(t *testing.T) {
	t.Parallel()
	c, err := NewChallenge(ChallengeParams{UserID: uuid.New(), Chain: ChainSolana, Address: "11111111111111111111111111111111",
		Domain: "d.example", URI: "https://d.example", ChainID: "devnet", Nonce: "nonce12345", Now: now, TTL: time.Minute})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(c.Message(), "d.example wants you to sign in with your Solana account:\n11111111111111111111111111111111\n"))
	m, err := ParseSignInMessage(c.Message())
	require.NoError(t, err)
	assert.Equal(t, ChainSolana, m.Chain)
	assert.Equal(t, "devnet", m.ChainID)
}

func TestParseSignInMessageRejectsMalformedText(t *testing.T) {
	t.Parallel()
	good := newTestChallenge(t, uuid.New()).Message()
	for name, text := range map[string]string{
		"empty":           "",
		"wrong header":    strings.Replace(good, "wants you to sign in", "asks you to sign", 1),
		"missing nonce":   strings.Replace(good, "Nonce: abcdEFGH1234\n", "", 1),
		"short nonce":     strings.Replace(good, "Nonce: abcdEFGH1234", "Nonce: abc", 1),
		"bad time":        strings.Replace(good, "Issued At: 2026-11-28T12:00:00Z", "Issued At: yesterday", 1),
		"trailing line":   good + "\nResources:",
		"wrong version":   strings.Replace(good, "Version: 1", "Version: 2", 1),
		"fields reversed": strings.Replace(good, "Version: 1\nChain ID: 1337", "Chain ID: 1337\nVersion: 1", 1),
	} {
		_, err := ParseSignInMessage(text)
		assert.ErrorIs(t, err, ErrInvalidMessage, name)
	}
}

func TestChallengeUse(t *testing.T) {
	t.Parallel()
	user := uuid.New()
	c := newTestChallenge(t, user)
	msg := c.Message()

	assert.ErrorIs(t, c.Use(uuid.New(), ChainEthereum, ethAddr, msg, now), ErrChallengeNotFound, "another user's nonce")
	assert.ErrorIs(t, c.Use(user, ChainEthereum, ethAddr, msg+" ", now), ErrMessageMismatch, "tampered message")
	assert.ErrorIs(t, c.Use(user, ChainSolana, ethAddr, msg, now), ErrMessageMismatch)
	assert.ErrorIs(t, c.Use(user, ChainEthereum, "0x0000000000000000000000000000000000000001", msg, now), ErrMessageMismatch)
	assert.ErrorIs(t, c.Use(user, ChainEthereum, ethAddr, msg, now.Add(10*time.Minute)), ErrChallengeExpired)

	require.NoError(t, c.Use(user, ChainEthereum, strings.ToLower(ethAddr), msg, now.Add(time.Minute)), "Ethereum addresses ignore case")
	assert.ErrorIs(t, c.Use(user, ChainEthereum, ethAddr, msg, now.Add(time.Minute)), ErrChallengeUsed, "single use")
}

func TestAddressKeyAndChain(t *testing.T) {
	t.Parallel()
	assert.Equal(t, strings.ToLower(ethAddr), AddressKey(ChainEthereum, ethAddr))
	assert.Equal(t, "AbC", AddressKey(ChainSolana, "AbC"), "base58 is case-sensitive")
	c, err := ParseChain(" Ethereum ")
	require.NoError(t, err)
	assert.Equal(t, ChainEthereum, c)
	_, err = ParseChain("bitcoin")
	assert.ErrorIs(t, err, ErrInvalidChain)
}
