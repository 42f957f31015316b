package devchain

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelperAnvilParent is not a test: run by TestAnvilStateSurvivesItsParentsKill as a child
// process, it starts anvil on a state file, prints its URL and waits to be killed.
func TestHelperAnvilParent(t *testing.T) {
	state := os.Getenv("DEVCHAIN_HELPER_STATE")
	if state == "" {
		t.Skip("helper process")
	}
	p, err := StartAnvil(context.Background(), AnvilOptions{StateFile: state, Root: os.Getenv("DEVCHAIN_HELPER_ROOT")})
	if err != nil {
		os.Stdout.WriteString("ERROR " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("URL " + p.URL() + "\n")
	select {}
}

func rpcCall(t *testing.T, url, method string, params ...any) json.RawMessage {
	t.Helper()
	if params == nil {
		params = []any{}
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	res, err := http.Post(url, "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer res.Body.Close()
	var out struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	require.Nil(t, out.Error)
	return out.Result
}

// The process supervising anvil is killed with SIGKILL (a crash, kill -9): anvil still saves
// its last state, and a new anvil on the same state file starts from it, with every block.
func TestAnvilStateSurvivesItsParentsKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	root, err := rootOf("")
	require.NoError(t, err)
	state := filepath.Join(t.TempDir(), "anvil-state.json")
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperAnvilParent$")
	helper.Env = append(os.Environ(), "DEVCHAIN_HELPER_STATE="+state, "DEVCHAIN_HELPER_ROOT="+root)
	out, err := helper.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, helper.Start())
	t.Cleanup(func() { _ = helper.Process.Kill(); _ = helper.Wait() })
	sc := bufio.NewScanner(out)
	var url string
	for sc.Scan() {
		line := sc.Text()
		require.False(t, strings.HasPrefix(line, "ERROR"), line)
		if u, ok := strings.CutPrefix(line, "URL "); ok {
			url = u
			break
		}
	}
	require.NotEmpty(t, url, "the helper announced anvil")

	// 40 blocks mined just before the crash: well inside any periodic save interval.
	rpcCall(t, url, "anvil_mine", "0x28")
	var head string
	require.NoError(t, json.Unmarshal(rpcCall(t, url, "eth_blockNumber"), &head))
	require.NoError(t, helper.Process.Kill())
	_ = helper.Wait()

	p, err := StartAnvil(context.Background(), AnvilOptions{StateFile: state})
	require.NoError(t, err)
	defer p.Stop()
	var after string
	require.NoError(t, json.Unmarshal(rpcCall(t, p.URL(), "eth_blockNumber"), &after))
	t.Logf("head before the kill %s, after the restart %s", head, after)
	assert.Equal(t, "0x28", after, "the new anvil has every block mined before the crash")
}
