#!/usr/bin/env bash
# make test-cluster: the cluster path for real, on this one machine (root,
# Debian). Installs podman, mmdebstrap, SLURM, munge and Apptainer
# (scripts/install-cluster-deps.sh), builds the image and the SIF, starts
# munged, slurmctld and slurmd as a one-node cluster, and then checks that
#   1. the demo run through workflow/profiles/slurm, every job in the SIF
#      (the wtscan binaries are not on PATH), survives a SIGKILL of its
#      Snakemake: the same command run again unlocks, does not redo finished
#      jobs, and finishes;
#   2. every cluster job went through SLURM (its job completion log) and ran
#      in the SIF (its log), and results/ equal a local run's, in another
#      folder, byte for byte;
#   3. a job cancelled with scancel fails the run with the rule named, and
#      Ctrl-C of Snakemake cancels its submitted jobs.
# Every daemon it started is stopped at the end, whatever happened.
# Work folder: build/test-cluster/ (kept for a look afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
t0=$(date +%s)
step() { echo "test-cluster: [$(($(date +%s) - t0)) s] $*" >&2; }
fail() {
  echo "test-cluster: FAIL: $*" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] || fail "run as root (it starts SLURM and munge daemons)"

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
export ENGINE=${ENGINE:-podman}
export IMAGE=${IMAGE:-ghcr.io/wtscan/wtscan:$VERSION}
export VERSION
work=$root/build/test-cluster
export SIF=$work/wtscan_$VERSION.sif

step "dependencies"
bash scripts/install-deps.sh
bash scripts/install-cluster-deps.sh
[ -x bin/wtscan-align ] || fail "bin/wtscan-align missing: make build"
if [ ! -s testdata/references/kpneumoniae.fna ]; then bash scripts/make-kpn-references.sh; fi
if [ ! -s config/samples.tsv ] || [ ! -s testdata/demo/HS11286.fna.gz ]; then bash scripts/make-demo-data.sh; fi

# Stop what a previous run may have left, then start afresh.
[ -d "$work/state" ] && bash scripts/local-slurm.sh stop "$work/state"
rm -rf "$work"
mkdir -p "$work/state"

step "image ($ENGINE) and SIF"
bash scripts/build-image.sh
bash scripts/build-sif.sh

# ---- a one-node SLURM cluster: munged, slurmctld, slurmd ----
st=$work/state
cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    for f in slurmctld.log slurmd.log; do
      [ -s "$st/$f" ] && { echo "== tail $st/$f" >&2; tail -n 20 "$st/$f" >&2; }
    done
  fi
  if [ -s "$st/slurm.conf" ]; then # jobs of this private cluster only
    SLURM_CONF=$st/slurm.conf scancel --user "$(id -un)" 2>/dev/null || true
  fi
  bash scripts/local-slurm.sh stop "$st" || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step "starting munged, slurmctld, slurmd"
bash scripts/local-slurm.sh start "$st"
export SLURM_CONF=$st/slurm.conf
cpus=$(nproc)

# ---- two copies of the demo in other folders ----
mkrun() {
  mkdir -p "$1"
  cp -r Snakefile workflow config envs "$1"/ && mkdir -p "$1"/testdata && cp -r testdata/demo testdata/references "$1"/testdata/
}
mkrun "$work/local"
mkrun "$work/slurm"

step "local run (reference), binaries from bin/"
(cd "$work/local" && PATH="$root/bin:$PATH" snakemake --cores 2 --configfile config/config.yaml \
  >run.log 2>&1) || { tail -n 30 "$work/local/run.log" >&2; fail "local run failed"; }

# The SLURM run sees no wtscan binary on PATH: a job that ran outside the SIF fails.
slurm_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vx "$root/bin" | paste -sd:)
# Always started in the background (run_slurm LOG ARGS... &): the function's
# subshell execs run-workflow.sh, which execs snakemake, so $! is Snakemake.
run_slurm() {
  local log=$1
  shift
  cd "$work/slurm"
  PATH="$slurm_path" exec bash "$root/scripts/run-workflow.sh" \
    --profile workflow/profiles/slurm --max-threads "$cpus" --config container="$SIF" \
    --configfile config/config.yaml "$@" >"$log" 2>&1
}

step "SLURM run, killed with SIGKILL once align is submitted"
run_slurm "$work/slurm/run1.log" &
head=$!
for _ in $(seq 1 600); do
  compgen -G "$work/slurm/logs/slurm/align/*" >/dev/null && break
  kill -0 "$head" 2>/dev/null || break
  sleep 0.5
done
compgen -G "$work/slurm/logs/slurm/align/*" >/dev/null \
  || { tail -n 30 "$work/slurm/run1.log" >&2; fail "no align job was submitted"; }
