"""`fundgap.run` against `fundgap run`: the same files bit for bit, frames
with typed columns, and the other formats from the Rust writers."""

import csv
import io
import json
import math
import os
import pytest

import fundgap

SCENARIO = "scenarios/ucity-baseline.toml"
SET = [("service.*.opex_ratio", 0.2), ("economy.inflation.mean", 0.025)]
# Fields that say how a run was made rather than what it found.
TIMING = {"elapsed_seconds", "threads"}


@pytest.fixture(scope="module")
def same(root, cli, tmp_path_factory):
    os.chdir(root)
    s = fundgap.Scenario.load(SCENARIO)
    for k, v in SET:
        s.set(k, v)
    ours = fundgap.run(s, trials=3000, seed=11, confidence=[0.8, 0.9], from_year=2027)
    args = ["run", SCENARIO, "--trials", "3000", "--seed", "11", "--confidence", "0.8,0.9", "--from", "2027"]
    for k, v in SET:
        args += ["--set", f"{k}={v}"]
    theirs = cli(args, tmp_path_factory.mktemp("cli") / "run")
    return ours, theirs


def test_tables_equal_the_command_lines_byte_for_byte(same):
    ours, theirs = same
    for name in ["yearly.csv", "horizon.csv", "plan.csv", "charts.json"]:
        assert ours.files[name] == theirs[name], name


def test_summary_equals_the_command_lines_but_for_timing(same):
    ours, theirs = same
    cli_summary = json.loads(theirs["summary.json"])
    for k in TIMING:
        cli_summary.pop(k)
        ours.summary.pop(k)
    assert ours.summary == cli_summary
    assert ours.summary["seed"] == 11 and ours.summary["trials"] == 3000
    assert ours.summary["scenario"]["overrides"] == ["service.*.opex_ratio=0.2", "economy.inflation.mean=0.025"]


def test_frames_hold_the_files_numbers_exactly(same):
    ours, theirs = same
    rows = list(csv.DictReader(io.StringIO(theirs["yearly.csv"].decode())))
    y = ours.yearly
    assert list(y.columns) == list(rows[0])
    assert len(y) == len(rows)
    assert y["service"].dtype == "string" and y["year"].dtype == "Int64"
    assert y["p_gap"].dtype == "float64"
    for c in ["p_gap", "cost_mean", "gap_p95", "funding_mean"]:
        # Python's float() is correctly rounded: the double the text names.
        assert [x.hex() for x in y[c]] == [float(r[c]).hex() for r in rows], c
    assert list(y["year"]) == [int(r["year"]) for r in rows]
    # The first year over 50% and the years its error leaves open are years.
    for c in ["first_year_p_gap_over_50", "first_year_p_gap_over_50_lo", "first_year_p_gap_over_50_hi"]:
        assert ours.horizon[c].dtype == "Int64", c
    # Every float column of horizon.csv parses back to the file's text.
    text = theirs["horizon.csv"].decode().splitlines()
    header = text[0].split(",")
    first = dict(zip(header, text[1].split(",")))
    for c in header:
        if ours.horizon[c].dtype == "float64":
            want = float(first[c]) if first[c] else math.nan
            got = ours.horizon[c].iloc[0]
            assert (got == want) or (math.isnan(got) and math.isnan(want)), c


def test_frames_say_the_unit_of_their_amounts(same):
    ours, _ = same
    for name in ["yearly", "horizon", "plan"]:
        assert ours.frames[name].attrs["unit"] == "KRW million", name


def test_requirement_and_stops_are_the_horizons_columns(same):
    ours, _ = same
    req = ours.requirement
    assert {"topup_p80", "topup_p90", "reserve_p80", "reserve_p90"} <= set(req.columns)
    assert (req["topup_p90"] >= req["topup_p80"]).all()
    assert list(req["service"]) == list(ours.horizon["service"])
    assert list(ours.stops.columns) == ["service", "name", "p_stop", "p_stop_lo", "p_stop_hi", "median_stop_year"]
    assert ours.stops["p_stop"].between(0, 1).all()


def test_workbook_page_and_charts_are_the_command_lines(same, tmp_path):
    ours, theirs = same
    xlsx = ours.to_excel(tmp_path / "r.xlsx").read_bytes()
    assert xlsx[:2] == b"PK" and len(xlsx) > 10_000
    page = ours.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "operations-centre" in page
    drawn = ours.charts()
    assert "gap-probability.svg" in drawn
    written = ours.charts(tmp_path / "charts")
    assert sorted(p.name for p in written) == sorted(drawn)
    for name, data in drawn.items():
        assert data == theirs[name], name
        assert (tmp_path / "charts" / name).read_bytes() == data
    # Drawn again into the same folder: fundgap's own charts are replaced.
    assert len(ours.charts(tmp_path / "charts")) == len(drawn)


