//! End-to-end tests of `--set`, `fundgap stress` and `fundgap compare`.

use std::process::Output;

use crate::common::{fundgap, scenario};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn bad_set_paths_and_values_exit_2_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str)] = &[
        (
            "service.smart-parkin.opex_ratio=0.2",
            "did you mean \"smart-parking\"",
        ),
        (
            "service.smart-parking.funding.city-budgt.amount=200",
            "did you mean \"city-budget\"",
        ),
        (
            "service.smart-parking.opex_ratio=abc",
            "expected a number or a distribution",
        ),
        ("economy.inflation.sd=-1", "sd >= 0"),
        ("scenario.trial=5", "did you mean `trials`"),
        ("services.x.y=1", "did you mean `service`"),
        ("service.public-wifi.volatility.mean=3", "fixed number"),
        ("no-equals-sign", "PATH=VALUE"),
    ];
    for (set, expect) in cases {
        for cmd in [
            &["run", "--quiet", "--trials", "10", "--set", set][..],
            &["stress", "--quiet", "--trials", "10", "--set", set][..],
        ] {
            let o = fundgap(cmd, dir.path());
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{set}: {err}");
            assert!(err.contains(expect), "{set}: expected `{expect}` in\n{err}");
            assert!(!err.contains("panicked"));
        }
    }
    assert!(!dir.path().join("output").exists());
}

#[test]
fn set_changes_the_run_like_editing_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let o = fundgap(
        &[
            "run",
            "--quiet",
            "--trials",
            "3000",
            "--format",
            "json",
            "--no-charts",
            "--set",
            "service.cctv-safety.funding.city-budget.amount=2000",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cctv = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "cctv-safety")
        .unwrap();
    assert_eq!(
        cctv["p_any_gap"], 0.0,
        "a budget of 2000 a year covers CCTV"
    );
}

