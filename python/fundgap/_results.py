"""Results as pandas frames, read from the very CSV and JSON bytes the
command line writes (``Output::files`` in fundgap-report), so every number
is the command line's, bit for bit; the workbook, page and charts are the
Rust writers' bytes too."""

from __future__ import annotations

import io
import json
import math
import os
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import pandas as pd

from . import _fundgap

PathLike = Union[str, "os.PathLike[str]"]

# Columns that hold text whatever their values look like.
_TEXT = {
    "service", "name", "entity", "id", "variant", "description", "input", "source",
    "kind", "label", "criterion", "rating", "baseline", "stream", "what", "case",
    "cluster", "reason", "note", "unit", "x", "y", "key", "value",
    "x_key", "x_value", "y_key", "y_value",
}


def _is_year(column: str) -> bool:
    return (column in ("year", "by") or column.endswith("_year")
            or column.startswith("first_year_p_gap_over_50"))


# Whole numbers that count or rank (nullable ``Int64``), and yes-or-no
# columns the back-test writes as 1 and 0 (``bool``).
_COUNTS = {"rank_gap_npv", "rank_best", "rank_worst", "cases", "trials"}
_FLAGS = {"stopped", "scored"}


def frame(data: bytes) -> pd.DataFrame:
    """A CSV table as a frame with typed columns: text as ``string``, years,
    ranks and counts as nullable ``Int64``, true/false (and the back-test's
    1/0 flags) as ``bool`` (``boolean`` where some cells are empty), every
    other column
    ``float64`` parsed exactly (each value the double the CSV's shortest
    round-trip text names; an empty cell is NaN)."""
    if not data.strip():
        return pd.DataFrame()
    raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    out = {}
    for column in raw.columns:
        values = raw[column]
        if column in _TEXT:
            out[column] = values.astype("string")
            continue
        if column in _FLAGS and len(values) and set(values) <= {"0", "1"}:
            out[column] = (values == "1").astype("bool")
            continue
        if len(values) and set(values) <= {"true", "false"}:
            out[column] = (values == "true").astype("bool")
            continue
        if len(values) and set(values) <= {"true", "false", ""} and set(values) != {""}:
            # A flag left empty where it does not apply (the baseline's
            # `distinguishable`): nullable boolean, missing there.
            out[column] = pd.array([None if v == "" else v == "true" for v in values], dtype="boolean")
            continue
        try:
            numbers = [float(v) if v != "" else float("nan") for v in values]
        except ValueError:
            out[column] = values.astype("string")
            continue
        whole = all(x != x or (math.isfinite(x) and x == int(x)) for x in numbers)
        if (_is_year(column) or column in _COUNTS) and whole:
            out[column] = pd.array([None if x != x else int(x) for x in numbers], dtype="Int64")
        else:
            out[column] = pd.array(numbers, dtype="float64")
    return pd.DataFrame(out, columns=raw.columns)


