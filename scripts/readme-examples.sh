#!/usr/bin/env bash
# Regenerates every example in README.md from the current build: the result
# table under "What a run tells you" and the charts in output/examples/.
# tests/it/cli.rs fails when the README's table no longer matches a run, so
# run this after any change that moves the baseline's numbers.
# Usage: scripts/readme-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./target/release/fundgap run --quiet --out "$tmp/run" > "$tmp/table.txt"
for f in gap-probability fan-portfolio gap-npv survival funding-mix funding-needed; do
  cp "$tmp/run/$f.png" "output/examples/$f.png"
done
python3 - "$tmp/table.txt" <<'PY'
import re, sys
# The result table: the lines before the first blank one (the funding
# table below it has rows keyed by the same service ids).
lines = open(sys.argv[1]).read().splitlines()
table = lines[: lines.index("")] if "" in lines else lines
readme = open("README.md").read()
start = readme.index("```\n$ fundgap run\n") + len("```\n$ fundgap run\n")
end = readme.index("```", start)
block = readme[start:end].splitlines()
# Keep the README's choice of rows (the "..." elision); refresh each row.
rows = {l.split()[0]: l for l in table if l and not l.startswith("-")}
out = []
for l in block:
    key = l.split()[0] if l.strip() else ""
    if l.startswith("U-City"):
        out.append(table[0])
    elif key in rows and not l.startswith("service"):
        out.append(rows[key])
    else:
        out.append(l)
open("README.md", "w").write(readme[:start] + "\n".join(out) + "\n" + readme[end:])
print("README.md example table and output/examples/*.png regenerated")
PY
