//! End-to-end tests of the `fundgap` binary.

use std::path::Path;
use std::process::Command;

use crate::common::{entries, fundgap, fundgap_ok, scenario, text};

const GOOD: &str = r#"
[scenario]
name = "fixture"
start_year = 2025
horizon_years = 10
trials = 2000
seed = 1

[economy]
inflation = { dist = "normal", mean = 0.02, sd = 0.01 }

[[service]]
id = "parking"
construction_cost = { dist = "pert", min = 900, mode = 1000, max = 1300 }
opex_ratio = { dist = "lognormal", mean = 0.15, sd = 0.03 }

[[service.funding]]
kind = "grant"
name = "national subsidy"
amount = 100
from = 2025
to = 2027
withdrawal_hazard = 0.1

[[service.funding]]
kind = "budget"
name = "city budget"
amount = { dist = "normal", mean = 120, sd = 20 }
"#;

/// Malformed scenarios: (what is wrong, text, key path the message must name).
fn bad_cases() -> Vec<(&'static str, String, &'static str)> {
    let r = |from: &str, to: &str| GOOD.replacen(from, to, 1);
    vec![
        (
            "typo in a key",
            r("withdrawal_hazard", "withdrawl_hazard"),
            "service[1].funding[1].withdrawl_hazard",
        ),
        (
            "unknown top-level table",
            format!("{GOOD}\n[simulation]\nx = 1\n"),
            "simulation",
        ),
        (
            "wrong type",
            r("horizon_years = 10", "horizon_years = \"ten\""),
            "scenario.horizon_years",
        ),
        (
            "min > mode",
            r("min = 900, mode = 1000", "min = 1100, mode = 1000"),
            "service[1].construction_cost",
        ),
        (
            "negative sd",
            r("sd = 0.01 }", "sd = -0.01 }"),
            "economy.inflation",
        ),
        (
            "probability above one",
            r("withdrawal_hazard = 0.1", "withdrawal_hazard = 1.5"),
            "service[1].funding[1].withdrawal_hazard",
        ),
        (
            "from after to",
            r("from = 2025\nto = 2027", "from = 2028\nto = 2026"),
            "service[1].funding[1].to",
        ),
        (
            "year outside horizon",
            r("to = 2027", "to = 2040"),
            "service[1].funding[1].to",
        ),
        (
            "an amount past any budget (overflow certain)",
            r("amount = 100\n", "amount = 1e300\n"),
            "service[1].funding[1].amount",
        ),
        (
            "an opex ratio of 1e308",
            r(
                "opex_ratio = { dist = \"lognormal\", mean = 0.15, sd = 0.03 }",
                "opex_ratio = 1e308",
            ),
            "service[1].opex_ratio",
        ),
        (
            "a discount rate whose factor overflows over the horizon",
            r(
                "horizon_years = 10",
                "horizon_years = 200\ndiscount_rate = -0.99",
            ),
            "scenario.discount_rate",
        ),
        (
            "a discount basis that is neither real nor nominal",
            r(
                "horizon_years = 10",
                "horizon_years = 10\ndiscount_basis = \"reel\"",
            ),
            "scenario.discount_basis",
        ),
        (
            "a materiality share above one",
            r(
                "horizon_years = 10",
                "horizon_years = 10\nmateriality_share = 1.5",
            ),
            "scenario.materiality_share",
        ),
        (
            "a negative stop rule",
            r(
                "opex_ratio = { dist = \"lognormal\", mean = 0.15, sd = 0.03 }",
                "opex_ratio = { dist = \"lognormal\", mean = 0.15, sd = 0.03 }\nstop_after_gap_years = -1",
            ),
            "service[1].stop_after_gap_years",
        ),
        (
            "an unknown rule for an unmatched grant",
            r(
                "withdrawal_hazard = 0.1",
                "withdrawal_hazard = 0.1\nmatch_share = 1\nunmatched = \"return\"",
            ),
            "service[1].funding[1].unmatched",
        ),
        (
            "zero horizon",
            r("horizon_years = 10", "horizon_years = 0"),
            "scenario.horizon_years",
        ),
        (
            "horizon too long",
            r("horizon_years = 10", "horizon_years = 500"),
            "scenario.horizon_years",
        ),
        (
            "zero trials",
            r("trials = 2000", "trials = 0"),
            "scenario.trials",
        ),
        (
            "duplicate service id",
            format!(
                "{GOOD}\n[[service]]\nid = \"parking\"\nconstruction_cost = 1\nopex_ratio = 0.1\n"
            ),
            "service[2].id",
        ),
        (
            "duplicate stream name",
            r("name = \"city budget\"", "name = \"national subsidy\""),
            "service[1].funding[2].name",
        ),
        (
            "lognormal mean <= 0",
            r("mean = 0.15, sd = 0.03", "mean = 0, sd = 0.03"),
            "service[1].opex_ratio",
        ),
        (
            "unknown distribution",
            r("dist = \"pert\"", "dist = \"beta\""),
            "service[1].construction_cost.dist",
        ),
        (
            "unknown funding kind",
            r("kind = \"budget\"", "kind = \"budgett\""),
            "service[1].funding[2].kind",
        ),
        (
            "missing required key",
            r(
                "opex_ratio = { dist = \"lognormal\", mean = 0.15, sd = 0.03 }",
                "",
            ),
            "service[1].opex_ratio",
        ),
        (
            "key of another kind",
            r(
                "amount = { dist = \"normal\"",
                "exit_hazard = 0.1\namount = { dist = \"normal\"",
            ),
            "service[1].funding[2].exit_hazard",
        ),
        (
            "[service] instead of [[service]]",
            r("[[service]]", "[service]"),
            "service",
        ),
        ("TOML syntax error", r("seed = 1", "seed = = 1"), ""),
        (
            "opens outside horizon",
            r("opex_ratio = {", "opens = 2100\nopex_ratio = {"),
            "service[1].opens",
        ),
        (
            "bad id characters",
            r("id = \"parking\"", "id = \"smart parking\""),
            "service[1].id",
        ),
        (
            "grant with amount and share",
            r("amount = 100\n", "amount = 100\nshare_of_cost = 0.5\n"),
            "service[1].funding[1].amount",
        ),
        (
            "renewal without a size",
            format!(
                "{GOOD}\n[[service.cost]]\nkind = \"renewal\"\nname = \"r\"\nevery_years = 3\n"
            ),
            "service[1].cost[1].share_of_construction",
        ),
    ]
}

