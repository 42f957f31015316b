package listenreward

import (
	lzk "github.com/vibestream/vibestream/internal/listenreward/infrastructure/zk"
	"github.com/vibestream/vibestream/internal/platform/zk"
)

// The listen proofs, re-exported for the composition root (which imports modules only).
type (
	// ListenProofs proves qualified listens; it is the listen flow's ListenProver.
	ListenProofs = lzk.Proofs
	// ListenProofsDeps are what the listen proofs need.
	ListenProofsDeps = lzk.Deps
	// ListenProofHandlers serve the stored proofs and nullifier claims.
	ListenProofHandlers = lzk.Handlers
	// ListenVerifierConfig says where the Solidity listen verifier lives.
	ListenVerifierConfig = lzk.OnChainConfig
)

// ListenCircuitName names the listen circuit.
const ListenCircuitName = lzk.CircuitName

// ListenCircuit is the listen proof's circuit at the production depth.
func ListenCircuit() zk.Circuit { return lzk.NewSpec(lzk.Depth) }

// NewListenProofs wires the listen proofs (job, subscribers, trees).
var NewListenProofs = lzk.New

// SetupListenVerifier binds (or, on the local chain, deploys) the Solidity listen verifier.
var SetupListenVerifier = lzk.SetupOnChain
