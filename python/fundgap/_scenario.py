"""A scenario as the command line reads it: a file's text (TOML, or a
workbook read into the same TOML), its label, and ``--set`` overrides."""

from __future__ import annotations

import math
import numbers
import os
import warnings
from typing import Any, List, Optional, Union

import numpy as np

from . import _fundgap
from ._errors import ScenarioWarning


def toml_value(value: Any) -> str:
    """A Python value as the TOML text ``--set`` takes: booleans as
    ``true``/``false``, numbers exactly (``repr`` round-trips a float;
    numpy's numbers too), lists as arrays, a dict as an inline table (a
    distribution: ``{"dist": "normal", "mean": 0.2, "sd": 0.05}``); a
    string as typed, as on the command line."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_item(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_item(v)}" for k, v in value.items()) + " }"
    if isinstance(value, str):
        return value
    raise TypeError(
        f"cannot set a {type(value).__name__}; give a number, bool, string, list or dict "
        '(a distribution: {"dist": "normal", "mean": 0.2, "sd": 0.05})'
    )


def _toml_key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"a table's keys are names, not {key!r}")
    if key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
        return key
    return _toml_item(key)


def _toml_item(value: Any) -> str:
    if isinstance(value, str):
        # A basic string: a backslash, a quote and every control character
        # (a newline, DEL) escaped, which TOML refuses as they are.
        return '"' + "".join(_toml_char(c) for c in value) + '"'
    return toml_value(value)


def _toml_char(c: str) -> str:
    if c in '"\\':
        return "\\" + c
    if c < " " or c == "\x7f":
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c, f"\\u{ord(c):04x}")
    return c


class Scenario:
    """A scenario and its overrides.

    ``Scenario.load(path)`` reads a TOML file or a scenario workbook
    (.xlsx); ``Scenario.load()`` is the built-in baseline. ``set`` adds an
    override exactly as ``--set PATH=VALUE`` does (``*`` over services and
    lines included) and returns the scenario, so calls chain.
    """

    def __init__(self, text: str, label: str = "<text>", stem: str = "scenario") -> None:
        self.text = text
        self.label = label
        self.stem = stem
        self._set: List[str] = []

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]", None] = None) -> "Scenario":
        """Reads a scenario file (TOML or .xlsx), or the built-in baseline."""
        text, label, stem = _fundgap.read_scenario(None if path is None else os.fspath(path))
        return cls(text, label, stem)

    def set(self, key: str, value: Any) -> "Scenario":
        """Overrides ``key`` (a key path such as ``economy.inflation.mean`` or
        ``service.*.opex_ratio``) with ``value``; returns this scenario,
        changed (``copy()`` first to keep the original)."""
        if "=" in key:
            raise ValueError(f"set: `{key}` is a key path; give the value separately")
        self._set.append(f"{key}={toml_value(value)}")
        return self

    @property
    def overrides(self) -> List[str]:
        """The overrides as ``--set`` would take them (``PATH=VALUE``)."""
        return list(self._set)

    @property
    def variants(self) -> List[str]:
        """The names of the scenario's ``[[variant]]`` tables, in order."""
        return _fundgap.variants(self.text, self.label)[0]

    def variant(self, name: str) -> "Scenario":
        """A copy of this scenario as its ``[[variant]]`` named ``name``:
        the variant's ``set`` applied before this scenario's own
        overrides, as ``--variant`` does on the command line."""
        other = self.copy()
        other._set = list(_fundgap.variants(self.text, self.label, name)[1]) + other._set
        return other

    def copy(self) -> "Scenario":
        """This scenario with its overrides, to change apart."""
        other = Scenario(self.text, self.label, self.stem)
        other._set = list(self._set)
        return other

    def check(self, lang: Optional[str] = None) -> None:
        """Validates the scenario with its overrides as every command does;
        raises :class:`fundgap.ScenarioError` listing every problem, and
        warns (:class:`fundgap.ScenarioWarning`) of what ``fundgap check``
        warns of in a valid scenario, such as an amount in the wrong unit."""
        warn_of_slips(self, lang)

    def __repr__(self) -> str:
        extra = "".join(f" --set {s}" for s in self._set)
        return f"<fundgap.Scenario {self.label}{extra}>"


ScenarioLike = Union[Scenario, str, "os.PathLike[str]", None]


def warn_of_slips(s: Scenario, lang: Optional[str], stacklevel: int = 3) -> None:
    """Validates ``s`` and warns of its likely slips, blaming the caller's
    caller (the user's line, by default)."""
    slips = _fundgap.check(s.text, s.label, s._set, lang)
    if slips:
        warnings.warn(ScenarioWarning(slips.strip()), stacklevel=stacklevel)


def as_scenario(s: ScenarioLike) -> Scenario:
    """A Scenario, a path to load, or None for the built-in baseline."""
    if isinstance(s, Scenario):
        return s
    return Scenario.load(s)


