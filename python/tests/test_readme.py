"""The README's Python example works as written, from the repository root."""

import os
import re

import fundgap


def test_readme_python_example_runs(root, tmp_path, monkeypatch):
    text = (root / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## From Python"):]
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    # The scenario path is relative to the checkout; the files it writes go
    # to a scratch folder.
    example = example.replace('"scenarios/', f'"{root}/scenarios/')
    monkeypatch.chdir(tmp_path)
    space = {}
    exec(compile(example, "README.md", "exec"), space)
    r = space["r"]
    assert isinstance(r, fundgap.RunResult)
    assert r.summary["trials"] == 20_000 and r.summary["seed"] == 2017
    assert r.summary["scenario"]["overrides"] == ["service.*.opex_ratio=0.2"]
    assert list(space["p_gap"].index) == list(range(2025, 2045))
    assert (tmp_path / "report.xlsx").is_file() and (tmp_path / "report.html").is_file()
    assert (tmp_path / "charts" / "gap-probability.svg").is_file()
