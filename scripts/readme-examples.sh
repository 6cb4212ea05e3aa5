#!/usr/bin/env bash
# Regenerates every figure README.md and scenarios/README.md quote from a
# run, and the charts in output/examples/: the same as
# `python3 scripts/docs-examples.py --write` (see its header for the
# markers). CI checks them with `python3 scripts/docs-examples.py --check`.
# Usage: scripts/readme-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/docs-examples.py --write
