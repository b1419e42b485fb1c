#!/usr/bin/env bash
# Installs what the cluster path needs on a Debian machine (root or sudo):
# podman (with runc), mmdebstrap, SLURM (slurmctld, slurmd, client) with munge,
# and Apptainer, built from its Go module source because Debian does not
# package it. Used by `make image`, `make sif` and `make test-cluster`; safe to
# run again: it installs only what is missing.
#   bash scripts/install-cluster-deps.sh
#
# Apptainer notes (also in docs/cluster.md):
# - `go install ...@latest` cannot build it (C starter, mconfig); the module zip
#   from `go mod download` can, once its exec bits and VERSION file are restored
#   (module zips keep neither).
# - Its Makefile runs `go clean -cache`: it builds with a GOCACHE of its own so
#   that the machine's Go build cache survives.
# - Root without CAP_SYS_RESOURCE (containers, some CI machines) cannot keep
#   the default capabilities: apptainer.conf gets `root default capabilities = no`.
# - Image builds with %post need --fakeroot, which needs a subuid/subgid range
#   for the user (root here).
set -euo pipefail

APPTAINER_VERSION=${APPTAINER_VERSION:-1.4.1}
# The module's go.sum hash (h1:) as the Go module proxy served it; checked
# after download, since the public checksum database does not list this module.
APPTAINER_SUM=${APPTAINER_SUM:-h1:rkify3P3kwgkAbD1sEI04ZOPvatROgSH/wqr8EFGwZY=}
PREFIX=${APPTAINER_PREFIX:-/usr/local}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
log() { echo "install-cluster-deps: $*" >&2; }

packages=(
  podman runc uidmap slirp4netns fuse-overlayfs # OCI images (crun refuses hybrid cgroups: runc)
  mmdebstrap                               # base images from the machine's Debian mirror
  slurm-wlm slurm-client munge             # slurmctld, slurmd, sbatch/squeue/sacct/scontrol
  snakemake                                # the workflow (also in install-deps.sh)
  # Apptainer's build and run dependencies
  gcc make libc6-dev pkg-config libseccomp-dev libsubid-dev
  cryptsetup-bin squashfs-tools squashfuse fuse2fs fakeroot
  ca-certificates
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# podman: runc, and ulimits within the hard limits (podman's defaults, nofile
# and nproc 1048576, exceed what such machines allow, so every RUN fails with
# "error setting rlimit"). nproc above 32768 fails there too, even under the
# shell's hard limit, so it is capped at that.
conf=/etc/containers/containers.conf.d/50-wtscan.conf
nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
[ "$nofile" = unlimited ] && nofile=1048576
[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
want="# Written by wtscan's scripts/install-cluster-deps.sh.
[containers]
default_ulimits = [\"nofile=${nofile}:${nofile}\", \"nproc=${nproc}:${nproc}\"]
[engine]
runtime = \"runc\""
if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
  log "writing $conf (runtime runc, ulimits nofile $nofile, nproc $nproc)"
  $SUDO mkdir -p "$(dirname "$conf")"
  printf '%s\n' "$want" | $SUDO tee "$conf" >/dev/null
fi

# A subordinate id range for root: apptainer --fakeroot and podman need one.
for f in /etc/subuid /etc/subgid; do
  if ! grep -q "^root:" "$f" 2>/dev/null; then
    log "adding root:100000:65536 to $f"
    echo "root:100000:65536" | $SUDO tee -a "$f" >/dev/null
  fi
done

# ---- Apptainer from its Go module source ----
have=$(apptainer --version 2>/dev/null || true)
if [ "$have" != "apptainer version $APPTAINER_VERSION" ]; then
  log "building Apptainer $APPTAINER_VERSION from its Go module source (about 9 minutes on 2 cores)"
  start=$(date +%s)
  work=$(mktemp -d /tmp/apptainer-build.XXXXXX)
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  json=$(GOFLAGS=-modcacherw GONOSUMDB=github.com/apptainer/apptainer GOMODCACHE="$work/mod" \
    go mod download -json "github.com/apptainer/apptainer@v$APPTAINER_VERSION")
  dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")
  sum=$(sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p' <<<"$json")
  [ -d "$dir" ] || { log "go mod download gave no module folder:"; echo "$json" >&2; exit 1; }
  if [ "$sum" != "$APPTAINER_SUM" ]; then
    log "apptainer module hash $sum, expected $APPTAINER_SUM"; exit 1
  fi
  src="$work/src"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  # Module zips drop exec bits: restore them on every script (shebang line).
  grep -rlI '^#!' "$src" | xargs chmod +x
  echo "$APPTAINER_VERSION" >"$src/VERSION"
  (
    cd "$src"
    export GOCACHE="$work/gocache" GOMODCACHE="$work/mod" GOFLAGS=-modcacherw
    unset GOEXPERIMENT
    ./mconfig -b builddir --prefix="$PREFIX" >"$work/mconfig.log" 2>&1 \
      || { tail -n 40 "$work/mconfig.log" >&2; exit 1; }
    nice make -C builddir >"$work/make.log" 2>&1 || { tail -n 40 "$work/make.log" >&2; exit 1; }
    $SUDO make -C builddir install >"$work/install.log" 2>&1 || { tail -n 40 "$work/install.log" >&2; exit 1; }
  )
  log "Apptainer $APPTAINER_VERSION installed in $PREFIX in $(($(date +%s) - start)) s"
fi

aconf="$PREFIX/etc/apptainer/apptainer.conf"
if [ -f "$aconf" ] && ! grep -q '^root default capabilities = no' "$aconf"; then
  log "setting 'root default capabilities = no' in $aconf"
  $SUDO sed -i 's/^root default capabilities = .*/root default capabilities = no/' "$aconf"
  grep -q '^root default capabilities = no' "$aconf" \
    || echo "root default capabilities = no" | $SUDO tee -a "$aconf" >/dev/null
fi
apptainer --version
podman --version
