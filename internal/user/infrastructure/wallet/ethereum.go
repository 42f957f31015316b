// Package wallet checks chain addresses and wallet signatures: EIP-191 personal_sign for
// Ethereum (secp256k1 recovery, go-ethereum's crypto) and ed25519 over the message bytes with
// a base58 signature for Solana.
package wallet

import (
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vibestream/vibestream/internal/user/application"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// Ethereum implements application.WalletVerifier.
type Ethereum struct{}

var _ application.WalletVerifier = Ethereum{}

// Normalize accepts 0x + 40 hex digits; a mixed-case address must carry a valid EIP-55
// checksum. The result is the checksummed form.
func (Ethereum) Normalize(address string) (string, error) {
	if len(address) != 42 || !strings.HasPrefix(address, "0x") || !common.IsHexAddress(address) {
		return "", domain.ErrInvalidAddress
	}
	canonical := common.HexToAddress(address).Hex()
	body := address[2:]
	if body != strings.ToLower(body) && body != strings.ToUpper(body) && address != canonical {
		return "", domain.ErrInvalidAddress.WithMessage("the address has a wrong EIP-55 checksum")
	}
	return canonical, nil
}

// PersonalSignHash is the EIP-191 (version 0x45) hash wallets sign for personal_sign.
func PersonalSignHash(message string) []byte {
	return crypto.Keccak256([]byte("\x19Ethereum Signed Message:\n" + strconv.Itoa(len(message)) + message))
}

// Verify recovers the signer of an EIP-191 personal_sign signature (65 bytes hex, v of 27/28
// or 0/1) and compares it with address.
func (e Ethereum) Verify(address, message, signature string) error {
	addr, err := e.Normalize(address)
	if err != nil {
		return err
	}
	sig, err := hex.DecodeString(strings.TrimPrefix(signature, "0x"))
	if err != nil || len(sig) != crypto.SignatureLength {
		return domain.ErrInvalidSignature.WithMessage("an Ethereum signature is 65 bytes in hex")
	}
	if sig[64] >= 27 {
		sig[64] -= 27
	}
	if sig[64] > 1 {
		return domain.ErrInvalidSignature
	}
	pub, err := crypto.SigToPub(PersonalSignHash(message), sig)
	if err != nil {
		return domain.ErrInvalidSignature
	}
	if crypto.PubkeyToAddress(*pub).Hex() != addr {
		return domain.ErrInvalidSignature
	}
	return nil
}
