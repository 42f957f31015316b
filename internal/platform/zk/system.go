package zk

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"
)

func init() {
	// gnark logs every compile and proof to stdout; the platform logs through slog instead.
	logger.Disable()
}

// Curve is the one curve of the platform's proofs (Groth16 on BN254, verifiable on Ethereum).
const Curve = ecc.BN254

// Circuit is what a context hands to the shared machinery: a name, a sized definition to
// compile, and the names of its public inputs in witness order.
type Circuit interface {
	Name() string
	Definition() frontend.Circuit
	PublicInputs() []string
}

// Revisioned is a circuit that counts its changes: keys are saved with the revision they were
// made for, and keys of another revision are stale (ErrStaleKeys). A circuit without it is
// revision 1.
type Revisioned interface {
	Revision() int
}

// RevisionOf is c's revision (1 unless c is Revisioned).
func RevisionOf(c Circuit) int {
	if r, ok := c.(Revisioned); ok {
		return r.Revision()
	}
	return 1
}

// System is one circuit's compiled constraint system with its keys.
type System struct {
	name   string
	inputs []string
	cs     constraint.ConstraintSystem
	pk     groth16.ProvingKey
	vk     groth16.VerifyingKey
	vkBin  []byte
	keyID  string
	rev    int
	// metrics is set when the system is registered
	metrics *Metrics
}

// Name is the circuit name ("listen", "solvency", "age").
func (s *System) Name() string { return s.name }

// KeyID names the verifying key: the circuit and the first 16 hex digits of SHA-256 over its
// binary form, so a new setup gets a new id.
func (s *System) KeyID() string { return s.keyID }

// PublicInputs are the names of the public inputs, in order.
func (s *System) PublicInputs() []string { return append([]string(nil), s.inputs...) }

// Revision is the circuit revision the keys were made for.
func (s *System) Revision() int { return s.rev }

// Constraints is the number of R1CS constraints.
func (s *System) Constraints() int { return s.cs.GetNbConstraints() }

// VerifyingKey is the verifying key (gnark type, for exports).
func (s *System) VerifyingKey() groth16.VerifyingKey { return s.vk }

// VerifyingKeyBinary is the verifying key in gnark's compressed binary form.
func (s *System) VerifyingKeyBinary() []byte { return append([]byte(nil), s.vkBin...) }

// Compile compiles a circuit definition to R1CS.
func Compile(c Circuit) (constraint.ConstraintSystem, error) {
	cs, err := frontend.Compile(Curve.ScalarField(), r1cs.NewBuilder, c.Definition())
	if err != nil {
		return nil, fmt.Errorf("zk: compile %s: %w", c.Name(), err)
	}
	if got := cs.GetNbPublicVariables() - 1; got != len(c.PublicInputs()) {
		return nil, fmt.Errorf("zk: %s declares %d public inputs but its circuit has %d", c.Name(), len(c.PublicInputs()), got)
	}
	return cs, nil
}

// Setup compiles the circuit and runs a single-party Groth16 setup (development keys; see
// Ceremony for production keys).
func Setup(c Circuit) (*System, error) {
	cs, err := Compile(c)
	if err != nil {
		return nil, err
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		return nil, fmt.Errorf("zk: setup %s: %w", c.Name(), err)
	}
	return newSystem(c, cs, pk, vk)
}

// NewSystem assembles a system from keys made elsewhere (a ceremony).
func NewSystem(c Circuit, cs constraint.ConstraintSystem, pk groth16.ProvingKey, vk groth16.VerifyingKey) (*System, error) {
	return newSystem(c, cs, pk, vk)
}

func newSystem(c Circuit, cs constraint.ConstraintSystem, pk groth16.ProvingKey, vk groth16.VerifyingKey) (*System, error) {
	if vk.NbPublicWitness() != len(c.PublicInputs()) {
		return nil, fmt.Errorf("zk: %s verifying key has %d public inputs, want %d", c.Name(), vk.NbPublicWitness(), len(c.PublicInputs()))
	}
	var buf bytes.Buffer
	if _, err := vk.WriteTo(&buf); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	return &System{name: c.Name(), inputs: c.PublicInputs(), cs: cs, pk: pk, vk: vk, vkBin: buf.Bytes(),
		keyID: c.Name() + "-" + hex.EncodeToString(sum[:8]), rev: RevisionOf(c)}, nil
}

