// Package zk is the listen-reward context's zero-knowledge adapter: the listen circuit, the
// witness built from a qualified session, and the prover behind the application's port.
package zk

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/platform/zk"
)

// CircuitName names the listen circuit in keys, proofs and the API.
const CircuitName = "listen"

// Depth is the depth of the catalog and users trees in production (about a million leaves
// each).
const Depth = 20

// SecondsBits bounds listened seconds and their margin over the minimum (2^32 s is 136 years).
const SecondsBits = 32

// Revision is the listen circuit's revision: keys made for another revision are stale (see
// zk.Load). Revision 2: the catalog leaf is the song itself, the nullifier and the commitment
// are single compressions over packed inputs, and Merkle levels order their pair with one
// constraint, so the circuit fits the 2^13 FFT domain (revision 1 had 8,901 constraints).
const Revision = 2

// Circuit proves that a registered identity completed a qualified listen of some published
// song: the song (a nonzero leaf: the empty leaf is 0) is in the catalog tree, the identity's
// commitment H(secret) is in the users tree, the nullifier is
// Compress(secret, Pack(tag, session tag)), the commitment is Compress(Pack(seconds, song), salt)
// with seconds below 2^32, and seconds >= min_seconds. The song, the user, the seconds and the
// salt stay private.
type Circuit struct {
	CatalogRoot frontend.Variable `gnark:",public"`
	UsersRoot   frontend.Variable `gnark:",public"`
	Nullifier   frontend.Variable `gnark:",public"`
	SessionTag  frontend.Variable `gnark:",public"`
	MinSeconds  frontend.Variable `gnark:",public"`
	Commitment  frontend.Variable `gnark:",public"`

	Secret      frontend.Variable
	Song        frontend.Variable
	Seconds     frontend.Variable
	Salt        frontend.Variable
	SongIndex   frontend.Variable
	SongPath    []frontend.Variable
	IdentityIdx frontend.Variable
	UserPath    []frontend.Variable
}

// PublicInputNames are the public inputs in witness order.
var PublicInputNames = []string{"catalog_root", "users_root", "nullifier", "session_tag", "min_seconds", "commitment"}

// Public input positions.
const (
	InCatalogRoot = iota
	InUsersRoot
	InNullifier
	InSessionTag
	InMinSeconds
	InCommitment
)

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	h, err := zk.NewHasher(api)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(c.Song, 0) // an empty slot of the tree is no song
	api.AssertIsEqual(h.MerkleRoot(c.Song, c.SongIndex, c.SongPath), c.CatalogRoot)
	api.AssertIsEqual(h.MerkleRoot(h.Hash(c.Secret), c.IdentityIdx, c.UserPath), c.UsersRoot)
	api.AssertIsEqual(h.Compress(c.Secret, h.Pack(zk.TagNullifier, c.SessionTag)), c.Nullifier)
	zk.AssertFitsBits(api, c.Seconds, SecondsBits) // keeps Pack(seconds, song) injective
	api.AssertIsEqual(h.Compress(h.Pack(c.Seconds, c.Song), c.Salt), c.Commitment)
	zk.AssertFitsBits(api, api.Sub(c.Seconds, c.MinSeconds), SecondsBits)
	return nil
}

// Spec is the listen circuit at a depth (production: Depth).
type Spec struct{ depth int }

// NewSpec returns the listen circuit with trees of the given depth.
func NewSpec(depth int) Spec { return Spec{depth: depth} }

// Name implements zk.Circuit.
func (s Spec) Name() string { return CircuitName }

// Revision implements zk.Circuit.
func (s Spec) Revision() int { return Revision }

// PublicInputs implements zk.Circuit.
func (s Spec) PublicInputs() []string { return append([]string(nil), PublicInputNames...) }

// Definition implements zk.Circuit.
func (s Spec) Definition() frontend.Circuit {
	return &Circuit{SongPath: make([]frontend.Variable, s.depth), UserPath: make([]frontend.Variable, s.depth)}
}

// Depth is the trees' depth.
func (s Spec) Depth() int { return s.depth }

// UUIDElem maps a uuid to a field element (its 128 bits as an integer).
func UUIDElem(id uuid.UUID) fr.Element {
	var e fr.Element
	e.SetBigInt(new(big.Int).SetBytes(id[:]))
	return e
}

