#!/usr/bin/env bash
# Builds the Apptainer image $SIF. Run by `make sif`, which sets these:
#   SIF_FROM=image (default): converts the OCI image $IMAGE (make image), saved
#     from $ENGINE as an archive, so no registry is needed;
#   SIF_FROM=def: builds containers/wtscan.def (base image from a registry,
#     --fakeroot), with the binaries in bin/.
# Then runs the image's checks (%test, or every binary's --version).
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE=${ENGINE:-podman}
: "${SIF:?}" "${VERSION:?}"
command -v apptainer >/dev/null || { echo "build-sif: apptainer not found: make cluster-deps (bash scripts/install-cluster-deps.sh)" >&2; exit 1; }
start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wtscan-sif.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
case "${SIF_FROM:-image}" in
image)
  : "${IMAGE:?}"
  if [ "$ENGINE" = podman ]; then
    podman save --format oci-archive -o "$tmp/image.tar" "$IMAGE"
    src="oci-archive://$tmp/image.tar"
  else
    docker save -o "$tmp/image.tar" "$IMAGE"
    src="docker-archive://$tmp/image.tar"
  fi
  APPTAINER_TMPDIR="$tmp" apptainer build --force "$SIF.tmp" "$src"
  ;;
def)
  APPTAINER_TMPDIR="$tmp" apptainer build --force --fakeroot --build-arg "VERSION=$VERSION" \
    "$SIF.tmp" containers/wtscan.def
  ;;
*) echo "build-sif: SIF_FROM must be image or def" >&2; exit 2 ;;
esac
mv "$SIF.tmp" "$SIF"
for b in bin/wtscan-*; do
  apptainer exec --cleanenv "$SIF" "$(basename "$b")" --version
done
echo "build-sif: $SIF built in $(($(date +%s) - start)) s" >&2
