// Package archtest enforces the dependency rules of ARCHITECTURE.md section 2 over every
// package of the module, test files included.
package archtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/vibestream/vibestream"

type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Standard     bool
}

// Areas of internal/ that are not bounded contexts.
var technical = map[string]bool{"kernel": true, "platform": true, "orchestrator": true, "archtest": true}

// Driving adapters: protocols served over the contexts' public contracts only (the Subsonic
// API). They own no data and hold no rules of their own; only the composition root builds them.
var adapters = map[string]bool{"subsonic": true}

func isAdapter(path string) bool {
	area, _ := split(path)
	return isInternal(path) && adapters[area]
}

// deriveContexts lists the bounded contexts: the directories internal/X holding a module.go,
// and those whose contracts are published before their module is written (internal/X/contracts
// alone: the next context's integration events and ports, agreed first).
func deriveContexts(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, pattern := range []string{filepath.Join("..", "*", "module.go"), filepath.Join("..", "*", "contracts", "*.go")} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		for _, f := range files {
			rel, err := filepath.Rel("..", f)
			require.NoError(t, err)
			area, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
			if !technical[area] {
				out[area] = true
			}
		}
	}
	return out
}

// rules checks imports against the architecture for one set of contexts.
type rules struct{ contexts map[string]bool }

// split returns the area (context or technical area) and the layer of an internal package
// path, e.g. (".../internal/payment/domain/ledger") -> ("payment", "domain").
func split(path string) (area, layer string) {
	rest, ok := strings.CutPrefix(path, module+"/internal/")
	if !ok {
		return "", ""
	}
	parts := strings.Split(rest, "/")
	area = parts[0]
	if len(parts) > 1 {
		layer = parts[1]
	}
	return area, layer
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func isInternal(path string) bool { return strings.HasPrefix(path, module+"/internal/") }

func isKernel(path string) bool {
	return path == module+"/internal/kernel" || strings.HasPrefix(path, module+"/internal/kernel/")
}

func isPlatform(path string) bool { return strings.HasPrefix(path, module+"/internal/platform/") }

func (r rules) isContracts(path string) bool {
	ctx, layer := split(path)
	return r.contexts[ctx] && layer == "contracts"
}

// isModule is a context's root package (its New and Module).
func (r rules) isModule(path string) bool {
	ctx, layer := split(path)
	return r.contexts[ctx] && layer == ""
}

const uuidPkg = "github.com/google/uuid"

// testSupport may be imported by any test.
func isTestSupport(path string) bool {
	return strings.HasPrefix(path, "github.com/stretchr/testify") || path == module+"/internal/platform/pgtest"
}

// violations lists every forbidden import among pkgs: production imports, then the imports of
// their test files (which follow the same rules, plus test support libraries).
func (r rules) violations(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		area, _ := split(p.ImportPath)
		if isInternal(p.ImportPath) && !technical[area] && !r.contexts[area] && !adapters[area] {
			out = append(out, fmt.Sprintf("%s: internal/%s is neither a context (no module.go) nor kernel, platform or orchestrator", p.ImportPath, area))
			continue
		}
		for _, imp := range p.Imports {
			if why := r.check(p.ImportPath, imp, false); why != "" {
				out = append(out, fmt.Sprintf("%s imports %s: %s", p.ImportPath, imp, why))
			}
		}
		for _, imp := range append(append([]string(nil), p.TestImports...), p.XTestImports...) {
			if imp == p.ImportPath {
				continue // an external test package importing the package it tests
			}
			if why := r.check(p.ImportPath, imp, true); why != "" {
				out = append(out, fmt.Sprintf("%s (tests) import %s: %s", p.ImportPath, imp, why))
			}
		}
	}
	return out
}

