#!/usr/bin/env bash
# Load test of an authenticated GET /api/v1/users/me on loopback with hey (figures in
# docs/PERFORMANCE.md, "## User"). Builds the binary, starts it on a throw-away DATA_DIR (the
# managed local Postgres), registers one user and runs hey against the endpoint.
#   scripts/bench-users-me.sh                 # 15 s, 50 connections
#   DURATION=30s CONC=100 scripts/bench-users-me.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ADDR=${ADDR:-127.0.0.1:3999}
DURATION=${DURATION:-15s}
CONC=${CONC:-50}
HEY=${HEY:-$(command -v hey)}
DATA=$(mktemp -d /tmp/vibestream-bench-XXXXXX)
chmod 755 "$DATA"
go build -o "$DATA/vibestream" ./cmd/vibestream
HTTP_ADDR=$ADDR DATA_DIR=$DATA/var LOG_LEVEL=${LOG_LEVEL:-info} "$DATA/vibestream" serve 2>"$DATA/server.log" &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 150); do curl -fs "http://$ADDR/health" >/dev/null 2>&1 && break; sleep 0.2; done
TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"email":"load@example.com","username":"load_test","password":"load test password","display_name":"Load"}' \
  "http://$ADDR/api/v1/auth/register" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
"$HEY" -z "$DURATION" -c "$CONC" -H "Authorization: Bearer $TOKEN" "http://$ADDR/api/v1/users/me"
