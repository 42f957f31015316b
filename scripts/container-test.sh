#!/usr/bin/env bash
# The container test (`make container-test`, run by .ci/run after `make test`): builds both
# images from the unchanged Dockerfile with podman and proves them.
#
#   production  two containers against one PostgreSQL on the host (same binaries the test suite
#               uses, over TCP on 127.0.0.1 with a password, owned by a non-superuser role) via
#               DATABASE_URL, sharing a JWT key: ready, register an artist (known to both, its
#               token accepted by both), upload a real audio file (ffmpeg's sine source), wait
#               for transcoding, stream it (full and ranged, bytes checked), the image's
#               HEALTHCHECK passes, SIGTERM stops it cleanly within SHUTDOWN_TIMEOUT
#   all-in-one  on a volume: ready, register, stop, a new container on the same volume, login
#               works (the data survived), the local chains answer GET /api/v1/chains with the
#               same token addresses as before, HEALTHCHECK passes; after a SIGKILL (a crash) a
#               new container on the volume recovers the same way; clean stops
#
# The production containers share the host network (--network=host) to reach the host's
# PostgreSQL on 127.0.0.1; the all-in-one publishes its port on 127.0.0.1 only (or, where podman
# cannot publish ports, uses the host network too). Everything it starts is removed on exit.
# VS_SKIP_BUILD=1 reuses the images already built. Run as root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
. "$here/container-env.sh"
[ "$(id -u)" -eq 0 ] || vs_die "container-test.sh must run as root (podman, debootstrap)"
t0=$SECONDS

"$here/container-deps.sh"
vs_podman_setup

run_id="vsct-$$"
work="$(mktemp -d /var/tmp/vibestream-ct.XXXXXX)"
chmod 755 "$work" # the postgres OS user must reach its data directory
containers=()
volumes=()
pg_ctl=""
pg_data=""

cleanup() {
	local rc=$?
	set +e
	if [ $rc -ne 0 ]; then
		for c in "${containers[@]}"; do
			vs_log "logs of $c (last 60 lines):"
			vs_podman_t 20 logs --tail 60 "$c" 2>&1 | sed 's/^/    /' >&2
		done
		[ -n "$pg_data" ] && [ -f "$pg_data/server.log" ] && { vs_log "host postgres log:"; tail -20 "$pg_data/server.log" | sed 's/^/    /' >&2; }
	fi
	for c in "${containers[@]}"; do vs_podman_t 60 rm -f -v -t 5 "$c" >/dev/null 2>&1; done
	for v in "${volumes[@]}"; do vs_podman_t 30 volume rm -f "$v" >/dev/null 2>&1; done
	if [ -n "$pg_ctl" ]; then runuser -u postgres -- "$pg_ctl" -D "$pg_data" -m fast -w -t 30 stop >/dev/null 2>&1; fi
	rm -rf "$work"
	if [ $rc -eq 0 ]; then vs_log "container test passed in $((SECONDS - t0)) s"; else vs_log "container test FAILED (exit $rc) after $((SECONDS - t0)) s"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port prints a TCP port nothing listens on at 127.0.0.1.
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
	done
	vs_die "no free port found"
}

# wait_ready <container> <base url> <seconds>: until /health/ready answers 200.
wait_ready() {
	local c="$1" url="$2" limit="$3" start=$SECONDS
	while :; do
		if curl -fsS --max-time 3 -o /dev/null "$url/health/ready" 2>/dev/null; then
			vs_log "$c ready after $((SECONDS - start)) s"
			return 0
		fi
		if [ "$(podman inspect --format '{{.State.Running}}' "$c" 2>/dev/null)" != "true" ]; then
			vs_die "$c exited before becoming ready (exit code $(podman inspect --format '{{.State.ExitCode}}' "$c" 2>/dev/null))"
		fi
		[ $((SECONDS - start)) -lt "$limit" ] || vs_die "$c not ready within $limit s ($url/health/ready: $(curl -sS --max-time 3 "$url/health/ready" 2>&1))"
		sleep 1
	done
}

