"""The Korean font for a researcher's own charts."""

import warnings

import pytest

import fundgap


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """The user's cache folder, here a scratch one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_korean_font_is_a_font_file_written_once(cache):
    path = fundgap.korean_font()
    assert path.is_relative_to(cache)
    data = path.read_bytes()
    assert data[:4] == b"\x00\x01\x00\x00" and len(data) > 500_000
    before = path.stat().st_mtime_ns
    assert fundgap.korean_font() == path and path.stat().st_mtime_ns == before
    assert path.parent.name == f"{fundgap.__version__}-fonts" and path.parent.parent.name == "fundgap"
    # Anything else in its place is replaced by the font.
    path.write_bytes(b"x" * len(data))
    assert fundgap.korean_font().read_bytes() == data


def test_matplotlib_draws_the_frames_korean_labels():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = fundgap.run(trials=300, seed=2, lang="ko", progress=False)
    label = r.yearly.attrs["labels"]["p_gap"]
    assert label == "부족 확률"
    family = fundgap.use_korean_font()
    assert family
    fig, ax = plt.subplots()
    ax.plot([1, 2], [0.1, 0.2])
    ax.set_ylabel(label)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
