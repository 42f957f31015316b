#!/usr/bin/env bash
# Installs what building and running the container images needs on a Debian host, only when it
# is missing (idempotent; one apt-get update at most): podman, buildah, runc (crun fails on this
# kind of host), debootstrap (the base images are made locally: no registry is reachable) and
# ffmpeg, curl, jq and openssl (the container test makes its audio, drives the API and makes a
# JWT key with them).
set -euo pipefail
need=()
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v buildah >/dev/null 2>&1 || need+=(buildah)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || need+=(runc)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "container-deps: missing ${need[*]}; install them as root (apt-get install ${need[*]})" >&2
	exit 1
fi
echo "container-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1; then
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
