"""The analyses from Python against their commands: the same CSV and JSON
files for the same scenario, seed, sizes and overrides."""

import json
import os

import pytest

import fundgap

BASE = "scenarios/ucity-baseline.toml"
# Fields that say how a result was made rather than what it found.
TIMING = {"elapsed_seconds", "threads"}


def same_files(ours, theirs):
    assert set(ours.files) <= set(theirs), (list(ours.files), list(theirs))
    for name, data in ours.files.items():
        if name.endswith(".json"):
            a, b = json.loads(data), json.loads(theirs[name])
            for d in (a, b):
                if isinstance(d, dict):
                    for k in TIMING:
                        d.pop(k, None)
            assert a == b, name
        else:
            assert data == theirs[name], name


@pytest.fixture(autouse=True)
def at_root(root, monkeypatch):
    monkeypatch.chdir(root)


def test_compare_variants_equal_the_command_lines(cli, tmp_path):
    ours = fundgap.compare("scenarios/revenue-models.toml", trials=800, seed=5, confidence=0.8)
    theirs = cli(["compare", "scenarios/revenue-models.toml", "--trials", "800", "--seed", "5",
                  "--confidence", "0.8"], tmp_path / "c")
    same_files(ours, theirs)
    assert ours.variants["variant"].nunique() >= 2
    assert len(ours.pairs) > 0
    # The baseline's flag is empty: a nullable boolean, missing there.
    flags = ours.frames["compare"]["distinguishable"]
    assert str(flags.dtype) == "boolean"
    assert flags.isna().sum() == 1 and flags.dropna().isin([True, False]).all()
    ranks = ours.frames["compare"][["rank_gap_npv", "rank_best", "rank_worst"]]
    assert all(str(t) == "Int64" for t in ranks.dtypes)


def test_compare_of_two_files_with_an_override(cli, tmp_path, root):
    dearer = tmp_path / "dearer.toml"
    dearer.write_text((root / BASE).read_text().replace("volatility = 0.06", "volatility = 0.12", 1))
    files = [BASE, str(dearer)]
    s = [fundgap.Scenario.load(f).set("economy.inflation.mean", 0.03) for f in files]
    ours = fundgap.compare(s, trials=300, seed=2)
    theirs = cli(["compare", *files, "--trials", "300", "--seed", "2",
                  "--set", "economy.inflation.mean=0.03"], tmp_path / "c2")
    same_files(ours, theirs)
    assert list(ours.variants["variant"].unique()) == ["ucity-baseline", "dearer"]


def test_compare_of_a_scenario_and_its_changed_copy(cli, tmp_path):
    # Each scenario's own overrides apply to it alone: the plan against the
    # same file with its grant withdrawn a year early, each named apart.
    plan = fundgap.Scenario.load("scenarios/daejeon-challenge.toml")
    early = plan.copy().set("service.*.funding.national-challenge-money.to", 2021)
    ours = fundgap.compare([plan, early], trials=2000, seed=1)
    variants = ours.variants.drop_duplicates("variant").set_index("variant")
    assert list(variants.index) == ["daejeon-challenge", "daejeon-challenge-2"]
    theirs = cli(["run", "scenarios/daejeon-challenge.toml", "--trials", "2000", "--seed", "1",
                  "--set", "service.*.funding.national-challenge-money.to=2021"], tmp_path / "e")
    alone = json.loads(theirs["summary.json"])["portfolio"]["p_any_gap"]
    assert plan.overrides == []
    assert variants.loc["daejeon-challenge-2", "p_any_gap"] == pytest.approx(alone)
    assert variants.loc["daejeon-challenge", "p_any_gap"] < alone


def test_a_variant_runs_as_the_command_lines_variant(cli, tmp_path):
    s = fundgap.Scenario.load("scenarios/revenue-models.toml")
    assert s.variants == ["grant-then-budget", "user-fees", "advertising-data", "private-operator"]
    fees = s.variant("user-fees")
    assert s.overrides == [] and len(fees.overrides) == 2
    ours = fundgap.evaluate(fees, trials=500, seed=4, sensitivity=False)
    theirs = cli(["evaluate", "scenarios/revenue-models.toml", "--variant", "user-fees", "--trials", "500",
                  "--seed", "4", "--no-sensitivity"], tmp_path / "v")
    same_files(ours, theirs)
    with pytest.raises(ValueError, match='no variant named "user-fee".*did you mean "user-fees"'):
        s.variant("user-fee")


def test_a_comparison_needs_two_variants():
    with pytest.raises(ValueError, match="at least two"):
        fundgap.compare(BASE, trials=100)


def test_sensitivity_tornado_and_sobol_equal_the_command_lines(cli, tmp_path):
    ours = fundgap.sensitivity(BASE, method="both", sample=400, oat_trials=100, sobol_trials=60, seed=3)
    theirs = cli(["sensitivity", BASE, "--method", "both", "--sample", "400", "--oat-trials", "100",
                  "--sobol-trials", "60", "--seed", "3"], tmp_path / "s")
    same_files(ours, theirs)
    assert ours.tornado is not None and ours.sobol is not None
    assert ours.sobol["total"].dtype == "float64"


