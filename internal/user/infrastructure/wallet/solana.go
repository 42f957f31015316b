package wallet

import (
	"crypto/ed25519"

	"github.com/mr-tron/base58"

	"github.com/vibestream/vibestream/internal/user/application"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// Solana implements application.WalletVerifier: an address is a base58 ed25519 public key.
type Solana struct{}

var _ application.WalletVerifier = Solana{}

// Normalize checks that address is the base58 form of 32 bytes.
func (Solana) Normalize(address string) (string, error) {
	if len(address) < 32 || len(address) > 44 {
		return "", domain.ErrInvalidAddress
	}
	raw, err := base58.Decode(address)
	if err != nil || len(raw) != ed25519.PublicKeySize || base58.Encode(raw) != address {
		return "", domain.ErrInvalidAddress
	}
	return address, nil
}

// Verify checks an ed25519 signature (base58, 64 bytes) over the exact message bytes.
func (s Solana) Verify(address, message, signature string) error {
	if _, err := s.Normalize(address); err != nil {
		return err
	}
	pub, _ := base58.Decode(address)
	sig, err := base58.Decode(signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return domain.ErrInvalidSignature.WithMessage("a Solana signature is 64 bytes in base58")
	}
	if !ed25519.Verify(ed25519.PublicKey(pub), []byte(message), sig) {
		return domain.ErrInvalidSignature
	}
	return nil
}
