#!/usr/bin/env bash
# A one-node SLURM cluster on this machine (root), for trying the SLURM
# profile and for `make test-cluster`: munged, slurmctld and slurmd with their
# configuration, keys, state and logs all in DIR, on ports 16817/16818, so
# nothing in /etc is touched; it talks over 127.0.0.1 whatever the host name
# resolves to. Needs slurm-wlm and munge
# (scripts/install-cluster-deps.sh).
#   bash scripts/local-slurm.sh start DIR   # then: export SLURM_CONF=DIR/slurm.conf
#   bash scripts/local-slurm.sh stop DIR    # stops the three daemons it started
# Finished jobs are logged to DIR/jobcomp.log (jobcomp/filetxt; no slurmdbd).
set -euo pipefail
cmd=${1:-} st=${2:-}
[ -n "$cmd" ] && [ -n "$st" ] || { echo "usage: local-slurm.sh start|stop DIR" >&2; exit 2; }
log() { echo "local-slurm: $*" >&2; }

stop() {
  local f p
  for f in slurmd slurmctld munged; do
    [ -s "$st/$f.pid" ] || continue
    p=$(cat "$st/$f.pid")
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 1; done
    kill -9 "$p" 2>/dev/null || true
    log "stopped $f (pid $p)"
    rm -f "$st/$f.pid"
  done
}

case "$cmd" in
stop) stop; exit 0 ;;
start) ;;
*) echo "usage: local-slurm.sh start|stop DIR" >&2; exit 2 ;;
esac

[ "$(id -u)" -eq 0 ] || { log "run as root"; exit 1; }
mkdir -p "$st"
st=$(cd "$st" && pwd -P)
stop # whatever an earlier start in DIR left running
mkdir -p "$st/munge" "$st/ctld" "$st/spool"
chmod 700 "$st/munge"
if [ ! -s "$st/munge/munge.key" ]; then
  dd if=/dev/urandom of="$st/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$st/munge/munge.key"
fi
rm -f "$st/munge/munged.pid"
munged --force --key-file="$st/munge/munge.key" --socket="$st/munge/munge.socket" \
  --pid-file="$st/munge/munged.pid" --log-file="$st/munge/munged.log" \
  --seed-file="$st/munge/munged.seed"
for _ in $(seq 1 20); do [ -s "$st/munge/munged.pid" ] && break; sleep 0.5; done
[ -s "$st/munge/munged.pid" ] || { log "munged did not start"; cat "$st/munge/munged.log" >&2; exit 1; }
cp "$st/munge/munged.pid" "$st/munged.pid"

node=$(hostname -s)
cpus=$(nproc)
mem=$(($(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) * 8 / 10))
cat >"$st/slurm.conf" <<CONF
# One-node cluster of wtscan's scripts/local-slurm.sh.
ClusterName=wtscan-local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$st/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$st/ctld
SlurmdSpoolDir=$st/spool
SlurmctldPidFile=$st/ctld/slurmctld.pid
SlurmdPidFile=$st/spool/slurmd.pid
SlurmctldLogFile=$st/slurmctld.log
SlurmdLogFile=$st/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$st/jobcomp.log
MinJobAge=3600
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$st/slurm.conf
# -D: in the foreground of a background job, so the pid is known; -i: ignore
# the state of an earlier start.
setsid slurmctld -D -i -f "$SLURM_CONF" >"$st/slurmctld.out" 2>&1 </dev/null &
echo $! >"$st/slurmctld.pid"
setsid slurmd -D -f "$SLURM_CONF" >"$st/slurmd.out" 2>&1 </dev/null &
echo $! >"$st/slurmd.pid"
state=""
for _ in $(seq 1 60); do
  state=$(sinfo -h -n "$node" -o '%T' 2>/dev/null || true)
  case "$state" in
  idle*) break ;;
  down* | drain*) scontrol update nodename="$node" state=resume 2>/dev/null || true ;;
  esac
  sleep 1
done
case "$state" in
idle*) log "up: node $node, $cpus CPUs, $mem MB; export SLURM_CONF=$SLURM_CONF" ;;
*)
  log "node $node not idle after 60 s (sinfo: ${state:-nothing})"
  tail -n 20 "$st/slurmctld.log" "$st/slurmd.log" >&2 || true
  exit 1 ;;
esac
