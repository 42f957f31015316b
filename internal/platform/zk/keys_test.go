package zk_test

import (
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/zk"
)

// squareCircuit: y = x^2 (public y).
type squareCircuit struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
}

func (c *squareCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.Y)
	return nil
}

type square struct{}

func (square) Name() string                 { return "square" }
func (square) PublicInputs() []string       { return []string{"y"} }
func (square) Definition() frontend.Circuit { return &squareCircuit{} }

// squareV2 is the square circuit after a change: revision 2.
type squareV2 struct{ square }

func (squareV2) Revision() int { return 2 }

// Keys saved for another revision of a circuit are detected: Load refuses them, and
// LoadOrSetup moves them aside (kept) and makes new keys of the current revision.
func TestKeysOfAnotherCircuitRevisionAreReplaced(t *testing.T) {
	dir := t.TempDir()
	old, created, err := zk.LoadOrSetup(dir, square{})
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, 1, old.Revision())
	rev, err := os.ReadFile(filepath.Join(dir, "square", "circuit.revision"))
	require.NoError(t, err)
	require.Equal(t, "1\n", string(rev))

	_, err = zk.Load(dir, squareV2{})
	require.ErrorIs(t, err, zk.ErrStaleKeys)

	cur, created, err := zk.LoadOrSetup(dir, squareV2{})
	require.NoError(t, err)
	require.True(t, created, "stale keys are regenerated")
	require.Equal(t, 2, cur.Revision())
	require.NotEqual(t, old.KeyID(), cur.KeyID())
	aside, err := filepath.Glob(filepath.Join(dir, "square.revision-1-*"))
	require.NoError(t, err)
	require.Len(t, aside, 1, "the stale keys are moved aside, not deleted")
	require.FileExists(t, filepath.Join(aside[0], "verifying.key"))

	again, created, err := zk.LoadOrSetup(dir, squareV2{})
	require.NoError(t, err)
	require.False(t, created, "the new keys load at the next start")
	require.Equal(t, cur.KeyID(), again.KeyID())

	// Keys saved before revisions were recorded (no circuit.revision) are revision 1.
	require.NoError(t, os.Remove(filepath.Join(dir, "square", "circuit.revision")))
	_, err = zk.Load(dir, squareV2{})
	require.ErrorIs(t, err, zk.ErrStaleKeys)
	_, err = zk.Load(dir, square{})
	require.NoError(t, err)
}

// Two instances starting at once on one keys directory end up with the same keys: one setup
// wins the rename, the other loads it.
func TestLoadOrSetupRaceEndsWithOneKey(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	ids := make([]string, 4)
	errs := make([]error, 4)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _, err := zk.LoadOrSetup(dir, square{})
			errs[i] = err
			if err == nil {
				ids[i] = s.KeyID()
			}
		}()
	}
	wg.Wait()
	for i := range ids {
		require.NoError(t, errs[i])
		require.Equal(t, ids[0], ids[i])
	}
	loaded, created, err := zk.LoadOrSetup(dir, square{})
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, ids[0], loaded.KeyID())

	p, err := loaded.Prove(&squareCircuit{X: 7, Y: 49})
	require.NoError(t, err)
	require.NoError(t, loaded.Verify(p.Bytes, p.Public))
	require.ErrorIs(t, loaded.Verify(p.Bytes[:10], p.Public), zk.ErrMalformedProof)
	require.ErrorIs(t, loaded.Verify(append(append([]byte(nil), p.Bytes...), 0), p.Public), zk.ErrMalformedProof, "trailing bytes")
	require.ErrorIs(t, loaded.Verify(p.Bytes, nil), zk.ErrPublicInputs)
	require.ErrorIs(t, loaded.Verify(p.Bytes, []*big.Int{zk.Modulus()}), zk.ErrPublicInputs)
}