#[test]
fn malformed_scenarios_exit_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = bad_cases();
    assert!(cases.len() >= 15);
    for (i, (what, text_, path)) in cases.iter().enumerate() {
        let file = format!("bad{i}.toml");
        std::fs::write(dir.path().join(&file), text_).unwrap();
        for cmd in ["check", "run"] {
            let out = fundgap(
                &[cmd, &file, "--quiet"][..if cmd == "check" { 2 } else { 3 }],
                dir.path(),
            );
            let err = text(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{what} ({cmd}): exit {:?}\n{err}",
                out.status.code()
            );
            assert!(!err.contains("panicked"), "{what}: panic\n{err}");
            assert!(err.contains(&file), "{what}: file not named\n{err}");
            assert!(
                err.contains(&format!("`{path}`")) || path.is_empty(),
                "{what}: key path `{path}` not named\n{err}"
            );
            assert!(
                err.contains(&format!("{file}:")),
                "{what}: no line number\n{err}"
            );
        }
    }
    // Nothing was written for any of them.
    assert!(!dir.path().join("output").exists());
}

#[test]
fn typo_suggests_the_right_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        GOOD.replace("withdrawal_hazard", "withdrawl_hazard"),
    )
    .unwrap();
    let out = fundgap(&["check", "s.toml"], dir.path());
    let err = text(&out.stderr);
    assert!(err.contains("s.toml:23:1"), "{err}");
    assert!(err.contains("did you mean `withdrawal_hazard`?"), "{err}");
}