# api <method> <url> [curl args...]: prints the body, fails with the body on a non-2xx status.
api() {
	local method="$1" url="$2" out status
	shift 2
	out="$work/resp.$RANDOM"
	status="$(curl -sS --max-time 60 -o "$out" -w '%{http_code}' -X "$method" "$@" "$url")" ||
		vs_die "$method $url: request failed"
	case "$status" in
	2??) cat "$out" ;;
	*) vs_die "$method $url answered $status: $(head -c 600 "$out")" ;;
	esac
	rm -f "$out"
}

# fetch <file> <url> [curl args...]: saves a 2xx body to file.
fetch() {
	local file="$1" url="$2" status
	shift 2
	status="$(curl -sS --max-time 60 -o "$file" -w '%{http_code}' "$@" "$url")" || vs_die "GET $url: request failed"
	[[ "$status" == 2?? ]] || vs_die "GET $url answered $status: $(head -c 600 "$file")"
}

# healthcheck_passes <container>: the image's own HEALTHCHECK command, run by podman.
healthcheck_passes() {
	local c="$1" cmd
	cmd="$(podman inspect --format '{{json .Config.Healthcheck.Test}}' "$c")"
	[[ "$cmd" == *vibestream*healthcheck* ]] ||
		vs_die "$c has no HEALTHCHECK using the binary (got $cmd): was the image built with --format docker?"
	vs_podman_t 30 healthcheck run "$c" >/dev/null || vs_die "the HEALTHCHECK of $c failed ($cmd)"
	vs_log "HEALTHCHECK of $c passes: $cmd"
}

# stop_cleanly <container> <shutdown timeout seconds>: SIGTERM, then exit code 0 within the bound.
stop_cleanly() {
	local c="$1" bound="$2" start=$SECONDS code
	# (podman's complaints about the systemd health timers it cannot remove here are noise)
	vs_podman_t $((bound + 40)) stop -t $((bound + 30)) "$c" >/dev/null 2>"$work/stop-$c.err" ||
		{ cat "$work/stop-$c.err" >&2; vs_die "podman stop $c failed"; }
	code="$(podman inspect --format '{{.State.ExitCode}}' "$c")"
	[ "$code" = "0" ] || vs_die "$c exited with $code after SIGTERM (want 0: a clean stop)"
	[ $((SECONDS - start)) -le $((bound + 10)) ] || vs_die "$c took $((SECONDS - start)) s to stop (SHUTDOWN_TIMEOUT ${bound}s)"
	podman logs "$c" >"$work/$c.log" 2>&1 || true
	grep -q 'shutting down' "$work/$c.log" || vs_die "$c did not log its shutdown"
	vs_log "$c stopped cleanly on SIGTERM in $((SECONDS - start)) s (exit 0)"
}

# run_container <name> <image> [podman run args...]
run_container() {
	local name="$1" image="$2"
	shift 2
	containers+=("$name")
	# No systemd here to run health timers (podman says so on stderr, which is kept for failures):
	# --health-interval=disable, and the test runs the image's HEALTHCHECK itself.
	vs_podman_t 120 run -d --name "$name" --pull=never --health-interval=disable "$@" "$image" \
		>/dev/null 2>"$work/run-$name.err" || { cat "$work/run-$name.err" >&2; vs_die "podman run $name failed"; }
}
# podman below always gets the runtime flags this machine needs.
podman() { vs_podman_t 120 "$@"; }

if [ "${VS_SKIP_BUILD:-}" != 1 ]; then
	timeout 3600 "$here/container-build.sh" production all-in-one || vs_die "image build failed or timed out"
fi
for img in "$VS_IMAGE" "$VS_IMAGE_AIO"; do
	podman image exists "$img" || vs_die "image $img is missing"
done
build_done=$SECONDS

######## a real audio file ########
ffmpeg -hide_banner -loglevel error -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=4" \
	-ac 2 -c:a pcm_s16le "$work/tone.wav" || vs_die "ffmpeg could not make the test audio"
audio_sha="$(sha256sum "$work/tone.wav" | cut -d' ' -f1)"

