"""Type stubs of the native module (python/src/): the package's public
functions in ``fundgap`` wrap these."""

from typing import List, Optional, Sequence, Tuple

__version__: str
MOST_THREADS: int

def read_scenario(path: Optional[str] = None) -> Tuple[str, str, str]:
    """A scenario file's TOML text (a workbook's as the TOML it stands for),
    its label and file stem; the built-in baseline when ``path`` is None."""

def check(text: str, label: str, set: List[str], lang: Optional[str] = None) -> str:
    """Validates the scenario with its ``PATH=VALUE`` overrides; raises
    ``fundgap.ScenarioError``. Returns the likely slips ``fundgap check``
    warns of ("" when none)."""

def columns(names: List[str], lang: str = "en") -> List[Tuple[str, str]]:
    """Each CSV column's heading in ``lang`` and what its values are:
    "money", "per_resident", "share", "year", "number" or "text"."""

def variants(text: str, label: str, variant: Optional[str] = None) -> Tuple[List[str], List[str]]:
    """The ``[[variant]]`` names, in order, and the overrides
    (``PATH=VALUE``) that make the scenario the one named ``variant``."""

def hangul_font() -> bytes:
    """The font fundgap's charts draw Hangul with (Nanum Square Regular)."""

class Outcome:
    """A command's result, kept whole; every format written on demand."""

    @property
    def kind(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def command(self) -> str: ...
    def files(self) -> List[Tuple[str, bytes]]: ...
    def workbook(self) -> Optional[bytes]: ...
    def html(self, charts: bool = True) -> Optional[str]: ...
    def charts(self) -> List[Tuple[str, bytes]]: ...
    def write_charts(self, dir: str) -> List[str]: ...
    def printed(self) -> str: ...
    def save(
        self, out: str, workbook: bool = True, html: bool = True, charts: bool = True, force: bool = False
    ) -> Tuple[List[str], List[str]]: ...

def run(
    text: str,
    label: str,
    set: List[str],
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    confidence: Optional[Sequence[float]] = None,
    precision: Optional[float] = None,
    precision_npv: Optional[float] = None,
    max_trials: int = 10_000_000,
    from_year: Optional[int] = None,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> Outcome: ...
def compare(
    scenarios: List[Tuple[str, str, str, List[str]]],
    set: List[str],
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    service: Optional[str] = None,
    baseline: Optional[str] = None,
    confidence: float = 0.9,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> Outcome: ...
def sensitivity(
    text: str,
    label: str,
    set: List[str],
    method: str = "tornado",
    sample: int = 5_000,
    oat_trials: int = 2_000,
    sobol_trials: int = 2_000,
    seed: Optional[int] = None,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> Outcome: ...
def discover(
    text: str,
    label: str,
    set: List[str],
    trials: int = 20_000,
    seed: Optional[int] = None,
    alpha: float = 0.05,
    min_support: float = 0.05,
    min_coverage: float = 0.5,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> Outcome: ...
def evaluate(
    text: str,
    label: str,
    set: List[str],
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    sensitivity: bool = True,
    sample: int = 2_000,
    oat_trials: int = 500,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> Outcome: ...
def stress(
    text: str,
    label: str,
    set: List[str],
    years: str = "all",
    cuts: List[float] = ...,
    service: Optional[str] = None,
    streams: List[str] = ...,
    sweep: List[str] = ...,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    target: float = 0.10,
    confidence: float = 0.9,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> Outcome: ...
def backtest(
    scenarios: List[Tuple[str, str, List[str]]],
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    prior_stop: List[float] = ...,
    resamples: int = 10_000,
    lang: Optional[str] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> Outcome: ...