class Result:
    """What a command produced. ``files`` are its CSV, JSON and Markdown
    files as bytes; ``frames`` every CSV table as a frame (by file stem);
    ``data`` every JSON file parsed (by file stem)."""

    def __init__(self, native: Any) -> None:
        self._native = native
        self.files: Dict[str, bytes] = dict(native.files())
        self.frames: Dict[str, pd.DataFrame] = {
            Path(n).stem: frame(b) for n, b in self.files.items() if n.endswith(".csv")
        }
        self.data: Dict[str, Any] = {
            Path(n).stem: json.loads(b) for n, b in self.files.items() if n.endswith(".json")
        }
        # Amounts are in the scenario's unit, where a Korean report's table
        # may show 억 원: each frame says so, and what each column holds.
        unit = self._money_unit()
        lang = str(getattr(native, "lang", "en"))
        # Won per resident, or the scenario's unit where its money is not won.
        per_resident = "KRW per resident" if unit.startswith("KRW") or not unit else f"{unit} per resident"
        for f in self.frames.values():
            described = _fundgap.columns([str(c) for c in f.columns], lang)
            units = {}
            for column, (_, kind) in zip(f.columns, described):
                shown = {"money": unit, "per_resident": per_resident, "share": "share (0 to 1)", "year": "year"}
                if shown.get(kind):
                    units[column] = shown[kind]
            f.attrs["units"] = units
            f.attrs["labels"] = {column: label for column, (label, _) in zip(f.columns, described)}
            if unit:
                f.attrs["unit"] = unit

    def _money_unit(self) -> str:
        """The scenario's money unit as its files name it: "KRW million"."""
        money = self.data.get("summary", {}).get("notes", {}).get("money", "")
        if money:
            return money.split(";")[0].strip()
        for d in self.data.values():
            if isinstance(d, dict) and isinstance(d.get("unit"), str):
                return f"{d.get('currency', '')} {d['unit']}".strip()
        return ""

    @property
    def kind(self) -> str:
        """The command: run, stress, compare, sensitivity, discover, evaluate or backtest."""
        return str(self._native.kind)

    @property
    def command(self) -> str:
        """The command line that gives the same result."""
        return str(self._native.command)

    @property
    def table(self) -> str:
        """What the command line prints (its result table)."""
        return str(self._native.printed())

    def to_excel(self, path: PathLike) -> Path:
        """Writes report.xlsx (the command line's workbook) to ``path``."""
        book = self._native.workbook()
        if book is None:
            raise ValueError(f"a {self.kind} result has no workbook")
        return _write(path, book)

    def to_html(self, path: PathLike, charts: bool = True) -> Path:
        """Writes report.html (one self-contained page) to ``path``."""
        page = self._native.html(charts)
        if page is None:
            raise ValueError(f"a {self.kind} result has no page")
        return _write(path, page.encode("utf-8"))

    def charts(self, directory: Optional[PathLike] = None) -> Union[Dict[str, bytes], List[Path]]:
        """The chart files (SVG and PNG) as the command line draws them,
        as a dict of name to bytes; or, given ``directory``, written there
        as ``fundgap chart`` redraws a run's, returning the paths written.
        Each chart replaces only a chart fundgap wrote there; the folder's
        other files stay, and a file of yours with a chart's name is
        refused (move or rename it), never replaced."""
        if directory is None:
            return dict(self._native.charts())
        return [Path(p) for p in self._native.write_charts(os.fspath(directory))]

    def save(self, directory: PathLike, workbook: bool = True, html: bool = True,
             charts: bool = True, force: bool = False) -> List[Path]:
        """Writes the command line's whole output folder into ``directory``,
        put in place as a unit; a folder holding files fundgap did not
        write is refused unless ``force`` (what it then replaces or removes
        is warned of, as the command line says it). Returns the paths
        written."""
        paths, notices = self._native.save(os.fspath(directory), workbook, html, charts, force)
        for notice in notices:
            warnings.warn(notice, UserWarning, stacklevel=2)
        return [Path(p) for p in paths]

    def __repr__(self) -> str:
        return f"<fundgap {self.kind} result: {', '.join(self.files)}>"


def _write(path: PathLike, data: bytes) -> Path:
    p = Path(path)
    p.write_bytes(data)
    return p


