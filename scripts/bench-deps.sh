#!/usr/bin/env bash
# Installs what the opt-in benchmarks compare against or drive, when missing: nginx and wrk
# (Debian packages; the streaming benchmark, TestMusicStreamingBenchmark) and hey (a pinned Go
# module into bin/; the streaming benchmark and scripts/bench-users-me.sh). `make test` needs
# none of them.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
	SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
	echo "installing: ${need[*]}" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x bin/hey ] || GOBIN="$PWD/bin" go install github.com/rakyll/hey@v0.1.4
