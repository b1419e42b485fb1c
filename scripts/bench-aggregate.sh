#!/usr/bin/env bash
# Scale benchmark of wtscan-aggregate: a synthetic cohort of N samples × 10
# genes (mutations, sites and alignments tables, 1,000 samples per file) is
# aggregated once; prints wall time and peak memory (GNU time).
# Usage: scripts/bench-aggregate.sh [samples=100000] [workdir=/tmp/wtscan-bench-aggregate]
set -euo pipefail
samples=${1:-100000}
work=${2:-/tmp/wtscan-bench-aggregate}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work/bin"
(cd "$here" && CGO_ENABLED=0 go build -trimpath -o "$work/bin/" ./cmd/wtscan-aggregate ./internal/aggregate/gencohort)
rm -rf "$work/cohort" "$work/out"
"$work/bin/gencohort" -out "$work/cohort" -samples "$samples" -genes 10 -per-file 1000 -seed 1
/usr/bin/time -v "$work/bin/wtscan-aggregate" --log-level debug \
  --mutations "@$work/cohort/mutations.txt" --sites "@$work/cohort/sites.txt" \
  --alignments "@$work/cohort/alignments.txt" --out-dir "$work/out" 2> "$work/aggregate.log"
grep -E '"phase"|"done"' "$work/aggregate.log" || true
wall=$(grep 'Elapsed (wall clock)' "$work/aggregate.log" | awk '{print $NF}')
rss=$(grep 'Maximum resident set size' "$work/aggregate.log" | awk '{print $NF}')
echo "wtscan-aggregate: $samples samples × 10 genes: wall $wall, peak RSS $((rss / 1024)) MB"
