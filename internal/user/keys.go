package user

import (
	"crypto/ed25519"

	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
	"github.com/vibestream/vibestream/internal/user/infrastructure/password"
	"github.com/vibestream/vibestream/internal/user/infrastructure/secretbox"
	"github.com/vibestream/vibestream/internal/user/infrastructure/token"
)

// What the composition root needs to fill Config, so that it imports this module only (the
// architecture test keeps cmd/vibestream off the contexts' inner layers).

// ThrottlePolicy bounds failed logins (Config.AccountThrottle, Config.AddressThrottle).
type ThrottlePolicy = domain.ThrottlePolicy

// PasswordParams are the Argon2id parameters (Config.Argon2).
type PasswordParams = password.Params

// LoadOrCreateSigningKey reads the Ed25519 signing key at path, creating it first if missing.
func LoadOrCreateSigningKey(path string) (ed25519.PrivateKey, error) {
	return token.LoadOrCreateKey(path)
}

// LoadSigningKey reads the Ed25519 signing key at path.
func LoadSigningKey(path string) (ed25519.PrivateKey, error) { return token.LoadPrivateKey(path) }

// LoadVerifyKey reads an Ed25519 public key still accepted for verification.
func LoadVerifyKey(path string) (ed25519.PublicKey, error) { return token.LoadPublicKey(path) }

// NewAccessPasses signs and checks access passes (contracts.AccessPasses) with the platform's
// Ed25519 key, the one published in the JWKS.
func NewAccessPasses(key ed25519.PrivateKey, verify []ed25519.PublicKey, issuer string) (contracts.AccessPasses, error) {
	return token.NewPasses(key, verify, issuer)
}

// LoadOrCreateAppPasswordKey reads the base64 AES-256 key sealing app passwords at path,
// creating it first if missing.
func LoadOrCreateAppPasswordKey(path string) ([]byte, error) { return secretbox.LoadOrCreateKey(path) }

// ParseAppPasswordKey reads a base64 AES-256 key (APP_PASSWORD_KEY).
func ParseAppPasswordKey(s string) ([]byte, error) { return secretbox.ParseKey(s) }