######## PostgreSQL on the host for the production image ########
pg_bin="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1)")"
[ -x "$pg_bin/initdb" ] || pg_bin="$(dirname "$(command -v initdb || true)")"
[ -x "$pg_bin/initdb" ] || vs_die "PostgreSQL server binaries not found (make system-deps installs them)"
pg_data="$work/pg"
pg_port="$(free_port)"
pg_pass="ct-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$pg_data" "$work/pgsock" && chown postgres:postgres "$pg_data" "$work/pgsock" && chmod 700 "$pg_data"
printf '%s\n' "$pg_pass" >"$work/pgpass" && chown postgres "$work/pgpass"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -U postgres --pwfile="$work/pgpass" --auth-local=trust \
	--auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; vs_die "initdb failed"; }
pg_ctl="$pg_bin/pg_ctl"
pg_start() {
	runuser -u postgres -- "$pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
		-o "-p $pg_port -k $work/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null ||
		vs_die "the host PostgreSQL did not start"
}
pg_start
psql=(runuser -u postgres -- "$pg_bin/psql" -h "$work/pgsock" -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qAt)
"${psql[@]}" -c "CREATE ROLE vibestream LOGIN PASSWORD '$pg_pass'" -c "CREATE DATABASE vibestream OWNER vibestream" >/dev/null ||
	vs_die "could not create the vibestream role and database"
database_url="postgres://vibestream:$pg_pass@127.0.0.1:$pg_port/vibestream?sslmode=disable"
vs_log "host PostgreSQL on 127.0.0.1:$pg_port (role vibestream, not a superuser)"

######## production image: two instances on one Postgres, sharing the JWT signing key ########
openssl genpkey -algorithm ed25519 -out "$work/jwt-ed25519.pem" 2>/dev/null || vs_die "openssl could not make a JWT key"
chmod 644 "$work/jwt-ed25519.pem" # read by uid 10001 in the containers (a secret mount elsewhere)
prod="$run_id-prod"
prod2="$run_id-prod2"
port="$(free_port)"
port2="$(free_port)"
base="http://127.0.0.1:$port"
base2="http://127.0.0.1:$port2"
prod_env=(--network=host -e "DATABASE_URL=$database_url" -e CHAINS_ENABLED=false -e SHUTDOWN_TIMEOUT=10s -e TRANSCODE_RETRY_DELAY=1s
	-v "$work/jwt-ed25519.pem:/run/secrets/jwt-ed25519.pem:ro" -e JWT_PRIVATE_KEY_FILE=/run/secrets/jwt-ed25519.pem
	-e JWT_ISSUER=https://vibestream.test)
run_container "$prod" "$VS_IMAGE" "${prod_env[@]}" -e "HTTP_ADDR=127.0.0.1:$port" -e "PUBLIC_URL=$base" -e INSTANCE_ID=ct-a
wait_ready "$prod" "$base" 120
run_container "$prod2" "$VS_IMAGE" "${prod_env[@]}" -e "HTTP_ADDR=127.0.0.1:$port2" -e "PUBLIC_URL=$base2" -e INSTANCE_ID=ct-b
wait_ready "$prod2" "$base2" 120
[ "$(podman exec "$prod" id -u)" != "0" ] || vs_die "the production container runs as root"
ver="$(podman exec "$prod" vibestream version)" && [[ "$ver" == "vibestream "* ]] || vs_die "vibestream version failed in the image"
if [ "${VS_SKIP_BUILD:-}" != 1 ] && [ -n "${VERSION:-}" ]; then
	[ "$ver" = "vibestream $VERSION" ] || vs_die "the image says '$ver', built as version $VERSION"
fi

email="artist-$RANDOM@example.test"
reg="$(api POST "$base/api/v1/auth/register" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$email\",\"username\":\"ct_artist_$RANDOM\",\"password\":\"correct horse battery\",\"display_name\":\"CT Artist\",\"role\":\"artist\"}")"
token="$(jq -r .access_token <<<"$reg")"
[ -n "$token" ] && [ "$token" != null ] || vs_die "register returned no access token: $reg"
auth=(-H "Authorization: Bearer $token")
me="$(api GET "$base2/api/v1/users/me" "${auth[@]}")"
[ "$(jq -r .email <<<"$me")" = "$email" ] || vs_die "the second instance does not know the user registered on the first: $me"
api POST "$base2/api/v1/auth/login" -H 'Content-Type: application/json' \
	-d "{\"login\":\"$email\",\"password\":\"correct horse battery\"}" >/dev/null
