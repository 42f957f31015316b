package wallet

import (
	"crypto/ed25519"
	"encoding/hex"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/mr-tron/base58"
)

// FuzzVerifyWalletSignatures feeds arbitrary addresses, messages and signatures to both
// verifiers: nothing panics, and only the genuine signature over the exact message, by the
// key behind the address, is accepted.
func FuzzVerifyWalletSignatures(f *testing.F) {
	seed := ed25519.NewKeyFromSeed(make([]byte, 32))
	solAddr := base58.Encode(seed.Public().(ed25519.PublicKey))
	ethKey, err := crypto.HexToECDSA("4c0883a69102937d6231471b5decb208f3f8f7a4f5d9c6c6d1c9a5d9e6f1a2b3")
	if err != nil {
		f.Fatal(err)
	}
	ethAddr := crypto.PubkeyToAddress(ethKey.PublicKey).Hex()
	msg := "vibestream.example wants you to sign in with your Solana account:\n" + solAddr
	solSig := base58.Encode(ed25519.Sign(seed, []byte(msg)))
	es, _ := crypto.Sign(PersonalSignHash(msg), ethKey)
	es[64] += 27
	ethSig := "0x" + hex.EncodeToString(es)
	f.Add(solAddr, msg, solSig)
	f.Add(ethAddr, msg, ethSig)
	f.Add(ethAddr, msg+" ", ethSig)
	f.Add("0x"+hex.EncodeToString(make([]byte, 20)), "", "0x"+hex.EncodeToString(make([]byte, 65)))
	f.Add(solAddr, msg, "1111111111111111111111111111111111111111111111111111111111111111")
	f.Add("", "\x00", "\xff")
	f.Fuzz(func(t *testing.T, address, message, signature string) {
		solErr := Solana{}.Verify(address, message, signature)
		ethErr := Ethereum{}.Verify(address, message, signature)
		genuineSol := address == solAddr && message == msg && signature == solSig
		if solErr == nil && !genuineSol {
			// ed25519 signatures are not malleable, and our only key signed one message
			t.Fatalf("Solana accepted a signature it never saw: %q %q %q", address, message, signature)
		}
		if ethErr == nil {
			// whatever hex spelling, it must recover our key over our message
			if message != msg || (address != ethAddr && !equalFold(address, ethAddr)) {
				t.Fatalf("Ethereum accepted %q over %q by %q", signature, message, address)
			}
		}
	})
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
