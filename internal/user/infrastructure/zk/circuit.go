// Package zk is the user context's zero-knowledge adapter: the age circuit and its prover
// behind the application's port.
package zk

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/vibestream/vibestream/internal/platform/zk"
)

// CircuitName names the age circuit.
const CircuitName = "age"

// DayBits bounds day counts (2^32 days is 11 million years).
const DayBits = 32

// Circuit proves that the birth day inside commitment = H(birth day, salt) is on or before a
// public day: "born on or before D" (D = today minus the minimum age, computed by the
// verifier's calendar). Days count from 1900-01-01, so every real birthdate is non-negative.
type Circuit struct {
	Commitment     frontend.Variable `gnark:",public"`
	BornOnOrBefore frontend.Variable `gnark:",public"`

	BirthDay frontend.Variable
	Salt     frontend.Variable
}

// PublicInputNames are the public inputs in witness order.
var PublicInputNames = []string{"commitment", "born_on_or_before"}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	h, err := zk.NewHasher(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h.Hash(c.BirthDay, c.Salt), c.Commitment)
	zk.AssertFitsBits(api, c.BirthDay, DayBits)
	zk.AssertFitsBits(api, api.Sub(c.BornOnOrBefore, c.BirthDay), DayBits)
	return nil
}

// Spec is the age circuit for the shared machinery.
type Spec struct{}

// Name implements zk.Circuit.
func (Spec) Name() string { return CircuitName }

// PublicInputs implements zk.Circuit.
func (Spec) PublicInputs() []string { return append([]string(nil), PublicInputNames...) }

// Definition implements zk.Circuit.
func (Spec) Definition() frontend.Circuit { return &Circuit{} }

// Commitment is H(birth day, salt).
func Commitment(birthDay uint64, salt fr.Element) fr.Element { return zk.Hash(zk.U64(birthDay), salt) }

// Witness is an age statement with its secret.
type Witness struct {
	BirthDay       uint64
	BornOnOrBefore uint64
	Salt           fr.Element
}

// Public is [commitment, born_on_or_before].
func (w Witness) Public() []*big.Int {
	return []*big.Int{zk.Big(Commitment(w.BirthDay, w.Salt)), new(big.Int).SetUint64(w.BornOnOrBefore)}
}

// Assignment is the gnark assignment.
func (w Witness) Assignment() *Circuit {
	p := w.Public()
	return &Circuit{Commitment: p[0], BornOnOrBefore: p[1], BirthDay: w.BirthDay, Salt: zk.Big(w.Salt)}
}
