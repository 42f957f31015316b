#!/usr/bin/env bash
# Installs the project's pinned helper binaries into ./bin (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bin
BIN="$(pwd)/bin"

# install <binary> <module@version>: go install into ./bin unless that exact version is there.
install() {
	local name="$1" mod="$2" stamp="$BIN/.$1.version"
	if [ -x "$BIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$mod" ]; then
		return 0
	fi
	echo "installing $mod" >&2
	GOBIN="$BIN" go install "$mod"
	echo "$mod" >"$stamp"
}

# stripe-mock: the Stripe peer of the payment tests (always started on 127.0.0.1).
install stripe-mock github.com/stripe/stripe-mock@v0.203.0
