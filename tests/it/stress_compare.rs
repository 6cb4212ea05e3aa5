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
            "did you mean \"city budget\"",
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
