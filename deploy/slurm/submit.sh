#!/usr/bin/env bash
# Submits a sharded fundgap run to Slurm: a job array of SHARDS shards and
# a merge job that waits for all of them (afterok). Prints both job ids.
#
#   deploy/slurm/submit.sh SCENARIO SHARDS PARTS_DIR OUT [fundgap options...]
#
# e.g. deploy/slurm/submit.sh scenarios/ucity-baseline.toml 8 /shared/parts \
#          /shared/results/ucity --trials 1000000 --seed 7
#
# Environment: FUNDGAP (the binary, default: fundgap on PATH), COMMAND (run
# or stress), MERGE_ARGS (e.g. "--lang ko"), and SBATCH_ARGS for both jobs
# (e.g. "--partition=long --account=cityplan"). Paths must be on a file
# system every node sees; relative ones are made absolute here.
set -euo pipefail
if [ $# -lt 4 ]; then
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
SCENARIO=$(abs "$1") SHARDS=$2 PARTS_DIR=$(abs "$3") OUT=$(abs "$4")
shift 4
case $SHARDS in '' | *[!0-9]* | 0) echo "SHARDS must be a positive number, got '$SHARDS'" >&2; exit 2 ;; esac
[ -f "$SCENARIO" ] || { echo "no scenario file $SCENARIO" >&2; exit 2; }
export SCENARIO SHARDS PARTS_DIR OUT
export FUNDGAP=${FUNDGAP:-$(command -v fundgap || echo fundgap)}
export COMMAND=${COMMAND:-run}
export FUNDGAP_ARGS="$*"
export MERGE_ARGS=${MERGE_ARGS:-}
mkdir -p "$PARTS_DIR"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array="1-$SHARDS" --export=ALL \
    "$here/fundgap-shards.sbatch")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency="afterok:$array" \
    --kill-on-invalid-dep=yes --export=ALL "$here/fundgap-merge.sbatch")
merge=${merge%%;*}
echo "shards: job array $array (1-$SHARDS); merge: job $merge, after all shards succeed"
echo "watch: squeue -j $array,$merge    results: $OUT"