// Key files in a circuit's directory.
const (
	fileCS = "circuit.r1cs"
	filePK = "proving.key.raw"
	fileVK = "verifying.key"
	// fileRev holds the circuit revision the keys were made for (absent: revision 1, keys
	// saved before revisions were recorded).
	fileRev = "circuit.revision"
)

// Save writes the system under dir/<name>/ (constraint system, raw proving key, verifying
// key). Files are written to a temporary directory and renamed into place, so a reader never
// sees a half-written set.
func (s *System) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, "."+s.name+"-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	write := func(name string, w io.WriterTo) error {
		f, err := os.OpenFile(filepath.Join(tmp, name), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := w.WriteTo(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := write(fileCS, s.cs); err != nil {
		return err
	}
	if err := write(filePK, rawWriter{s.pk}); err != nil {
		return err
	}
	if err := write(fileVK, s.vk); err != nil {
		return err
	}
	if err := write(fileRev, bytes.NewBufferString(strconv.Itoa(s.rev)+"\n")); err != nil {
		return err
	}
	final := filepath.Join(dir, s.name)
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(final); statErr == nil {
			return fmt.Errorf("zk: %s already holds keys for %s: remove it to replace them", final, s.name)
		}
		return err
	}
	return nil
}

type rawWriter struct{ pk groth16.ProvingKey }

func (r rawWriter) WriteTo(w io.Writer) (int64, error) { return r.pk.WriteRawTo(w) }

// ErrNoKeys is returned by Load when a circuit has no keys on disk yet.
var ErrNoKeys = errors.New("zk: no keys")

// ErrStaleKeys is returned by Load when the keys on disk were made for another revision of the
// circuit: they cannot prove the current circuit, and proofs made with them state something
// else.
var ErrStaleKeys = errors.New("zk: keys of another circuit revision")

// savedRevision reads the revision a key directory was made for.
func savedRevision(d string) (int, error) {
	b, err := os.ReadFile(filepath.Join(d, fileRev))
	if errors.Is(err, os.ErrNotExist) {
		return 1, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("zk: %s: %w", filepath.Join(d, fileRev), err)
	}
	return n, nil
}

// Load reads a system saved by Save. The proving key is read in raw form without subgroup
// checks (UnsafeReadFrom: milliseconds instead of seconds); it is our own file, written by
// Save. The verifying key is read with every check.
func Load(dir string, c Circuit) (*System, error) {
	d := filepath.Join(dir, c.Name())
	if _, err := os.Stat(d); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w for %s under %s (run `vibestream zk setup`)", ErrNoKeys, c.Name(), dir)
	}
	if rev, err := savedRevision(d); err != nil {
		return nil, err
	} else if want := RevisionOf(c); rev != want {
		return nil, fmt.Errorf("%w: %s holds keys of %s revision %d, the circuit is revision %d (run `vibestream zk setup` or a new ceremony)",
			ErrStaleKeys, d, c.Name(), rev, want)
	}
	cs := groth16.NewCS(Curve)
	pk := groth16.NewProvingKey(Curve)
	vk := groth16.NewVerifyingKey(Curve)
	read := func(name string, fn func(io.Reader) (int64, error)) error {
		f, err := os.Open(filepath.Join(d, name))
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := fn(bufReader(f)); err != nil {
			return fmt.Errorf("zk: read %s: %w", filepath.Join(d, name), err)
		}
		return nil
	}
	if err := read(fileCS, cs.ReadFrom); err != nil {
		return nil, err
	}
	if err := read(filePK, pk.UnsafeReadFrom); err != nil {
		return nil, err
	}
	if err := read(fileVK, vk.ReadFrom); err != nil {
		return nil, err
	}
	return newSystem(c, cs, pk, vk)
}

