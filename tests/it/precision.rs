//! `run --precision`: blocks of trials until every probability's 95%
//! half-width is within the target; the result is exactly a fixed run of
//! the trials it took, and the run says how many and why it stopped.

use crate::common::{fundgap, fundgap_ok, text};

fn summary(dir: &std::path::Path, out: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(out).join("summary.json")).unwrap())
        .unwrap()
}

#[test]
fn a_precision_run_equals_a_fixed_run_of_its_trials() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = fundgap_ok(
        &[
            "run",
            "--precision",
            "0.01",
            "--precision-npv",
            "0.05",
            "--trials",
            "1000",
            "--no-charts",
            "--out",
            "p",
        ],
        d,
    );
    let said = text(&out.stderr);
    assert!(said.contains("precision reached after"), "{said}");
    let s = summary(d, "p");
    let p = &s["precision"];
    assert_eq!(p["reached"], true);
    let n = s["trials"].as_u64().unwrap();
    assert_eq!(p["trials"].as_u64(), Some(n));
    assert!(
        n > 1000 && p["blocks"].as_array().unwrap().len() >= 2,
        "{p}"
    );
    assert!(p["worst"]["half_width"].as_f64().unwrap() <= p["worst"]["target"].as_f64().unwrap());
    // Every probability in yearly.csv and horizon.csv meets the target.
    let mut r = csv::Reader::from_path(d.join("p/yearly.csv")).unwrap();
    let head = r.headers().unwrap().clone();
    let (lo, hi) = (
        head.iter().position(|h| h == "p_gap_lo").unwrap(),
        head.iter().position(|h| h == "p_gap_hi").unwrap(),
    );
    for rec in r.records() {
        let rec = rec.unwrap();
        let w: f64 = rec[hi].parse::<f64>().unwrap() - rec[lo].parse::<f64>().unwrap();
        assert!(w / 2.0 <= 0.01 + 1e-12, "{rec:?}");
    }
    // The same trials as a fixed run: the same files.
    fundgap_ok(
        &[
            "run",
            "--trials",
            &n.to_string(),
            "--no-charts",
            "--out",
            "f",
        ],
        d,
    );
    for f in ["yearly.csv", "horizon.csv"] {
        assert_eq!(
            std::fs::read(d.join("p").join(f)).unwrap(),
            std::fs::read(d.join("f").join(f)).unwrap(),
            "{f}"
        );
    }
    assert_eq!(summary(d, "f")["precision"], serde_json::Value::Null);
}

#[test]
fn max_trials_stops_a_run_that_cannot_reach_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let out = fundgap_ok(
        &[
            "run",
            "--precision",
            "0.0001",
            "--trials",
            "1000",
            "--max-trials",
            "3000",
            "--no-charts",
            "--out",
            "m",
        ],
        dir.path(),
    );
    assert!(text(&out.stderr).contains("stopped at --max-trials"));
    let s = summary(dir.path(), "m");
    assert_eq!(s["trials"], 3000);
    assert_eq!(s["precision"]["reached"], false);
    // Targets are checked: a half-width must be a share in (0, 1), and
    // --precision-npv needs --precision.
    for bad in [
        &["run", "--precision", "0"][..],
        &["run", "--precision", "1.5"][..],
        &["run", "--precision-npv", "0.01"][..],
    ] {
        let o = fundgap(bad, dir.path());
        assert!(!o.status.success());
        let err = text(&o.stderr);
        assert!(err.contains("precision"), "{err}");
    }
}
