#!/usr/bin/env bash
# CI for the Python package (python/), called by .ci/run after `cargo test
# --release` has built target/release/fundgap, which the tests compare the
# package against: a venv with the test tools from PyPI, `pip install
# ./python` as the README says (one release build of the extension, in the
# workspace's target directory), pytest (the CLI comparison, errors,
# Ctrl-C, the README's example and the notebook), then the wheel from
# `maturin build`, which reuses that build.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
venv="$target/py-venv"
if [ ! -x "$venv/bin/maturin" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q maturin pandas pytest matplotlib nbclient nbformat ipykernel
fi
"$venv/bin/python" --version
echo "-- pip install ./python"
"$venv/bin/pip" install -q ./python
echo "-- pytest python/tests"
FUNDGAP_BIN="$target/release/fundgap" "$venv/bin/python" -m pytest -q python/tests
echo "-- maturin build --release (the wheel)"
rm -rf "$target/wheels"
"$venv/bin/maturin" build --release --locked --quiet -m python/Cargo.toml -i "$venv/bin/python" -o "$target/wheels"
ls "$target"/wheels/fundgap-*.whl