// LoadOrSetup loads the keys of c under dir or, when there are none, runs Setup and saves
// them (the default local setup: keys generated at first start). created reports a setup.
//
// Keys of another circuit revision are moved aside to <name>.revision-<n>-<time> (kept, since
// proofs made with them may still be read) and new keys are made.
func LoadOrSetup(dir string, c Circuit) (s *System, created bool, err error) {
	s, err = Load(dir, c)
	if errors.Is(err, ErrStaleKeys) {
		d := filepath.Join(dir, c.Name())
		rev, rerr := savedRevision(d)
		if rerr != nil {
			return nil, false, rerr
		}
		aside := fmt.Sprintf("%s.revision-%d-%s", d, rev, time.Now().UTC().Format("20060102T150405.000000000"))
		if mverr := os.Rename(d, aside); mverr != nil && !errors.Is(mverr, os.ErrNotExist) {
			return nil, false, mverr // (another instance may have moved it first: then go on)
		}
		s, err = Load(dir, c)
	}
	if err == nil || !errors.Is(err, ErrNoKeys) {
		return s, false, err
	}
	if s, err = Setup(c); err != nil {
		return nil, false, err
	}
	if err := s.Save(dir); err != nil {
		// Another instance may have won the race: its keys are the ones to use.
		if loaded, lerr := Load(dir, c); lerr == nil {
			return loaded, false, nil
		}
		return nil, false, err
	}
	return s, true, nil
}

// Proof is a Groth16 proof with its public inputs.
type Proof struct {
	Circuit string
	KeyID   string
	// Bytes is gnark's compressed binary form (G1, G2, G1: 128 bytes).
	Bytes  []byte
	Public []*big.Int
	// Elapsed is how long proving took.
	Elapsed time.Duration
}

// Encoded is the proof as it travels in JSON: base64 of Bytes.
func (p Proof) Encoded() string { return base64.StdEncoding.EncodeToString(p.Bytes) }

// PublicStrings are the public inputs as decimal strings.
func (p Proof) PublicStrings() []string { return DecimalStrings(p.Public) }

// DecimalStrings formats field elements as decimal strings.
func DecimalStrings(v []*big.Int) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = x.String()
	}
	return out
}

// Prove proves a full assignment of the circuit. The caller checks the business rule natively
// first: gnark's error for an unsatisfied constraint is not meant for users.
func (s *System) Prove(assignment frontend.Circuit) (Proof, error) {
	start := time.Now()
	w, err := frontend.NewWitness(assignment, Curve.ScalarField())
	if err != nil {
		return Proof{}, fmt.Errorf("zk: %s witness: %w", s.name, err)
	}
	pr, err := groth16.Prove(s.cs, s.pk, w)
	if err != nil {
		return Proof{}, fmt.Errorf("zk: prove %s: %w", s.name, err)
	}
	pub, err := w.Public()
	if err != nil {
		return Proof{}, err
	}
	var buf bytes.Buffer
	if _, err := pr.WriteTo(&buf); err != nil {
		return Proof{}, err
	}
	elapsed := time.Since(start)
	s.metrics.observeProof(s.name, elapsed)
	return Proof{Circuit: s.name, KeyID: s.keyID, Bytes: buf.Bytes(), Public: vectorOf(pub), Elapsed: elapsed}, nil
}

// Errors of Verify, distinguishable with errors.Is.
var (
	ErrMalformedProof = errors.New("zk: malformed proof")
	ErrPublicInputs   = errors.New("zk: wrong public inputs")
	ErrInvalidProof   = errors.New("zk: proof does not verify")
)

// Verify checks a proof against this system's verifying key, never a key from the caller.
func (s *System) Verify(proof []byte, public []*big.Int) error {
	return VerifyWithKey(s.vk, proof, public)
}

// VerifyWithKey checks a proof with a verifying key alone: what a third party does with the
// published key.
func VerifyWithKey(vk groth16.VerifyingKey, proof []byte, public []*big.Int) (err error) {
	if len(public) != vk.NbPublicWitness() {
		return fmt.Errorf("%w: got %d, the circuit has %d", ErrPublicInputs, len(public), vk.NbPublicWitness())
	}
	for i, v := range public {
		if v == nil || v.Sign() < 0 || v.Cmp(Curve.ScalarField()) >= 0 {
			return fmt.Errorf("%w: input %d is not a field element", ErrPublicInputs, i)
		}
	}
	pr, err := ParseProof(proof)
	if err != nil {
		return err
	}
	w, err := PublicWitness(public)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrMalformedProof, r)
		}
	}()
	if err := groth16.Verify(pr, vk, w); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidProof, err)
	}
	return nil
}