/// A Korean scenario's problems are told in Korean, with the error in
/// Korean too; `--lang` decides for any scenario, and the exit code is
/// the same either way.
#[test]
fn problems_are_told_in_the_scenarios_language_or_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let bad = GOOD.replace("withdrawal_hazard = 0.1", "withdrawal_hazard = 10");
    let korean = bad.replace("[scenario]\n", "[scenario]\nlang = \"ko\"\n");
    std::fs::write(dir.path().join("en.toml"), &bad).unwrap();
    std::fs::write(dir.path().join("ko.toml"), &korean).unwrap();
    let told = |args: &[&str]| {
        let out = fundgap(args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        text(&out.stderr)
    };
    for err in [
        told(&["check", "ko.toml"]),
        told(&["run", "en.toml", "--lang", "ko"]),
    ] {
        assert!(
            err.starts_with("오류: ") && err.contains("시나리오에 문제가 1개 있습니다"),
            "{err}"
        );
        assert!(
            err.contains("0에서 1 사이의 수여야 하는데 10입니다"),
            "{err}"
        );
        assert!(!err.contains("expected"), "{err}");
    }
    for err in [
        told(&["check", "en.toml"]),
        told(&["check", "ko.toml", "--lang", "en"]),
    ] {
        assert!(
            err.starts_with("error: ") && err.contains("is not a valid scenario"),
            "{err}"
        );
        assert!(
            err.contains("expected a number between 0 and 1, found 10"),
            "{err}"
        );
    }
    // An override's problem names the scenario it was applied to.
    let good = GOOD.replace("[scenario]\n", "[scenario]\nlang = \"ko\"\n");
    std::fs::write(dir.path().join("good.toml"), good).unwrap();
    let err = told(&["check", "good.toml", "--set", "scenario.discount_rate=4.5"]);
    assert!(
        err.starts_with("오류: good.toml: 시나리오에 문제가 1개"),
        "{err}"
    );
    assert!(
        err.contains("--set scenario.discount_rate=4.5: `scenario.discount_rate`"),
        "{err}"
    );
    // A path that names nothing, in Korean too.
    let err = told(&["check", "good.toml", "--set", "service.nope.opex_ratio=0.1"]);
    assert!(err.contains("id가 \"nope\"인 서비스가 없습니다"), "{err}");
}

#[test]
fn several_problems_are_reported_together() {
    let dir = tempfile::tempdir().unwrap();
    let t = GOOD
        .replace("trials = 2000", "trials = 0")
        .replace("withdrawal_hazard = 0.1", "withdrawal_hazard = 2");
    std::fs::write(dir.path().join("s.toml"), t).unwrap();
    let err = text(&fundgap(&["check", "s.toml"], dir.path()).stderr);
    assert!(err.contains("2 problems"), "{err}");
    assert!(
        err.contains("scenario.trials") && err.contains("withdrawal_hazard"),
        "{err}"
    );
}

#[test]
fn missing_file_and_bad_flags_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = fundgap(&["run", "nope.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nope.toml"));
    let out = fundgap(&["run", "--trials", "0"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = fundgap(&["run", "--threads", "x"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn run_writes_the_contract_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fixture.toml"), GOOD).unwrap();
    let out = fundgap(&["run", "fixture.toml", "--quiet"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("parking") && stdout.contains("portfolio"),
        "{stdout}"
    );
    let run = dir.path().join("output/fixture");
    let yearly = std::fs::read_to_string(run.join("yearly.csv")).unwrap();
    let header = yearly.lines().next().unwrap();
    assert!(header.starts_with(
        "service,year,p_gap,p_gap_lo,p_gap_hi,cost_mean,cost_p5,cost_p50,cost_p95,funding_mean,funding_p5,funding_p50,funding_p95,gap_mean,gap_p50,gap_p95"
    ));
    // One row per service and year plus the portfolio rows.
    assert_eq!(yearly.lines().count(), 1 + 2 * 10);
    assert!(yearly.lines().any(|l| l.starts_with("portfolio,2034,")));
    let horizon = std::fs::read_to_string(run.join("horizon.csv")).unwrap();
    assert_eq!(horizon.lines().count(), 3);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["trials"], 2000);
    assert_eq!(summary["seed"], 1);
    assert!(summary["fundgap_version"].is_string());
    assert!(summary["elapsed_seconds"].is_number());
    for e in [&summary["services"][0], &summary["portfolio"]] {
        for key in [
            "p_any_gap",
            "first_gap_year",
            "lcc_npv",
            "gap_npv",
            "gap_npv_cvar95",
            "opex_ratio_mean",
            "grant_share",
            "bcr",
        ] {
            assert!(e.get(key).is_some(), "summary lacks {key}");
        }
        for q in ["mean", "p5", "p50", "p95"] {
            assert!(e["gap_npv"][q].is_number() && e["lcc_npv"][q].is_number());
        }
        let p = e["p_any_gap"].as_f64().unwrap();
        assert!(
            e["p_any_gap_lo"].as_f64().unwrap() <= p && p <= e["p_any_gap_hi"].as_f64().unwrap()
        );
    }
}

fn summary_without_timing(
    dir: &Path,
    threads_env: Option<&str>,
    extra: &[&str],
) -> serde_json::Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fundgap"));
    cmd.args(["run", "--quiet", "--trials", "20000", "--out", "out"])
        .args(extra)
        .current_dir(dir);
    match threads_env {
        Some(n) => cmd.env("RAYON_NUM_THREADS", n),
        None => cmd.env_remove("RAYON_NUM_THREADS"),
    };
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/summary.json")).unwrap())
            .unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("elapsed_seconds");
    o.remove("threads");
    v
}

#[test]
fn results_do_not_depend_on_thread_count() {
    // Runs the built-in baseline (no scenarios/ in the temp dir).
    let dir = tempfile::tempdir().unwrap();
    let one = summary_without_timing(dir.path(), Some("1"), &[]);
    let default = summary_without_timing(dir.path(), None, &[]);
    let four = summary_without_timing(dir.path(), None, &["--threads", "4"]);
    assert_eq!(one, default);
    assert_eq!(one, four);
    assert_eq!(one["scenario"]["name"], "U-City baseline district");
}

#[test]
fn a_failed_run_keeps_the_previous_results() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), GOOD).unwrap();
    let out = fundgap(&["run", "s.toml", "--quiet", "--out", "res"], dir.path());
    assert!(out.status.success());
    let before = std::fs::read(dir.path().join("res/summary.json")).unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        GOOD.replace("trials = 2000", "trials = -1"),
    )
    .unwrap();
    let out = fundgap(&["run", "s.toml", "--quiet", "--out", "res"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("res/summary.json")).unwrap(),
        before
    );
    // The staging directory is a hidden sibling of the output directory;
    // a failed run removes it (only the marker is hidden inside).
    for d in [dir.path().to_path_buf(), dir.path().join("res")] {
        let names: Vec<String> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(
            names
                .iter()
                .all(|n| !n.starts_with('.') || n == ".fundgap-output"),
            "staging left behind: {names:?}"
        );
    }
}

