"""`fundgap.frame`: a CSV's columns typed by name and content, numbers exact."""

import math

import fundgap


def test_columns_are_typed():
    f = fundgap.frame(b"service,year,p,flag,median_stop_year,odd\nx,2025,0.1,true,,inf\n007,2026,1e-300,false,2030,-inf\n")
    assert f["service"].dtype == "string" and list(f["service"]) == ["x", "007"]
    assert f["year"].dtype == "Int64" and list(f["year"]) == [2025, 2026]
    assert f["p"].dtype == "float64" and f["p"][1] == 1e-300
    assert f["flag"].dtype == "bool" and list(f["flag"]) == [True, False]
    assert f["median_stop_year"].dtype == "Int64" and f["median_stop_year"].isna()[0]
    assert f["odd"].dtype == "float64" and math.isinf(f["odd"][0])


def test_numbers_are_the_doubles_the_text_names():
    texts = ["0.1", "0.30000000000000004", "2.2250738585072014e-308", "123456789.12345679"]
    f = fundgap.frame(("v\n" + "\n".join(texts) + "\n").encode())
    assert [x.hex() for x in f["v"]] == [float(t).hex() for t in texts]


def test_a_year_column_with_a_fraction_stays_float_and_text_stays_text():
    f = fundgap.frame(b"first_gap_year,note\n2025.5,a\n2026,b\n")
    assert f["first_gap_year"].dtype == "float64" and f["note"].dtype == "string"
    assert fundgap.frame(b"").empty


def test_each_frame_says_what_its_columns_hold(root):
    r = fundgap.run(str(root / "scenarios/daejeon-challenge.toml"), trials=300, seed=1, lang="ko")
    y = r.yearly
    assert y.attrs["unit"] == "KRW million"
    assert y.attrs["units"]["cost_mean"] == "KRW million"
    assert y.attrs["units"]["p_gap"] == "share (0 to 1)"
    assert y.attrs["units"]["year"] == "year"
    assert "service" not in y.attrs["units"]
    # Headings in the report's language, for a chart's axis.
    assert y.attrs["labels"]["p_gap"] == "부족 확률"
    plan = r.frames["plan"]
    assert plan.attrs["units"]["local_per_resident"] == "KRW per resident"
    assert plan.attrs["units"]["local"] == "KRW million"
    # An analysis's frames too.
    s = fundgap.stress(trials=200, seed=1, years="2026", cuts=[0, 100], lang="en")
    assert s.cells.attrs["units"]["gap_npv_mean"] == "KRW million"
    assert s.cells.attrs["labels"]["p_any_gap"] == "P(any gap)"