// check returns why from may not import imp ("" when it may).
func (r rules) check(from, imp string, test bool) string {
	if isStd(imp) || (test && isTestSupport(imp)) {
		return ""
	}
	ctx, layer := split(from)
	ictx, ilayer := split(imp)
	if isInternal(imp) && !technical[ictx] && !r.contexts[ictx] && !adapters[ictx] {
		return "internal/" + ictx + " is neither a context (no module.go) nor kernel, platform or orchestrator"
	}
	if isAdapter(imp) && from != module+"/cmd/vibestream" && ctx != ictx {
		return "only the composition root builds driving adapters"
	}
	if adapters[ctx] && isInternal(from) {
		// A driving adapter speaks to contexts only through their contracts.
		if isInternal(imp) && !(r.isContracts(imp) || isKernel(imp) || isPlatform(imp) || ictx == ctx) {
			return "a driving adapter reaches contexts only through their contracts"
		}
		return ""
	}
	if from == module+"/cmd/vibestream" && !test && isInternal(imp) {
		if !(r.isModule(imp) || r.isContracts(imp) || isPlatform(imp) || isKernel(imp) || ictx == "orchestrator" || isAdapter(imp)) {
			return "the composition root imports only modules, contracts, platform and kernel"
		}
		return ""
	}
	if test && ctx == "orchestrator" {
		// The workflows' tests run them against the real modules: they may build modules, but
		// still reach no context's inner layers.
		if r.contexts[ictx] && !r.isModule(imp) && !r.isContracts(imp) {
			return "the orchestrator's tests build contexts through their modules only"
		}
		return ""
	}
	switch {
	case ctx == "kernel":
		if imp != uuidPkg && !isKernel(imp) {
			return "kernel depends on nothing but the standard library and uuid"
		}
	case ctx == "platform":
		if r.contexts[ictx] || ictx == "orchestrator" {
			return "platform plumbing must not know the contexts"
		}
	case ctx == "orchestrator":
		if !(r.isContracts(imp) || isKernel(imp) || imp == uuidPkg ||
			strings.HasPrefix(imp, module+"/internal/platform/events") || ictx == "orchestrator") {
			return "the orchestrator uses only contracts, platform events and kernel"
		}
	case r.contexts[ctx]:
		// A context reaches another only through its contracts.
		if r.contexts[ictx] && ictx != ctx && ilayer != "contracts" {
			return "another context is reachable only through its contracts"
		}
		if ictx == "orchestrator" {
			return "contexts do not depend on the orchestrator"
		}
		switch layer {
		case "domain":
			if !(isKernel(imp) || imp == uuidPkg || (ictx == ctx && ilayer == "domain")) {
				return "domain imports only the standard library, its own domain, kernel and uuid"
			}
		case "contracts":
			if !(isKernel(imp) || imp == uuidPkg || r.isContracts(imp)) {
				return "contracts import only the standard library, kernel and uuid"
			}
		case "application":
			if !(isKernel(imp) || imp == uuidPkg || r.isContracts(imp) ||
				(ictx == ctx && (ilayer == "domain" || ilayer == "application"))) {
				return "application imports only its domain, contracts and kernel"
			}
		}
	}
	return ""
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
	contexts := deriveContexts(t)
	for _, c := range []string{"user", "music", "payment"} {
		require.True(t, contexts[c], "context %s found from its module.go", c)
	}
	pkgs := loadPackages(t)
	// It must have loaded the module, tests included, or it would pass on nothing.
	require.Greater(t, len(pkgs), 10, "go list found too few packages")
	var sawPlatform, sawTests, sawCmd bool
	for _, p := range pkgs {
		sawPlatform = sawPlatform || isPlatform(p.ImportPath)
		sawTests = sawTests || len(p.TestImports)+len(p.XTestImports) > 0
		sawCmd = sawCmd || p.ImportPath == module+"/cmd/vibestream"
	}
	require.True(t, sawPlatform)
	require.True(t, sawTests, "test imports were read")
	require.True(t, sawCmd)
	v := rules{contexts: contexts}.violations(pkgs)
	sort.Strings(v)
	assert.Empty(t, v)
}