// SongLeaf is the catalog tree's leaf of a song: the song id itself (nonzero for every real
// uuid; no hash is needed, a leaf is never secret on its own).
func SongLeaf(song uuid.UUID) fr.Element { return UUIDElem(song) }

// IdentityCommitment is the users tree's leaf of an identity: H(secret).
func IdentityCommitment(secret fr.Element) fr.Element { return zk.Hash(secret) }

// Nullifier is Compress(secret, Pack(tag, session tag)): one per identity and session, the
// same however many times the session is proved.
func Nullifier(secret fr.Element, session uuid.UUID) fr.Element {
	return zk.Compress(secret, zk.Pack(zk.U64(zk.TagNullifier), UUIDElem(session)))
}

// Commitment is Compress(Pack(seconds, song), salt): it binds the hidden song and seconds.
func Commitment(song uuid.UUID, seconds uint64, salt fr.Element) fr.Element {
	return zk.Compress(zk.Pack(zk.U64(seconds), UUIDElem(song)), salt)
}

// Witness is everything a listen proof needs, natively.
type Witness struct {
	Secret     fr.Element
	Song       uuid.UUID
	Session    uuid.UUID
	Seconds    uint64
	MinSeconds uint64
	Salt       fr.Element
	SongPath   zk.Path
	UserPath   zk.Path
}

// Errors of Check: the business rules, checked natively before proving.
var (
	ErrTooShort      = errors.New("listen: listened seconds below the minimum")
	ErrTooLong       = errors.New("listen: listened seconds do not fit 32 bits")
	ErrSongNotInTree = errors.New("listen: song path does not lead to the catalog root")
	ErrUserNotInTree = errors.New("listen: identity path does not lead to the users root")
)

// Public computes the public inputs (the statement) from the witness.
func (w Witness) Public() []*big.Int {
	return []*big.Int{
		zk.Big(w.SongPath.Root(SongLeaf(w.Song))),
		zk.Big(w.UserPath.Root(IdentityCommitment(w.Secret))),
		zk.Big(Nullifier(w.Secret, w.Session)),
		zk.Big(UUIDElem(w.Session)),
		new(big.Int).SetUint64(w.MinSeconds),
		zk.Big(Commitment(w.Song, w.Seconds, w.Salt)),
	}
}

// Check verifies the business rules natively against the roots the proof must use.
func (w Witness) Check(catalogRoot, usersRoot fr.Element) error {
	if w.Seconds >= 1<<SecondsBits {
		return ErrTooLong
	}
	if w.Seconds < w.MinSeconds {
		return ErrTooShort
	}
	if r := w.SongPath.Root(SongLeaf(w.Song)); !r.Equal(&catalogRoot) {
		return ErrSongNotInTree
	}
	if r := w.UserPath.Root(IdentityCommitment(w.Secret)); !r.Equal(&usersRoot) {
		return ErrUserNotInTree
	}
	return nil
}

// Assignment is the full gnark assignment of the witness.
func (w Witness) Assignment() (*Circuit, error) {
	if len(w.SongPath.Siblings) != len(w.UserPath.Siblings) {
		return nil, fmt.Errorf("listen: paths of different depths (%d, %d)", len(w.SongPath.Siblings), len(w.UserPath.Siblings))
	}
	pub := w.Public()
	a := &Circuit{
		CatalogRoot: pub[InCatalogRoot], UsersRoot: pub[InUsersRoot], Nullifier: pub[InNullifier],
		SessionTag: pub[InSessionTag], MinSeconds: pub[InMinSeconds], Commitment: pub[InCommitment],
		Secret: zk.Big(w.Secret), Song: zk.Big(UUIDElem(w.Song)), Seconds: w.Seconds, Salt: zk.Big(w.Salt),
		SongIndex: w.SongPath.Index, IdentityIdx: w.UserPath.Index,
		SongPath: vars(w.SongPath.Siblings), UserPath: vars(w.UserPath.Siblings),
	}
	return a, nil
}

func vars(es []fr.Element) []frontend.Variable {
	out := make([]frontend.Variable, len(es))
	for i := range es {
		out[i] = zk.Big(es[i])
	}
	return out
}
