#!/usr/bin/env bash
# Snakemake 7 --cluster-status script of the wtscan SLURM profile:
#   slurm-status.sh JOBID   ->  prints running, success or failed
# Asks sacct first (SLURM's accounting database), then scontrol (the
# controller's memory: finished jobs stay there MinJobAge seconds, 300 by
# default), since many clusters, and small ones without slurmdbd, answer only
# one of them. A job that pends for a reason that never clears (its request
# exceeds every node: PartitionConfig & co.) is cancelled and reported failed,
# so the run stops with the rule named instead of waiting for ever.
set -uo pipefail
id=${1%%;*} # sbatch --parsable prints "jobid" or "jobid;cluster"

state="" reason=""
if out=$(timeout 30 sacct -j "$id" -X -n -P -o State 2>/dev/null); then
  state=$(printf '%s\n' "$out" | awk 'NF { print $1; exit }')
fi
if [ -z "$state" ]; then
  if out=$(timeout 30 scontrol -o show job "$id" 2>/dev/null); then
    state=$(printf '%s\n' "$out" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1)
    reason=$(printf '%s\n' "$out" | sed -n 's/.* Reason=\([^ ]*\).*/\1/p' | head -n 1)
  fi
fi

case "$state" in
COMPLETED)
  echo success ;;
PENDING)
  case "$reason" in
  PartitionConfig | PartitionNodeLimit | PartitionTimeLimit | BadConstraints | InvalidAccount | InvalidQOS)
    echo "slurm-status: job $id can never start (Reason=$reason): cancelled" >&2
    scancel "$id" 2>/dev/null || true
    echo failed ;;
  *) echo running ;;
  esac ;;
RUNNING | CONFIGURING | COMPLETING | SUSPENDED | REQUEUED | REQUEUE_HOLD | REQUEUE_FED | RESIZING | SIGNALING | STAGE_OUT)
  echo running ;;
BOOT_FAIL | CANCELLED | DEADLINE | FAILED | NODE_FAIL | OUT_OF_MEMORY | PREEMPTED | REVOKED | SPECIAL_EXIT | TIMEOUT)
  echo "slurm-status: job $id $state" >&2
  echo failed ;;
"")
  # Neither knows the job: no accounting, and the controller has forgotten it.
  echo "slurm-status: job $id unknown to sacct and scontrol (no accounting, and older than MinJobAge?)" >&2
  echo failed ;;
*)
  echo "slurm-status: job $id in unexpected state $state" >&2
  echo running ;;
esac
