"""The Korean-capable font fundgap draws its own charts with, for a
researcher's charts: frames label their columns in Korean
(``attrs["labels"]``), which matplotlib's default font cannot draw."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import _fundgap

_NAME = "NanumSquareR.ttf"


def _cache() -> Path:
    """The user's own cache folder (not a shared temporary one, where
    another user could leave a file of that name)."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"])
    return Path.home() / ".cache"


def korean_font() -> Path:
    """The font fundgap's charts use for Hangul (Nanum Square Regular,
    SIL Open Font License 1.1) as a file: written once per fundgap
    version into a folder of fundgap's own in the user's cache folder,
    and written again whenever what is there is not that font."""
    folder = _cache() / "fundgap" / f"{_fundgap.__version__}-fonts"
    path = folder / _NAME
    data = _fundgap.hangul_font()
    if path.is_file() and path.read_bytes() == data:
        return path
    folder.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a reader never sees half a font, and two
    # processes writing it at once each put the same whole file in place.
    fd, staged = tempfile.mkstemp(dir=folder, prefix=".font-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(staged, path)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise
    return path


def use_korean_font() -> str:
    """Lets matplotlib draw Hangul: registers :func:`korean_font` and makes
    it the default family (``rcParams["font.family"]``). Returns the
    family's name, for a ``fontfamily=`` of your own."""
    from matplotlib import font_manager, rcParams

    path = korean_font()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    rcParams["font.family"] = name
    return name
