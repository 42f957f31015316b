package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Chain is a blockchain a wallet address may be linked on.
type Chain string

// Chains.
const (
	ChainEthereum Chain = "ethereum"
	ChainSolana   Chain = "solana"
)

// ParseChain accepts ethereum and solana.
func ParseChain(s string) (Chain, error) {
	switch c := Chain(strings.ToLower(strings.TrimSpace(s))); c {
	case ChainEthereum, ChainSolana:
		return c, nil
	}
	return "", ErrInvalidChain
}

// accountWord is the word EIP-4361 (and its Solana counterpart) puts in the header line.
func (c Chain) accountWord() string {
	if c == ChainSolana {
		return "Solana"
	}
	return "Ethereum"
}

// AddressKey is the canonical form used for uniqueness: Ethereum addresses ignore case,
// Solana's base58 addresses are case-sensitive.
func AddressKey(c Chain, address string) string {
	if c == ChainEthereum {
		return strings.ToLower(address)
	}
	return address
}

// MaxWalletsPerUser bounds how many addresses one account may link.
const MaxWalletsPerUser = 20

// Wallet is a linked address.
type Wallet struct {
	Chain    Chain
	Address  string
	LinkedAt time.Time
}

// WalletLinked and WalletUnlinked are recorded when a link changes.
type WalletLinked struct {
	UserID  uuid.UUID
	Chain   Chain
	Address string
	At      time.Time
}

// WalletUnlinked is recorded when a user removes an address.
type WalletUnlinked struct {
	UserID  uuid.UUID
	Chain   Chain
	Address string
	At      time.Time
}

// SignInMessage holds the fields of an EIP-4361 message (and of the same text for Solana).
type SignInMessage struct {
	Domain    string
	Chain     Chain
	Address   string
	Statement string
	URI       string
	Version   string
	ChainID   string
	Nonce     string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// LinkStatement is the human-readable line of every wallet-link message.
const LinkStatement = "Link this wallet to your VibeStream account."

// Text renders the message exactly as the wallet must sign it (EIP-4361 layout).
func (m SignInMessage) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s wants you to sign in with your %s account:\n%s\n\n", m.Domain, m.Chain.accountWord(), m.Address)
	if m.Statement != "" {
		fmt.Fprintf(&b, "%s\n\n", m.Statement)
	}
	fmt.Fprintf(&b, "URI: %s\nVersion: %s\nChain ID: %s\nNonce: %s\nIssued At: %s\nExpiration Time: %s",
		m.URI, m.Version, m.ChainID, m.Nonce, m.IssuedAt.UTC().Format(time.RFC3339), m.ExpiresAt.UTC().Format(time.RFC3339))
	return b.String()
}

// MaxSignInMessageLen bounds a sign-in message: the ones this service issues are a few hundred
// bytes.
const MaxSignInMessageLen = 2048

