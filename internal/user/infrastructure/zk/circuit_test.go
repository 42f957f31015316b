package zk_test

import (
	"math/big"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/zk"
	uzk "github.com/vibestream/vibestream/internal/user/infrastructure/zk"
)

var system = sync.OnceValues(func() (*zk.System, error) { return zk.Setup(uzk.Spec{}) })

func mustSystem(t *testing.T) *zk.System {
	t.Helper()
	s, err := system()
	require.NoError(t, err)
	return s
}

func TestAgeProofVerifiesAndEveryPublicInputIsBound(t *testing.T) {
	s := mustSystem(t)
	w := uzk.Witness{BirthDay: 36000, BornOnOrBefore: 40000, Salt: zk.U64(8)}
	p, err := s.Prove(w.Assignment())
	require.NoError(t, err)
	require.NoError(t, zk.VerifyWithKey(s.VerifyingKey(), p.Bytes, p.Public))
	for i, name := range uzk.PublicInputNames {
		t.Run("tampered "+name, func(t *testing.T) {
			pub := append([]*big.Int(nil), p.Public...)
			pub[i] = new(big.Int).Sub(pub[i], big.NewInt(1))
			require.ErrorIs(t, s.Verify(p.Bytes, pub), zk.ErrInvalidProof)
		})
	}
}

func TestAgeCircuitRefusesAWitnessBreakingEachConstraint(t *testing.T) {
	s := mustSystem(t)
	w := uzk.Witness{BirthDay: 36000, BornOnOrBefore: 36000, Salt: zk.U64(8)}
	for _, tc := range []struct {
		name   string
		break_ func(a *uzk.Circuit)
	}{
		{"commitment to another birth day", func(a *uzk.Circuit) { a.BirthDay = uint64(35999) }},
		{"born after the cut-off", func(a *uzk.Circuit) { a.BornOnOrBefore = uint64(35999) }},
		{"birth day wider than 32 bits", func(a *uzk.Circuit) {
			huge := new(big.Int).Lsh(big.NewInt(1), 40)
			e, _ := zk.Elem(huge)
			a.BirthDay = huge
			a.Commitment = zk.Big(zk.Hash(e, zk.U64(8)))
			a.BornOnOrBefore = new(big.Int).Add(huge, big.NewInt(1))
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
