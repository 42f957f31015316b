// Package application holds the user context's use cases, one per file, and the ports they
// need from infrastructure (password hashing, token signing, wallet signature checks).
package application

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// PasswordHasher hashes and checks passwords (argon2id in production).
type PasswordHasher interface {
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded; it takes the same time for any wrong
	// password of a given hash.
	Verify(encoded, password string) (bool, error)
}

// AccessClaims are what an access token proves about its bearer.
type AccessClaims struct {
	UserID      uuid.UUID
	Roles       []string
	Permissions []string
	// Wallets maps chain -> most recently linked address on it.
	Wallets   map[string]string
	TokenID   string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// TokenSigner issues and verifies access tokens.
type TokenSigner interface {
	// Sign issues a token carrying c (TokenID, IssuedAt and ExpiresAt are set by the caller).
	Sign(c AccessClaims) (string, error)
	// Verify checks signature, algorithm, key id, issuer, audience and lifetime at now.
	Verify(token string, now time.Time) (AccessClaims, error)
}

// WalletVerifier checks addresses and signatures of one chain.
type WalletVerifier interface {
	// Normalize validates an address and returns its canonical display form (EIP-55 for
	// Ethereum); an invalid address gives domain.ErrInvalidAddress.
	Normalize(address string) (string, error)
	// Verify checks that signature over message was made by address's key; otherwise it
	// returns domain.ErrInvalidSignature.
	Verify(address, message, signature string) error
}

// Clock tells the time; tests pass a fixed one.
type Clock func() time.Time

var errNilDependency = errors.New("user application: a required dependency is nil")

// newOpaqueToken returns a random URL-safe token and its SHA-256 (what is stored).
func newOpaqueToken() (string, []byte, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	return tok, hashToken(tok), nil
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

const nonceAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newNonce returns 24 random alphanumeric characters (EIP-4361 wants 8+ alphanumerics).
func newNonce() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = nonceAlphabet[int(b[i])%len(nonceAlphabet)]
	}
	return string(b[:]), nil
}

// addField records err's safe message under field.
func addField(f errs.Fields, field string, err error) {
	if e, ok := errs.As(err); ok {
		f.Add(field, e.Message())
		return
	}
	f.Add(field, "is invalid")
}
