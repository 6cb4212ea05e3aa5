#!/usr/bin/env bash
# Checks deploy/k8s/ as far as can be done without a cluster:
#  1. every manifest, as shipped and as deploy/k8s/run.sh renders it for
#     another shard count, validates (strict: no unknown fields) against
#     the Kubernetes OpenAPI schema of several versions, with
#     kubernetes-validate from PyPI (it carries the schemas; installed into
#     a virtualenv under target/);
#  2. the shell commands of the two Jobs' containers, run here as the pods
#     would (JOB_COMPLETION_INDEX = 0..N-1, /data and /scenario as
#     directories), merge into exactly the files of a single run.
#
#   scripts/k8s-check.sh          # exit 0: all passed
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/target/k8s-venv"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q kubernetes-validate==1.37.0 pyyaml
fi
work=$(mktemp -d /tmp/fundgap-k8s.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== schema validation"
deploy/k8s/run.sh --render 16 registry.example.org/fundgap:test --trials 2000 --seed 7 \
    >"$work/rendered.yaml"
for v in 1.29.0 1.33.0 1.37.0; do
    "$venv/bin/kubernetes-validate" --strict -k "$v" \
        deploy/k8s/volume.yaml deploy/k8s/shards-job.yaml deploy/k8s/merge-job.yaml \
        "$work/rendered.yaml"
done

echo "== the Jobs' commands, run as their pods would"
cargo build --release --locked --quiet
mkdir -p "$work/bin" "$work/scenario" "$work/data"
ln -s "$root/target/release/fundgap" "$work/bin/fundgap"
cp scenarios/daejeon-challenge.toml "$work/scenario/scenario.toml"
shards=5
deploy/k8s/run.sh --render "$shards" test --trials 3001 --seed 7 >"$work/jobs.yaml"
# Each Job's container: its command line and environment, with the pod's
# mounts (/data, /scenario) moved under $work.
"$venv/bin/python" - "$work" <<'PY'
import sys, yaml, shlex
work = sys.argv[1]
for doc in yaml.safe_load_all(open(f"{work}/jobs.yaml")):
    c = doc["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in c.get("env", [])}
    script = (c["args"][0]
              .replace(" /scenario/", f" {work}/scenario/")
              .replace("/data/", f"{work}/data/"))
    with open(f"{work}/{doc['metadata']['name']}.sh", "w") as f:
        for k, v in env.items():
            f.write(f"export {k}={shlex.quote(v)}\n")
        f.write(" ".join(shlex.quote(x) for x in c["command"] + [script]) + "\n")
    completions = doc["spec"].get("completions", 1)
    print(doc["metadata"]["name"], "completions", completions, "mode", doc["spec"].get("completionMode", "NonIndexed"))
PY
export PATH="$work/bin:$PATH"
for i in $(seq 0 $((shards - 1))); do
    JOB_COMPLETION_INDEX=$i bash "$work/fundgap-shards.sh"
done
ls "$work/data/parts"
bash "$work/fundgap-merge.sh" -q >/dev/null
# The same path the pods saw (moved under $work), so every file can match.
fundgap run "$work/scenario/scenario.toml" --trials 3001 --seed 7 -q --out "$work/single" >/dev/null
scripts/same-files.py "$work/single" "$work/data/results/scenario"
echo "Kubernetes check passed"
