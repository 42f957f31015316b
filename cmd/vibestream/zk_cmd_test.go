package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestZKCommands(t *testing.T) {
	cfg := testConfig(t)
	var out strings.Builder
	require.NoError(t, runZK(cfg, &out, []string{"setup"}))
	for _, c := range []string{"listen", "solvency", "age"} {
		require.Contains(t, out.String(), c)
	}
	out.Reset()
	require.NoError(t, runZK(cfg, &out, []string{"keys"}))
	require.Contains(t, out.String(), "catalog_root users_root nullifier session_tag min_seconds commitment")
	out.Reset()
	require.NoError(t, runZK(cfg, &out, []string{"export-solidity"}))
	require.Contains(t, out.String(), "contract ListenVerifier {")
	require.Contains(t, out.String(), "function verifyProof(")
	require.Error(t, runZK(cfg, &out, []string{"bogus"}))
	require.Error(t, runZK(cfg, &out, nil))
}
