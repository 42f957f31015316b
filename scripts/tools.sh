#!/usr/bin/env bash
# Installs the project's pinned helper binaries into ./bin (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bin
