//! Every shipped scenario validates and runs; the back-test warns about
//! 2023; `fundgap init` writes a template that checks and runs.

mod common;

use std::path::Path;

use common::{fundgap, shipped_scenarios};

/// New files in scenarios/ are picked up without being listed here.
#[test]
fn every_shipped_scenario_checks_and_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let files = shipped_scenarios();
    assert!(
        files.len() >= 9,
        "expected the baseline, revenue models, bench, five sites and the back-test"
    );
    for f in files {
        let p = f.to_str().unwrap();
        let o = fundgap(&["check", p], tmp.path());
        assert!(
            o.status.success(),
            "{p}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = fundgap(
            &[
                "run",
                p,
                "--quiet",
                "--trials",
                "300",
                "--no-charts",
                "--out",
                "o",
            ],
            tmp.path(),
        );
        assert!(
            o.status.success(),
            "{p}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

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
        let m = fundgap::scenario::load(&path).unwrap();
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

/// Songdo, Yeongjong and Gyeyang stopped in 2023 when the city did not
/// budget I-MOD; Geomdan went on, paid by developers. The threshold and its
/// justification are in scenarios/README.md ("Back-test").
#[test]
fn backtest_warns_about_2023_for_the_districts_that_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/backtest-incheon-imod.toml");
    let o = fundgap(
        &[
            "run",
            f.to_str().unwrap(),
            "--quiet",
            "--trials",
            "20000",
            "--no-charts",
            "--out",
            "bt",
        ],
        tmp.path(),
    );
    assert!(o.status.success());
    let yearly = std::fs::read_to_string(tmp.path().join("bt/yearly.csv")).unwrap();
    let p = |id: &str, year: &str| -> (f64, f64) {
        let row: Vec<&str> = yearly
            .lines()
            .find(|l| l.starts_with(&format!("{id},{year},")))
            .unwrap()
            .split(',')
            .collect();
        (row[2].parse().unwrap(), row[3].parse().unwrap())
    };
    for id in ["songdo", "yeongjong", "gyeyang"] {
        let (est, lo) = p(id, "2023");
        assert!(
            lo >= 0.80,
            "{id}: P(gap in 2023) = {est}, lower bound {lo} below 0.80"
        );
        let (during, _) = p(id, "2022");
        assert!(
            during < 0.1,
            "{id}: the funded demonstration year 2022 should rarely gap ({during})"
        );
    }
    let (geomdan, _) = p("geomdan", "2023");
    assert!(
        geomdan < 0.5,
        "geomdan, paid by developers, went on: P(gap) {geomdan}"
    );
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
