package zk

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// API errors of verification. A proof that parses but does not verify is not an error: the
// answer is {valid: false, reasons}.
var (
	ErrUnknownCircuit = errs.New(errs.NotFound, "zk.unknown_circuit", "no such circuit")
	ErrBadProof       = errs.New(errs.Invalid, "zk.malformed_proof", "the proof is not a base64 Groth16 BN254 proof")
	ErrBadInputs      = errs.New(errs.Invalid, "zk.invalid_public_inputs", "the public inputs do not fit the circuit")
	ErrUnknownRoot    = errs.New(errs.Unprocessable, "zk.unknown_root", "the proof uses a Merkle root outside the accepted history")
	ErrNullifierUsed  = errs.New(errs.Conflict, "zk.nullifier_used", "this nullifier was already used for a reward claim")
	ErrOnChainOff     = errs.New(errs.Unavailable, "zk.onchain_unavailable", "on-chain verification is not available for this circuit")
)

// Checker runs a circuit's checks beyond the pairing: roots against the accepted history,
// nullifiers, attestations. Reasons make a proof invalid; an error is returned as is (a 4xx
// errs.Error or an internal failure).
type Checker func(ctx context.Context, public []*big.Int, attestation string) (reasons []string, err error)

// OnChain verifies a proof with a deployed verifier contract (eth_call) and reports its gas.
type OnChain interface {
	VerifyOnChain(ctx context.Context, proof []byte, public []*big.Int) (valid bool, gas uint64, err error)
	Address() string
}

// Entry is one circuit the platform verifies.
type Entry struct {
	System *System
	Check  Checker
	// Attester, when set, reads the attestation's subject for the verdict.
	Attester *Attester
}

// Registry holds the platform's circuits with their keys: verification only ever uses these.
type Registry struct {
	mu      sync.RWMutex
	entries map[string]*entry
	metrics *Metrics
	now     func() time.Time
}

type entry struct {
	Entry
	onchain OnChain
}

// NewRegistry returns an empty registry recording into m (nil: no metrics).
func NewRegistry(m *Metrics) *Registry {
	return &Registry{entries: map[string]*entry{}, metrics: m, now: time.Now}
}

// Register adds a circuit. Its system starts recording proof metrics.
func (r *Registry) Register(e Entry) error {
	if e.System == nil {
		return errors.New("zk: a system is required")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.entries[e.System.Name()]; dup {
		return fmt.Errorf("zk: circuit %s registered twice", e.System.Name())
	}
	e.System.metrics = r.metrics
	r.entries[e.System.Name()] = &entry{Entry: e}
	return nil
}

// SetOnChain attaches a deployed verifier to a circuit.
func (r *Registry) SetOnChain(circuit string, oc OnChain) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[circuit]
	if !ok {
		return ErrUnknownCircuit
	}
	e.onchain = oc
	return nil
}

// KeyInfo describes a circuit's published verifying key.
type KeyInfo struct {
	Circuit         string
	KeyID           string
	PublicInputs    []string
	Constraints     int
	VerifyingKey    []byte
	Points          KeyPoints
	OnChainVerifier string
}

// Keys lists every circuit, sorted by name.
func (r *Registry) Keys() []KeyInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]KeyInfo, 0, len(r.entries))
	for _, e := range r.entries {
		out = append(out, keyInfo(e))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Circuit < out[j].Circuit })
	return out
}

// Key describes one circuit.
func (r *Registry) Key(circuit string) (KeyInfo, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.entries[circuit]
	if !ok {
		return KeyInfo{}, ErrUnknownCircuit
	}
	return keyInfo(e), nil
}

// System returns a circuit's system.
func (r *Registry) System(circuit string) (*System, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.entries[circuit]
	if !ok {
		return nil, ErrUnknownCircuit
	}
	return e.System, nil
}

func keyInfo(e *entry) KeyInfo {
	k := KeyInfo{Circuit: e.System.Name(), KeyID: e.System.KeyID(), PublicInputs: e.System.PublicInputs(),
		Constraints: e.System.Constraints(), VerifyingKey: e.System.VerifyingKeyBinary(), Points: e.System.Points()}
	if e.onchain != nil {
		k.OnChainVerifier = e.onchain.Address()
	}
	return k
}

// VerifyRequest is a proof to check.
type VerifyRequest struct {
	Circuit     string
	Proof       []byte
	Public      []string
	Attestation string
	OnChain     bool
}

// VerifyResult is the verdict.
type VerifyResult struct {
	Circuit string
	KeyID   string
	Valid   bool
	Reasons []string
	OnChain *OnChainResult
	// Attestation is what a valid attestation vouches for (circuits that have one).
	Attestation *Attestation
}

// OnChainResult is the verdict of the deployed verifier.
type OnChainResult struct {
	Valid    bool
	Gas      uint64
	Verifier string
}

