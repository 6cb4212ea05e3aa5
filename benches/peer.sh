#!/usr/bin/env bash
# fundgap against its peer: a vectorised numpy implementation of the same
# model (benches/peer/fundgap_peer.py), on the same scenario and trial count,
# one core each, interleaved, lower of RUNS runs. Also checks that the two
# agree (each service's mean gap NPV within 4 combined standard errors), so
# the ratio compares two programs computing the same thing.
#
# Usage: benches/peer.sh [TRIALS] [RUNS]     (default 100000 trials, 3 runs)
# Needs python3 and PyPI (numpy goes into target/peer-venv). Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-100000}
RUNS=${2:-3}
S=scenarios/bench-district.toml
cargo build --release --quiet
if [ ! -x target/peer-venv/bin/python ]; then
  python3 -m venv target/peer-venv
  target/peer-venv/bin/pip install --quiet numpy
fi
PY=target/peer-venv/bin/python
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
best_f=999999; best_p=999999
for i in $(seq "$RUNS"); do
  t0=$(date +%s.%N)
  ./target/release/fundgap run $S --trials "$TRIALS" --threads 1 -q --no-charts --out "$tmp/f" >/dev/null
  t1=$(date +%s.%N)
  $PY benches/peer/fundgap_peer.py $S --trials "$TRIALS" > "$tmp/peer.json"
  t2=$(date +%s.%N)
  f=$(echo "$t1 - $t0" | bc); p=$(echo "$t2 - $t1" | bc)
  best_f=$(echo "if ($f < $best_f) $f else $best_f" | bc)
  best_p=$(echo "if ($p < $best_p) $p else $best_p" | bc)
  echo "run $i: fundgap ${f} s, numpy peer ${p} s"
done
echo "lower of $RUNS: fundgap ${best_f} s, numpy peer ${best_p} s, $TRIALS trials, 1 core each"
echo "fundgap is $(echo "scale=2; $best_p / $best_f" | bc)x the peer's speed"
$PY - "$tmp/f/horizon.csv" "$tmp/peer.json" <<'PYEOF'
import csv, json, math, sys
peer = json.load(open(sys.argv[2]))["entities"]
worst = 0.0
for row in csv.DictReader(open(sys.argv[1])):
    p = peer[row["service"]]["gap_npv"]
    z = (float(row["gap_npv_mean"]) - p["mean"]) / math.hypot(float(row["gap_npv_se"]), p["se"])
    worst = max(worst, abs(z))
print(f"agreement: largest difference of mean gap NPVs {worst:.1f} combined standard errors"
      + (" (ok)" if worst < 4 else " (MODELS DISAGREE: the ratio is not comparable)"))
PYEOF
