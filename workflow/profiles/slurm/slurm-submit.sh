#!/usr/bin/env bash
# Snakemake 7 --cluster command of the wtscan SLURM profile (config.yaml):
#   slurm-submit.sh RULE THREADS MEM_MB RUNTIME_MIN WILDCARDS JOBSCRIPT
# Submits JOBSCRIPT with sbatch and prints the job id (Snakemake passes it to
# slurm-status.sh and, on Ctrl-C, to scancel). One log per job, named by rule
# and wildcards: logs/slurm/<rule>/<wildcards>-<jobid>.{out,err}.
#
# A job asking more CPUs or memory than any node of the partition has would
# pend for ever (Reason=PartitionConfig); it is refused here with the fix:
# run with --max-threads N (or --set-threads RULE=N, --set-resources
# RULE:mem_mb=M). Partition and account come from sbatch's own environment
# variables: SBATCH_PARTITION, SBATCH_ACCOUNT (and the other SBATCH_* it
# reads); any other sbatch options for every job from WTSCAN_SBATCH_ARGS,
# split on spaces (for example "--qos=long --constraint=avx2", or "--hold").
set -euo pipefail
rule=$1 threads=$2 mem_mb=$3 runtime=$4 wildcards=$5 jobscript=$6
extra=()
[ -n "${WTSCAN_SBATCH_ARGS:-}" ] && read -r -a extra <<<"$WTSCAN_SBATCH_ARGS"

# One word from the wildcards (chunk=0000 -> chunk-0000), for names.
tag=$(printf '%s' "$wildcards" | tr -c 'A-Za-z0-9._-' '-' | sed 's/--*/-/g; s/^-//; s/-$//')
name="wtscan-${rule}${tag:+-$tag}"

# The largest node of the partition, in CPUs and MB (sinfo: %c CPUs, %m memory).
part=()
[ -n "${SBATCH_PARTITION:-}" ] && part=(-p "$SBATCH_PARTITION")
read -r max_cpus max_mem < <(sinfo -h "${part[@]}" -o '%c %m' 2>/dev/null \
  | tr -d '+' | sort -n -k1,1 -k2,2 | tail -n 1) || true
if [ -n "${max_cpus:-}" ] && [ "$threads" -gt "$max_cpus" ]; then
  echo "slurm-submit: rule $rule asks $threads CPUs (threads), but the largest node${SBATCH_PARTITION:+ of partition $SBATCH_PARTITION} has $max_cpus:" \
    "run with --max-threads $max_cpus, or --set-threads $rule=$max_cpus" >&2
  exit 1
fi
if [ -n "${max_mem:-}" ] && [ "$max_mem" -gt 0 ] 2>/dev/null && [ "$mem_mb" -gt "$max_mem" ]; then
  echo "slurm-submit: rule $rule asks $mem_mb MB (mem_mb), but the largest node has $max_mem MB:" \
    "run with --set-resources $rule:mem_mb=$max_mem" >&2
  exit 1
fi

mkdir -p "logs/slurm/$rule"
log="logs/slurm/$rule/${tag:-$rule}-%j"
sbatch --parsable \
  --job-name="$name" \
  --cpus-per-task="$threads" \
  --mem="$mem_mb" \
  --time="$runtime" \
  --output="$log.out" \
  --error="$log.err" \
  "${extra[@]}" \
  "$jobscript"
