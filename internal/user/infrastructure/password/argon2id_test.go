package password

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fastHasher(t testing.TB) *Hasher {
	h, err := New(Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 0)
	require.NoError(t, err)
	return h
}

func TestHashAndVerify(t *testing.T) {
	t.Parallel()
	h := fastHasher(t)
	enc, err := h.Hash("correct horse battery")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$"), enc)

	ok, err := h.Verify(enc, "correct horse battery")
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = h.Verify(enc, "correct horse batterz")
	require.NoError(t, err)
	assert.False(t, ok)

	other, err := h.Hash("correct horse battery")
	require.NoError(t, err)
	assert.NotEqual(t, enc, other, "each hash has its own salt")
}

func TestVerifyUsesTheStoredParameters(t *testing.T) {
	t.Parallel()
	old := fastHasher(t)
	enc, err := old.Hash("pw-0123456789")
	require.NoError(t, err)
	stronger, err := New(Params{MemoryKiB: 128, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
	require.NoError(t, err)
	ok, err := stronger.Verify(enc, "pw-0123456789")
	require.NoError(t, err)
	assert.True(t, ok, "hashes made with older parameters still verify")
	assert.True(t, stronger.NeedsRehash(enc))
	assert.False(t, old.NeedsRehash(enc))
}

func TestMalformedHashes(t *testing.T) {
	t.Parallel()
	h := fastHasher(t)
	for _, enc := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw", // would allocate ~100 GB
		"$argon2id$v=19$m=64,t=1,p=1$!!!$a2V5a2V5a2V5a2V5a2V5aw",
	} {
		_, err := h.Verify(enc, "whatever-password")
		assert.Error(t, err, enc)
	}
}

func TestWeakParametersAreRefused(t *testing.T) {
	t.Parallel()
	_, err := New(Params{MemoryKiB: 4, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
	assert.Error(t, err)
	_, err = New(Params{MemoryKiB: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
	assert.Error(t, err)
}

// BenchmarkArgon2idDefault measures one hash verification at the production cost: a login's
// dominant expense.
func BenchmarkArgon2idDefault(b *testing.B) {
	h, err := New(DefaultParams, 0)
	require.NoError(b, err)
	enc, err := h.Hash("correct horse battery")
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		if ok, _ := h.Verify(enc, "correct horse battery"); !ok {
			b.Fatal("verify failed")
		}
	}
}

// BenchmarkArgon2idDefaultParallel shows throughput when every core hashes.
func BenchmarkArgon2idDefaultParallel(b *testing.B) {
	h, err := New(DefaultParams, 0)
	require.NoError(b, err)
	enc, err := h.Hash("correct horse battery")
	require.NoError(b, err)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, _ := h.Verify(enc, "correct horse battery"); !ok {
				b.Error("verify failed")
			}
		}
	})
}
