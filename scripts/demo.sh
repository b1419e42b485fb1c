#!/usr/bin/env bash
# The demo: runs the wtscan workflow on regions of four K. pneumoniae genomes
# (testdata/demo/, made by scripts/make-demo-data.sh from Debian's kleborate-examples)
# and ends with results/report.html. Run by `make demo` after `make deps build`.
#   bash scripts/demo.sh [extra snakemake arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/bin:$PATH"

for b in wtscan-extract wtscan-align wtscan-subscan wtscan-validate wtscan-aggregate; do
  command -v "$b" >/dev/null || { echo "demo: $b not found: run 'make build' first" >&2; exit 1; }
done
command -v snakemake >/dev/null || { echo "demo: snakemake not found: run 'make deps' (bash scripts/install-deps.sh)" >&2; exit 1; }

# Inputs the project derives from Debian package data, made once.
if [ ! -s testdata/references/kpneumoniae.fna ]; then
  echo "demo: making testdata/references/kpneumoniae.fna" >&2
  bash scripts/make-kpn-references.sh
fi
if [ ! -s config/samples.tsv ] || [ ! -s testdata/demo/HS11286.fna.gz ]; then
  echo "demo: making testdata/demo/" >&2
  bash scripts/make-demo-data.sh
fi

start=$(date +%s)
# run-workflow.sh: snakemake --rerun-incomplete, and after a hard kill of an
# earlier run it removes the stale lock itself (when no Snakemake holds it).
bash scripts/run-workflow.sh --cores 2 --configfile config/config.yaml --printshellcmds "$@"
echo "demo: finished in $(( $(date +%s) - start )) s" >&2
echo "demo: open results/report.html (cohort tables in results/cohort/, QC in results/qc/, logs in logs/, benchmarks in benchmarks/)" >&2
