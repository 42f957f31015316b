package user

import (
	"github.com/vibestream/vibestream/internal/platform/zk"
	userzk "github.com/vibestream/vibestream/internal/user/infrastructure/zk"
)

// AgeCircuitName names the age circuit.
const AgeCircuitName = userzk.CircuitName

// AgeCircuit is the age proof's circuit, for key setup and loading.
func AgeCircuit() zk.Circuit { return userzk.Spec{} }
