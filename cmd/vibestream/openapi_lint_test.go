package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/api"
)

// The served document passes a standard linter (Redocly's recommended rules, the pinned
// @redocly/cli from package.json) without errors.
func TestOpenAPIDocumentIsLintClean(t *testing.T) {
	bin, err := filepath.Abs("../../node_modules/.bin/redocly")
	require.NoError(t, err)
	if _, err := os.Stat(bin); err != nil {
		t.Skip("@redocly/cli is not installed (npm ci)")
	}
	raw, _, err := api.Document()
	require.NoError(t, err)
	doc := filepath.Join(t.TempDir(), "openapi.json")
	require.NoError(t, os.WriteFile(doc, raw, 0o644))
	cmd := exec.Command(bin, "lint", "--format=json", doc)
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, _ := cmd.Output() // exits 1 when there are errors; the report says which
	var report struct {
		Problems []struct {
			RuleID   string `json:"ruleId"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Location []struct {
				Pointer string `json:"pointer"`
			} `json:"location"`
		} `json:"problems"`
	}
	require.NoError(t, json.Unmarshal(out, &report), "redocly output: %s", out)
	errors := 0
	for _, p := range report.Problems {
		where := ""
		if len(p.Location) > 0 {
			where = p.Location[0].Pointer
		}
		if p.Severity == "error" {
			errors++
			t.Errorf("%s at %s: %s", p.RuleID, where, p.Message)
		} else {
			t.Logf("warning %s at %s: %s", p.RuleID, where, p.Message)
		}
	}
	assert.Zero(t, errors)
}
