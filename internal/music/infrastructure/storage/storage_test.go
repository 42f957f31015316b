package storage_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/infrastructure/storage"
)

// contract runs the same checks against every Store implementation.
func contract(t *testing.T, st storage.Store) {
	ctx := context.Background()
	data := []byte(strings.Repeat("vibestream audio bytes ", 5000))
	sum := sha256.Sum256(data)
	key, err := storage.KeyFor(hex.EncodeToString(sum[:]))
	require.NoError(t, err)

	ok, err := st.Exists(ctx, key)
	require.NoError(t, err)
	assert.False(t, ok)
	_, err = st.Open(ctx, key)
	assert.ErrorIs(t, err, storage.ErrNotFound)

	put := func() {
		p := filepath.Join(st.StagingDir(), "in-"+t.Name()[len(t.Name())-3:])
		require.NoError(t, os.WriteFile(p, data, 0o600))
		require.NoError(t, st.PutFile(ctx, key, p, "audio/mpeg"))
		_, err := os.Stat(p)
		assert.True(t, os.IsNotExist(err), "the store takes ownership of the staged file")
	}
	put()
	put() // content-addressed: storing the same bytes again is harmless

	ok, err = st.Exists(ctx, key)
	require.NoError(t, err)
	assert.True(t, ok)

	obj, err := st.Open(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), obj.Size)
	// seek into the middle and read, as range requests do
	_, err = obj.Reader.Seek(1000, io.SeekStart)
	require.NoError(t, err)
	buf := make([]byte, 500)
	_, err = io.ReadFull(obj.Reader, buf)
	require.NoError(t, err)
	assert.Equal(t, data[1000:1500], buf)
	_, err = obj.Reader.Seek(-10, io.SeekEnd)
	require.NoError(t, err)
	tail, err := io.ReadAll(obj.Reader)
	require.NoError(t, err)
	assert.Equal(t, data[len(data)-10:], tail)
	require.NoError(t, obj.Close())

	p, cleanup, err := st.Fetch(ctx, key)
	require.NoError(t, err)
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, data, got)
	cleanup()

	// keys the server did not make never reach the filesystem or the bucket
	for _, bad := range []string{"../../etc/passwd", "audio/ab/../../x", "/etc/passwd", "audio/zz/" + strings.Repeat("a", 64), ""} {
		_, err := st.Open(ctx, bad)
		assert.ErrorIs(t, err, storage.ErrBadKey, bad)
		assert.ErrorIs(t, st.PutFile(ctx, bad, "/dev/null", "x"), storage.ErrBadKey, bad)
	}
}

func TestLocalStore(t *testing.T) {
	t.Parallel()
	st, err := storage.NewLocal(t.TempDir())
	require.NoError(t, err)
	contract(t, st)
	obj, err := st.Open(context.Background(), mustKey(t, strings.Repeat("vibestream audio bytes ", 5000)))
	require.NoError(t, err)
	defer obj.Close()
	_, isFile := obj.Reader.(*os.File)
	assert.True(t, isFile, "local objects are *os.File so that streaming can use sendfile")
}

// TestS3Store runs the contract against gofakes3, an S3-compatible server in process, through
// minio-go over real HTTP.
func TestS3Store(t *testing.T) {
	t.Parallel()
	faker := gofakes3.New(s3mem.New())
	srv := httptest.NewServer(faker.Server())
	defer srv.Close()
	st, err := storage.NewS3(context.Background(), storage.S3Options{
		Endpoint: strings.TrimPrefix(srv.URL, "http://"), Bucket: "media-test", AccessKey: "test", SecretKey: "testsecret",
		Region: "us-east-1", StagingDir: t.TempDir(),
	})
	require.NoError(t, err)
	assert.Equal(t, "s3", st.Name())
	contract(t, st)
}

func mustKey(t *testing.T, content string) string {
	sum := sha256.Sum256([]byte(content))
	k, err := storage.KeyFor(hex.EncodeToString(sum[:]))
	require.NoError(t, err)
	return k
}
