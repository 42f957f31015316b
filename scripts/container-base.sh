#!/usr/bin/env bash
# Makes the base images the Dockerfile starts FROM, locally, because no registry is reachable on
# this kind of machine (elsewhere Docker pulls the real ones and this script is not needed):
#
#   localhost/debian:bookworm-slim   a minimal bookworm root file system (debootstrap minbase)
#   localhost/golang:1.26-bookworm   the same plus this host's Go 1.26 toolchain
#
# Both trust this host's extra CA certificates (/usr/local/share/ca-certificates), without which
# HTTPS from inside a build (Go modules, npm) fails here; that belongs to these local stand-ins
# only, never to the project's Dockerfile.
#
# Cached: each image is kept in podman's store, labelled with a key (script revision, CA
# certificates, Go version), and as a tarball under $VS_CONTAINER_CACHE; it is rebuilt only when
# both are missing or the key changed. Idempotent; run as root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/container-env.sh"
[ "$(id -u)" -eq 0 ] || vs_die "container-base.sh must run as root (debootstrap, podman)"
vs_podman_setup

# Bump when the recipe below changes, so cached images are remade.
RECIPE=4
SUITE=bookworm
MIRROR="${VS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
GOROOT_HOST="$(go env GOROOT)"
GO_VERSION="$(go env GOVERSION)"
case "$GO_VERSION" in go1.26*) ;; *) vs_die "the builder image needs Go 1.26 on the host, found $GO_VERSION" ;; esac

ca_sum="$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null | sha256sum | cut -c1-16)"
base_key="r$RECIPE-$SUITE-ca$ca_sum"
builder_key="$base_key-$GO_VERSION"
base_tar="$VS_CONTAINER_CACHE/debian-$SUITE-slim-$base_key.tar"
builder_tar="$VS_CONTAINER_CACHE/golang-$builder_key.tar"

label_of() { vs_podman image inspect --format '{{index .Labels "org.vibestream.base-key"}}' "$1" 2>/dev/null || true; }

work="$(mktemp -d /var/tmp/vibestream-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT

make_base_tar() {
	local root="$work/rootfs"
	vs_log "debootstrap $SUITE (minbase) from $MIRROR: about 75 s"
	debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
		{ tail -20 "$work/debootstrap.log" >&2; vs_die "debootstrap failed (log above)"; }
	# What debian:bookworm-slim looks like: the three suites, no docs or man pages, no apt caches.
	rm -f "$root/etc/apt/sources.list"
	cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
	cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
	cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
APT
	echo 'APT::Install-Recommends "false";' >"$root/etc/apt/apt.conf.d/no-recommends"
	find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
	find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
	rm -rf "$root/usr/share/man/"* "$root/usr/share/info/"* "$root/var/cache/apt/"*.bin \
		"$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"* "$root/var/log/"*.log
	# This host's extra CA certificates (the local stand-ins only: see the header).
	if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
		cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	fi
	chroot "$root" update-ca-certificates >/dev/null 2>&1 || vs_die "update-ca-certificates failed in the base root file system"
	tar --numeric-owner -C "$root" -cf "$base_tar.tmp" .
	mv "$base_tar.tmp" "$base_tar"
	rm -rf "$root"
}

make_builder_tar() {
	local root="$work/builder"
	mkdir -p "$root"
	tar -C "$root" -xf "$base_tar"
	mkdir -p "$root/usr/local/go" "$root/go/bin" "$root/go/src"
	vs_log "adding the host's $GO_VERSION toolchain ($GOROOT_HOST)"
	(cd "$GOROOT_HOST" && tar --exclude=./test --exclude=./doc -cf - .) | tar -C "$root/usr/local/go" -xf -
	tar --numeric-owner -C "$root" -cf "$builder_tar.tmp" .
	mv "$builder_tar.tmp" "$builder_tar"
	rm -rf "$root"
}

# import <tarball> <image> <key> <podman import --change ...>
import_image() {
	local tarball="$1" image="$2" key="$3"
	shift 3
	local old
	old="$(vs_podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
	vs_podman import --quiet --change "LABEL org.vibestream.base-key=$key" "$@" "$tarball" "$image" >/dev/null
	if [ -n "$old" ] && [ "$old" != "$(vs_podman image inspect --format '{{.Id}}' "$image")" ]; then
		vs_podman rmi "$old" >/dev/null 2>&1 || true
	fi
}

if [ "$(label_of "$VS_BASE_IMAGE")" = "$base_key" ]; then
	vs_log "base image $VS_BASE_IMAGE is current ($base_key)"
else
	[ -s "$base_tar" ] || make_base_tar
	vs_log "importing $VS_BASE_IMAGE"
	import_image "$base_tar" "$VS_BASE_IMAGE" "$base_key" \
		--change 'CMD ["bash"]' \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt'
fi

if [ "$(label_of "$VS_BUILDER_IMAGE")" = "$builder_key" ]; then
	vs_log "builder image $VS_BUILDER_IMAGE is current ($builder_key)"
else
	if [ ! -s "$builder_tar" ]; then
		[ -s "$base_tar" ] || make_base_tar
		make_builder_tar
	fi
	vs_log "importing $VS_BUILDER_IMAGE"
	import_image "$builder_tar" "$VS_BUILDER_IMAGE" "$builder_key" \
		--change 'CMD ["bash"]' \
		--change "ENV GOLANG_VERSION=${GO_VERSION#go}" \
		--change 'ENV GOPATH=/go' \
		--change 'ENV GOTOOLCHAIN=local' \
		--change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
		--change 'WORKDIR /go'
fi

# Tarballs of older keys are dead weight.
for f in "$VS_CONTAINER_CACHE"/debian-*.tar "$VS_CONTAINER_CACHE"/golang-*.tar; do
	[ -e "$f" ] || continue
	[ "$f" = "$base_tar" ] || [ "$f" = "$builder_tar" ] || rm -f "$f"
done
