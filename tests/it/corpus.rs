//! Every shipped scenario, end to end, in one pass: each is checked, run
//! once with every output (the run the other checks compare against),
//! its charts inspected, run again on the portable kernels, and split
//! into three uneven shards and merged; all three give the same files
//! byte for byte. So the vector kernels compute the same bits on every
//! instruction set (the best one this CPU has — AVX-512, AVX2 or NEON —
//! against the portable baseline forced by `FUNDGAP_SIMD=portable`), and
//! a sharded run is the single run. New files in scenarios/ are picked up without being
//! listed here.

use crate::charts::assert_charts_drawn;
use std::path::Path;
use std::process::Command;

use crate::common::{fundgap_ok, shipped_scenarios, text};
use crate::shards::{assert_same_outputs, merge_into, shards};

#[test]
fn every_shipped_scenario_runs_the_same_on_any_kernels_and_any_split() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = shipped_scenarios();
    assert!(
        files.len() >= 9,
        "expected the baseline, revenue models, bench, five sites and the back-test"
    );
    for (i, s) in files.iter().enumerate() {
        let stem = s.file_stem().unwrap().to_string_lossy().to_string();
        let s = s.display().to_string();
        fundgap_ok(&["check", &s], dir);
        // Uneven: 1,001 trials in 3 shards of 333, 334 and 334.
        let base = ["run", s.as_str(), "--trials", "1001", "--seed", "17", "-q"];
        let single = dir.join(format!("single-{i}"));
        let printed = run_on(&base, &single, false);
        assert_charts_drawn(&single, &stem);

        let portable = dir.join(format!("portable-{i}"));
        assert_eq!(printed, run_on(&base, &portable, true), "{stem}: printed");
        assert_same_outputs(
            &single,
            &portable,
            &format!("{stem} on the portable kernels"),
        );

        let parts_dir = dir.join(format!("parts-{i}"));
        std::fs::create_dir(&parts_dir).unwrap();
        let parts = shards(&base, 3, &parts_dir);
        let merged = dir.join(format!("merged-{i}"));
        let merged_printed = merge_into(&parts, &merged, &[], dir);
        assert_eq!(printed, merged_printed, "{stem}: the printed table");
        assert_same_outputs(&single, &merged, &format!("{stem} in three shards"));
    }
}

/// Runs `fundgap ARGS --out OUT` on the portable path or not; returns
/// what it printed.
pub(crate) fn run_on(args: &[&str], out: &Path, portable: bool) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fundgap"));
    cmd.args(args)
        .arg("--out")
        .arg(out)
        .env_remove("RAYON_NUM_THREADS");
    if portable {
        cmd.env("FUNDGAP_SIMD", "portable");
    } else {
        cmd.env_remove("FUNDGAP_SIMD");
    }
    let o = cmd.output().expect("run fundgap");
    assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    text(&o.stdout)
}
