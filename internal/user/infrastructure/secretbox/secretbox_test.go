package secretbox

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSealOpenBindsTheAssociatedData(t *testing.T) {
	t.Parallel()
	key := make([]byte, KeySize)
	key[0] = 7
	b, err := New(key)
	require.NoError(t, err)
	sealed, err := b.Seal([]byte("secret"), []byte("row-1"))
	require.NoError(t, err)
	assert.NotContains(t, string(sealed), "secret")
	again, err := b.Seal([]byte("secret"), []byte("row-1"))
	require.NoError(t, err)
	assert.NotEqual(t, sealed, again, "a fresh nonce each time")
	plain, err := b.Open(sealed, []byte("row-1"))
	require.NoError(t, err)
	assert.Equal(t, "secret", string(plain))
	_, err = b.Open(sealed, []byte("row-2"))
	assert.ErrorIs(t, err, ErrOpen, "another row's data")
	other, _ := New(make([]byte, KeySize))
	_, err = other.Open(sealed, []byte("row-1"))
	assert.ErrorIs(t, err, ErrOpen, "another key")
	_, err = b.Open(sealed[:5], nil)
	assert.ErrorIs(t, err, ErrOpen)
	_, err = New([]byte("short"))
	assert.Error(t, err)
}

func TestKeyFileIsCreatedOnceWithMode0600(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys", "app-passwords.key")
	k1, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	require.Len(t, k1, KeySize)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	k2, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	assert.Equal(t, k1, k2, "the same key after a restart")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	k3, err := ParseKey(string(raw))
	require.NoError(t, err)
	assert.Equal(t, k1, k3)
	_, err = ParseKey("bm90IDMyIGJ5dGVz")
	assert.Error(t, err, "not 32 bytes")
	_, err = ParseKey("!!!")
	assert.Error(t, err)
}
