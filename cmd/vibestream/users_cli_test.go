package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real binary's `users grant-role` against the test database: how an operator makes the
// first admin.
func TestBinaryGrantRole(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	ta := newTestApp(t)
	_, tok, email := registerUserFull(t, ta, "listener")

	bin := filepath.Join(t.TempDir(), "vibestream")
	built, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(built))
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+ta.app.pool.Config().ConnString(), "DATA_DIR="+ta.app.cfg.DataDir, "LOG_LEVEL=warn")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := run("users", "grant-role", email, "admin")
	require.NoError(t, err, out)
	out, err = run("users", "grant-role", "nobody@example.com", "admin")
	require.Error(t, err, "an unknown user is a failure (exit status 1)")
	assert.Contains(t, out, "user.not_found")
	out, err = run("users", "grant-role", email)
	require.Error(t, err)
	assert.Contains(t, out, "usage: vibestream users grant-role <email> <role>")

	assert.Equal(t, []any{"listener"}, decodeClaims(t, tok)["roles"])
	assert.Equal(t, []any{"listener", "admin"}, decodeClaims(t, loginToken(t, ta, email, testPassword))["roles"])
}