// ParseProof decodes gnark's binary proof form, checking that every point is on the curve and
// in its subgroup, and that no bytes trail.
func ParseProof(b []byte) (pr groth16.Proof, err error) {
	defer func() {
		if r := recover(); r != nil {
			pr, err = nil, fmt.Errorf("%w: %v", ErrMalformedProof, r)
		}
	}()
	pr = groth16.NewProof(Curve)
	n, err := pr.ReadFrom(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedProof, err)
	}
	if int(n) != len(b) {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrMalformedProof, len(b)-int(n))
	}
	return pr, nil
}

// PublicWitness builds a public-only witness from values in circuit order.
func PublicWitness(public []*big.Int) (witness.Witness, error) {
	w, err := witness.New(Curve.ScalarField())
	if err != nil {
		return nil, err
	}
	ch := make(chan any, len(public))
	for _, v := range public {
		ch <- new(big.Int).Set(v)
	}
	close(ch)
	if err := w.Fill(len(public), 0, ch); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPublicInputs, err)
	}
	return w, nil
}

func vectorOf(w witness.Witness) []*big.Int {
	vec, _ := w.Vector().(fr.Vector)
	out := make([]*big.Int, len(vec))
	for i := range vec {
		out[i] = Big(vec[i])
	}
	return out
}

func bufReader(r io.Reader) io.Reader { return bufio.NewReaderSize(r, 1<<20) }

// ParseVerifyingKey reads a verifying key in the binary form GET /zk/keys/{circuit} serves.
func ParseVerifyingKey(b []byte) (groth16.VerifyingKey, error) {
	vk := groth16.NewVerifyingKey(Curve)
	if _, err := vk.ReadFrom(bytes.NewReader(b)); err != nil {
		return nil, err
	}
	return vk, nil
}

// ExportSolidity writes gnark's Solidity verifier for this system's verifying key as a
// contract named contractName.
func (s *System) ExportSolidity(w io.Writer, contractName string) error {
	var buf bytes.Buffer
	if err := s.vk.ExportSolidity(&buf, solidity.WithPragmaVersion("^0.8.20")); err != nil {
		return err
	}
	src := bytes.Replace(buf.Bytes(), []byte("contract Verifier {"), []byte("contract "+contractName+" {"), 1)
	src = append([]byte("// Generated by `vibestream zk export-solidity` for verifying key "+s.keyID+"; do not edit.\n"), src...)
	_, err := w.Write(src)
	return err
}

// SolidityProof converts a proof to the uint256[8] the exported verifier takes.
func SolidityProof(proof []byte) ([8]*big.Int, error) {
	var out [8]*big.Int
	pr, err := ParseProof(proof)
	if err != nil {
		return out, err
	}
	p, ok := pr.(*groth16bn254.Proof)
	if !ok {
		return out, fmt.Errorf("%w: not a BN254 proof", ErrMalformedProof)
	}
	raw := p.MarshalSolidity()
	if len(raw) != 8*32 {
		return out, fmt.Errorf("%w: proofs with commitments are not supported on chain", ErrMalformedProof)
	}
	for i := range out {
		out[i] = new(big.Int).SetBytes(raw[i*32 : (i+1)*32])
	}
	return out, nil
}

// KeyPoints is a verifying key's curve points as decimal strings (G2 coordinates as
// [c0, c1] pairs), for verifiers that do not read gnark's binary form. IC[0] is the constant
// term, IC[i] the i-th public input's.
type KeyPoints struct {
	Alpha [2]string    `json:"alpha_g1"`
	Beta  [2][2]string `json:"beta_g2"`
	Gamma [2][2]string `json:"gamma_g2"`
	Delta [2][2]string `json:"delta_g2"`
	IC    [][2]string  `json:"ic"`
}

// Points returns the verifying key's points.
func (s *System) Points() KeyPoints {
	vk := s.vk.(*groth16bn254.VerifyingKey)
	g2 := func(p bn254.G2Affine) [2][2]string {
		return [2][2]string{{p.X.A0.String(), p.X.A1.String()}, {p.Y.A0.String(), p.Y.A1.String()}}
	}
	out := KeyPoints{Alpha: [2]string{vk.G1.Alpha.X.String(), vk.G1.Alpha.Y.String()},
		Beta: g2(vk.G2.Beta), Gamma: g2(vk.G2.Gamma), Delta: g2(vk.G2.Delta)}
	for _, k := range vk.G1.K {
		out.IC = append(out.IC, [2]string{k.X.String(), k.Y.String()})
	}
	return out
}