#[test]
fn unwritable_output_is_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), GOOD).unwrap();
    std::fs::write(dir.path().join("file"), "not a directory").unwrap();
    let out = fundgap(
        &["run", "s.toml", "--quiet", "--out", "file/sub"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("file/sub"));
}

#[test]
fn json_format_prints_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), GOOD).unwrap();
    let out = fundgap(
        &["run", "s.toml", "--quiet", "--format", "json"],
        dir.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v["portfolio"]["id"], "portfolio");
}

#[test]
fn check_describes_without_simulating() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), GOOD).unwrap();
    let out = fundgap(&["check", "s.toml"], dir.path());
    assert!(out.status.success());
    let s = text(&out.stdout);
    assert!(
        s.contains("OK")
            && s.contains("parking")
            && s.contains("national subsidy")
            && s.contains("2025–2034"),
        "{s}"
    );
    assert!(!dir.path().join("output").exists());
}

#[test]
fn help_teaches_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    let s = text(&fundgap(&["--help"], dir.path()).stdout);
    assert!(s.contains("Examples:") && s.contains("fundgap run"));
    let s = text(&fundgap(&["run", "--help"], dir.path()).stdout);
    assert!(s.contains("--trials") && s.contains("--threads") && s.contains("--out"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_run_and_keeps_previous_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = fundgap(
        &[
            "run",
            "--quiet",
            "--trials",
            "2000",
            "--no-charts",
            "--out",
            "res",
        ],
        dir.path(),
    );
    assert!(out.status.success());
    let before = std::fs::read(dir.path().join("res/summary.json")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_fundgap"))
        .args([
            "run",
            "--quiet",
            "--trials",
            "100000000",
            "--no-charts",
            "--out",
            "res",
        ])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("interrupted"));
    assert_eq!(
        std::fs::read(dir.path().join("res/summary.json")).unwrap(),
        before
    );
}

/// Amounts that pass validation but overflow in some trials: the run stops
/// with exit 1 and a message naming the first such trial, its service, year
/// and amount (the same on any number of threads), and writes nothing.
#[test]
fn an_overflow_in_a_trial_is_an_error_not_a_result() {
    let dir = tempfile::tempdir().unwrap();
    let big = GOOD.replace(
        "construction_cost = { dist = \"pert\", min = 900, mode = 1000, max = 1300 }\nopex_ratio = { dist = \"lognormal\", mean = 0.15, sd = 0.03 }",
        "construction_cost = { dist = \"uniform\", min = 1e150, max = 1e200 }\nopex_ratio = { dist = \"uniform\", min = 1e100, max = 1e160 }",
    );
    assert_ne!(big, GOOD);
    std::fs::write(dir.path().join("big.toml"), &big).unwrap();
    let mut messages = Vec::new();
    for threads in ["1", "2"] {
        let out = fundgap(
            &[
                "run",
                "big.toml",
                "-q",
                "--threads",
                threads,
                "--out",
                "out",
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(
            err.contains("service `parking`")
                && err.contains("operating cost")
                && err.contains("not a finite number"),
            "{err}"
        );
        assert!(
            !dir.path().join("out").exists(),
            "a failed run wrote results"
        );
        messages.push(err);
    }
    assert_eq!(messages[0], messages[1]);
    // `check` passes it (no single value is out of reach); only the
    // products overflow, in some trials.
    let out = fundgap(&["check", "big.toml"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The README's example table is what a run prints today: every row it
/// shows matches the default run (100,000 trials of the baseline) exactly.
/// When a change moves the numbers, `python3 scripts/docs-examples.py
/// --write` regenerates the table, every other figure the docs quote, and
/// the example charts (CI runs it with `--check`).
#[test]
fn the_readme_example_matches_a_run() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("```\n$ fundgap run\n")
        .expect("the README's example")
        + 18;
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let tmp = tempfile::tempdir().unwrap();
    let o = fundgap(&["run", "--quiet", "--no-charts", "--out", "o"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let printed = text(&o.stdout);
    let mut checked = 0;
    for line in block
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("..."))
    {
        assert!(
            printed.lines().any(|p| p == line),
            "README line not printed by `fundgap run` (run python3 scripts/docs-examples.py --write):\n{line}\nprinted:\n{printed}"
        );
        checked += 1;
    }
    assert!(checked >= 8, "{checked} lines checked");
}

/// Every file a run writes — the charts drawn side by side included, and
/// the marker listing them — is the same on one worker thread as on
/// three (only summary.json's timing and thread fields may differ).
#[test]
fn every_output_file_is_the_same_on_one_thread_or_three() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = crate::common::scenario("revenue-models.toml");
    for (threads, out) in [("1", "one"), ("3", "three")] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_fundgap"))
            .args(["run", &scenario, "-q", "--trials", "300", "--out", out])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let (one, three) = (
        crate::common::snapshot(&dir.path().join("one")),
        crate::common::snapshot(&dir.path().join("three")),
    );
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&one), names(&three));
    assert!(one.iter().filter(|f| f.0.ends_with(".png")).count() > 5);
    for ((n, a), (_, b)) in one.iter().zip(&three) {
        if n == "summary.json" || n == "report.xlsx" || n == "report.html" {
            // They record the run's threads and seconds.
            continue;
        }
        assert!(a == b, "{n} differs");
    }
}

/// Every writing command ends with one line naming what it did, in how
/// long, and every file it wrote — the workbook and the page included —
/// where; nothing in the folder goes unnamed.
#[test]
fn the_closing_line_names_every_file_written() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario("ucity-baseline.toml");
    let cases: [&[&str]; 3] = [
        &["run", &s, "--trials", "300", "--out", "run"],
        &[
            "stress",
            &s,
            "--trials",
            "100",
            "--years",
            "2027,2029",
            "--cuts",
            "0,100",
            "--out",
            "stress",
        ],
        &[
            "evaluate",
            &s,
            "--trials",
            "300",
            "--no-sensitivity",
            "--out",
            "evaluate",
        ],
    ];
    for args in cases {
        let out = fundgap_ok(args, dir.path());
        let stderr = text(&out.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        let folder = args[args.len() - 1];
        assert!(
            last.starts_with("fundgap: ") && last.contains(" s; wrote ") && last.ends_with(folder),
            "{args:?}: {last}"
        );
        let written = entries(&dir.path().join(folder));
        assert!(written.iter().any(|f| f == "report.xlsx"), "{written:?}");
        for f in written.iter().filter(|f| !f.starts_with('.')) {
            assert!(
                last.contains(f.as_str()),
                "{args:?}: {f} not named in {last}"
            );
        }
    }
}
