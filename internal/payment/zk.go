package payment

import (
	paymentzk "github.com/vibestream/vibestream/internal/payment/infrastructure/zk"
	"github.com/vibestream/vibestream/internal/platform/zk"
)

// SolvencyCircuitName names the solvency circuit.
const SolvencyCircuitName = paymentzk.CircuitName

// SolvencyCircuit is the solvency proof's circuit, for key setup and loading.
func SolvencyCircuit() zk.Circuit { return paymentzk.Spec{} }