vs_log "two production containers on one Postgres: a token from one is accepted by the other, login works on both"
# Local media storage is per container (several instances need MEDIA_STORAGE=s3): the second one
# stops before the upload, so that the transcoding job cannot land on it.
stop_cleanly "$prod2" 10
song="$(api POST "$base/api/v1/music/songs" "${auth[@]}" -H 'Content-Type: application/json' -d '{"title":"Container Tone"}' | jq -r .id)"
[ -n "$song" ] && [ "$song" != null ] || vs_die "no song id"
api PUT "$base/api/v1/music/songs/$song/audio" "${auth[@]}" -H 'Content-Type: application/octet-stream' \
	--data-binary "@$work/tone.wav" >/dev/null
start=$SECONDS
while :; do
	status="$(api GET "$base/api/v1/music/songs/$song" "${auth[@]}" | jq -r .status)"
	[ "$status" = ready ] && break
	[ "$status" != failed ] || vs_die "transcoding failed: $(api GET "$base/api/v1/music/songs/$song" "${auth[@]}")"
	[ $((SECONDS - start)) -lt 90 ] || vs_die "song still $status after 90 s"
	sleep 1
done
vs_log "uploaded audio transcoded by ffmpeg in the container: song $song ready in $((SECONDS - start)) s"
fetch "$work/original.wav" "$base/api/v1/music/stream/$song?quality=original" "${auth[@]}"
[ "$(sha256sum "$work/original.wav" | cut -d' ' -f1)" = "$audio_sha" ] || vs_die "the streamed original differs from the upload"
fetch "$work/low.mp3" "$base/api/v1/music/stream/$song?quality=low" "${auth[@]}"
ffprobe -v error -show_entries format=format_name -of default=nw=1:nk=1 "$work/low.mp3" | grep -q mp3 ||
	vs_die "the low rendition is not MP3"
ranged="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=0-99' "${auth[@]}" \
	"$base/api/v1/music/stream/$song?quality=original")"
[ "$ranged" = "206 100" ] || vs_die "ranged stream answered '$ranged' (want '206 100')"
vs_log "streamed the song: original byte-identical, low rendition MP3, ranges work"
healthcheck_passes "$prod"
# The HEALTHCHECK means something: with the database gone it fails, and passes again after.
runuser -u postgres -- "$pg_ctl" -D "$pg_data" -m fast -w -t 30 stop >/dev/null || vs_die "could not stop the host PostgreSQL"
! vs_podman_t 30 healthcheck run "$prod" >/dev/null 2>&1 || vs_die "the HEALTHCHECK of $prod passed with its database down"
vs_log "HEALTHCHECK of $prod fails while its database is down"
pg_start
start=$SECONDS
until vs_podman_t 30 healthcheck run "$prod" >/dev/null 2>&1; do
	[ $((SECONDS - start)) -lt 60 ] || vs_die "the HEALTHCHECK of $prod still fails 60 s after its database came back"
	sleep 1
done
vs_log "HEALTHCHECK of $prod passes again once the database is back"
stop_cleanly "$prod" 10

######## all-in-one image ########
vol="$run_id-data"
podman volume create "$vol" >/dev/null
volumes+=("$vol")
aio_port="$(free_port)"
aio="http://127.0.0.1:$aio_port"
# As the README runs it: its own network, port 3000 published on 127.0.0.1 only, the image's
# defaults. Where podman cannot publish ports, the host network with HTTP_ADDR on 127.0.0.1.
aio_env=(-v "$vol:/data" -e SHUTDOWN_TIMEOUT=10s -p "127.0.0.1:$aio_port:3000")
if [ "${VS_CT_NETWORK:-}" = host ] ||
	! vs_podman_t 60 run --rm --pull=never -p "127.0.0.1:$aio_port:3000" "$VS_BASE_IMAGE" true >/dev/null 2>&1; then
	vs_log "no published ports here: the all-in-one runs on the host network"
	aio_env=(-v "$vol:/data" -e SHUTDOWN_TIMEOUT=10s --network=host -e "HTTP_ADDR=127.0.0.1:$aio_port")