#[test]
fn stress_writes_a_grid_and_its_heatmap() {
    let dir = tempfile::tempdir().unwrap();
    let o = fundgap(
        &[
            "stress",
            "--quiet",
            "--trials",
            "1000",
            "--service",
            "cctv-safety",
            "--years",
            "2025-2027,2030",
            "--cuts",
            "0,50,100",
            "--out",
            "s",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Earliest withdrawal year"), "{out}");
    // CCTV's grant pays 2025-2029: a withdrawal in 2030 would change nothing.
    assert!(
        out.contains("Withdrawal years 2030 are left out: no chosen stream pays in them"),
        "{out}"
    );
    let csv = std::fs::read_to_string(dir.path().join("s/stress.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * 3);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("x_key,x_value,y_key,y_value,entity,p_any_gap,p_any_gap_lo,p_any_gap_hi")
    );
    // Withdrawing the whole grant earlier can only make gaps more likely, and
    // a 0% cut is the same in every year (same random numbers).
    let rows: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    let p = |year: &str, cut: &str| -> f64 {
        rows.iter().find(|r| r[1] == year && r[3] == cut).unwrap()[5]
            .parse()
            .unwrap()
    };
    assert_eq!(p("2025", "0%"), p("2027", "0%"));
    assert!(p("2025", "100%") >= p("2027", "100%"));
    assert!(p("2025", "100%") > p("2025", "0%"));
    assert!(dir.path().join("s/stress-heatmap.png").is_file());
    assert!(
        std::fs::read_to_string(dir.path().join("s/stress-heatmap.svg"))
            .unwrap()
            .contains("Share cut")
    );
}

#[test]
fn stress_sweeps_any_key() {
    let dir = tempfile::tempdir().unwrap();
    let o = fundgap(
        &[
            "stress",
            "--quiet",
            "--trials",
            "1000",
            "--service",
            "cctv-safety",
            "--sweep",
            "economy.inflation.mean=0,0.02,0.05",
            "--out",
            "s",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.path().join("s/stress.csv")).unwrap();
    let p: Vec<f64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap().parse().unwrap())
        .collect();
    assert_eq!(p.len(), 3);
    assert!(
        p[0] < p[1] && p[1] < p[2],
        "higher inflation, more gaps: {p:?}"
    );
    let o = fundgap(
        &[
            "stress",
            "--quiet",
            "--trials",
            "10",
            "--sweep",
            "economy.inflation.mean=0,x",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn compare_pairs_variants_and_beats_unpaired_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let o = fundgap(
        &[
            "compare",
            &scenario("revenue-models.toml"),
            "--quiet",
            "--trials",
            "20000",
            "--out",
            "c",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("distinguishable"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c/compare.json")).unwrap())
            .unwrap();
    let variants = v["variants"].as_array().unwrap();
    assert!(variants.len() >= 4);
    assert!(variants[0]["vs_baseline"].is_null());
    for var in &variants[1..] {
        let d = &var["vs_baseline"]["gap_npv"];
        let (se, unpaired) = (
            d["se"].as_f64().unwrap(),
            d["unpaired_se"].as_f64().unwrap(),
        );
        assert!(
            se < unpaired,
            "{}: paired se {se} not below unpaired {unpaired}",
            var["name"]
        );
    }
    // Fees share the baseline's randomness almost entirely: much narrower.
    let fees = variants.iter().find(|x| x["name"] == "user-fees").unwrap();
    let d = &fees["vs_baseline"]["gap_npv"];
    assert!(d["se"].as_f64().unwrap() * 3.0 < d["unpaired_se"].as_f64().unwrap());
    let csv = std::fs::read_to_string(dir.path().join("c/compare.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + variants.len());
    for f in ["compare-gap-probability.png", "compare-gap-npv-diff.svg"] {
        assert!(dir.path().join("c").join(f).is_file(), "{f}");
    }
}

/// A variant that contracts the service out lowers the city's gap by
/// what its operator bears: compare shows that loss and the chance the
/// operator leaves beside the gap, and says when an operator loses money
/// yet never leaves (no rule to leave by).
#[test]
fn compare_shows_what_a_contract_hands_to_its_operator() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("revenue-models.toml")).unwrap()
        + r#"
[[variant]]
name = "bto-concession"
set = { "service.smart-parking.delivery" = { kind = "bto", from = 2028 }, "service.smart-parking.funding.city-budget.amount" = 30 }
"#;
    std::fs::write(dir.path().join("rm.toml"), text).unwrap();
    let o = fundgap(
        &["compare", "rm.toml", "--trials", "4000", "--out", "c"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("operators' loss") && out.contains("P(operator leaves)"),
        "{out}"
    );
    assert!(
        out.contains("bto-concession: its operators lose") && out.contains("leave in no trial"),
        "{out}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c/compare.json")).unwrap())
            .unwrap();
    let variants = v["variants"].as_array().unwrap();
    let bto = variants
        .iter()
        .find(|x| x["name"] == "bto-concession")
        .unwrap();
    let loss = bto["stats"]["contract_total"]["operator_loss"]
        .as_f64()
        .unwrap();
    assert!(loss > 0.0, "{bto}");
    assert!(variants[0]["stats"]["contract_total"].is_null());
    let csv = std::fs::read_to_string(dir.path().join("c/compare.csv")).unwrap();
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for column in ["operator_loss_total", "p_operator_exit", "termination_mean"] {
        assert!(head.contains(&column), "{column} not in {head:?}");
    }
    // The last row is the BTO's: its loss as compare.json has it; the
    // baseline's contract cells are empty.
    let last = csv.lines().last().unwrap();
    assert!(last.starts_with("bto-concession,"), "{last}");
    assert!(csv.lines().nth(1).unwrap().ends_with(",,,,,"), "{csv}");
    let page = std::fs::read_to_string(dir.path().join("c/report.html")).unwrap();
    assert!(page.contains("operators&#39; loss") || page.contains("operators' loss"));
}

/// A variant whose gap is lower only while more of its trials stop the
/// service is marked as stress marks such a cell, with P(stopped) beside
/// every variant, in the table and in compare.csv.
#[test]
fn compare_marks_a_variant_whose_gap_is_lower_because_it_stops() {
    let dir = tempfile::tempdir().unwrap();
    let init = fundgap(&["init", "g.toml"], dir.path());
    assert!(init.status.success(), "{}", stderr(&init));
    let mut text = std::fs::read_to_string(dir.path().join("g.toml")).unwrap();
    text.push_str(
        "\n[[variant]]\nname = \"as-planned\"\n\n[[variant]]\nname = \"early-withdrawal\"\n\
         set = { \"service.*.funding.national-subsidy.to\" = 2026 }\n",
    );
    std::fs::write(dir.path().join("g.toml"), text).unwrap();
    let o = fundgap(
        &[
            "compare",
            "g.toml",
            "--trials",
            "4000",
            "--service",
            "smart-parking",
            "--out",
            "c",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("P(stopped) [95% CI]"), "{out}");
    assert!(
        out.contains(
            "! early-withdrawal: its gap NPV is below as-planned's while more trials stop"
        ),
        "{out}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c/compare.json")).unwrap())
            .unwrap();
    let (base, early) = (&v["variants"][0]["stats"], &v["variants"][1]["stats"]);
    let read = |s: &serde_json::Value, a: &str, b: &str| s[a][b].as_f64().unwrap();
    assert!(read(early, "gap_npv", "mean") < read(base, "gap_npv", "mean"));
    assert!(read(early, "p_stop", "estimate") > read(base, "p_stop", "estimate"));
    let csv = std::fs::read_to_string(dir.path().join("c/compare.csv")).unwrap();
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let at = head.iter().position(|h| *h == "lower_by_stopping").unwrap();
    let sooner: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').nth(head.len() - 1 - at).unwrap())
        .collect();
    assert_eq!(sooner, ["false", "true"], "{csv}");
}

#[test]
fn comparing_a_file_with_itself_gives_exact_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let b = scenario("ucity-baseline.toml");
    let o = fundgap(
        &[
            "compare",
            &b,
            &b,
            "--quiet",
            "--trials",
            "2000",
            "--no-charts",
            "--out",
            "c",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c/compare.json")).unwrap())
            .unwrap();
    let d = &v["variants"][1]["vs_baseline"];
    for k in ["p_any_gap", "gap_npv", "lcc_npv"] {
        for f in ["mean", "se", "lo", "hi"] {
            assert_eq!(d[k][f].as_f64(), Some(0.0), "{k}.{f}");
        }
    }
}

#[test]
fn compare_needs_two_variants() {
    let dir = tempfile::tempdir().unwrap();
    let o = fundgap(
        &["compare", &scenario("ucity-baseline.toml"), "--quiet"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("at least two"));
}

/// A service whose city money alone runs short: with its grant cut, more
/// trials stop (after three years of gaps), and a full cut stops it so soon
/// that its mean gap NPV falls below the uncut one.
const STOPS_SOONER: &str = r#"
[scenario]
name = "stops sooner"
start_year = 2025
horizon_years = 30
trials = 2000
seed = 7

[[service]]
id = "s"
construction_cost = 1000
opex_ratio = 0.1
stop_after_gap_years = 3
volatility = 0.4

[[service.funding]]
kind = "grant"
name = "national"
amount = 40

[[service.funding]]
kind = "budget"
name = "city"
amount = { dist = "normal", mean = 70, sd = 5 }
"#;

/// stress.csv's rows as maps from column to value.
fn csv_rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn a_stress_cell_is_the_run_with_the_same_cut_and_warns_when_a_cut_stops_the_service() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stop.toml"), STOPS_SOONER).unwrap();
    let o = fundgap(
        &[
            "stress",
            "stop.toml",
            "--quiet",
            "--service",
            "s",
            "--years",
            "2025",
            "--cuts",
            "0,50,100",
            "--lang",
            "ko",
            "--out",
            "s",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = csv_rows(&dir.path().join("s/stress.csv"));
    let cell = |cut: &str| rows.iter().find(|r| r["y_value"] == cut).unwrap();
    // Half the grant from its first year is the grant of 20 a year: the
    // same trials give the same figures, bit for bit.
    let run = fundgap(
        &[
            "run",
            "stop.toml",
            "--quiet",
            "--no-charts",
            "--format",
            "json",
            "--confidence",
            "0.9",
            "--set",
            "service.s.funding.national.amount=20",
            "--out",
            "r",
        ],
        dir.path(),
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let s = &v["services"][0];
    let num = |x: &str| x.parse::<f64>().unwrap();
    let half = cell("50%");
    for (csv, json) in [
        ("p_stopped", &s["p_stop"]),
        ("p_stopped_lo", &s["p_stop_lo"]),
        ("p_stopped_hi", &s["p_stop_hi"]),
        ("topup", &s["topup_p90"]),
        ("topup_lo", &s["topup_p90_lo"]),
        ("topup_hi", &s["topup_p90_hi"]),
        ("gap_npv_mean", &s["gap_npv"]["mean"]),
    ] {
        assert_eq!(
            num(&half[csv]).to_bits(),
            json.as_f64().unwrap().to_bits(),
            "{csv}"
        );
    }
    // Cut, more trials stop; the full cut lowers the mean gap NPV only so.
    let (uncut, full) = (cell("0%"), cell("100%"));
    assert!(num(&full["p_stopped"]) > num(&uncut["p_stopped"]));
    assert!(num(&full["gap_npv_mean"]) < num(&uncut["gap_npv_mean"]));
    assert_eq!(full["stops_sooner"], "true");
    assert!(num(&half["gap_npv_mean"]) > num(&uncut["gap_npv_mean"]));
    assert_eq!(half["stops_sooner"], "false");
    assert_eq!(uncut["stops_sooner"], "false");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("1개 조건에서 삭감이 부족액 현가 평균을 낮추는 것은"),
        "{out}"
    );
    assert!(out.contains(" !"), "{out}");
    // Every cell at 100%: the note names the better view.
    assert!(out.contains("모든 조건의 부족 확률이 100%입니다"), "{out}");
    // The page, in Korean, with money in 억 원 or 백만 원 and the warning.
    let page = std::fs::read_to_string(dir.path().join("s/report.html")).unwrap();
    assert!(page.contains("<html lang=\"ko\">"));
    assert!(page.contains("조건별 결과") && page.contains("중단·축소 확률"));
    assert!(page.contains("금액 단위 억 원"), "top-ups of about 2억 원");
    assert!(page.contains("<svg"), "the heatmap inline");
    // Without a cut that stops anything sooner, no warning.
    let o = fundgap(
        &[
            "stress",
            "stop.toml",
            "--quiet",
            "--service",
            "s",
            "--years",
            "2025",
            "--cuts",
            "0,50",
            "--no-charts",
            "--out",
            "t",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        !out.contains("only because the service stops sooner") && !out.contains(" !"),
        "{out}"
    );
}

#[test]
fn compare_pairs_are_antisymmetric_and_any_variant_can_be_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let run = |baseline: &str, out: &str| {
        let o = fundgap(
            &[
                "compare",
                &scenario("revenue-models.toml"),
                "--quiet",
                "--trials",
                "3000",
                "--baseline",
                baseline,
                "--lang",
                "ko",
                "--out",
                out,
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(out).join("compare.json")).unwrap(),
        )
        .unwrap();
        v
    };
    let a = run("user-fees", "a");
    let b = run("private-operator", "b");
    assert_eq!(a["baseline"], "user-fees");
    // The P(gap) chart marks the chosen baseline, not the first variant.
    let chart = std::fs::read_to_string(dir.path().join("a/compare-gap-probability.svg")).unwrap();
    assert!(chart.contains("user-fees (기준)"), "the baseline's legend");
    assert!(!chart.contains("grant-then-budget (기준)"));
    let variant = |v: &serde_json::Value, name: &str| {
        v["variants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == name)
            .unwrap()
            .clone()
    };
    assert!(variant(&a, "user-fees")["vs_baseline"].is_null());
    // private-operator minus user-fees = -(user-fees minus private-operator).
    let ab = &variant(&a, "private-operator")["vs_baseline"]["gap_npv"];
    let ba = &variant(&b, "user-fees")["vs_baseline"]["gap_npv"];
    assert_ne!(ab["mean"].as_f64(), Some(0.0));
    assert_eq!(ab["mean"].as_f64().unwrap(), -ba["mean"].as_f64().unwrap());
    assert_eq!(ab["lo"].as_f64().unwrap(), -ba["hi"].as_f64().unwrap());
    assert_eq!(ab["se"], ba["se"]);
    // Every pair once, ranks by mean gap NPV, the requirement per variant.
    let n = a["variants"].as_array().unwrap().len();
    assert_eq!(a["pairs"].as_array().unwrap().len(), n * (n - 1) / 2);
    let pairs = std::fs::read_to_string(dir.path().join("a/compare-pairs.csv")).unwrap();
    assert_eq!(pairs.lines().count(), 1 + n * (n - 1) / 2);
    let mut ranks: Vec<u64> = a["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            assert!(v["stats"]["funding_needed"][0]["topup"].as_f64().unwrap() > 0.0);
            v["rank"]["rank"].as_u64().unwrap()
        })
        .collect();
    ranks.sort();
    assert_eq!(ranks, (1..=n as u64).collect::<Vec<_>>());
    let page = std::fs::read_to_string(dir.path().join("a/report.html")).unwrap();
    assert!(page.contains("<html lang=\"ko\">") && page.contains("모든 쌍"));
    assert!(
        page.contains("억 원") || page.contains("백만 원"),
        "money in Korean units"
    );
    let o = fundgap(
        &[
            "compare",
            &scenario("revenue-models.toml"),
            "--quiet",
            "--baseline",
            "user-fee",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean \"user-fees\""),
        "{}",
        stderr(&o)
    );
}

/// Cuts are percentages, with or without their sign; fractions typed by
/// habit (0.5 for half) are refused with the percentages meant, never run
/// as cuts of under one percent.
#[test]
fn stress_cuts_are_percentages() {
    let dir = tempfile::tempdir().unwrap();
    let o = fundgap(
        &["stress", "--cuts", "0,0.25,0.5", "--trials", "50"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean 0,25,50?"),
        "{}",
        stderr(&o)
    );
    let signed = fundgap(
        &[
            "stress", "--cuts", "0%,50%", "--years", "2027", "--trials", "200", "--out", "a", "-q",
        ],
        dir.path(),
    );
    let plain = fundgap(
        &[
            "stress", "--cuts", "0,50", "--years", "2027", "--trials", "200", "--out", "b", "-q",
        ],
        dir.path(),
    );
    assert!(
        signed.status.success() && plain.status.success(),
        "{}",
        stderr(&signed)
    );
    let read = |d: &str| std::fs::read(dir.path().join(d).join("stress.csv")).unwrap();
    assert_eq!(read("a"), read("b"));
}

/// `--service` takes a service's name as the reports show it, as
/// `--stream` takes a stream's: the same grid as its id gives.
#[test]
fn stress_service_by_its_name_is_the_service_by_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario("daejeon-challenge.toml");
    let grid = |service: &str, out: &str| {
        let o = fundgap(
            &[
                "stress",
                &file,
                "--service",
                service,
                "--years",
                "2021-2022",
                "--cuts",
                "0,100",
                "--trials",
                "300",
                "--out",
                out,
                "-q",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(dir.path().join(out).join("stress.csv")).unwrap()
    };
    assert_eq!(grid("공유 주차 (3만 면)", "a"), grid("shared-parking", "b"));
}
