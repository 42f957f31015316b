// Package zk is the payment context's zero-knowledge adapter: the solvency circuit and its
// prover behind the application's port.
package zk

import (
	"errors"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/vibestream/vibestream/internal/platform/zk"
)

// CircuitName names the solvency circuit.
const CircuitName = "solvency"

// AmountBits bounds balances and thresholds: minor units fit in 64 bits.
const AmountBits = 64

// Circuit proves balance >= threshold for the balance inside commitment = H(balance, salt).
type Circuit struct {
	Commitment frontend.Variable `gnark:",public"`
	Threshold  frontend.Variable `gnark:",public"`

	Balance frontend.Variable
	Salt    frontend.Variable
}

// PublicInputNames are the public inputs in witness order.
var PublicInputNames = []string{"commitment", "threshold"}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	h, err := zk.NewHasher(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h.Hash(c.Balance, c.Salt), c.Commitment)
	zk.AssertFitsBits(api, c.Balance, AmountBits)
	zk.AssertFitsBits(api, api.Sub(c.Balance, c.Threshold), AmountBits)
	return nil
}

// Spec is the solvency circuit for the shared machinery.
type Spec struct{}

// Name implements zk.Circuit.
func (Spec) Name() string { return CircuitName }

// PublicInputs implements zk.Circuit.
func (Spec) PublicInputs() []string { return append([]string(nil), PublicInputNames...) }

// Definition implements zk.Circuit.
func (Spec) Definition() frontend.Circuit { return &Circuit{} }

// Commitment is H(balance, salt).
func Commitment(balance uint64, salt fr.Element) fr.Element { return zk.Hash(zk.U64(balance), salt) }

// ErrInsufficient is the native check's refusal (the caller maps it to its domain error).
var ErrInsufficient = errors.New("solvency: balance below threshold")

// Witness is a solvency statement with its secret.
type Witness struct {
	Balance   uint64
	Threshold uint64
	Salt      fr.Element
}

// Public is [commitment, threshold].
func (w Witness) Public() []*big.Int {
	return []*big.Int{zk.Big(Commitment(w.Balance, w.Salt)), new(big.Int).SetUint64(w.Threshold)}
}

// Assignment is the gnark assignment.
func (w Witness) Assignment() *Circuit {
	p := w.Public()
	return &Circuit{Commitment: p[0], Threshold: p[1], Balance: w.Balance, Salt: zk.Big(w.Salt)}
}