// Verify checks a proof with our key for the circuit, then the circuit's own checks.
func (r *Registry) Verify(ctx context.Context, req VerifyRequest) (VerifyResult, error) {
	r.mu.RLock()
	e, ok := r.entries[req.Circuit]
	r.mu.RUnlock()
	if !ok {
		return VerifyResult{}, ErrUnknownCircuit
	}
	n := len(e.System.PublicInputs())
	if len(req.Public) != n {
		return VerifyResult{}, ErrBadInputs.WithMessage(fmt.Sprintf("circuit %s takes %d public inputs (%v), got %d",
			req.Circuit, n, e.System.PublicInputs(), len(req.Public)))
	}
	public := make([]*big.Int, n)
	for i, s := range req.Public {
		v, ok := new(big.Int).SetString(s, 10)
		if !ok || v.Sign() < 0 || v.Cmp(Modulus()) >= 0 {
			return VerifyResult{}, ErrBadInputs.WithField(e.System.PublicInputs()[i], "must be a decimal integer below the BN254 scalar field modulus")
		}
		public[i] = v
	}
	if _, err := ParseProof(req.Proof); err != nil {
		return VerifyResult{}, ErrBadProof.Wrap(err)
	}
	res := VerifyResult{Circuit: req.Circuit, KeyID: e.System.KeyID(), Valid: true}
	start := time.Now()
	err := e.System.Verify(req.Proof, public)
	r.metrics.observeVerify(req.Circuit, time.Since(start))
	if err != nil {
		if errors.Is(err, ErrMalformedProof) {
			return VerifyResult{}, ErrBadProof.Wrap(err)
		}
		res.Valid = false
		res.Reasons = append(res.Reasons, "the proof does not verify with the "+req.Circuit+" verifying key "+e.System.KeyID())
	}
	if e.Check != nil {
		reasons, err := e.Check(ctx, public, req.Attestation)
		if err != nil {
			r.metrics.countVerify(req.Circuit, "refused")
			return VerifyResult{}, err
		}
		if len(reasons) > 0 {
			res.Valid = false
			res.Reasons = append(res.Reasons, reasons...)
		}
	}
	if e.Attester != nil && req.Attestation != "" {
		if at, err := e.Attester.Verify(req.Attestation, r.now()); err == nil {
			res.Attestation = &at
		}
	}
	if req.OnChain {
		if e.onchain == nil {
			return VerifyResult{}, ErrOnChainOff
		}
		ok, gas, err := e.onchain.VerifyOnChain(ctx, req.Proof, public)
		if err != nil {
			return VerifyResult{}, err
		}
		res.OnChain = &OnChainResult{Valid: ok, Gas: gas, Verifier: e.onchain.Address()}
		if !ok {
			res.Valid = false
			res.Reasons = append(res.Reasons, "the on-chain verifier rejects the proof")
		}
	}
	if res.Reasons == nil {
		res.Reasons = []string{}
	}
	result := "valid"
	if !res.Valid {
		result = "invalid"
	}
	r.metrics.countVerify(req.Circuit, result)
	return res, nil
}

// Metrics are the proof metrics (the seed's "ZK Proofs Generated", timings, verdicts).
type Metrics struct {
	generated *prometheus.CounterVec
	prove     *prometheus.HistogramVec
	verify    *prometheus.HistogramVec
	verdicts  *prometheus.CounterVec
}

// NewMetrics registers the proof metrics (reg nil: unregistered).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		generated: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vibestream_zk_proofs_generated_total",
			Help: "ZK proofs generated, by circuit."}, []string{"circuit"}),
		prove: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vibestream_zk_prove_seconds",
			Help: "Time to generate one proof.", Buckets: []float64{.025, .05, .1, .2, .3, .5, 1, 2, 5}}, []string{"circuit"}),
		verify: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vibestream_zk_verify_seconds",
			Help: "Time to verify one proof (pairing check).", Buckets: []float64{.0005, .001, .002, .005, .01, .05}}, []string{"circuit"}),
		verdicts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vibestream_zk_verifications_total",
			Help: "Verifications answered, by circuit and result (valid, invalid, refused)."}, []string{"circuit", "result"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.generated, m.prove, m.verify, m.verdicts} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *Metrics) observeProof(circuit string, d time.Duration) {
	if m == nil {
		return
	}
	m.generated.WithLabelValues(circuit).Inc()
	m.prove.WithLabelValues(circuit).Observe(d.Seconds())
}

func (m *Metrics) observeVerify(circuit string, d time.Duration) {
	if m == nil {
		return
	}
	m.verify.WithLabelValues(circuit).Observe(d.Seconds())
}

func (m *Metrics) countVerify(circuit, result string) {
	if m == nil {
		return
	}
	m.verdicts.WithLabelValues(circuit, result).Inc()
}