// ParseSignInMessage reads the text produced by Text (the EIP-4361 line format). Fields must
// appear in order; anything else (including invalid UTF-8, NUL and other control characters,
// or more than MaxSignInMessageLen bytes) is ErrInvalidMessage.
func ParseSignInMessage(text string) (SignInMessage, error) {
	if len(text) > MaxSignInMessageLen || !utf8.ValidString(text) || strings.ContainsFunc(text, isControl) {
		return SignInMessage{}, ErrInvalidMessage
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var m SignInMessage
	if len(lines) < 9 {
		return m, ErrInvalidMessage
	}
	head := lines[0]
	switch {
	case strings.HasSuffix(head, " wants you to sign in with your Ethereum account:"):
		m.Chain, m.Domain = ChainEthereum, strings.TrimSuffix(head, " wants you to sign in with your Ethereum account:")
	case strings.HasSuffix(head, " wants you to sign in with your Solana account:"):
		m.Chain, m.Domain = ChainSolana, strings.TrimSuffix(head, " wants you to sign in with your Solana account:")
	default:
		return m, ErrInvalidMessage
	}
	m.Address = lines[1]
	if m.Domain == "" || m.Address == "" || lines[2] != "" {
		return m, ErrInvalidMessage
	}
	i := 3
	if !strings.HasPrefix(lines[i], "URI: ") {
		m.Statement = lines[i]
		if i+1 >= len(lines) || lines[i+1] != "" {
			return m, ErrInvalidMessage
		}
		i += 2
	}
	fields := []struct {
		prefix string
		dst    *string
	}{{"URI: ", &m.URI}, {"Version: ", &m.Version}, {"Chain ID: ", &m.ChainID}, {"Nonce: ", &m.Nonce}}
	for _, f := range fields {
		if i >= len(lines) || !strings.HasPrefix(lines[i], f.prefix) {
			return m, ErrInvalidMessage
		}
		*f.dst = strings.TrimPrefix(lines[i], f.prefix)
		i++
	}
	var err error
	for _, f := range []struct {
		prefix string
		dst    *time.Time
	}{{"Issued At: ", &m.IssuedAt}, {"Expiration Time: ", &m.ExpiresAt}} {
		if i >= len(lines) || !strings.HasPrefix(lines[i], f.prefix) {
			return m, ErrInvalidMessage
		}
		// whole seconds only: the service issues no fractions, and Text would drop them
		if *f.dst, err = time.Parse(time.RFC3339, strings.TrimPrefix(lines[i], f.prefix)); err != nil || f.dst.Nanosecond() != 0 {
			return m, ErrInvalidMessage
		}
		i++
	}
	if i != len(lines) || m.Version != "1" || len(m.Nonce) < 8 {
		return m, ErrInvalidMessage
	}
	return m, nil
}

// isControl reports the characters no line of a sign-in message holds (line breaks aside).
func isControl(r rune) bool { return (r < 0x20 && r != '\n' && r != '\r') || r == 0x7f }

// Challenge is a single-use nonce issued to one user for one address, with the exact message
// the wallet must sign.
type Challenge struct {
	nonce     string
	userID    uuid.UUID
	chain     Chain
	address   string
	message   string
	issuedAt  time.Time
	expiresAt time.Time
	usedAt    *time.Time
}

// ChallengeParams describe a new challenge; Address must already be in its canonical display
// form (EIP-55 for Ethereum).
type ChallengeParams struct {
	UserID  uuid.UUID
	Chain   Chain
	Address string
	Domain  string
	URI     string
	ChainID string
	Nonce   string
	Now     time.Time
	TTL     time.Duration
}

// NewChallenge builds the sign-in message for a wallet link.
func NewChallenge(p ChallengeParams) (*Challenge, error) {
	if p.UserID == uuid.Nil || len(p.Nonce) < 8 || p.TTL <= 0 || p.Domain == "" {
		return nil, ErrInvalidMessage.WithMessage("a challenge needs a user, a nonce of 8+ characters, a domain and a lifetime")
	}
	if p.Address == "" {
		return nil, ErrInvalidAddress
	}
	now := p.Now.UTC().Truncate(time.Second)
	m := SignInMessage{Domain: p.Domain, Chain: p.Chain, Address: p.Address, Statement: LinkStatement, URI: p.URI,
		Version: "1", ChainID: p.ChainID, Nonce: p.Nonce, IssuedAt: now, ExpiresAt: now.Add(p.TTL)}
	return &Challenge{nonce: p.Nonce, userID: p.UserID, chain: p.Chain, address: p.Address, message: m.Text(),
		issuedAt: m.IssuedAt, expiresAt: m.ExpiresAt}, nil
}

// RehydrateChallenge rebuilds a challenge from storage (repositories only).
func RehydrateChallenge(nonce string, userID uuid.UUID, chain Chain, address, message string, issuedAt, expiresAt time.Time, usedAt *time.Time) *Challenge {
	return &Challenge{nonce: nonce, userID: userID, chain: chain, address: address, message: message,
		issuedAt: issuedAt, expiresAt: expiresAt, usedAt: usedAt}
}

func (c *Challenge) Nonce() string        { return c.nonce }
func (c *Challenge) UserID() uuid.UUID    { return c.userID }
func (c *Challenge) Chain() Chain         { return c.chain }
func (c *Challenge) Address() string      { return c.address }
func (c *Challenge) Message() string      { return c.message }
func (c *Challenge) IssuedAt() time.Time  { return c.issuedAt }
func (c *Challenge) ExpiresAt() time.Time { return c.expiresAt }
func (c *Challenge) UsedAt() *time.Time   { return c.usedAt }

// Use consumes the challenge for a signed message: it must be this user's, unused, unexpired,
// for this chain and address, and the message must be exactly the one issued.
func (c *Challenge) Use(userID uuid.UUID, chain Chain, address, message string, now time.Time) error {
	switch {
	case c.userID != userID:
		return ErrChallengeNotFound
	case c.usedAt != nil:
		return ErrChallengeUsed
	case !now.Before(c.expiresAt):
		return ErrChallengeExpired
	case c.chain != chain || AddressKey(chain, c.address) != AddressKey(chain, address) || c.message != message:
		return ErrMessageMismatch
	}
	n := now.UTC()
	c.usedAt = &n
	return nil
}
