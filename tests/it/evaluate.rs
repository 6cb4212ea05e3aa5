//! End-to-end tests of `fundgap evaluate` and `fundgap sensitivity`.

use crate::common::{fundgap, scenario};

#[test]
fn evaluate_writes_the_scorecard_and_drivers() {
    let tmp = tempfile::tempdir().unwrap();
    let o = fundgap(
        &[
            "evaluate",
            &scenario("daejeon-challenge.toml"),
            "--quiet",
            "--trials",
            "3000",
            "--sample",
            "500",
            "--oat-trials",
            "100",
            // The site scenario asks for Korean reports; this test reads
            // the English ones (tests/it/workbook.rs reads the Korean).
            "--lang",
            "en",
            "--out",
            "ev",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("planning-stage scorecard") && out.contains("Reasons"),
        "{out}"
    );
    let dir = tmp.path().join("ev");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("evaluation.json")).unwrap())
            .unwrap();
    let cards = v["scorecards"].as_array().unwrap();
    assert_eq!(cards.len(), 6, "5 services and the portfolio");
    for c in cards {
        assert_eq!(c["scores"].as_array().unwrap().len(), 8);
        for s in c["scores"].as_array().unwrap() {
            let r = s["rating"].as_str().unwrap();
            assert!(["green", "amber", "red"].contains(&r));
            if r != "green" {
                assert!(!s["reason"].as_str().unwrap().is_empty());
            }
        }
    }
    let md = std::fs::read_to_string(dir.join("evaluation.md")).unwrap();
    assert!(
        md.contains("# Evaluation")
            && md.contains("what drives the gap")
            && md.contains("gap_per_year_red")
    );
    let csv = std::fs::read_to_string(dir.join("evaluation.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 6 * 8);
    assert!(dir.join("sensitivity.csv").is_file());
    assert!(
        dir.join("tornado-portfolio.svg").is_file()
            && dir.join("tornado-shared-parking.png").is_file()
    );
}

#[test]
fn sensitivity_ranks_inputs_with_paths_usable_by_set() {
    let tmp = tempfile::tempdir().unwrap();
    let o = fundgap(
        &[
            "sensitivity",
            "--quiet",
            "--sample",
            "1000",
            "--oat-trials",
            "200",
            "--no-charts",
            "--out",
            "s",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(tmp.path().join("s/sensitivity.csv")).unwrap();
    assert!(
        csv.starts_with(
            "entity,input,provenance,p10,p50,p90,rank_corr_gap_npv,rank_corr_gap_npv_lo,rank_corr_gap_npv_hi,rank_corr_any_gap"
        )
    );
    // Every input path is a valid --set path.
    let path = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    let o = fundgap(
        &[
            "check",
            &scenario("ucity-baseline.toml"),
            "--set",
            &format!("{path}=1"),
        ],
        tmp.path(),
    );
    assert!(
        o.status.success(),
        "{path}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `sensitivity --method sobol` writes the Sobol indices (and no tornado);
/// `--method both` writes the two side by side. The estimators themselves
/// are checked against Ishigami and an additive scenario in
/// `src/analysis/sobol.rs`.
#[test]
fn sobol_indices_are_written_beside_the_tornado() {
    // By default each method writes its own folder: a Sobol run leaves an
    // earlier tornado's charts where they were.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let quick = [
        "--quiet",
        "--sample",
        "300",
        "--oat-trials",
        "50",
        "--no-charts",
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["sensitivity"];
        args.extend(quick);
        args.extend(extra);
        let o = fundgap(&args, d);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&[]);
    run(&["--method", "sobol", "--sobol-trials", "100"]);
    let (tornado, sobol) = (
        d.join("output/ucity-baseline-sensitivity"),
        d.join("output/ucity-baseline-sobol"),
    );
    assert!(tornado.join("sensitivity.csv").is_file(), "{tornado:?}");
    assert!(sobol.join("sobol.csv").is_file() && !sobol.join("sensitivity.csv").exists());

    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for (method, out, tornado) in [("sobol", "s", false), ("both", "b", true)] {
        let o = fundgap(
            &[
                "sensitivity",
                "--quiet",
                "--method",
                method,
                "--sobol-trials",
                "300",
                "--sample",
                "300",
                "--oat-trials",
                "50",
                "--out",
                out,
            ],
            d,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let said = String::from_utf8_lossy(&o.stdout);
        assert!(said.contains("Sobol indices of the gap NPV"), "{said}");
        let dir = d.join(out);
        assert_eq!(dir.join("sensitivity.csv").is_file(), tornado, "{method}");
        assert!(dir.join("sobol.csv").is_file() && dir.join("sobol-portfolio.svg").is_file());
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("sobol.json")).unwrap())
                .unwrap();
        for e in v["entities"].as_array().unwrap() {
            for i in e["gap_npv"].as_array().unwrap() {
                let (s, st) = (i["first"].as_f64().unwrap(), i["total"].as_f64().unwrap());
                assert!(s.is_finite() && st.is_finite() && st >= -0.05, "{i}");
            }
        }
    }
}
