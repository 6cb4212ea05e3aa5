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

/// The back-test scores every case on record (scenarios/README.md,
/// "Back-test"): the districts that stopped are forecast to stop, the Brier
/// score beats a forecast of 50% for every case, and the score printed is
/// the mean of the squared errors written to backtest.csv.
#[test]
fn backtest_scores_the_cases_on_record() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files: Vec<String> = [
        "backtest-incheon-imod",
        "backtest-daejeon",
        "backtest-bucheon-citypass",
    ]
    .iter()
    .map(|f| dir.join(format!("{f}.toml")).to_str().unwrap().to_string())
    .collect();
    let mut args: Vec<&str> = vec!["backtest", "--quiet", "--trials", "20000", "--out", "bt"];
    args.extend(files.iter().map(String::as_str));
    let o = fundgap(&args, tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(tmp.path().join("bt/backtest.csv")).unwrap();
    let rows: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 7, "seven cases on record");
    let p = |id: &str| -> f64 {
        let r = rows.iter().find(|r| r[1] == id).unwrap();
        r[9].parse().unwrap()
    };
    for id in ["songdo", "yeongjong", "gyeyang", "parking-app", "drones"] {
        assert!(p(id) > 0.5, "{id} stopped; forecast {}", p(id));
    }
    let brier: f64 = rows
        .iter()
        .map(|r| r[14].parse::<f64>().unwrap())
        .sum::<f64>()
        / 7.0;
    assert!(
        brier < 0.25,
        "Brier {brier} no better than 50% for every case"
    );
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(
        printed.contains(&format!("Brier score **{brier:.3}**")),
        "{printed}"
    );
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
