#!/usr/bin/env bash
# Runs a sharded fundgap job on Kubernetes with kubectl: the scenario as a
# ConfigMap, the shared volume, the Indexed Job of shards, then (once all
# have completed) the merge Job. Results stay on the volume in
# /data/results/scenario.
#
#   deploy/k8s/run.sh SCENARIO SHARDS IMAGE [fundgap run options...]
#   deploy/k8s/run.sh --render SHARDS IMAGE [options...]   # print the two Jobs only
#
# e.g. deploy/k8s/run.sh my-city.toml 16 registry.example.org/fundgap:0.1.0 \
#          --trials 1000000 --seed 7
set -euo pipefail
if [ $# -lt 3 ]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
scenario=$1 shards=$2 image=$3
shift 3
args="$*"
case $shards in '' | *[!0-9]* | 0) echo "SHARDS must be a positive number" >&2; exit 2 ;; esac
# The manifests with this run's shard count, image and options.
set_run() {
    sed -e "s|registry.example.org/fundgap:0.1.0|$image|" \
        -e "s|^\(  completions:\) 8|\1 $shards|" \
        -e "s|^\(  parallelism:\) 8|\1 $shards|" \
        -e "/name: SHARDS/{n;s|value: \"8\"|value: \"$shards\"|}" \
        -e "/name: FUNDGAP_ARGS/{n;s|value: .*|value: \"$args\"|}" "$1"
}
if [ "$scenario" = --render ]; then
    set_run "$here/shards-job.yaml"
    echo "---"
    set_run "$here/merge-job.yaml"
    exit 0
fi
# Each shard's share must be fixed in advance, so the trial count must be
# known: pass --trials, or the scenario's own count is used.
kubectl create configmap fundgap-scenario --from-file=scenario.toml="$scenario" \
    --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -f "$here/volume.yaml"
kubectl delete job fundgap-shards fundgap-merge --ignore-not-found
set_run "$here/shards-job.yaml" | kubectl apply -f -
kubectl wait --for=condition=complete job/fundgap-shards --timeout=24h
set_run "$here/merge-job.yaml" | kubectl apply -f -
kubectl wait --for=condition=complete job/fundgap-merge --timeout=2h
kubectl logs job/fundgap-merge
