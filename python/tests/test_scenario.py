"""Scenarios from Python: loading, overrides, and the validator's problems
as `fundgap.ScenarioError` with file, line, column and key."""

import warnings

import pytest

import fundgap


def test_a_toml_syntax_error_names_its_line_and_column(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "x"\nstart_year = = 2025\n')
    s = fundgap.Scenario.load(bad)
    with pytest.raises(fundgap.ScenarioError) as e:
        s.check()
    (p, *_) = e.value.problems
    assert p.file == str(bad)
    assert p.line == 3 and p.column > 0
    assert isinstance(e.value, ValueError)
    assert str(bad) in str(e.value)


def test_a_validation_error_names_its_key(root):
    s = fundgap.Scenario.load(root / "scenarios/ucity-baseline.toml")
    s.check()
    s.set("service.cctv-safety.opex_ratio", -3)
    with pytest.raises(fundgap.ScenarioError) as e:
        s.check()
    keys = [p.key for p in e.value.problems]
    assert any("opex_ratio" in k for k in keys), keys
    # The same problem stops a run: no result from an invalid scenario.
    with pytest.raises(fundgap.ScenarioError):
        fundgap.run(s, trials=10)


def test_an_unknown_key_is_reported_with_its_place(tmp_path, root):
    text = (root / "scenarios/ucity-baseline.toml").read_text()
    f = tmp_path / "typo.toml"
    f.write_text(text.replace("discount_rate = 0.045", "discount_rat = 0.045", 1))
    with pytest.raises(fundgap.ScenarioError) as e:
        fundgap.Scenario.load(f).check()
    p = next(p for p in e.value.problems if "discount_rat" in p.key or "discount_rat" in p.message)
    line = next(i for i, l in enumerate(f.read_text().splitlines(), 1) if l.startswith("discount_rat "))
    assert p.line == line and p.column == 1


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError, match="cannot read"):
        fundgap.Scenario.load(tmp_path / "nowhere.toml")


def test_a_malformed_override_is_a_value_error():
    with pytest.raises(ValueError, match="is a key path"):
        fundgap.Scenario.load().set("a=b", 1)
    with pytest.raises(ValueError, match="key path"):
        fundgap.Scenario.load().set("a..b", 1).check()


def test_overrides_are_written_as_the_command_line_takes_them():
    s = fundgap.Scenario.load().set("a.b", True).set("c", 0.1).set("d", [1, "x"]).set("e", 3)
    assert s.overrides == ["a.b=true", "c=0.1", 'd=[1, "x"]', "e=3"]
    assert s.copy().overrides == s.overrides


def test_a_distribution_is_set_as_a_dict_and_numpy_numbers_as_numbers(cli, tmp_path):
    import numpy as np

    s = fundgap.Scenario.load().set("service.*.opex_ratio", {"dist": "normal", "mean": 0.2, "sd": np.float64(0.05)})
    s.set("economy.inflation.mean", np.float32(0.02)).set("scenario.trials", np.int64(300))
    assert s.overrides == [
        'service.*.opex_ratio={ dist = "normal", mean = 0.2, sd = 0.05 }',
        "economy.inflation.mean=0.019999999552965164",
        "scenario.trials=300",
    ]
    ours = fundgap.run(s, seed=4)
    args = ["run", "--seed", "4"]
    for o in s.overrides:
        args += ["--set", o]
    assert ours.files["horizon.csv"] == cli(args, tmp_path / "c")["horizon.csv"]
    with pytest.raises(TypeError, match="dict"):
        fundgap.Scenario.load().set("x", object())


def test_a_string_in_a_table_is_escaped_as_toml_wants():
    from fundgap._scenario import toml_value

    value = {"note": 'a "b"\\c\nd\x7f', "a key": "x"}
    assert toml_value(value) == '{ note = "a \\"b\\"\\\\c\\nd\\u007f", "a key" = "x" }'


def test_an_override_changes_the_numbers():
    base = fundgap.run(trials=400, seed=9)
    dearer = fundgap.run(fundgap.Scenario.load().set("service.*.opex_ratio", 0.4), trials=400, seed=9)
    p = lambda r: float(r.horizon.set_index("service").loc["portfolio", "gap_npv_mean"])
    assert p(dearer) > p(base)


def test_a_workbook_scenario_runs_as_its_toml(tmp_path, root, cli):
    book = tmp_path / "b.xlsx"
    import subprocess, os
    from conftest import _binary
    done = subprocess.run([str(_binary()), "convert", "scenarios/ucity-baseline.toml", str(book)],
                          cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    a = fundgap.run(fundgap.Scenario.load(book), trials=300, seed=2)
    b = fundgap.run(fundgap.Scenario.load(root / "scenarios/ucity-baseline.toml"), trials=300, seed=2)
    assert a.files["horizon.csv"] == b.files["horizon.csv"]


def test_an_amount_in_won_is_warned_of_as_the_command_line_does(root):
    # 500,000,000 in a KRW-million scenario: 5억 meant, 500조 written.
    s = fundgap.Scenario.load(root / "scenarios/daejeon-challenge.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.check()  # the shipped scenario: nothing to warn of
    s.set("service.fire-sensors.funding.city-budget.amount", 500_000_000)
    with pytest.warns(fundgap.ScenarioWarning, match="백만 원") as caught:
        s.check()
    assert caught[0].filename == __file__
    with pytest.warns(fundgap.ScenarioWarning, match="million") as caught:
        fundgap.run(s, trials=50, lang="en")
    assert caught[0].filename == __file__
