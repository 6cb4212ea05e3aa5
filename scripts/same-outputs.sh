#!/usr/bin/env bash
# Checks that a change preserves behaviour: builds BASE (a git revision,
# default HEAD) and the working tree, runs every command on every shipped
# scenario at fixed trials and seed with both binaries, and compares every
# file they write and everything they print, byte for byte. Timing fields
# (`elapsed_seconds`) are blanked; nothing else is.
#
#   scripts/same-outputs.sh [BASE]        # exit 0: identical; 1: differences listed
#
# Use it for any change meant to preserve behaviour (refactors, speed-ups).
# A change that is meant to alter results will, of course, fail it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
base=${1:-HEAD}
work=$(mktemp -d "${TMPDIR:-/tmp}/fundgap-same.XXXXXX")
trap 'git -C "$root" worktree remove --force "$work/base-src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "== building $base and the working tree" >&2
git worktree add --detach "$work/base-src" "$base" >/dev/null 2>&1
# Share one target directory per side so repeated checks rebuild little.
(cd "$work/base-src" && CARGO_TARGET_DIR="$root/target/same-outputs-base" \
    cargo build --release --quiet)
cargo build --release --quiet
old="$root/target/same-outputs-base/release/fundgap"
new="$root/target/release/fundgap"

# Runs the whole suite with binary $1 into directory $2.
suite() {
    local bin=$1 out=$2 s name
    mkdir -p "$out"
    (
        cd "$out"
        log() { local tag=$1; shift; { "$@" >"$tag.stdout" 2>"$tag.stderr"; echo $? >"$tag.status"; } || true; }
        for s in "$root"/scenarios/*.toml; do
            name=$(basename "$s" .toml)
            log "check-$name" "$bin" check "$s"
            log "run-$name" "$bin" run "$s" -q --trials 3000 --seed 11 --out "run-$name"
            log "runjson-$name" "$bin" run "$s" -q --trials 1000 --seed 5 --no-charts --format json --out "runjson-$name"
            log "stress-$name" "$bin" stress "$s" -q --trials 400 --seed 3 --no-charts --out "stress-$name"
            log "evaluate-$name" "$bin" evaluate "$s" -q --trials 1000 --sample 300 --oat-trials 100 --no-charts --out "evaluate-$name"
        done
        s="$root/scenarios/ucity-baseline.toml"
        log stress-sweep "$bin" stress "$s" -q --trials 500 --sweep economy.inflation.mean=0,0.02,0.04 --sweep service.cctv-safety.opex_ratio=0.1,0.2 --out stress-sweep
        log stress-service "$bin" stress "$s" -q --trials 500 --service cctv-safety --years 2026-2030 --cuts 0,50,100 --out stress-service
        log compare-variants "$bin" compare "$root/scenarios/revenue-models.toml" -q --trials 3000 --out compare-variants
        log compare-files "$bin" compare "$s" "$root/scenarios/bench-district.toml" -q --trials 1000 --no-charts --out compare-files
        log compare-set "$bin" compare "$s" "$s" -q --trials 1000 --set economy.inflation.mean=0.03 --no-charts --out compare-set
        log sensitivity "$bin" sensitivity "$s" -q --sample 500 --oat-trials 200 --out sensitivity
        log sobol "$bin" sensitivity "$s" -q --method both --sample 300 --oat-trials 100 --sobol-trials 200 --out sobol
        log evaluate-charts "$bin" evaluate "$root/scenarios/daejeon-challenge.toml" -q --trials 1000 --sample 300 --oat-trials 100 --out evaluate-charts
        log set "$bin" run "$s" -q --trials 500 --no-charts --set service.smart-parking.funding.city-budget.amount=200 --out set
        log chart "$bin" chart run-ucity-baseline --format both --width 800 --height 500
        log init "$bin" init template.toml --services 3
        log init-stdout "$bin" init -
        sed 's/withdrawal_hazard/withdrawl_hazard/; s/^horizon_years = .*/horizon_years = "20"/' "$s" >typo.toml
        log bad-key "$bin" check typo.toml
        log bad-args "$bin" run --trials 0
    )
    # Timing is the one thing allowed to differ.
    find "$out" -type f \( -name '*.json' -o -name '*.stdout' -o -name '*.stderr' \) -print0 |
        xargs -0 sed -i -E 's/("elapsed_seconds": *)[0-9.e+-]+/\1T/; s/in [0-9.]+ s/in T s/g'
}

echo "== running the suite with both" >&2
suite "$old" "$work/old" &
suite "$new" "$work/new"
wait
if diff -r "$work/old" "$work/new" >"$work/diff.txt"; then
    echo "same outputs: $(find "$work/new" -type f | wc -l) files identical ($base vs working tree)"
else
    head -50 "$work/diff.txt"
    echo "== every file that differs:" >&2
    diff -rq "$work/old" "$work/new" | sed "s|$work/||g" >&2 || true
    echo "DIFFERENT outputs ($base vs working tree): see above" >&2
    exit 1
fi