class RunResult(Result):
    """A run: per-year and over-the-horizon figures of every service and
    the portfolio."""

    @property
    def yearly(self) -> pd.DataFrame:
        """yearly.csv: one row per entity and year (P(gap), cost, funding, gap...)."""
        return self.frames["yearly"]

    @property
    def horizon(self) -> pd.DataFrame:
        """horizon.csv: one row per entity over the horizon (P(any gap), NPVs, ...)."""
        return self.frames["horizon"]

    @property
    def plan(self) -> pd.DataFrame:
        """plan.csv: the five years of a 중기지방재정계획 from the budget year."""
        return self.frames["plan"]

    @property
    def requirement(self) -> pd.DataFrame:
        """The funding requirement: per entity, the yearly top-up and the
        extra opening reserve that keep it gap-free at each confidence
        level, with their intervals (horizon.csv's topup_* / reserve_*)."""
        h = self.horizon
        cols = [c for c in h.columns if c.startswith(("topup_p", "reserve_p"))]
        return h[["service", "name", *cols]].copy()

    @property
    def stops(self) -> pd.DataFrame:
        """The stop rule's outcome: per entity, P(stopped) with its interval
        and the median stop year (horizon.csv's p_stop* / median_stop_year)."""
        h = self.horizon
        return h[["service", "name", "p_stop", "p_stop_lo", "p_stop_hi", "median_stop_year"]].copy()

    @property
    def summary(self) -> Dict[str, Any]:
        """summary.json as a dict."""
        return self.data["summary"]


class StressResult(Result):
    """A stress grid: every cell's figures on the same trials."""

    @property
    def cells(self) -> pd.DataFrame:
        """stress.csv: one row per cell (x and y values) and entity."""
        return self.frames["stress"]

    @property
    def summary(self) -> Dict[str, Any]:
        """stress.json as a dict (axes, years left out, cells)."""
        return self.data["stress"]


class CompareResult(Result):
    """A comparison of variants on common random numbers."""

    @property
    def variants(self) -> pd.DataFrame:
        """compare.csv: each variant's figures, ranks and funding requirement."""
        return self.frames["compare"]

    @property
    def pairs(self) -> pd.DataFrame:
        """compare-pairs.csv: every pair's paired differences."""
        return self.frames["compare-pairs"]

    @property
    def summary(self) -> Dict[str, Any]:
        """compare.json as a dict."""
        return self.data["compare"]


class SensitivityResult(Result):
    """Which uncertain inputs drive the gap."""

    @property
    def tornado(self) -> Optional[pd.DataFrame]:
        """sensitivity.csv (rank correlations and one-at-a-time swings), if run."""
        return self.frames.get("sensitivity")

    @property
    def sobol(self) -> Optional[pd.DataFrame]:
        """sobol.csv (first-order and total indices with intervals), if run."""
        return self.frames.get("sobol")


class DiscoveryResult(Result):
    """Scenario discovery: the input ranges that lead to a gap."""

    @property
    def boxes(self) -> pd.DataFrame:
        """discovery.csv: each box's limits, coverage and density."""
        return self.frames["discovery"]

    @property
    def summary(self) -> Dict[str, Any]:
        """discovery.json as a dict."""
        return self.data["discovery"]


class EvaluationResult(Result):
    """The evaluation scorecard, with the run it rests on."""

    @property
    def scorecard(self) -> pd.DataFrame:
        """evaluation.csv: each service's rating on every criterion."""
        return self.frames["evaluation"]

    @property
    def drivers(self) -> Optional[pd.DataFrame]:
        """sensitivity.csv: the tornado of drivers (None without sensitivity)."""
        return self.frames.get("sensitivity")

    @property
    def summary(self) -> Dict[str, Any]:
        """evaluation.json as a dict."""
        return self.data["evaluation"]

    @property
    def markdown(self) -> str:
        """evaluation.md: the scorecard in words."""
        return self.files["evaluation.md"].decode("utf-8")


class BacktestResult(Result):
    """A back-test: the stop rule's forecasts scored against outcomes on record."""

    @property
    def cases(self) -> pd.DataFrame:
        """backtest.csv: each recorded outcome, its forecast and whether it is scored."""
        return self.frames["backtest"]

    @property
    def calibration(self) -> pd.DataFrame:
        """calibration.csv: forecasts in bins against the share that happened."""
        return self.frames["calibration"]

    @property
    def summary(self) -> Dict[str, Any]:
        """backtest.json as a dict (Brier scores, references, intervals)."""
        return self.data["backtest"]

    @property
    def markdown(self) -> str:
        """backtest.md: the score in words."""
        return self.files["backtest.md"].decode("utf-8")
