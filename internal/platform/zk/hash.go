// Package zk holds the gadgets every circuit of the platform shares: the Poseidon2 hash (the
// same function natively and inside a circuit), Merkle paths over it, the cheap range check,
// key generation and storage (fast raw loading), proving and verifying helpers, the
// multi-party phase-2 ceremony and the Solidity export. Circuits themselves live with the
// context whose fact they prove; gnark stays out of every domain and application layer.
package zk

import (
	"fmt"
	"math/big"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	nativep2 "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// Poseidon2 parameters on BN254. gnark has no in-circuit defaults for BN254, so both sides are
// built from these explicitly; they are gnark-crypto's native defaults.
const (
	PoseidonWidth         = 2
	PoseidonFullRounds    = 6
	PoseidonPartialRounds = 50
)

// Domain tags keep hashes of different purposes apart (a nullifier can never equal a
// commitment computed over the same numbers).
const (
	TagNullifier = 0x6e756c6c // "null"
)

var nativePerm = sync.OnceValue(func() *nativep2.Permutation {
	return nativep2.NewPermutation(PoseidonWidth, PoseidonFullRounds, PoseidonPartialRounds)
})

// Modulus is the BN254 scalar field order: every public input is below it.
func Modulus() *big.Int { return fr.Modulus() }

// Compress is the 2-to-1 Poseidon2 compression: permute (l, r) and feed r forward.
func Compress(l, r fr.Element) fr.Element {
	x := [2]fr.Element{l, r}
	if err := nativePerm().Permutation(x[:]); err != nil {
		panic(err) // width 2 is fixed above
	}
	var out fr.Element
	out.Add(&x[1], &r)
	return out
}

// Hash is Merkle-Damgard over Compress with a zero initial state: H(x1..xn) =
// C(...C(C(0, x1), x2)..., xn). The circuit Hasher computes the same function.
func Hash(xs ...fr.Element) fr.Element {
	var s fr.Element
	for _, x := range xs {
		s = Compress(s, x)
	}
	return s
}

// PackBits is where Pack puts its high part: a song or session uuid (128 bits) fits below it.
const PackBits = 128

var packShift = new(big.Int).Lsh(big.NewInt(1), PackBits)

// Pack is hi·2^128 + lo: two numbers in one field element, for the price of no constraint in a
// circuit (a linear combination). It is injective while lo < 2^128 and hi < 2^125, which the
// circuits guarantee (lo is a uuid or a tree leaf that is one; hi is a tag or range-checked).
func Pack(hi, lo fr.Element) fr.Element {
	var s, out fr.Element
	s.SetBigInt(packShift)
	out.Mul(&hi, &s)
	out.Add(&out, &lo)
	return out
}

// Elem converts a non-negative integer below the modulus to a field element.
func Elem(v *big.Int) (fr.Element, error) {
	var e fr.Element
	if v == nil || v.Sign() < 0 || v.Cmp(fr.Modulus()) >= 0 {
		return e, fmt.Errorf("zk: %v is not a field element", v)
	}
	e.SetBigInt(v)
	return e, nil
}

// U64 is a field element holding v.
func U64(v uint64) fr.Element {
	var e fr.Element
	e.SetUint64(v)
	return e
}

// Big returns e as an integer.
func Big(e fr.Element) *big.Int {
	var b big.Int
	e.BigInt(&b)
	return &b
}

// Hasher computes Hash and Compress inside a circuit.
type Hasher struct {
	api  frontend.API
	perm *poseidon2.Permutation
}

// NewHasher builds the in-circuit Poseidon2 with the parameters above.
func NewHasher(api frontend.API) (*Hasher, error) {
	p, err := poseidon2.NewPoseidon2FromParameters(api, PoseidonWidth, PoseidonFullRounds, PoseidonPartialRounds)
	if err != nil {
		return nil, err
	}
	return &Hasher{api: api, perm: p}, nil
}

// Compress is the in-circuit 2-to-1 compression.
func (h *Hasher) Compress(l, r frontend.Variable) frontend.Variable { return h.perm.Compress(l, r) }

// Hash is the in-circuit Merkle-Damgard hash (same as the native Hash).
func (h *Hasher) Hash(xs ...frontend.Variable) frontend.Variable {
	var s frontend.Variable = 0
	for _, x := range xs {
		s = h.perm.Compress(s, x)
	}
	return s
}

// Pack is the in-circuit Pack (a linear combination: no constraint).
func (h *Hasher) Pack(hi, lo frontend.Variable) frontend.Variable {
	return h.api.Add(h.api.Mul(hi, packShift), lo)
}

// MerkleRoot recomputes the root of a binary Merkle tree from a leaf, its index and the
// siblings from the leaf level up (len(siblings) is the depth). The index is decomposed into
// depth bits (which also bounds it); bit i set means the node at level i is a right child.
// Each level orders its pair with one constraint: left = cur + bit·(sib − cur), and right is
// the linear rest cur + sib − left (two Selects would cost two).
func (h *Hasher) MerkleRoot(leaf, index frontend.Variable, siblings []frontend.Variable) frontend.Variable {
	bits := h.api.ToBinary(index, len(siblings))
	cur := leaf
	for i, sib := range siblings {
		l := h.api.Add(cur, h.api.Mul(bits[i], h.api.Sub(sib, cur)))
		r := h.api.Sub(h.api.Add(cur, sib), l)
		cur = h.perm.Compress(l, r)
	}
	return cur
}

// AssertFitsBits constrains v to [0, 2^n): a decomposition into n boolean bits costs about n+1
// constraints (AssertIsLessOrEqual costs ~1.5k). It is how circuits check "a >= b": the
// difference a-b fits in n bits only when it did not wrap around the field.
func AssertFitsBits(api frontend.API, v frontend.Variable, n int) {
	api.ToBinary(v, n)
}
