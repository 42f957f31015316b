// Package archtest enforces the dependency rules of ARCHITECTURE.md section 2 over every
// package of the module.
package archtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/vibestream/vibestream"

type pkg struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

// contexts are the bounded contexts under internal/.
var contexts = map[string]bool{
	"user": true, "music": true, "payment": true, "listenreward": true, "zk": true,
	"ownership": true, "campaign": true,
}

// split returns the context and the layer of an internal package path, e.g.
// (".../internal/payment/domain/ledger") -> ("payment", "domain").
func split(path string) (ctx, layer string) {
	rest, ok := strings.CutPrefix(path, module+"/internal/")
	if !ok {
		return "", ""
	}
	parts := strings.Split(rest, "/")
	ctx = parts[0]
	if len(parts) > 1 {
		layer = parts[1]
	}
	return ctx, layer
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func isKernel(path string) bool {
	return path == module+"/internal/kernel" || strings.HasPrefix(path, module+"/internal/kernel/")
}

func isContracts(path string) bool {
	ctx, layer := split(path)
	return contexts[ctx] && layer == "contracts"
}

const uuidPkg = "github.com/google/uuid"

// violations lists every forbidden import among pkgs.
func violations(pkgs []pkg) []string {
	var out []string
	bad := func(p pkg, imp, why string) {
		out = append(out, fmt.Sprintf("%s imports %s: %s", p.ImportPath, imp, why))
	}
	for _, p := range pkgs {
		ctx, layer := split(p.ImportPath)
		for _, imp := range p.Imports {
			if isStd(imp) {
				continue
			}
			ictx, ilayer := split(imp)
			switch {
			case ctx == "kernel":
				if imp != uuidPkg && !isKernel(imp) {
					bad(p, imp, "kernel depends on nothing but the standard library and uuid")
				}
			case ctx == "platform":
				if contexts[ictx] || ictx == "orchestrator" {
					bad(p, imp, "platform plumbing must not know the contexts")
				}
			case ctx == "orchestrator":
				if !(isContracts(imp) || isKernel(imp) || imp == uuidPkg ||
					strings.HasPrefix(imp, module+"/internal/platform/events") || ictx == "orchestrator") {
					bad(p, imp, "the orchestrator uses only contracts, platform events and kernel")
				}
			case contexts[ctx]:
				// A context reaches another only through its contracts.
				if contexts[ictx] && ictx != ctx && ilayer != "contracts" {
					bad(p, imp, "another context is reachable only through its contracts")
					continue
				}
				if ictx == "orchestrator" {
					bad(p, imp, "contexts do not depend on the orchestrator")
					continue
				}
				switch layer {
				case "domain":
					if !(isKernel(imp) || imp == uuidPkg || (ictx == ctx && ilayer == "domain")) {
						bad(p, imp, "domain imports only the standard library, its own domain, kernel and uuid")
					}
				case "contracts":
					if !(isKernel(imp) || imp == uuidPkg || isContracts(imp)) {
						bad(p, imp, "contracts import only the standard library, kernel and uuid")
					}
				case "application":
					if !(isKernel(imp) || imp == uuidPkg || isContracts(imp) ||
						(ictx == ctx && (ilayer == "domain" || ilayer == "application"))) {
						bad(p, imp, "application imports only its domain, contracts and kernel")
					}
				}
			}
		}
	}
	return out
}

func loadPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	dec := json.NewDecoder(bytes.NewReader(out))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestDependencyRules(t *testing.T) {
	pkgs := loadPackages(t)
	// It must have loaded the module, or it would pass on nothing.
	require.Greater(t, len(pkgs), 10, "go list found too few packages")
	var sawPlatform bool
	for _, p := range pkgs {
		if strings.HasPrefix(p.ImportPath, module+"/internal/platform/") {
			sawPlatform = true
		}
	}
	require.True(t, sawPlatform)
	assert.Empty(t, violations(pkgs))
}

// The checker catches each kind of forbidden import.
func TestKnownBadImportsAreCaught(t *testing.T) {
	in := func(ctxLayer string) string { return module + "/internal/" + ctxLayer }
	cases := []pkg{
		{ImportPath: in("payment/domain"), Imports: []string{"github.com/jackc/pgx/v5"}},
		{ImportPath: in("payment/domain"), Imports: []string{"github.com/labstack/echo/v4"}},
		{ImportPath: in("payment/application"), Imports: []string{in("payment/infrastructure/postgres")}},
		{ImportPath: in("payment/application"), Imports: []string{"github.com/stripe/stripe-go/v76"}},
		{ImportPath: in("music/infrastructure/httpapi"), Imports: []string{in("user/domain")}},
		{ImportPath: in("orchestrator"), Imports: []string{in("payment/application")}},
		{ImportPath: in("platform/httpx"), Imports: []string{in("user/contracts")}},
		{ImportPath: in("kernel/errs"), Imports: []string{"github.com/labstack/echo/v4"}},
		{ImportPath: in("user/contracts"), Imports: []string{in("user/domain")}},
	}
	for _, c := range cases {
		assert.Len(t, violations([]pkg{c}), 1, "%s -> %v should be refused", c.ImportPath, c.Imports)
	}
	good := []pkg{
		{ImportPath: in("payment/domain"), Imports: []string{"time", uuidPkg, in("kernel/errs"), in("payment/domain/ledger")}},
		{ImportPath: in("payment/application"), Imports: []string{in("payment/domain"), in("user/contracts"), in("kernel/money")}},
		{ImportPath: in("payment/infrastructure/postgres"), Imports: []string{"github.com/jackc/pgx/v5", in("payment/domain")}},
		{ImportPath: in("orchestrator"), Imports: []string{in("user/contracts"), in("platform/events")}},
	}
	assert.Empty(t, violations(good))
}
