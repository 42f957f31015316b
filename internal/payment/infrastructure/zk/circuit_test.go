package zk_test

import (
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	pzk "github.com/vibestream/vibestream/internal/payment/infrastructure/zk"
	"github.com/vibestream/vibestream/internal/platform/zk"
)

var system = sync.OnceValues(func() (*zk.System, error) { return zk.Setup(pzk.Spec{}) })

func mustSystem(t *testing.T) *zk.System {
	t.Helper()
	s, err := system()
	require.NoError(t, err)
	return s
}

func TestSolvencyProofVerifiesAndEveryPublicInputIsBound(t *testing.T) {
	s := mustSystem(t)
	w := pzk.Witness{Balance: 5_000_000, Threshold: 4_999_999, Salt: zk.U64(77)}
	p, err := s.Prove(w.Assignment())
	require.NoError(t, err)
	require.NoError(t, zk.VerifyWithKey(s.VerifyingKey(), p.Bytes, p.Public))
	for i, name := range pzk.PublicInputNames {
		t.Run("tampered "+name, func(t *testing.T) {
			pub := append([]*big.Int(nil), p.Public...)
			pub[i] = new(big.Int).Add(pub[i], big.NewInt(1))
			require.ErrorIs(t, s.Verify(p.Bytes, pub), zk.ErrInvalidProof)
		})
	}
	t.Run("equal balance and threshold proves", func(t *testing.T) {
		_, err := s.Prove(pzk.Witness{Balance: 10, Threshold: 10, Salt: zk.U64(1)}.Assignment())
		require.NoError(t, err)
	})
}

func TestSolvencyCircuitRefusesAWitnessBreakingEachConstraint(t *testing.T) {
	s := mustSystem(t)
	w := pzk.Witness{Balance: 100, Threshold: 50, Salt: zk.U64(3)}
	for _, tc := range []struct {
		name   string
		break_ func(a *pzk.Circuit)
	}{
		{"commitment to another balance", func(a *pzk.Circuit) { a.Balance = uint64(101) }},
		{"balance below threshold", func(a *pzk.Circuit) {
			a.Threshold = uint64(101)
		}},
		{"balance wider than 64 bits", func(a *pzk.Circuit) {
			huge := new(big.Int).Lsh(big.NewInt(1), 64)
			a.Balance = huge
			e, _ := zk.Elem(huge)
			a.Commitment = zk.Big(zk.Hash(e, zk.U64(3)))
			a.Threshold = new(big.Int).Sub(huge, big.NewInt(1)) // the margin (1) fits: only the balance's width fails
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := w.Assignment()
			tc.break_(a)
			_, err := s.Prove(a)
			require.Error(t, err)
		})
	}
	_, err := s.Prove(w.Assignment())
	require.NoError(t, err)
}

// The production ceremony (gnark's multi-party phase 2) gives keys that prove and verify like
// the single-party setup's, and its keys survive the raw save and fast load.
func TestCeremonyKeysProveVerifyAndLoadFast(t *testing.T) {
	sys, err := zk.Ceremony(pzk.Spec{}, 2, 2, []byte("beacon phase 1"), []byte("beacon phase 2"))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, sys.Save(dir))
	require.Error(t, sys.Save(dir), "keys are never overwritten")
	start := time.Now()
	loaded, err := zk.Load(dir, pzk.Spec{})
	require.NoError(t, err)
	t.Logf("key load: %s", time.Since(start))
	require.Equal(t, sys.KeyID(), loaded.KeyID())

	p, err := loaded.Prove(pzk.Witness{Balance: 9, Threshold: 3, Salt: zk.U64(5)}.Assignment())
	require.NoError(t, err)
	require.NoError(t, zk.VerifyWithKey(sys.VerifyingKey(), p.Bytes, p.Public))

	// A proof made with the single-party keys does not verify under the ceremony's key.
	other, err := mustSystem(t).Prove(pzk.Witness{Balance: 9, Threshold: 3, Salt: zk.U64(5)}.Assignment())
	require.NoError(t, err)
	require.ErrorIs(t, loaded.Verify(other.Bytes, other.Public), zk.ErrInvalidProof)

	_, err = zk.Load(t.TempDir(), pzk.Spec{})
	require.ErrorIs(t, err, zk.ErrNoKeys)
}
