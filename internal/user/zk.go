package user

import (
	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/user/contracts"
	userzk "github.com/vibestream/vibestream/internal/user/infrastructure/zk"
)

// AgeCircuitName names the age circuit.
const AgeCircuitName = userzk.CircuitName

// AgeCircuit is the age proof's circuit, for key setup and loading.
func AgeCircuit() zk.Circuit { return userzk.Spec{} }

// NewAgeVerifier checks age proofs for other contexts (contracts.AgeVerifier) with the
// platform's keys and attestations.
func NewAgeVerifier(r *zk.Registry, a *zk.Attester) contracts.AgeVerifier {
	return userzk.NewAgeVerifier(r, a)
}
