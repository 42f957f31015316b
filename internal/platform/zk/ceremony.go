package zk

import (
	"bytes"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	cs "github.com/consensys/gnark/constraint/bn254"
)

// Ceremony runs gnark's multi-party Groth16 setup for one circuit: phase 1 (powers of tau,
// circuit independent) then phase 2 (circuit specific). Each contribution is serialised and
// read back the way participants would exchange them, every contribution is verified, and
// the beacons seal each phase. The keys are sound as long as one participant of each phase
// destroyed its randomness. Production runs the same steps with one contribution per
// participant on their own machine (docs/ZK.md); this in-process form is for tests and
// rehearsals.
func Ceremony(c Circuit, phase1Contributions, phase2Contributions int, beacon1, beacon2 []byte) (*System, error) {
	if phase1Contributions < 1 || phase2Contributions < 1 {
		return nil, fmt.Errorf("zk: a ceremony needs at least one contribution per phase")
	}
	compiled, err := Compile(c)
	if err != nil {
		return nil, err
	}
	r1cs, ok := compiled.(*cs.R1CS)
	if !ok {
		return nil, fmt.Errorf("zk: %s is not a BN254 R1CS", c.Name())
	}
	domain := ecc.NextPowerOfTwo(uint64(r1cs.GetNbConstraints()))

	var p1 mpcsetup.Phase1
	p1.Initialize(domain)
	contribs1 := make([]*mpcsetup.Phase1, phase1Contributions)
	for i := range contribs1 {
		p1.Contribute()
		var buf bytes.Buffer
		if _, err := p1.WriteTo(&buf); err != nil {
			return nil, err
		}
		contribs1[i] = new(mpcsetup.Phase1)
		if _, err := contribs1[i].ReadFrom(&buf); err != nil {
			return nil, fmt.Errorf("zk: phase 1 contribution %d: %w", i, err)
		}
	}
	commons, err := mpcsetup.VerifyPhase1(domain, beacon1, contribs1...)
	if err != nil {
		return nil, fmt.Errorf("zk: verify phase 1: %w", err)
	}

	var p2 mpcsetup.Phase2
	p2.Initialize(r1cs, &commons)
	contribs2 := make([]*mpcsetup.Phase2, phase2Contributions)
	for i := range contribs2 {
		p2.Contribute()
		var buf bytes.Buffer
		if _, err := p2.WriteTo(&buf); err != nil {
			return nil, err
		}
		contribs2[i] = new(mpcsetup.Phase2)
		if _, err := contribs2[i].ReadFrom(&buf); err != nil {
			return nil, fmt.Errorf("zk: phase 2 contribution %d: %w", i, err)
		}
	}
	pk, vk, err := mpcsetup.VerifyPhase2(r1cs, &commons, beacon2, contribs2...)
	if err != nil {
		return nil, fmt.Errorf("zk: verify phase 2: %w", err)
	}
	return newSystem(c, compiled, pk, vk)
}
