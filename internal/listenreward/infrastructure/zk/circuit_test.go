package zk_test

import (
	"math/big"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	lzk "github.com/vibestream/vibestream/internal/listenreward/infrastructure/zk"
	"github.com/vibestream/vibestream/internal/platform/zk"
)

// One setup per test binary, at the production depth.
var system = sync.OnceValues(func() (*zk.System, error) { return zk.Setup(lzk.NewSpec(lzk.Depth)) })

func mustSystem(t *testing.T) *zk.System {
	t.Helper()
	s, err := system()
	require.NoError(t, err)
	return s
}

// fixture builds trees with a few songs and identities and a valid witness for one of them;
// emptyCatalogPath is the catalog path of an empty slot (index 5).
func fixture(t *testing.T) (lzk.Witness, fr.Element, fr.Element) {
	w, catRoot, usersRoot, _ := fixtureWithEmpty(t)
	return w, catRoot, usersRoot
}

func fixtureWithEmpty(t *testing.T) (w lzk.Witness, catRoot, usersRoot fr.Element, emptyCatalogPath zk.Path) {
	t.Helper()
	catalog, users := zk.NewMemTree(), zk.NewMemTree()
	song := uuid.New()
	for i := 0; i < 3; i++ {
		id := uuid.New()
		if i == 1 {
			id = song
		}
		var err error
		catRoot, err = zk.Insert(catalog, lzk.Depth, uint64(i), lzk.SongLeaf(id))
		require.NoError(t, err)
	}
	secret := zk.U64(0xC0FFEE)
	for i := 0; i < 4; i++ {
		s := zk.U64(uint64(i + 1))
		if i == 2 {
			s = secret
		}
		var err error
		usersRoot, err = zk.Insert(users, lzk.Depth, uint64(i), lzk.IdentityCommitment(s))
		require.NoError(t, err)
	}
	songPath, err := zk.PathOf(catalog, lzk.Depth, 1)
	require.NoError(t, err)
	userPath, err := zk.PathOf(users, lzk.Depth, 2)
	require.NoError(t, err)
	w = lzk.Witness{Secret: secret, Song: song, Session: uuid.New(), Seconds: 45, MinSeconds: 30,
		Salt: zk.U64(99), SongPath: songPath, UserPath: userPath}
	require.NoError(t, w.Check(catRoot, usersRoot))
	emptyCatalogPath, err = zk.PathOf(catalog, lzk.Depth, 5)
	require.NoError(t, err)
	return w, catRoot, usersRoot, emptyCatalogPath
}

// The listen circuit fits the 2^13 FFT domain: Groth16 proving time follows the domain, and
// revision 1 (8,901 constraints) needed 2^14.
func TestListenCircuitFitsTheSmallDomain(t *testing.T) {
	s := mustSystem(t)
	t.Logf("listen circuit revision %d: %d constraints", lzk.Revision, s.Constraints())
	require.Less(t, s.Constraints(), 8192)
	require.Equal(t, lzk.Revision, s.Revision())
}

func TestListenProofVerifiesWithThePublishedKeyAlone(t *testing.T) {
	s := mustSystem(t)
	w, catRoot, usersRoot := fixture(t)
	a, err := w.Assignment()
	require.NoError(t, err)
	p, err := s.Prove(a)
	require.NoError(t, err)
	require.Len(t, p.Public, len(lzk.PublicInputNames))
	require.Equal(t, zk.Big(catRoot), p.Public[lzk.InCatalogRoot])
	require.Equal(t, zk.Big(usersRoot), p.Public[lzk.InUsersRoot])
	require.NoError(t, zk.VerifyWithKey(s.VerifyingKey(), p.Bytes, p.Public))

	// Proving the same session again gives the same nullifier (and a different proof).
	again, err := s.Prove(a)
	require.NoError(t, err)
	require.Equal(t, p.Public[lzk.InNullifier], again.Public[lzk.InNullifier])
	require.NotEqual(t, p.Bytes, again.Bytes)

	// Every public input is bound to the proof: changing any one fails verification.
	for i, name := range lzk.PublicInputNames {
		t.Run("tampered "+name, func(t *testing.T) {
			pub := append([]*big.Int(nil), p.Public...)
			pub[i] = new(big.Int).Add(pub[i], big.NewInt(1))
			require.ErrorIs(t, s.Verify(p.Bytes, pub), zk.ErrInvalidProof)
		})
	}
	t.Run("min_seconds does not fit", func(t *testing.T) {
		require.ErrorIs(t, s.Verify(p.Bytes, p.Public[:5]), zk.ErrPublicInputs)
	})
}

