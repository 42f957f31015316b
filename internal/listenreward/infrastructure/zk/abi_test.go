package zk_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	lzk "github.com/vibestream/vibestream/internal/listenreward/infrastructure/zk"
)

// The binding's ABI is the committed build output of contracts/ListenVerifier.sol.
func TestBindingABIIsTheCommittedBuild(t *testing.T) {
	b, err := os.ReadFile("../../../../contracts/build/ListenVerifier.abi")
	require.NoError(t, err)
	require.Equal(t, string(b), lzk.ListenVerifierABI)
	require.True(t, strings.Contains(lzk.ListenVerifierABI, `"verifyProof"`))
}
