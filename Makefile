# VibeStream: one Go binary. `make run` starts everything locally; `make test` runs every test.
SHELL := /bin/bash
GO    ?= go
BIN   := $(CURDIR)/bin
export PATH := $(BIN):$(PATH)
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
SQLC := $(GO) tool -modfile=tools/go.mod sqlc

.PHONY: all build web run test test-race fuzz bench lint generate contracts deps system-deps tools clean \
	image image-all-in-one container-base container-test load bench-deps

all: build

## build: compile bin/vibestream (with the web console embedded; rebuilt first when stale)
build: web
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/vibestream ./cmd/vibestream

## web: build the web console into web/dist (embedded by the binary) when its sources or the
## OpenAPI document changed; the build is committed, so a fresh clone needs no rebuild
web:
	@if command -v node >/dev/null 2>&1; then node scripts/build-web.mjs --if-stale; \
	else echo "node not found: embedding the committed web/dist (go test ./web checks it is current)"; fi

## run: install what is missing, then start the API on :3000 with embedded defaults
run: deps build
	$(BIN)/vibestream serve

## test: every test, against real Postgres and real peers started by the tests themselves
test: deps
	$(GO) test -count=1 -timeout 14m ./...

test-race: deps
	$(GO) test -race -count=1 -timeout 30m ./...

## fuzz: every Go fuzz target for FUZZTIME each (default 30s; `make test` runs their seed corpora)
fuzz:
	FUZZTIME=$(or $(FUZZTIME),30s) ./scripts/fuzz.sh

## bench-deps: nginx, wrk and hey for the opt-in benchmarks (streaming against nginx, users/me)
bench-deps:
	./scripts/bench-deps.sh

## bench: the Go benchmarks recorded in docs/PERFORMANCE.md
bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 2s ./...

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## generate: regenerate sqlc code (committed; needs the tools module, ~5 min cold build)
generate:
	$(SQLC) generate

## contracts: recompile contracts/*.sol with the pinned solc (npm); outputs are committed.
## Regenerating the Go bindings needs abigen v1.17.10 (--v2) on PATH: see contracts/README.md
contracts: tools
	node scripts/compile-contracts.mjs
	@if command -v abigen >/dev/null 2>&1; then \
		abigen --v2 --abi contracts/build/VibeToken.abi --bin contracts/build/VibeToken.bin \
			--pkg vibetoken --type VibeToken --out internal/payment/infrastructure/ethereum/vibetoken/vibetoken.go; \
	else echo "abigen not on PATH: bindings not regenerated (see contracts/README.md)"; fi

## load: the default load scenario (scripts/load.sh; docs/PERFORMANCE.md): a fresh local setup,
## seeded with artists and real songs, USERS simulated users for DURATION, then ledger verify
load: system-deps tools
	./scripts/load.sh

## image: the production container image (podman; base images made locally) -> localhost/vibestream:latest
image:
	VERSION=$(VERSION) ./scripts/container-build.sh production

## image-all-in-one: the whole platform in one image -> localhost/vibestream:all-in-one
image-all-in-one:
	VERSION=$(VERSION) ./scripts/container-build.sh all-in-one

## container-base: the local stand-ins for debian:bookworm-slim and golang:1.26-bookworm (cached)
container-base:
	./scripts/container-base.sh

## container-test: build both images and prove them (production on Postgres, all-in-one restarts)
container-test: system-deps
	VERSION=$(VERSION) ./scripts/container-test.sh

## deps: system packages and tools the project needs (idempotent)
deps: system-deps tools

system-deps:
	@./scripts/system-deps.sh

tools:
	@./scripts/tools.sh

clean:
	rm -rf $(BIN)