// Each row breaks exactly one constraint of the circuit: the prover must refuse.
func TestListenCircuitRefusesAWitnessBreakingEachConstraint(t *testing.T) {
	s := mustSystem(t)
	w, _, _, empty := fixtureWithEmpty(t)
	good, err := w.Assignment()
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		break_ func(a *lzk.Circuit)
	}{
		{"song not in the catalog tree", func(a *lzk.Circuit) { a.Song = zk.Big(lzk.UUIDElem(uuid.New())) }},
		{"catalog path sibling changed", func(a *lzk.Circuit) { a.SongPath[5] = big.NewInt(12345) }},
		{"identity not in the users tree", func(a *lzk.Circuit) { a.UserPath[0] = big.NewInt(7) }},
		{"nullifier of another session", func(a *lzk.Circuit) { a.Nullifier = zk.Big(lzk.Nullifier(w.Secret, uuid.New())) }},
		{"commitment to other seconds", func(a *lzk.Circuit) {
			a.Commitment = zk.Big(lzk.Commitment(w.Song, w.Seconds+1, w.Salt))
		}},
		{"seconds below the minimum", func(a *lzk.Circuit) {
			a.Seconds = uint64(29)
			a.Commitment = zk.Big(lzk.Commitment(w.Song, 29, w.Salt))
		}},
		{"seconds beyond 32 bits", func(a *lzk.Circuit) {
			// seconds - min_seconds still fits and the commitment matches: only the range
			// check of seconds itself is broken.
			big32 := uint64(1)<<32 + 45
			a.Seconds, a.MinSeconds = big32, uint64(1)<<32+30
			a.Commitment = zk.Big(zk.Compress(zk.Pack(zk.U64(big32), lzk.UUIDElem(w.Song)), w.Salt))
		}},
		{"the empty leaf (0) claimed as a song", func(a *lzk.Circuit) {
			// an empty slot's path leads to the real root with leaf 0
			a.Song, a.SongIndex, a.SongPath = 0, empty.Index, vars(empty.Siblings)
			a.Commitment = zk.Big(zk.Compress(zk.Pack(zk.U64(w.Seconds), fr.Element{}), w.Salt))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := *good
			a.SongPath = append(a.SongPath[:0:0], good.SongPath...)
			a.UserPath = append(a.UserPath[:0:0], good.UserPath...)
			tc.break_(&a)
			_, err := s.Prove(&a)
			require.Error(t, err)
		})
	}
	// The unbroken assignment still proves (so the rows above fail for their own reason).
	_, err = s.Prove(good)
	require.NoError(t, err)
}

func vars(es []fr.Element) []frontend.Variable {
	out := make([]frontend.Variable, len(es))
	for i := range es {
		out[i] = zk.Big(es[i])
	}
	return out
}

func TestCheckNamesTheBrokenRule(t *testing.T) {
	w, catRoot, usersRoot := fixture(t)
	short := w
	short.Seconds = 10
	require.ErrorIs(t, short.Check(catRoot, usersRoot), lzk.ErrTooShort)
	long := w
	long.Seconds = 1 << 32
	require.ErrorIs(t, long.Check(catRoot, usersRoot), lzk.ErrTooLong)
	require.ErrorIs(t, w.Check(usersRoot, usersRoot), lzk.ErrSongNotInTree)
	require.ErrorIs(t, w.Check(catRoot, catRoot), lzk.ErrUserNotInTree)
}
