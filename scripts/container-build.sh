#!/usr/bin/env bash
# Builds the images from the unchanged Dockerfile with podman, offline from any registry:
#   scripts/container-build.sh [production] [all-in-one]     (default: both)
# production is tagged $VS_IMAGE (localhost/vibestream:latest), all-in-one $VS_IMAGE_AIO.
# Makes the local base images first when they are missing (scripts/container-base.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
. "$here/container-env.sh"
[ "$(id -u)" -eq 0 ] || vs_die "container-build.sh runs podman as root (rootless podman is not set up on this machine)"
"$here/container-deps.sh"
"$here/container-base.sh"
vs_podman_setup

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(production all-in-one)
version="${VERSION:-$(git -C "$root" describe --always --dirty 2>/dev/null || echo dev)}"
stripe_mock="$(sed -n 's|.*github.com/stripe/stripe-mock@\(v[0-9.]*\).*|\1|p' "$root/scripts/tools.sh" | head -1)"
[ -n "$stripe_mock" ] || vs_die "cannot read the stripe-mock version from scripts/tools.sh"

for target in "${targets[@]}"; do
	case "$target" in
	production) tag="$VS_IMAGE" ;;
	all-in-one) tag="$VS_IMAGE_AIO" ;;
	*) vs_die "unknown target $target (production, all-in-one)" ;;
	esac
	vs_log "building $target -> $tag (version $version)"
	start=$SECONDS
	# --format docker keeps HEALTHCHECK (the OCI format has no such field); --pull=never: the
	# base images are the local ones; --network=host: RUN steps reach apt, the Go proxy, npm.
	# One retry: a RUN step that fetches (apt, the Go proxy, npm) can meet a passing network
	# error; the layers already built are reused, so the retry costs only what failed.
	build=(vs_podman build --format docker --pull=never --network=host --layers
		--target "$target" --build-arg "VERSION=$version" --build-arg "STRIPE_MOCK_VERSION=$stripe_mock"
		-t "$tag" -f "$root/Dockerfile" "$root")
	if ! "${build[@]}"; then
		vs_log "podman build of $target failed; retrying once"
		"${build[@]}" || vs_die "podman build of the $target target failed twice (output above)"
	fi
	vs_log "built $tag in $((SECONDS - start)) s: $(vs_podman image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}')"
done
