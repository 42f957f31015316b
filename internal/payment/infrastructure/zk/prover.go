package zk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/platform/zk"
)

// Prover implements application.SolvencyProver with the solvency circuit and the platform's
// attester.
type Prover struct {
	sys      *zk.System
	attester *zk.Attester
	now      func() time.Time
}

var _ application.SolvencyProver = (*Prover)(nil)

// NewProver builds the prover.
func NewProver(sys *zk.System, attester *zk.Attester, now func() time.Time) (*Prover, error) {
	if sys == nil || attester == nil || now == nil {
		return nil, errors.New("payment zk: a system, an attester and a clock are required")
	}
	if sys.Name() != CircuitName {
		return nil, fmt.Errorf("payment zk: system %s is not the solvency circuit", sys.Name())
	}
	return &Prover{sys: sys, attester: attester, now: now}, nil
}

// ProveSolvency implements application.SolvencyProver. The salt is fresh for every proof, so
// two proofs of the same balance carry unrelated commitments.
func (p *Prover) ProveSolvency(_ context.Context, user uuid.UUID, asset money.Asset, balance, threshold int64) (application.SolvencyStatement, error) {
	if balance < threshold || threshold < 0 {
		return application.SolvencyStatement{}, ErrInsufficient
	}
	var salt fr.Element
	if _, err := salt.SetRandom(); err != nil {
		return application.SolvencyStatement{}, err
	}
	w := Witness{Balance: uint64(balance), Threshold: uint64(threshold), Salt: salt}
	proof, err := p.sys.Prove(w.Assignment())
	if err != nil {
		return application.SolvencyStatement{}, err
	}
	commitment := proof.Public[0].String()
	token, at, err := p.attester.Sign(zk.Attestation{Circuit: CircuitName, Commitment: commitment, Subject: user.String(),
		Asset: asset.String()}, p.now())
	if err != nil {
		return application.SolvencyStatement{}, err
	}
	return application.SolvencyStatement{Circuit: CircuitName, Proof: proof.Encoded(), PublicInputs: proof.PublicStrings(),
		KeyID: proof.KeyID, Commitment: commitment, Attestation: token, ExpiresAt: at.ExpiresAt}, nil
}