def test_charts_never_replace_the_users_files(same, tmp_path):
    ours, _ = same
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "survival.svg").write_text("my drawing")
    with pytest.raises(ValueError, match="survival.svg"):
        ours.charts(folder)
    assert (folder / "survival.svg").read_text() == "my drawing"
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "survival.svg"]
    # Moved aside, the charts go in beside the user's other file.
    (folder / "survival.svg").rename(folder / "my-survival.svg")
    written = ours.charts(folder)
    assert folder / "survival.svg" in written
    assert (folder / "survival.svg").read_bytes().startswith(b"<svg")
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "my-survival.svg").read_text() == "my drawing"


def test_printed_table_is_the_command_lines(root, same):
    ours, _ = same
    assert "P(any gap)" in ours.table and "operations-centre" in ours.table
    assert ours.command.startswith(f"fundgap run {SCENARIO} --trials 3000 --seed 11 --from 2027")


def test_save_writes_the_command_lines_folder(same, tmp_path):
    ours, theirs = same
    written = ours.save(tmp_path / "out")
    names = {p.name for p in written}
    assert {"yearly.csv", "report.xlsx", "report.html", "gap-probability.png"} <= names
    assert set(theirs) == names
    assert (tmp_path / "out" / "horizon.csv").read_bytes() == theirs["horizon.csv"]


def test_same_seed_same_numbers_and_another_seed_others():
    a = fundgap.run(trials=500, seed=3)
    b = fundgap.run(trials=500, seed=3)
    c = fundgap.run(trials=500, seed=4)
    assert a.files["horizon.csv"] == b.files["horizon.csv"]
    assert a.files["horizon.csv"] != c.files["horizon.csv"]


def test_precision_runs_until_met_and_says_so():
    r = fundgap.run(trials=1000, seed=5, precision=0.02, max_trials=50_000)
    p = r.summary["precision"]
    assert p["reached"] is True
    assert r.summary["trials"] == p["trials"] >= 1000


def test_korean_labels(same):
    r = fundgap.run(trials=200, seed=1, lang="ko")
    assert r._native.lang == "ko"
    assert "억" in r.table or "백만" in r.table


@pytest.mark.parametrize("kwargs, words", [
    (dict(trials=0), "trials: give a whole number from 1"),
    (dict(trials=-5), "trials: give a whole number from 1 to 2\\*\\*64 - 1, not -5"),
    (dict(seed=-1), "seed: give a whole number from 0"),
    (dict(max_trials=2**64), "max_trials"),
    (dict(confidence=[1.5]), "strictly between 0 and 1"),
    (dict(precision=0.0), "strictly between 0 and 1"),
    (dict(precision_npv=0.01), "needs precision"),
    (dict(lang="fr"), "not a language"),
])
def test_bad_arguments_are_value_errors(kwargs, words):
    with pytest.raises(ValueError, match=words):
        fundgap.run(**kwargs)


def test_a_count_that_is_no_whole_number_is_a_type_error_and_numpy_integers_are_counts():
    import numpy as np
    with pytest.raises(TypeError, match="trials: give a whole number, not 1.5"):
        fundgap.run(trials=1.5)
    a = fundgap.run(trials=np.int64(100), seed=np.uint32(4))
    b = fundgap.run(trials=100, seed=4)
    assert a.files["horizon.csv"] == b.files["horizon.csv"]


def test_what_force_removes_is_warned_of(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.warns(UserWarning, match="notes.txt") as said:
        fundgap.run(trials=100, seed=1).save(folder, force=True)
    message = str(said[0].message)
    assert "`force=True`" in message and "--force" not in message, message
    assert not (folder / "notes.txt").exists()


def test_save_never_replaces_a_folder_holding_foreign_files_or_the_scenario(root, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    r = fundgap.run(trials=100, seed=1)
    with pytest.raises(Exception, match="notes.txt") as e:
        r.save(folder)
    assert "--force" not in str(e.value) and "--out" not in str(e.value), e.value
    assert (folder / "notes.txt").read_text() == "mine"
    # Even with force, the folder holding the scenario that was read stays.
    (folder / "s.toml").write_text((root / SCENARIO).read_text())
    (folder / "notes.txt").unlink()
    r = fundgap.run(fundgap.Scenario.load(folder / "s.toml"), trials=100, seed=1)
    with pytest.raises(Exception):
        r.save(folder, force=True)
    assert (folder / "s.toml").is_file()


def test_summary_records_how_the_run_was_made():
    r = fundgap.run(trials=300, seed=2)
    assert r.summary["elapsed_seconds"] > 0
    assert r.summary["threads"] >= 1
    assert r.summary["fundgap_version"] == fundgap.__version__


def test_one_confidence_level_may_be_a_number():
    one = fundgap.run(trials=400, seed=4, confidence=0.95)
    listed = fundgap.run(trials=400, seed=4, confidence=[0.95])
    assert one.files["horizon.csv"] == listed.files["horizon.csv"]
    assert "topup_p95" in one.requirement.columns
