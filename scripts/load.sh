#!/usr/bin/env bash
# make load: the default load scenario against a freshly started local setup.
#
# Starts bin/vibestream with its managed Postgres and local chains on a new data directory
# (INSTANCES=2 starts a second `vibestream serve` on the first's database and chains), creates an
# admin, lets vibeload seed artists with real songs (ffmpeg-made audio, uploaded, transcoded and
# published), mint VIBE to the reward pool and fund every simulated user by grants, runs the load
# with users spread over the instances, then `vibestream ledger verify`, and stops everything.
#
# Knobs (environment): USERS (200), DURATION (2m), RAMP (a fifth of DURATION), THINK (5s),
# INSTANCES (1 or 2), ARTISTS (4), SONGS (3 per artist), LOAD_DIR (a new temporary directory),
# VIBELOAD_FLAGS (more vibeload flags). The summary is written to $LOAD_DIR/summary.json.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${USERS:-200}
DURATION=${DURATION:-2m}
THINK=${THINK:-5s}
INSTANCES=${INSTANCES:-1}
ARTISTS=${ARTISTS:-4}
SONGS=${SONGS:-3}
LOAD_DIR=${LOAD_DIR:-$(mktemp -d /tmp/vibestream-load-XXXXXX)}
mkdir -p "$LOAD_DIR"
chmod 755 "$LOAD_DIR"
BIN=bin/vibestream
go build -trimpath -o "$BIN" ./cmd/vibestream
go build -trimpath -o bin/vibeload ./cmd/vibeload
# 10,000 WebSockets and their keep-alive connections need descriptors on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The instances' settings for a load run (see docs/PERFORMANCE.md):
# - TRUST_PROXY: vibeload reports one client address per simulated user in X-Forwarded-For,
#   as a load balancer would; without it every user is 127.0.0.1 and the per-address fraud
#   limit rejects their listens.
# - cheaper password hashing: every simulated user registers or logs in once at its start; at
#   the default Argon2 cost 10,000 logins alone would take the machine's two cores for minutes.
common_env=(TRUST_PROXY=true PASSWORD_ARGON2_MEMORY_KIB=8192 PASSWORD_ARGON2_TIME=1 LOG_LEVEL=${LOG_LEVEL:-warn}
  LOGIN_MAX_FAILURES_PER_IP=100000 LOGIN_MAX_FAILURES_UNKNOWN_CLIENTS=100000)

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 600); do
    if curl -fsS "$1/health/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "load: $1 did not become ready" >&2
  return 1
}

A_DIR="$LOAD_DIR/a"
A_PORT=$(free_port)
A_URL="http://127.0.0.1:$A_PORT"
# Shared by every instance (README, "Scaling past one machine"): the public URL (the token
# issuer), the stream-link secret, the JWT key, the media and the ZK keys.
common_env+=(PUBLIC_URL="$A_URL" STREAM_URL_SECRET="load-run-stream-link-secret-$(date +%s%N)")
env "${common_env[@]}" DATA_DIR="$A_DIR" HTTP_ADDR="127.0.0.1:$A_PORT" INSTANCE_ID=a "$BIN" serve >"$LOAD_DIR/a.log" 2>&1 &
pids+=($!)
wait_ready "$A_URL"
# The first instance's managed Postgres, for the CLI and the second instance.
DB_URL="postgres://postgres@/vibestream?host=$A_DIR/postgres/run&port=5432&sslmode=disable"
URLS="$A_URL"

if [ "$INSTANCES" = 2 ]; then
  # The second instance shares the first's database and chains (the same hot wallets and token).
  B_DIR="$LOAD_DIR/b"
  mkdir -p "$B_DIR/chains"
  cp "$A_DIR"/chains/{ethereum-hot-wallet.key,ethereum.json,solana-hot-wallet.json,solana.json} "$B_DIR/chains/"
  eth=$(jq -r .ethereum_rpc_url "$A_DIR/chains/endpoints.json")
  sol=$(jq -r .solana_rpc_url "$A_DIR/chains/endpoints.json")
  B_PORT=$(free_port)
  B_URL="http://127.0.0.1:$B_PORT"
  env "${common_env[@]}" DATA_DIR="$B_DIR" DATABASE_URL="$DB_URL" HTTP_ADDR="127.0.0.1:$B_PORT" INSTANCE_ID=b \
    ETH_RPC_URL="$eth" SOLANA_RPC_URL="$sol" ZK_KEYS_DIR="$A_DIR/zk" \
    JWT_PRIVATE_KEY_FILE="$A_DIR/keys/jwt-ed25519.pem" MEDIA_DIR="$A_DIR/media" "$BIN" serve >"$LOAD_DIR/b.log" 2>&1 &
  pids+=($!)
  wait_ready "$B_URL"
  URLS="$A_URL,$B_URL"
fi

# An admin (for the grants and the mint), made the way an operator does.
ADMIN=loadadmin@load.test
ADMIN_PW=load-admin-password-1
curl -fsS -o /dev/null -X POST "$A_URL/api/v1/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$ADMIN\",\"username\":\"loadadmin\",\"password\":\"$ADMIN_PW\",\"display_name\":\"Load admin\",\"role\":\"listener\"}"
DATABASE_URL="$DB_URL" DATA_DIR="$A_DIR" "$BIN" users grant-role "$ADMIN" admin

# Real audio: 40-second two-tone chords, one file per song.
AUDIO="$LOAD_DIR/audio"
mkdir -p "$AUDIO"
for i in $(seq 1 "$SONGS"); do
  f1=$((180 + 40 * i)); f2=$((f1 * 5 / 4))
  ffmpeg -nostdin -v error -y -f lavfi -i "aevalsrc=0.3*sin($f1*2*PI*t)+0.2*sin($f2*2*PI*t):s=44100:d=40" \
    -ac 2 -b:a 128k "$AUDIO/song$i.mp3"
done

set +e
DATABASE_URL="$DB_URL" DATA_DIR="$A_DIR" bin/vibeload -urls "$URLS" -users "$USERS" -duration "$DURATION" ${RAMP:+-ramp "$RAMP"} \
  -think "$THINK" -admin-email "$ADMIN" -admin-password "$ADMIN_PW" \
  -seed-artists "$ARTISTS" -seed-audio "$AUDIO" -seed-mint 1000000 \
  -ledger-verify "$BIN ledger verify" -json "$LOAD_DIR/summary.json" ${VIBELOAD_FLAGS:-}
status=$?
set -e
echo "load: summary in $LOAD_DIR/summary.json, server logs in $LOAD_DIR/*.log (exit $status)"
exit $status
