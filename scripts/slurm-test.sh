#!/usr/bin/env bash
# Tests deploy/slurm/ on a real Slurm: installs a single-node Slurm from
# Debian's packages (slurm-wlm, munge), starts it on this machine, submits
# a sharded run (job array + dependent merge) with deploy/slurm/submit.sh,
# waits, and checks the merged outputs against a single run, file by file
# (summary.json's elapsed_seconds and threads aside). Also a sharded
# stress grid. Needs root (it installs packages and starts daemons); stops
# the daemons it started on exit.
#
#   scripts/slurm-test.sh [SHARDS]        # default 4; exit 0: identical
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shards=${1:-4}
work=$(mktemp -d /tmp/fundgap-slurm.XXXXXX)
as_root=""
if [ "$(id -u)" != 0 ]; then as_root="sudo"; fi

echo "== Slurm and munge from Debian's packages"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    $as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends \
        slurm-wlm munge >/dev/null
fi
slurmctld -V

echo "== fundgap (release)"
cargo build --release --locked --quiet
bin="$root/target/release/fundgap"

echo "== a single-node cluster in $work"
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p "$work/state" "$work/spool" "$work/log" "$work/munge"
$as_root mkdir -p /etc/munge /run/munge /var/log/munge /var/lib/munge
if [ ! -s /etc/munge/munge.key ]; then
    $as_root sh -c 'dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null'
fi
$as_root chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
$as_root chmod 0700 /etc/munge && $as_root chmod 0400 /etc/munge/munge.key
conf="$work/slurm.conf"
cat >"$conf" <<CONF
ClusterName=fundgap-test
SlurmctldHost=$host
SlurmUser=$(id -un)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"
started=()
cleanup() {
    for p in "${started[@]}"; do $as_root kill "$p" 2>/dev/null || true; done
    [ -f "$work/slurmctld.pid" ] && $as_root kill "$(cat "$work/slurmctld.pid")" 2>/dev/null || true
    [ -f "$work/slurmd.pid" ] && $as_root kill "$(cat "$work/slurmd.pid")" 2>/dev/null || true
}
trap cleanup EXIT
if ! pgrep -x munged >/dev/null; then
    $as_root su -s /bin/sh munge -c munged 2>/dev/null || $as_root munged --force
fi
munge -n | unmunge >/dev/null
$as_root env SLURM_CONF="$conf" slurmctld -c
$as_root env SLURM_CONF="$conf" slurmd -c
for _ in $(seq 60); do
    if sinfo -h -o %t 2>/dev/null | grep -qx idle; then break; fi
    sleep 1
done
sinfo

wait_for() { # job ids...: until none is pending or running; fails on a failed job
    local ids=$1 state
    for _ in $(seq 1800); do
        state=$(squeue -h -j "$ids" -o %T 2>/dev/null || true)
        [ -z "$state" ] && return 0
        sleep 1
    done
    echo "timed out waiting for jobs $ids" >&2
    return 1
}

compare() { "$root/scripts/same-files.py" "$1" "$2"; }

cd "$work"
scenario="$root/scenarios/bench-district.toml"
args=(--trials 20000 --seed 7)

echo "== a single run"
"$bin" run "$scenario" "${args[@]}" -q --out "$work/single" >/dev/null

echo "== $shards shards as a job array, and the merge after them"
t0=$(date +%s.%N)
submitted=$(FUNDGAP="$bin" "$root/deploy/slurm/submit.sh" "$scenario" "$shards" \
    "$work/parts" "$work/merged" "${args[@]}")
echo "$submitted"
ids=$(echo "$submitted" | sed -n 's/^shards: job array \([0-9]*\).*merge: job \([0-9]*\),.*/\1,\2/p')
wait_for "$ids"
t1=$(date +%s.%N)
ls -la "$work/parts"
cat fundgap-merge-*.out
compare "$work/single" "$work/merged"
echo "wall time, submit to merged: $(python3 -c "print(round($t1 - $t0, 1))") s"

echo "== a stress grid: $shards shards of its cells"
stress_args=(--trials 2000 --seed 3 --years 2026-2030 --cuts 0,50,100)
"$bin" stress "$root/scenarios/ucity-baseline.toml" "${stress_args[@]}" -q --out "$work/stress-single" >/dev/null
submitted=$(FUNDGAP="$bin" COMMAND=stress "$root/deploy/slurm/submit.sh" \
    "$root/scenarios/ucity-baseline.toml" "$shards" "$work/stress-parts" "$work/stress-merged" \
    "${stress_args[@]}")
ids=$(echo "$submitted" | sed -n 's/^shards: job array \([0-9]*\).*merge: job \([0-9]*\),.*/\1,\2/p')
wait_for "$ids"
compare "$work/stress-single" "$work/stress-merged"

echo "== a missing shard: the merge job must fail and name it"
rm "$work/parts/bench-district.part-2-of-$shards"
SCENARIO="$scenario" SHARDS="$shards" PARTS_DIR="$work/parts" OUT="$work/merged-again" \
    FUNDGAP="$bin" sbatch --parsable --wait "$root/deploy/slurm/fundgap-merge.sbatch" >/dev/null && {
    echo "the merge succeeded without shard 2" >&2; exit 1; }
grep -h "missing shard 2/$shards\|bench-district.part-2-of-$shards" fundgap-merge-*.out | tail -1
echo "Slurm test passed"
