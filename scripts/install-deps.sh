#!/usr/bin/env bash
# Installs, from Debian packages, every program and data set wtscan's tests,
# benchmarks and demo use. Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  emboss            # water: the oracle of the alignment parity tests, and --engine water
  parasail          # parasail_aligner: a peer in the benchmark
  python3-biopython # PairwiseAligner: a peer in the benchmark
  snakemake         # the workflow
  kleborate-examples # four complete K. pneumoniae assemblies (real-genome tests, demo)
  kleborate         # K. pneumoniae wild-type reference sequences (demo references)
  resfinder-example # the PointFinder database v3.0.0 as distributed (real-database tests), ResFinder's example isolates (peers-resfinder.sh)
  ncbi-blast+       # tblastn: a peer in the extract benchmark; blastn: the oracle of the rRNA copies (extract TestNucleotideKlebsiella)
  python3-scipy     # fisher_exact: oracle for the co-occurrence statistics
  python3-statsmodels # multipletests: oracle for Benjamini-Hochberg
  xz-utils
  time              # /usr/bin/time -v: peak memory in the benchmarks
  chromium          # headless browser: the report.html rendering test (wtscan-aggregate), wtscan-serve's /ui test
  resfinder         # ResFinder 4.3.0 (run_resfinder.py, PointFinder mode): the peer in scripts/peers-resfinder.sh
  resfinder-db      # the acquired-gene database run_resfinder.py requires (-db_res) even in PointFinder mode
  prometheus        # a real Prometheus server scrapes wtscan-serve's /metrics in a test
  postgresql        # wtscan-serve's shared job queue: two instances on one real server in a test
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get -o DPkg::Lock::Timeout=1800 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=1800 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
