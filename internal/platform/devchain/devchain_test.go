package devchain

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMissingNodeModulesIsAClearError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644))
	_, err := FindRoot(filepath.Join(dir))
	assert.ErrorIs(t, err, ErrNodeModulesMissing)
	_, err = StartAnvil(context.Background(), AnvilOptions{Root: dir})
	assert.ErrorIs(t, err, ErrNodeModulesMissing)
	_, err = StartSolana(context.Background(), SolanaOptions{Root: dir})
	assert.ErrorIs(t, err, ErrNodeModulesMissing)
	assert.Contains(t, ErrNodeModulesMissing.Error(), "npm ci")
}

func TestChainsStartOnLoopbackAndStop(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := StartAnvil(ctx, AnvilOptions{})
	require.NoError(t, err)
	s, err := StartSolana(ctx, SolanaOptions{})
	require.NoError(t, err)
	for _, p := range []*Process{a, s} {
		assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, p.URL())
		assert.True(t, p.Alive())
		p.Stop()
		select {
		case <-p.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("process did not stop")
		}
		assert.False(t, p.Alive())
	}
}
