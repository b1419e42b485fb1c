#!/usr/bin/env bash
# Runs the wtscan workflow (snakemake "$@") in the current directory, and
# resumes a run whose Snakemake was killed hard (SIGKILL, a preempted head
# job, a lost login node) without manual steps:
#   bash scripts/run-workflow.sh --cores 4
#   bash scripts/run-workflow.sh --profile workflow/profiles/slurm --max-threads 2
#
# Snakemake leaves its lock (.snakemake/locks/) behind when killed, and then
# refuses to start until someone runs --unlock. This script records which
# Snakemake holds the directory (.snakemake/wtscan-head: host and pid) and,
# when it finds a lock, unlocks only if that Snakemake is gone: the lock is
# from this host, its process no longer runs, and no other Snakemake holding
# a lock runs in this directory. Before unlocking, SLURM jobs the killed run
# left in this directory are cancelled (they will be redone; finished jobs are
# not). A lock held from another host is never broken: it says where it is.
# Then it runs Snakemake with --rerun-incomplete, so jobs cut short are redone
# and the results are byte-identical to an uninterrupted run.
set -euo pipefail
command -v snakemake >/dev/null || { echo "run-workflow: snakemake not found: bash scripts/install-deps.sh" >&2; exit 1; }
log() { echo "run-workflow: $*" >&2; }
here=$(pwd -P)
host=$(hostname)
owner=.snakemake/wtscan-head

# Snakemake processes (not this one) that run in this directory and may hold
# its lock: cluster jobs' own Snakemake runs with --nolock and holds none.
lock_holders() {
  local p cmd cwd
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = $$ ] && continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
    case "$cmd" in *snakemake*) ;; *) continue ;; esac
    case "$cmd" in *--nolock*|*run-workflow.sh*) continue ;; esac
    cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
    [ "$cwd" = "$here" ] && echo "${p#/proc/}"
  done
}

if compgen -G ".snakemake/locks/*.lock" >/dev/null; then
  read -r o_host o_pid _ <"$owner" 2>/dev/null || { o_host=""; o_pid=""; }
  if [ -n "$o_host" ] && [ "$o_host" != "$host" ]; then
    log "this directory is locked by a Snakemake started on $o_host (pid $o_pid)."
    log "If that run is gone, unlock with: snakemake --unlock (then run this again)."
    exit 1
  fi
  others=$(lock_holders | tr '\n' ' ')
  if [ -n "$others" ]; then
    log "another Snakemake runs in this directory (pid ${others% }); not touching its lock."
    exit 1
  fi
  log "stale lock from a Snakemake that is gone${o_pid:+ (pid $o_pid on $host)}: unlocking"
  if command -v squeue >/dev/null && command -v scancel >/dev/null; then
    left=$(squeue -h -u "$(id -un)" -o '%i %j %Z' 2>/dev/null \
      | awk -v d="$here" '$2 ~ /^wtscan-/ && $3 == d { print $1 }' | tr '\n' ' ') || true
    if [ -n "${left// /}" ]; then
      log "cancelling SLURM jobs the killed run left: $left"
      # shellcheck disable=SC2086
      scancel $left || true
      for _ in $(seq 1 120); do
        still=$(squeue -h -j "${left// /,}" -o '%i' 2>/dev/null | wc -l) || still=0
        [ "$still" -eq 0 ] && break
        sleep 1
      done
    fi
  fi
  snakemake --unlock "$@" >/dev/null
fi

mkdir -p .snakemake
echo "$host $$" >"$owner"
exec snakemake --rerun-incomplete "$@"
