package zk

import (
	"context"
	"encoding/base64"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// AgeVerifier implements contracts.AgeVerifier with the platform's registry (our verifying key
// only) and attester: other contexts check an age without reading a birthdate.
type AgeVerifier struct {
	registry *zk.Registry
	attester *zk.Attester
}

var _ contracts.AgeVerifier = (*AgeVerifier)(nil)

// NewAgeVerifier builds the verifier.
func NewAgeVerifier(r *zk.Registry, a *zk.Attester) *AgeVerifier {
	return &AgeVerifier{registry: r, attester: a}
}

// VerifyAge implements contracts.AgeVerifier.
func (v *AgeVerifier) VerifyAge(ctx context.Context, p contracts.AgeProof, subject uuid.UUID, minAge int, asOf time.Time) error {
	if p.Circuit != "" && p.Circuit != CircuitName {
		return contracts.ErrAgeProofInvalid.WithField("circuit", "must be age")
	}
	if len(p.PublicInputs) != len(PublicInputNames) || len(p.Proof) > 4096 || len(p.Attestation) > 4096 {
		return contracts.ErrAgeProofInvalid.WithField("public_inputs", "must be [commitment, born_on_or_before]")
	}
	raw, err := base64.StdEncoding.DecodeString(p.Proof)
	if err != nil {
		return contracts.ErrAgeProofInvalid.WithField("proof", "must be the base64 of a Groth16 proof")
	}
	res, err := v.registry.Verify(ctx, zk.VerifyRequest{Circuit: CircuitName, Proof: raw, Public: p.PublicInputs, Attestation: p.Attestation})
	if err != nil {
		return contracts.ErrAgeProofInvalid.Wrap(err)
	}
	if !res.Valid {
		return contracts.ErrAgeProofInvalid.WithMessage("the age proof is not valid: " + strings.Join(res.Reasons, "; "))
	}
	at, err := v.attester.Verify(p.Attestation, asOf)
	if err != nil {
		return contracts.ErrAgeProofInvalid.Wrap(err)
	}
	if at.Subject != subject.String() {
		return contracts.ErrAgeProofForeign
	}
	proved, ok := new(big.Int).SetString(p.PublicInputs[1], 10)
	if !ok {
		return contracts.ErrAgeProofInvalid.WithField("public_inputs", "born_on_or_before must be a day number")
	}
	need, err := DayOf(domain.AgeOn(asOf, minAge))
	if err != nil {
		return contracts.ErrAgeProofInvalid.Wrap(err)
	}
	// The proof says "born on or before day D"; the buyer is old enough when D is on or before
	// the day minAge years before asOf.
	if !proved.IsUint64() || proved.Uint64() > need {
		return contracts.ErrAgeProofTooYoung
	}
	return nil
}
