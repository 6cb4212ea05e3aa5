"""Shared fixtures: the repository root and the fundgap command line to
compare the package against (FUNDGAP_BIN, else the workspace's release
build, as `cargo test --release` leaves it)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _binary() -> Path:
    given = os.environ.get("FUNDGAP_BIN")
    if given:
        return Path(given)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "fundgap"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """Runs the command line in the repository root; returns its output folder's files."""
    binary = _binary()
    if not binary.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"no fundgap binary at {binary}: build it (cargo build --release) or set FUNDGAP_BIN")
        pytest.skip(f"no fundgap binary at {binary}")

    def run(args, out: Path):
        if out.exists():
            shutil.rmtree(out)
        done = subprocess.run(
            [str(binary), *args, "--quiet", "--out", str(out)],
            cwd=ROOT, capture_output=True, text=True,
        )
        assert done.returncode == 0, done.stderr
        return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}

    return run
