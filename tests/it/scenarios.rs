//! The site scenarios hold what a site needs; the back-test scores its
//! cases; `fundgap init` writes a template that checks and runs.

use std::path::Path;

use crate::common::fundgap;

#[test]
fn site_scenarios_have_at_least_five_services_with_renewals_and_staff_risk() {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sources.md");
    assert!(sources.is_file(), "docs/sources.md is missing");
    for site in [
        "busan-eco-delta",
        "sejong-5-1",
        "daejeon-challenge",
        "bucheon-challenge",
        "incheon-challenge",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{site}.toml"));
        let m = fundgap_report::input::load(&path).unwrap();
        assert!(m.services().len() >= 5, "{site}");
        assert!(
            m.services()
                .iter()
                .any(|s| s.costs.iter().any(|c| c.kind.as_str() == "renewal")),
            "{site}: renewals"
        );
        assert!(
            m.services()
                .iter()
                .any(|s| s.risks.iter().any(|r| r.name == "staff rotation")),
            "{site}: staff rotation"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("assumption") && text.contains("docs/sources.md"),
            "{site}: sources and assumptions"
        );
        // The sources live in the repository: a user's clone has nothing
        // beside it.
        assert!(
            !text.contains("../shared"),
            "{site}: cites a file outside the repo"
        );
    }
}

/// The back-test runs every case file of scenarios/backtest/ and reports
/// what PROTOCOL.md registers, whatever the score: 18 cases, 12 scored in 8
/// clusters (15 in 10 with the inferred outcomes), every forecast a
/// probability strictly between 0 and 1, the Brier score printed the mean
/// of the scored squared errors in backtest.csv, and the verdict line. It
/// pins no score: the protocol reports the result as it comes.
#[test]
fn backtest_scores_the_cases_on_record() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<String> = std::fs::read_dir(dir.join("backtest"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        11,
        "one case file per cluster of PROTOCOL.md §8"
    );
    let mut args: Vec<&str> = vec!["backtest", "--quiet", "--trials", "4000", "--out", "bt"];
    args.extend(files.iter().map(String::as_str));
    let o = fundgap(&args, tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut csv = csv::Reader::from_path(tmp.path().join("bt/backtest.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 18, "PROTOCOL.md §8 lists 18 cases");
    let scored: Vec<&csv::StringRecord> =
        rows.iter().filter(|r| &r[col("scored")] == "1").collect();
    assert_eq!(scored.len(), 12, "12 scored cases");
    let clusters: std::collections::BTreeSet<&str> =
        scored.iter().map(|r| &r[col("cluster")]).collect();
    assert_eq!(clusters.len(), 8, "in 8 clusters");
    assert_eq!(
        scored.iter().filter(|r| &r[col("stopped")] == "1").count(),
        7,
        "7 of them stopped"
    );
    for r in &rows {
        let p: f64 = r[col("p_stopped")].parse().unwrap();
        assert!(p > 0.0 && p < 1.0, "{}: forecast {p}", &r[col("service")]);
        assert_eq!(
            &r[col("prior")],
            "0.6",
            "{}: PROTOCOL §3's prior",
            &r[col("service")]
        );
        assert!(
            !r[col("forecast_date")].is_empty(),
            "{}",
            &r[col("service")]
        );
    }
    let brier: f64 = scored
        .iter()
        .map(|r| r[col("squared_error")].parse::<f64>().unwrap())
        .sum::<f64>()
        / scored.len() as f64;
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(
        printed.contains(&format!("Brier score **{brier:.3}**")),
        "{printed}"
    );
    assert!(
        printed.contains("over 12 scored cases in 8 clusters"),
        "{printed}"
    );
    assert!(
        printed.contains("With the inferred outcomes (strength C) too: 15 cases in 10 clusters"),
        "{printed}"
    );
    assert!(
        printed.contains("**No evidence of skill**") || printed.contains("**Evidence of skill**"),
        "the verdict is printed: {printed}"
    );
    for stop in ["30%", "60%"] {
        assert!(
            printed.contains(&format!("| {stop} |")),
            "prior at {stop}: {printed}"
        );
    }
    // A scenario without outcomes has nothing to score: a usage error.
    let base = dir.join("ucity-baseline.toml");
    let o = fundgap(&["backtest", "--quiet", base.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn init_template_round_trips_through_check_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let o = fundgap(&["init", "mine.toml", "--services", "3"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        fundgap(&["check", "mine.toml"], tmp.path())
            .status
            .success()
    );
    let o = fundgap(
        &[
            "run",
            "mine.toml",
            "--quiet",
            "--trials",
            "500",
            "--no-charts",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(tmp.path().join("output/mine/summary.json").is_file());
    // It does not overwrite without --force.
    let o = fundgap(&["init", "mine.toml"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        fundgap(&["init", "mine.toml", "--force"], tmp.path())
            .status
            .success()
    );
    let o = fundgap(&["init", "-"], tmp.path());
    assert!(String::from_utf8_lossy(&o.stdout).contains("[[service.funding]]"));
}