tr '\0' ' ' <"/proc/$head/cmdline" | grep -q snakemake || fail "pid $head is not snakemake"
kill -9 "$head"
wait "$head" 2>/dev/null || true
[ -n "$(ls "$work/slurm/.snakemake/locks/" 2>/dev/null)" ] || fail "no lock left behind by the killed run (nothing to resume?)"

step "the same command again: resumes"
run_slurm "$work/slurm/run2.log" &
wait $! || { tail -n 40 "$work/slurm/run2.log" >&2; fail "resumed SLURM run failed"; }
grep -q "stale lock" "$work/slurm/run2.log" || fail "run2.log does not say it removed a stale lock"
n=$(find "$work/slurm/logs/slurm/extract" -name '*.out' | wc -l)
[ "$n" -eq 1 ] || fail "extract was submitted $n times: a finished job was redone"

step "checks: SLURM, SIF, results"
# Rules that run on the cluster (the others are localrules, on this node, in
# the SIF too). A job the resume cancelled may have finished its work just
# before (its output kept, so it is not redone): any state counts for the
# rules that ran around the kill; the others must show COMPLETED.
for rule in extract align alleles subscan validate aggregate; do
  grep -qE "Name=wtscan-$rule[- ]" "$st/jobcomp.log" || fail "no SLURM job of rule $rule in $st/jobcomp.log"
done
for rule in extract subscan validate aggregate; do
  grep -qE "Name=wtscan-$rule[- ].*JobState=COMPLETED" "$st/jobcomp.log" \
    || fail "no COMPLETED SLURM job of rule $rule in $st/jobcomp.log"
done
completed=$(grep -c "JobState=COMPLETED" "$st/jobcomp.log" || true)
for f in "$work"/slurm/logs/slurm/*/*.err; do
  id=${f##*-}
  id=${id%.err}
  if grep -q "JobId=$id .*JobState=COMPLETED" "$st/jobcomp.log"; then
    grep -q "Activating singularity image $SIF" "$f" || fail "$f: job did not run in the SIF"
  fi
done
jobs_in_sif=$(cat "$work"/slurm/logs/slurm/*/*.err | grep -c "Activating singularity image $SIF" || true)
if ! diff -r "$work/local/results" "$work/slurm/results" >"$work/results.diff"; then
  head -n 20 "$work/results.diff" >&2
  fail "results of the SLURM run differ from the local run's ($work/results.diff)"
fi
nfiles=$(find "$work/slurm/results" -type f | wc -l)
step "$completed SLURM jobs completed, $jobs_in_sif job logs ran in the SIF; $nfiles result files equal to the local run's"

step "scancel: a cancelled job fails the run, with its rule named"
# --hold: every job is submitted held, so it is surely cancelled before it runs.
WTSCAN_SBATCH_ARGS=--hold run_slurm "$work/slurm/run3.log" --forcerun validate &
head=$!
while kill -0 "$head" 2>/dev/null; do
  ids=$(squeue -h -n wtscan-validate -t PENDING -o '%i' 2>/dev/null | tr '\n' ' ')
  # shellcheck disable=SC2086
  [ -n "${ids// /}" ] && scancel $ids
  sleep 1
done
if wait "$head"; then fail "the run with a cancelled job succeeded"; fi
grep -qE "Name=wtscan-validate .*JobState=CANCELLED" "$st/jobcomp.log" || fail "no cancelled validate job in the job completion log"
grep -q "Error in rule validate" "$work/slurm/run3.log" \
  || { tail -n 30 "$work/slurm/run3.log" >&2; fail "run3.log does not name rule validate"; }

step "Ctrl-C: Snakemake cancels its submitted jobs"
WTSCAN_SBATCH_ARGS=--hold run_slurm "$work/slurm/run4.log" --forcerun validate &
head=$!
id=""
for _ in $(seq 1 120); do
  id=$(squeue -h -n wtscan-validate -o '%i' 2>/dev/null | head -n 1)
  [ -n "$id" ] && break
  sleep 1
done
[ -n "$id" ] || fail "no validate job submitted in run4"
kill -INT "$head"
wait "$head" 2>/dev/null || true
state=$(scontrol -o show job "$id" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
[ "$state" = CANCELLED ] || fail "job $id is $state after Ctrl-C, not CANCELLED"
[ -z "$(squeue -h -o '%i')" ] || fail "jobs left in the queue after Ctrl-C: $(squeue -h)"

step "finishing the interrupted run: results equal again"
run_slurm "$work/slurm/run5.log" &
wait $! || { tail -n 30 "$work/slurm/run5.log" >&2; fail "final SLURM run failed"; }
diff -r "$work/local/results" "$work/slurm/results" >"$work/results.diff" \
  || fail "results differ after the cancelled runs ($work/results.diff)"

step "passed"
# The checks above, each of which stops the script when it fails: resume after
# SIGKILL, jobs through SLURM, jobs in the SIF, results equal, scancel fails
# the run, Ctrl-C cancels, results equal after the cancelled runs.
echo "test-cluster: 7 passed, 0 failed"
