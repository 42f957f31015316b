#!/usr/bin/env bash
# Installs the project's pinned helper binaries into ./bin (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bin

# Node tools (local chains, Solidity compiler), pinned by package-lock.json. Skipped when
# node_modules was installed from the current lockfile.
if ! command -v npm >/dev/null 2>&1; then
	echo "npm not found: install Node.js >= 20 (apt-get install nodejs npm)" >&2
	exit 1
fi
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.vibestream-lock 2>/dev/null)" != "$lock_sum" ]; then
	npm ci --no-audit --no-fund --loglevel=error
	echo "$lock_sum" > node_modules/.vibestream-lock
fi