def test_sobol_alone_has_no_tornado():
    r = fundgap.sensitivity(BASE, method="sobol", sobol_trials=40, seed=1)
    assert r.tornado is None and len(r.sobol) > 0
    with pytest.raises(ValueError, match="not a method"):
        fundgap.sensitivity(BASE, method="morris")


def test_discover_equals_the_command_lines(cli, tmp_path):
    ours = fundgap.discover(BASE, trials=2000, seed=4)
    theirs = cli(["discover", BASE, "--trials", "2000", "--seed", "4"], tmp_path / "d")
    same_files(ours, theirs)
    assert ours.summary == json.loads(theirs["discovery.json"])


def test_evaluate_equals_the_command_lines(cli, tmp_path):
    ours = fundgap.evaluate(BASE, trials=600, seed=6, sample=300, oat_trials=50)
    theirs = cli(["evaluate", BASE, "--trials", "600", "--seed", "6", "--sample", "300",
                  "--oat-trials", "50"], tmp_path / "e")
    same_files(ours, theirs)
    assert len(ours.scorecard) > 0 and ours.drivers is not None
    assert ours.markdown.strip()
    bare = fundgap.evaluate(BASE, trials=200, seed=6, sensitivity=False)
    assert bare.drivers is None


def test_stress_grid_equals_the_command_lines(cli, tmp_path):
    ours = fundgap.stress(BASE, years="2026-2029", cuts=[0, 50, 100], trials=300, seed=8, target=0.2)
    theirs = cli(["stress", BASE, "--years", "2026-2029", "--cuts", "0,50,100", "--trials", "300",
                  "--seed", "8", "--target", "0.2"], tmp_path / "st")
    same_files(ours, theirs)
    cells = ours.cells
    assert cells["x_value"].dtype == "string" and cells["stops_sooner"].dtype == "bool"
    assert len(cells) == 4 * 3 * cells["entity"].nunique()


def test_stress_sweep_equals_the_command_lines(cli, tmp_path):
    ours = fundgap.stress(BASE, sweep={"economy.inflation.mean": [0.01, 0.03]}, trials=200, seed=1)
    theirs = cli(["stress", BASE, "--sweep", "economy.inflation.mean=0.01,0.03", "--trials", "200",
                  "--seed", "1"], tmp_path / "sw")
    same_files(ours, theirs)
    assert list(ours.cells["x_value"].unique()) == ["0.01", "0.03"]


def test_stress_years_may_be_a_list_or_a_range():
    text = fundgap.stress(BASE, years="2026,2028", cuts=[0, 100], trials=100, seed=3)
    for years in ([2026, 2028], range(2026, 2029, 2), (2026, 2028)):
        ours = fundgap.stress(BASE, years=years, cuts=[0, 100], trials=100, seed=3)
        assert ours.cells.equals(text.cells), years
    one = fundgap.stress(BASE, years=2027, cuts=[0], trials=50, seed=3)
    assert set(one.cells["x_value"]) == {"2027"}
    with pytest.raises(TypeError, match="whole numbers"):
        fundgap.stress(BASE, years=[2026.5], trials=10)
    with pytest.raises(TypeError, match="`years`"):
        fundgap.stress(BASE, years=None, trials=10)


def test_stress_bad_settings_are_value_errors():
    with pytest.raises(ValueError, match="not a percentage"):
        fundgap.stress(BASE, cuts=[150], trials=10)
    with pytest.raises(ValueError, match="years") as e:
        fundgap.stress(BASE, years="1990", trials=10)
    # A notebook has no flags: the message names the argument.
    assert "`years` 1990" in str(e.value) and "--" not in str(e.value), e.value
    with pytest.raises(ValueError) as e:
        fundgap.sensitivity(BASE, method="sobol", sobol_trials=10**13)
    assert "`sobol_trials`" in str(e.value) and "--sobol" not in str(e.value), e.value


def test_backtest_equals_the_command_lines(cli, tmp_path, root):
    files = sorted(str(p.relative_to(root)) for p in (root / "scenarios/backtest").glob("*.toml"))
    ours = fundgap.backtest(files, trials=300, seed=12, resamples=200)
    theirs = cli(["backtest", *files, "--trials", "300", "--seed", "12", "--resamples", "200"],
                 tmp_path / "b")
    same_files(ours, theirs)
    assert ours.summary["score"]["scored"] > 0
    assert len(ours.cases) == len(files) or len(ours.cases) > 0
    assert ours.markdown.strip()
    # Years and counts are whole numbers, the outcome flags yes or no.
    cases = ours.frames["backtest"]
    assert str(cases["by"].dtype) == "Int64" and str(cases["stopped"].dtype) == "bool"
    assert str(ours.frames["calibration"]["cases"].dtype) == "Int64"


def test_backtest_refuses_a_scenario_without_outcomes():
    with pytest.raises(ValueError, match="nothing to score"):
        fundgap.backtest([BASE], trials=50)
    with pytest.raises(ValueError, match="between 0 and 1"):
        fundgap.backtest([BASE], trials=50, prior_stop=[2.0])


def test_a_sobol_sample_too_large_for_memory_is_a_value_error():
    # Before any work, and the session goes on.
    with pytest.raises(ValueError, match="GB of memory"):
        fundgap.sensitivity(BASE, method="sobol", sobol_trials=10**13)
    assert fundgap.run(trials=50, seed=1).summary["trials"] == 50
