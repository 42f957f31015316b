# Sourced by the scripts/container-*.sh scripts: where the container tools live on this kind of
# machine and how podman must be called here (see "Deploy with a container" in the README).
#
# podman runs with runc (crun fails on a hybrid cgroup layout), the cgroupfs manager, and a
# containers.conf without default ulimits (the defaults ask for limits sandboxes refuse).

# VS_CONTAINER_CACHE keeps the locally made base images (tarballs) and the podman config between
# runs on the same machine; it lives outside the clone so a fresh clone reuses it.
VS_CONTAINER_CACHE="${VS_CONTAINER_CACHE:-/var/cache/vibestream-container}"
# Names of the locally made base images: the short names the Dockerfile uses resolve to them
# with --pull=never.
VS_BASE_IMAGE="${VS_BASE_IMAGE:-localhost/debian:bookworm-slim}"
VS_BUILDER_IMAGE="${VS_BUILDER_IMAGE:-localhost/golang:1.26-bookworm}"
# The images the Dockerfile's two targets are tagged as.
VS_IMAGE="${VS_IMAGE:-localhost/vibestream:latest}"
VS_IMAGE_AIO="${VS_IMAGE_AIO:-localhost/vibestream:all-in-one}"

vs_log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
vs_die() { vs_log "FAIL: $*"; exit 1; }

# vs_podman_setup writes the containers.conf this machine needs and exports CONTAINERS_CONF.
vs_podman_setup() {
	mkdir -p "$VS_CONTAINER_CACHE"
	local conf="$VS_CONTAINER_CACHE/containers.conf"
	if [ ! -s "$conf" ] || ! grep -q 'default_ulimits = \[\]' "$conf"; then
		printf '[containers]\ndefault_ulimits = []\n' >"$conf.tmp" && mv "$conf.tmp" "$conf"
	fi
	export CONTAINERS_CONF="$conf"
}

# vs_podman runs podman with the runtime flags that work here. VS_PODMAN_RUNTIME overrides runc.
vs_podman() {
	command podman --runtime "${VS_PODMAN_RUNTIME:-$(command -v runc || echo /usr/sbin/runc)}" --cgroup-manager=cgroupfs "$@"
}

# vs_podman_t <seconds> <args...>: vs_podman bounded by a timeout.
vs_podman_t() {
	local t="$1"
	shift
	timeout --kill-after=10 "$t" podman --runtime "${VS_PODMAN_RUNTIME:-$(command -v runc || echo /usr/sbin/runc)}" --cgroup-manager=cgroupfs "$@"
}
