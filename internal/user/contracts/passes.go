package contracts

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// AgeProof is a zero-knowledge age proof as POST /api/v1/zk/age-proofs returns it: the Groth16
// proof (base64), its public inputs [commitment, born_on_or_before day] and the platform's
// attestation that the commitment is the one of the subject's stored birthdate.
type AgeProof struct {
	Circuit      string
	Proof        string
	PublicInputs []string
	Attestation  string
}

// AgeVerifier lets other contexts check an age without ever reading a birthdate.
type AgeVerifier interface {
	// VerifyAge checks the proof with the platform's verifying key, that the attestation is ours,
	// alive and for subject, and that it proves an age of at least minAge years on asOf's day.
	VerifyAge(ctx context.Context, p AgeProof, subject uuid.UUID, minAge int, asOf time.Time) error
}

// Errors of AgeVerifier.
var (
	ErrAgeProofInvalid  = errs.New(errs.Unprocessable, "user.age_proof_invalid", "the age proof does not verify with our key")
	ErrAgeProofForeign  = errs.New(errs.Forbidden, "user.age_proof_foreign", "the age proof was made for another user")
	ErrAgeProofTooYoung = errs.New(errs.Forbidden, "user.age_proof_too_young", "the age proof is for a lower age than required")
)

// AccessPass is what an access pass vouches for: the holder of a ticket may enter an event
// between NotBefore and ExpiresAt.
type AccessPass struct {
	ID        string
	Audience  string
	EventID   uuid.UUID
	TicketID  uuid.UUID
	HolderID  uuid.UUID
	NotBefore time.Time
	ExpiresAt time.Time
}

// AccessPasses signs and verifies access passes: EdDSA JWTs with the platform's key (its kid is
// published in /.well-known/jwks.json, so a venue verifies them offline).
type AccessPasses interface {
	IssuePass(p AccessPass) (string, error)
	// VerifyPass checks the signature, kid, issuer, audience and validity window at now.
	VerifyPass(raw, audience string, now time.Time) (AccessPass, error)
}

// ErrPassInvalid is returned for a forged, expired, not yet valid or foreign pass.
var ErrPassInvalid = errs.New(errs.Unauthenticated, "user.pass_invalid", "the access pass is not valid")
