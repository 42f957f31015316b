package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// subsonicModule finds the npm subsonic-api client: the repository's node_modules (package.json
// pins it), or SUBSONIC_API_DIR (a directory holding node_modules/subsonic-api).
func subsonicModule(t *testing.T, root string) string {
	t.Helper()
	for _, dir := range []string{os.Getenv("SUBSONIC_API_DIR"), root} {
		if dir == "" {
			continue
		}
		entry := filepath.Join(dir, "node_modules", "subsonic-api", "lib", "index.js")
		if _, err := os.Stat(entry); err == nil {
			return entry
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI: the npm subsonic-api client is not installed (npm ci installs the pinned version)")
	}
	t.Skip("the npm subsonic-api client is not installed (npm ci, or SUBSONIC_API_DIR)")
	return ""
}

// TestSubsonicWithTheNpmClient drives a served application with the npm subsonic-api client
// (testdata/subsonic/client.e2e.mjs): app-password token and apiKey auth, browse, search, a
// playlist, a star, a stream with seeking (ffprobe on the client's stream URL) and a scrobble;
// the listen is then paid to the artist and rewarded to the listener.
func TestSubsonicWithTheNpmClient(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	module := subsonicModule(t, root)
	node, err := exec.LookPath("node")
	require.NoError(t, err)
	clock := &listenClock{}
	ta := listenApp(t, clock)
	cat := newSubsonicCatalog(t, ta)
	listenerID, tok := registerUser(t, ta, "listener")
	fund(t, ta, listenerID, money.USD, "1.000000")
	fundRewardPool(t, ta, "1000")
	_, secret := createAppPassword(t, ta, tok, "npm client")
	earnings := paymentcontracts.UserAccount(mustUUID(t, cat.artistID), money.USD, paymentcontracts.KindEarnings)
	before := balance(t, ta, earnings)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "cmd", "vibestream", "testdata", "subsonic", "client.e2e.mjs"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "BASE_URL="+ta.srv.URL, "USERNAME="+usernameOf(t, ta, tok), "APP_PASSWORD="+secret,
		"SONG_ID="+cat.song.ID, "SUBSONIC_API_MODULE="+module)
	if probe, err := exec.LookPath("ffprobe"); err == nil {
		cmd.Env = append(cmd.Env, "FFPROBE="+probe)
	}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	errOut := make(chan string, 1)
	go func() { b, _ := io.ReadAll(stderr); errOut <- string(b) }()

	steps := map[string]map[string]any{}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		var step map[string]any
		require.NoError(t, json.Unmarshal(lines.Bytes(), &step), lines.Text())
		t.Logf("client: %s", lines.Text())
		steps[step["step"].(string)] = step
		if step["step"] == "streamed" {
			clock.Advance(41 * time.Second) // the song plays through
			_, err := io.WriteString(stdin, "go\n")
			require.NoError(t, err)
		}
	}
	werr := cmd.Wait()
	require.NoError(t, werr, "the npm client failed: %s", <-errOut)
	for _, s := range []string{"auth", "wrong password refused", "browse", "library", "streamed", "scrobbled"} {
		require.Contains(t, steps, s)
	}
	session := steps["streamed"]["session"].(string)
	var s listenSession
	eventually(t, 15*time.Second, func() bool {
		s = getListen(t, ta, tok, session)
		return s.Payment != nil && s.Payment.Status == "paid" && s.Reward != nil && s.Reward.Status == "accrued"
	}, "the npm client's listen paid and rewarded")
	assert.Equal(t, "qualified", s.Status)
	paid, err := money.Parse(money.USD, s.Payment.Artist)
	require.NoError(t, err)
	assert.Equal(t, paid.Units(), balance(t, ta, earnings)-before, "the artist is paid the split")
}
