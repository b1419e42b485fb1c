#!/usr/bin/env bash
# Prints the name of a Debian base image for containers/Dockerfile, making it
# first when needed:
#   - a registry is reachable: docker.io/library/debian:<release>-slim, pulled;
#   - else an image made before by this script: localhost/wtscan-base:<release>;
#   - else it is made now with mmdebstrap from the machine's own Debian mirror
#     (the sources apt is configured with), holding what the workflow's shell
#     rules need (bash, coreutils, gawk, procps, ca-certificates), and imported.
#   ENGINE=podman|docker  DEBIAN_RELEASE=bookworm  bash scripts/make-base-image.sh
# Run by `make image`. Set BASE_IMAGE to skip all this and use your own.
set -euo pipefail
ENGINE=${ENGINE:-podman}
release=${DEBIAN_RELEASE:-}
if [ -z "$release" ]; then
  release=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  release=${release:-bookworm}
fi
log() { echo "make-base-image: $*" >&2; }

remote="docker.io/library/debian:${release}-slim"
local_name="localhost/wtscan-base:${release}"

if "$ENGINE" image exists "$remote" 2>/dev/null \
  || "$ENGINE" image inspect "$remote" >/dev/null 2>&1; then
  echo "$remote"; exit 0
fi
# A registry answers /v2/ with 200 or 401; no answer at all means offline.
code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' https://registry-1.docker.io/v2/ 2>/dev/null || true)
if [ "$code" = 200 ] || [ "$code" = 401 ]; then
  if "$ENGINE" pull -q "$remote" >&2; then echo "$remote"; exit 0; fi
  log "pulling $remote failed; making the base image locally"
fi
if "$ENGINE" image inspect "$local_name" >/dev/null 2>&1; then
  echo "$local_name"; exit 0
fi

command -v mmdebstrap >/dev/null || { log "mmdebstrap not found: bash scripts/install-cluster-deps.sh"; exit 1; }
# The Debian entries of the machine's apt sources (one-line and deb822 files).
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -s "$f" ] && grep -qE '^[^#]*(URIs:|deb ).*/debian(-security)?/?( |$)' "$f" && sources+=("$f")
done
((${#sources[@]})) || { log "no Debian entry in /etc/apt/sources.list*; give BASE_IMAGE instead"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log "making $local_name with mmdebstrap ($release, from ${sources[*]})"
mmdebstrap --quiet --variant=minbase --mode=auto \
  --include=bash,coreutils,gawk,procps,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --aptopt='Acquire::Retries "3"' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
  "$release" "$tmp/rootfs.tar" "${sources[@]}" </dev/null >&2
"$ENGINE" import --change 'CMD ["bash"]' "$tmp/rootfs.tar" "$local_name" >/dev/null
echo "$local_name"
