"""The exceptions fundgap raises besides Python's own.

A scenario that does not validate raises :class:`ScenarioError` (a
``ValueError``) holding every problem found, each with the file, line,
column and key path the command line prints (a workbook's problems name
their ``sheet!cell`` in ``file``).
"""

from __future__ import annotations

from typing import Any, List, NamedTuple


class Problem(NamedTuple):
    """One problem in a scenario."""

    file: str
    """The file as named (or ``<built-in ...>``; ``sheet!cell`` for a workbook)."""
    line: int
    """1-based line; 0 when the problem has no place in the file (an override)."""
    column: int
    """1-based column."""
    key: str
    """Key path such as ``service[2].funding[1].withdrawal_hazard``."""
    message: str
    """What was expected and what was found."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: `{self.key}`: {self.message}" if self.key else f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario that is not valid; ``problems`` lists every problem found."""

    problems: List[Problem]

    def __init__(self, message: str, problems: List[Any]) -> None:
        super().__init__(message)
        self.problems = [p if isinstance(p, Problem) else Problem(**p) for p in problems]


class ScenarioWarning(UserWarning):
    """A valid scenario with a likely slip, as ``fundgap check`` and
    ``fundgap run`` warn of it: most often an amount in the wrong unit
    (won in a scenario of KRW million)."""