// The checker catches each kind of forbidden import.
func TestKnownBadImportsAreCaught(t *testing.T) {
	in := func(ctxLayer string) string { return module + "/internal/" + ctxLayer }
	r := rules{contexts: map[string]bool{"user": true, "music": true, "payment": true}}
	cmd := module + "/cmd/vibestream"
	cases := []struct {
		name string
		pkg  pkg
	}{
		{"domain imports pgx", pkg{ImportPath: in("payment/domain"), Imports: []string{"github.com/jackc/pgx/v5"}}},
		{"domain imports echo", pkg{ImportPath: in("payment/domain"), Imports: []string{"github.com/labstack/echo/v4"}}},
		{"application imports infrastructure", pkg{ImportPath: in("payment/application"), Imports: []string{in("payment/infrastructure/postgres")}}},
		{"application imports stripe", pkg{ImportPath: in("payment/application"), Imports: []string{"github.com/stripe/stripe-go/v76"}}},
		{"another context's domain", pkg{ImportPath: in("music/infrastructure/httpapi"), Imports: []string{in("user/domain")}}},
		{"orchestrator imports an application", pkg{ImportPath: in("orchestrator"), Imports: []string{in("payment/application")}}},
		{"platform knows a context", pkg{ImportPath: in("platform/httpx"), Imports: []string{in("user/contracts")}}},
		{"kernel imports echo", pkg{ImportPath: in("kernel/errs"), Imports: []string{"github.com/labstack/echo/v4"}}},
		{"contracts import their domain", pkg{ImportPath: in("user/contracts"), Imports: []string{in("user/domain")}}},
		{"a domain test imports pgx", pkg{ImportPath: in("payment/domain"), TestImports: []string{"github.com/jackc/pgx/v5"}}},
		{"an external application test imports infrastructure", pkg{ImportPath: in("payment/application"), XTestImports: []string{in("payment/infrastructure/postgres")}}},
		{"a test reaches another context's domain", pkg{ImportPath: in("payment/infrastructure/chains"), XTestImports: []string{in("user/domain")}}},
		{"an internal area that is no context", pkg{ImportPath: in("listenreward/domain")}},
		{"an import of an unclassified area", pkg{ImportPath: in("payment/infrastructure/chains"), Imports: []string{in("ownership/contracts")}}},
		{"the composition root imports infrastructure", pkg{ImportPath: cmd, Imports: []string{in("payment/infrastructure/chains")}}},
		{"the composition root imports a domain", pkg{ImportPath: cmd, Imports: []string{in("user/domain")}}},
		{"the composition root imports an application", pkg{ImportPath: cmd, Imports: []string{in("payment/application/chaintx")}}},
		{"an orchestrator test reaches an application", pkg{ImportPath: in("orchestrator"), TestImports: []string{in("payment/application")}}},
		{"an adapter imports a context's application", pkg{ImportPath: in("subsonic"), Imports: []string{in("music/application")}}},
		{"an adapter imports a context's module", pkg{ImportPath: in("subsonic"), Imports: []string{in("music")}}},
		{"an adapter imports the orchestrator", pkg{ImportPath: in("subsonic"), Imports: []string{in("orchestrator")}}},
		{"an adapter's test reaches a domain", pkg{ImportPath: in("subsonic"), XTestImports: []string{in("user/domain")}}},
		{"a context imports an adapter", pkg{ImportPath: in("music/infrastructure/httpapi"), Imports: []string{in("subsonic")}}},
		{"the orchestrator imports an adapter", pkg{ImportPath: in("orchestrator"), Imports: []string{in("subsonic")}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Len(t, r.violations([]pkg{c.pkg}), 1, "%s -> %v %v %v should be refused", c.pkg.ImportPath, c.pkg.Imports, c.pkg.TestImports, c.pkg.XTestImports)
		})
	}
	good := []pkg{
		{ImportPath: in("payment/domain"), Imports: []string{"time", uuidPkg, in("kernel/errs"), in("payment/domain/ledger")},
			TestImports: []string{"github.com/stretchr/testify/require"}},
		{ImportPath: in("payment/application"), Imports: []string{in("payment/domain"), in("user/contracts"), in("kernel/money")},
			XTestImports: []string{in("payment/application"), in("payment/domain")}},
		{ImportPath: in("payment/infrastructure/postgres"), Imports: []string{"github.com/jackc/pgx/v5", in("payment/domain")},
			XTestImports: []string{in("platform/pgtest")}},
		{ImportPath: in("orchestrator"), Imports: []string{in("user/contracts"), in("platform/events")},
			TestImports: []string{in("payment"), in("platform/jobs"), "github.com/jackc/pgx/v5"}},
		{ImportPath: cmd, Imports: []string{in("payment"), in("user/contracts"), in("platform/jobs"), in("kernel/money"), in("orchestrator"), "github.com/labstack/echo/v4"},
			XTestImports: []string{in("payment/infrastructure/ethereum")}},
		{ImportPath: in("subsonic"), Imports: []string{in("music/contracts"), in("user/contracts"), in("kernel/errs"), "github.com/labstack/echo/v4", uuidPkg},
			XTestImports: []string{in("subsonic"), in("platform/pgtest")}},
		{ImportPath: cmd, Imports: []string{in("subsonic")}},
	}
	assert.Empty(t, r.violations(good))
	// With a module.go, a new context is known.
	withNew := rules{contexts: map[string]bool{"payment": true, "listenreward": true}}
	assert.Empty(t, withNew.violations([]pkg{{ImportPath: in("listenreward/application"), Imports: []string{in("payment/contracts")}}}))
}
