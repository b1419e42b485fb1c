#!/usr/bin/env bash
# Builds the wtscan OCI image from containers/Dockerfile and the binaries in
# bin/ (`make build`). Run by `make image`, which sets these:
#   ENGINE=podman|docker  IMAGE=ghcr.io/wtscan/wtscan:<version>  VERSION=<git describe>
#   BASE_IMAGE=...        (optional; default: scripts/make-base-image.sh picks or makes one)
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE=${ENGINE:-podman}
: "${IMAGE:?}" "${VERSION:?}"
command -v "$ENGINE" >/dev/null || { echo "build-image: $ENGINE not found: make cluster-deps (bash scripts/install-cluster-deps.sh)" >&2; exit 1; }
ls bin/wtscan-* >/dev/null 2>&1 || { echo "build-image: no bin/wtscan-*: run make build" >&2; exit 1; }
base=${BASE_IMAGE:-$(bash scripts/make-base-image.sh)}
echo "build-image: $IMAGE from $base" >&2
start=$(date +%s)
# Host network: a base without gawk & co. installs them with apt-get, which
# then needs no container network setup of the engine's.
"$ENGINE" build --network=host -f containers/Dockerfile \
  --build-arg "VERSION=$VERSION" --build-arg "BASE_IMAGE=$base" \
  -t "$IMAGE" .
"$ENGINE" run --rm "$IMAGE" wtscan-align --version
echo "build-image: $IMAGE built in $(($(date +%s) - start)) s" >&2
