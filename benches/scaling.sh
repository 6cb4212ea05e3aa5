#!/usr/bin/env bash
# Measures how run time grows with trials, services and years, and the
# latency of `fundgap check`, with the release binary on one thread.
# Usage: benches/scaling.sh   (after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/.."
B=./target/release/fundgap
S=scenarios/bench-district.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
secs() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; }

echo "trials (12 services, 20 years):"
for n in 50000 100000 200000 400000; do
  echo "  $n trials: $(secs $B run $S --trials $n --threads 1 -q --no-charts --out "$tmp/o") s"
done

echo "services (100,000 trials, 20 years):"
for k in 3 6 12; do
  # The first k services of the benchmark district.
  awk -v k="$k" '/^\[\[service\]\]/{n++} n<=k' $S > "$tmp/s$k.toml"
  echo "  $k services: $(secs $B run "$tmp/s$k.toml" --trials 100000 --threads 1 -q --no-charts --out "$tmp/o") s"
done

echo "years (100,000 trials, 12 services):"
for h in 10 20 40; do
  echo "  $h years: $(secs $B run $S --set scenario.horizon_years=$h --trials 100000 --threads 1 -q --no-charts --out "$tmp/o") s"
done

echo "fundgap check on every shipped scenario (best of 5, wall clock):"
for f in scenarios/*.toml; do
  best=
  for _ in 1 2 3 4 5; do
    t0=$(date +%s%N); $B check "$f" >/dev/null; t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "  $f: ${best} ms"
done
