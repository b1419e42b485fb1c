#!/usr/bin/env bash
# Measures the workflow at cohort scale: N generated samples (copies of the four
# demo assemblies, testdata/demo: ~77 kb each) run through extract -> align ->
# subscan -> validate -> aggregate, with chunk_size samples per job, and reports
# wall time, job count and how much of the wall time the jobs themselves took
# (the rest is Snakemake's own overhead).
#   bash scripts/bench-workflow.sh [N=2000] [CHUNK_SIZES="50 500"] [CORES=2]
# Needs `make build` (binaries in bin/) and snakemake. Works in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
chunks=${2:-"50 500"}
cores=${3:-2}
repo=$PWD
export PATH="$repo/bin:$PATH"
for b in wtscan-extract wtscan-align wtscan-subscan wtscan-validate wtscan-aggregate snakemake; do
  command -v "$b" >/dev/null || { echo "bench-workflow: $b not found (make build; make deps)" >&2; exit 1; }
done
[ -s testdata/references/kpneumoniae.fna ] || { echo "bench-workflow: testdata/references/kpneumoniae.fna missing (bash scripts/make-kpn-references.sh)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data/references" "$work/data/samples"
cp -r Snakefile workflow config envs "$work/"
cp testdata/references/kpneumoniae.fna "$work/data/references/"
cp testdata/demo/kpneumoniae-catalog.tsv "$work/data/"
strains=(HS11286 Kp1084 MGH78578 NTUH-K2044)
printf 'sample_id\tassembly\torganism\n' > "$work/samples.tsv"
for ((i = 0; i < n; i++)); do
  s=${strains[i % 4]}
  id=$(printf 'S%05d-%s' "$i" "$s")
  cp "testdata/demo/$s.fna.gz" "$work/data/samples/$id.fna.gz"
  printf '%s\tdata/samples/%s.fna.gz\tKlebsiella pneumoniae\n' "$id" "$id" >> "$work/samples.tsv"
done
echo "bench-workflow: $n samples ($(du -sh "$work/data/samples" | cut -f1) of assemblies), $cores cores" >&2

printf '%-10s %8s %6s %10s %10s %10s %10s\n' chunk_size samples jobs dag_s wall_s jobs_s overhead_s
for c in $chunks; do
  rm -rf "$work/results" "$work/logs" "$work/benchmarks" "$work/.snakemake"
  cfg=(--config samples=samples.tsv catalog=data/kpneumoniae-catalog.tsv "chunk_size=$c")
  t0=$(date +%s.%N)
  (cd "$work" && snakemake -n --cores "$cores" "${cfg[@]}" > dag.log 2>&1)
  t1=$(date +%s.%N)
  (cd "$work" && snakemake --cores "$cores" "${cfg[@]}" > run.log 2>&1) || { tail -40 "$work/run.log" >&2; exit 1; }
  t2=$(date +%s.%N)
  jobs=$(grep -c '^Finished job' "$work/run.log")
  # Sum of the jobs' own wall times (benchmark files: first column s).
  jobs_s=$(awk 'FNR == 2 { s += $1 } END { printf "%.1f", s }' $(find "$work/benchmarks" -name '*.tsv'))
  awk -v c="$c" -v n="$n" -v j="$jobs" -v a="$t0" -v b="$t1" -v e="$t2" -v js="$jobs_s" -v cores="$cores" 'BEGIN {
    wall = e - b
    printf "%-10s %8d %6d %10.1f %10.1f %10.1f %10.1f\n", c, n, j, b - a, wall, js, wall - js / cores }'
done
echo "bench-workflow: jobs_s is the sum of the jobs' own wall times (benchmarks/); overhead_s = wall_s - jobs_s/cores, an estimate of Snakemake's own time" >&2