fi
run_container "$run_id-aio1" "$VS_IMAGE_AIO" "${aio_env[@]}"
wait_ready "$run_id-aio1" "$aio" 240
chains1="$(api GET "$aio/api/v1/chains")"
cards="$(api GET "$aio/health" | jq -r '.components.card_payments // empty')"
[ "$cards" = local ] || vs_die "the all-in-one's card payments are not the local stripe-mock: /health says card_payments=$cards"
vs_log "the all-in-one runs its own stripe-mock: card_payments local"
listener="listener-$RANDOM@example.test"
password="another long password"
api POST "$aio/api/v1/auth/register" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$listener\",\"username\":\"ct_listener_$RANDOM\",\"password\":\"$password\",\"display_name\":\"CT Listener\",\"role\":\"listener\"}" >/dev/null
healthcheck_passes "$run_id-aio1"
stop_cleanly "$run_id-aio1" 10

run_container "$run_id-aio2" "$VS_IMAGE_AIO" "${aio_env[@]}"
wait_ready "$run_id-aio2" "$aio" 240
login="$(api POST "$aio/api/v1/auth/login" -H 'Content-Type: application/json' -d "{\"login\":\"$listener\",\"password\":\"$password\"}")"
[ "$(jq -r .access_token <<<"$login")" != null ] || vs_die "login after the restart returned no token: $login"
vs_log "a new container on the same volume: the user registered before the restart logs in"
chains2="$(api GET "$aio/api/v1/chains")"
for chain in ethereum solana; do
	a="$(jq -r --arg c "$chain" '.chains[] | select(.blockchain == $c) | .token_address' <<<"$chains1")"
	b="$(jq -r --arg c "$chain" '.chains[] | select(.blockchain == $c) | .token_address' <<<"$chains2")"
	[ -n "$b" ] && [ "$b" != null ] || vs_die "GET /api/v1/chains has no $chain: $chains2"
	[ "$a" = "$b" ] || vs_die "$chain VIBE token changed across the restart ($a -> $b): chain state not kept on the volume"
done
vs_log "the local chains answer GET /api/v1/chains; VIBE token addresses kept across the restart"
healthcheck_passes "$run_id-aio2"
# A crash (SIGKILL: the managed Postgres gets no shutdown) loses nothing committed either.
vs_podman_t 60 kill --signal KILL "$run_id-aio2" >/dev/null 2>&1 || vs_die "podman kill failed"
vs_podman_t 60 wait "$run_id-aio2" >/dev/null 2>&1 || true
run_container "$run_id-aio3" "$VS_IMAGE_AIO" "${aio_env[@]}"
wait_ready "$run_id-aio3" "$aio" 240
login="$(api POST "$aio/api/v1/auth/login" -H 'Content-Type: application/json' -d "{\"login\":\"$listener\",\"password\":\"$password\"}")"
[ "$(jq -r .access_token <<<"$login")" != null ] || vs_die "login after the crash returned no token: $login"
chains3="$(api GET "$aio/api/v1/chains")"
[ "$(jq -c '[.chains[] | .token_address]' <<<"$chains3")" = "$(jq -c '[.chains[] | .token_address]' <<<"$chains1")" ] ||
	vs_die "the chains changed across the crash: $chains3"
vs_log "after a SIGKILL, a new container on the volume recovers: login works, same chains"
stop_cleanly "$run_id-aio3" 10

vs_log "images: $(podman image inspect --format '{{.Size}}' "$VS_IMAGE" | awk '{printf "production %.0f MB", $1/1e6}'), $(podman image inspect --format '{{.Size}}' "$VS_IMAGE_AIO" | awk '{printf "all-in-one %.0f MB", $1/1e6}'); build $((build_done - t0)) s, tests $((SECONDS - build_done)) s"
# Old build-cache images pile up across runs; a week's worth is kept.
podman image prune -f --filter until=168h >/dev/null 2>&1 || true
