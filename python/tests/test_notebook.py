"""The example notebook executes from top to bottom and draws its chart."""

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "quickstart.ipynb"


def test_quickstart_notebook_runs(tmp_path, monkeypatch, root):
    # The kernel is this interpreter's (ipykernel in the same environment).
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # Run in a scratch folder below the checkout: the notebook finds the
    # repository's scenario by walking up, and writes its files below here.
    work = root / "target" / "py-notebook"
    work.mkdir(parents=True, exist_ok=True)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    # Everything it writes is in one folder.
    out = work / "quickstart-output"
    png = (out / "gap-probability.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert (out / "report.xlsx").read_bytes()[:2] == b"PK"
    assert (out / "charts" / "funding-mix.svg").is_file()
    assert not (work / "report.xlsx").exists()
    assert "portfolio" in nb.cells[1].outputs[0]["data"]["text/plain"]
