//! Never a panic, never a torn output, never a nonsense exit 0: the ways a
//! user or the machine can break a run, each with the outcome it must have.

use crate::common;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{fundgap, scenario, text};

/// A reader that goes away (`fundgap check BIG.toml | head -1`) ends the
/// output quietly: exit 0, no panic on standard error.
#[test]
fn a_closed_pipe_ends_quietly() {
    // Output well past a pipe's buffer (64 KiB), so writing meets the
    // closed pipe.
    let tmp = tempfile::tempdir().unwrap();
    let mut big =
        String::from("[scenario]\nname = \"big\"\nstart_year = 2025\nhorizon_years = 10\n");
    for i in 0..400 {
        big.push_str(&format!(
            "[[service]]\nid = \"s{i}\"\nconstruction_cost = 100\nopex_ratio = 0.1\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"a city budget line with a long name\"\namount = 10\n"
        ));
    }
    let path = tmp.path().join("big.toml");
    std::fs::write(&path, big).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fundgap"))
        .args(["check", path.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: the rest of the output meets a closed pipe.
    let out = child.wait_with_output().unwrap();
    assert!(first.contains("OK"), "{first}");
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

/// A full disk behind a redirection is an error naming standard output,
/// exit 1 — not a panic.
#[test]
fn a_full_standard_output_is_an_error_not_a_panic() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["init", "-"][..],
        &["check", &scenario("ucity-baseline.toml")][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_fundgap"))
            .args(args)
            .current_dir(tmp.path())
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("standard output") && !err.contains("panicked"),
            "{err}"
        );
    }
    let _ = fundgap(&["--version"], tmp.path());
}

/// An endless or huge file is refused before it fills memory: exit 2,
/// naming the file and the limit.
#[test]
fn an_endless_scenario_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("huge.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len((16 << 20) + 1).unwrap();
    for path in ["/dev/zero", big.to_str().unwrap()] {
        if !Path::new(path).exists() {
            continue;
        }
        let out = fundgap(&["check", path], tmp.path());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(
            err.contains("larger than 16 MiB") && err.contains(path),
            "{err}"
        );
    }
    let bin = tmp.path().join("bin.toml");
    std::fs::write(&bin, [0xff, 0xfe, 0x00]).unwrap();
    let out = fundgap(&["check", bin.to_str().unwrap()], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("UTF-8"), "{}", text(&out.stderr));
    // The same bytes named .xlsx: a broken workbook, said as such.
    let broken = tmp.path().join("broken.xlsx");
    std::fs::write(&broken, [0xff, 0xfe, 0x00]).unwrap();
    let out = fundgap(&["check", broken.to_str().unwrap()], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("not an Excel workbook") && !err.contains("UTF-8"),
        "{err}"
    );
    // Text named .xlsx (a CSV renamed): the same, not a TOML syntax error.
    std::fs::write(&broken, "service,amount\nparking,10\n").unwrap();
    let out = fundgap(&["check", broken.to_str().unwrap()], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("not an Excel workbook") && !err.contains("TOML"),
        "{err}"
    );
}

/// `fundgap chart` refuses a charts.json whose series do not match its
/// years, instead of drawing nonsense with exit 0.
#[test]
fn chart_refuses_an_inconsistent_charts_json() {
    let tmp = tempfile::tempdir().unwrap();
    let o = fundgap(
        &[
            "run",
            "--quiet",
            "--trials",
            "200",
            "--no-charts",
            "--out",
            "r",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let path = tmp.path().join("r/charts.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["entities"][0]["p_gap"].as_array_mut().unwrap().pop();
    std::fs::write(&path, v.to_string()).unwrap();
    let o = fundgap(&["chart", "r"], tmp.path());
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("p_gap") && err.contains("cannot be drawn"),
        "{err}"
    );
}

/// `check` says how long a run would take; `run` refuses one estimated
/// over two hours (a trillion trials), saying how long, unless `--long`.
#[test]
fn an_absurd_trial_count_is_refused_with_its_duration() {
    let tmp = tempfile::tempdir().unwrap();
    let text_of = std::fs::read_to_string(scenario("bench-district.toml")).unwrap();
    let huge = tmp.path().join("huge.toml");
    std::fs::write(&huge, text_of.replace("trials = 100_000", "trials = 1e12")).unwrap();
    let h = huge.to_str().unwrap();
    let o = fundgap(&["check", h], tmp.path());
    assert!(o.status.success());
    let shown = text(&o.stdout);
    assert!(
        shown.contains("days on") && shown.contains("MB whatever the trial count"),
        "{shown}"
    );
    let o = fundgap(
        &["run", h, "--quiet", "--no-charts", "--out", "o"],
        tmp.path(),
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("days") && err.contains("--long"), "{err}");
    assert!(!tmp.path().join("o").exists(), "nothing written");
    // A reasonable run with --long is simply a run.
    let o = fundgap(
        &[
            "run",
            "--quiet",
            "--long",
            "--trials",
            "100",
            "--no-charts",
            "--out",
            "p",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
}

/// Names from a scenario cannot become spreadsheet formulas in the CSVs or
/// terminal escape sequences on screen: a text cell starting with `=`, `+`,
/// `-` or `@` gets a leading `'`, control characters print escaped.
#[test]
fn names_cannot_inject_formulas_or_terminal_escapes() {
    let tmp = tempfile::tempdir().unwrap();
    let toml = "[scenario]\nname = \"x\"\nstart_year = 2025\nhorizon_years = 3\n\
        [[service]]\nid = \"-x\"\nname = \"=HYPERLINK(\\\"http://e.vil\\\")\\u001b[2J\"\n\
        construction_cost = 100\nopex_ratio = 0.1\n";
    std::fs::write(tmp.path().join("s.toml"), toml).unwrap();
    let o = fundgap(&["check", "s.toml"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let shown = text(&o.stdout);
    assert!(
        !shown.contains('\u{1b}') && shown.contains("\\u{1b}"),
        "{shown}"
    );
    let o = fundgap(
        &[
            "run",
            "s.toml",
            "--quiet",
            "--trials",
            "50",
            "--no-charts",
            "--out",
            "o",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!text(&o.stdout).contains('\u{1b}'));
    let horizon = std::fs::read_to_string(tmp.path().join("o/horizon.csv")).unwrap();
    let row = horizon.lines().nth(1).unwrap();
    assert!(row.starts_with("'-x,\"'=HYPERLINK("), "{row}");
    let yearly = std::fs::read_to_string(tmp.path().join("o/yearly.csv")).unwrap();
    assert!(yearly.lines().nth(1).unwrap().starts_with("'-x,2025,"));
}

/// Each malformed input named in issue 16 gets a message that names the
/// line, the key and what was expected, exit 2.
#[test]
fn malformed_scenarios_name_the_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let head = "[scenario]\nname = \"x\"\nstart_year = 2025\nhorizon_years = 3\n";
    let one = "[[service]]\nid = \"a\"\nconstruction_cost = 1\nopex_ratio = 0.1\n";
    let cases: Vec<(String, &str)> = vec![
        (
            format!("service = []\n{head}"),
            "s.toml:1:11: `service`: expected at least one [[service]] table",
        ),
        (
            format!(
                "{head}[[service]]\nid = \"{}\"\nconstruction_cost = 1\nopex_ratio = 0.1\n",
                "a".repeat(5000)
            ),
            "at most 64 characters",
        ),
        // A variant whose `set` names a key that does not exist, and one
        // whose value breaks the scenario: `check` reports both.
        (
            format!(
                "{head}{one}[[variant]]\nname = \"v1\"\nset = {{ \"service.a.opex_ratoi\" = 0.2 }}\n"
            ),
            "opex_ratoi",
        ),
        (
            format!(
                "{head}{one}[[variant]]\nname = \"v2\"\nset = {{ \"service.a.opex_ratio\" = -1 }}\n"
            ),
            "variant \"v2\"",
        ),
    ];
    for (toml, want) in cases {
        std::fs::write(tmp.path().join("s.toml"), &toml).unwrap();
        let o = fundgap(&["check", "s.toml"], tmp.path());
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{want}: {err}");
        assert!(err.contains(want), "expected {want:?} in: {err}");
    }
}

/// No construction cost, no ratio: the table shows a dash, not NaN.
#[test]
fn a_service_without_construction_shows_no_nan() {
    let tmp = tempfile::tempdir().unwrap();
    let toml = "[scenario]\nname = \"x\"\nstart_year = 2025\nhorizon_years = 3\n\
        [[service]]\nid = \"a\"\nconstruction_cost = 0\nopex_ratio = 0.1\n\
        [[service.cost]]\nkind = \"annual\"\nname = \"ops\"\namount = 10\n";
    std::fs::write(tmp.path().join("s.toml"), toml).unwrap();
    let o = fundgap(
        &[
            "run",
            "s.toml",
            "--quiet",
            "--trials",
            "50",
            "--no-charts",
            "--out",
            "o",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!text(&o.stdout).contains("NaN"), "{}", text(&o.stdout));
}

/// An output directory is replaced whole: reusing `--out` for another
/// scenario leaves none of the previous one's files; a directory fundgap
/// did not make is refused and left untouched; a symbolic-link loop is
/// named as such.
#[test]
fn the_output_directory_is_replaced_whole_and_only_if_ours() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |file: &str, out: &str| {
        fundgap(
            &["run", file, "--quiet", "--trials", "100", "--out", out],
            tmp.path(),
        )
    };
    let o = run(&scenario("ucity-baseline.toml"), "o");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(tmp.path().join("o/fan-cctv-safety.png").exists());
    assert!(tmp.path().join("o/.fundgap-output").exists());
    let o = run(&scenario("revenue-models.toml"), "o");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        !tmp.path().join("o/fan-cctv-safety.png").exists(),
        "a chart of the previous scenario was left beside the new results"
    );
    let leftovers = crate::common::staging_leftovers(tmp.path());
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let theirs = tmp.path().join("thesis");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("draft.txt"), "mine").unwrap();
    let o = run(&scenario("revenue-models.toml"), "thesis");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("draft.txt") && text(&o.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(theirs.join("draft.txt")).unwrap(),
        "mine"
    );

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop", tmp.path().join("loop")).unwrap();
        let o = run(&scenario("revenue-models.toml"), "loop");
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("symbolic link"), "{err}");
    }
}

/// Ctrl-C is handled the same way in every long command: the work stops at
/// its next block of trials (each command here would run for hours), a
/// message, exit 1, nothing written.
#[cfg(unix)]
#[test]
fn ctrl_c_ends_every_long_command_the_same_way() {
    let tmp = tempfile::tempdir().unwrap();
    let bench = scenario("bench-district.toml");
    let revenue = scenario("revenue-models.toml");
    for args in [
        vec![
            "run",
            bench.as_str(),
            "--trials",
            "50000000",
            "--long",
            "--out",
            "r",
        ],
        vec![
            "stress",
            bench.as_str(),
            "--trials",
            "5000000",
            "--long",
            "--out",
            "s",
        ],
        vec![
            "sensitivity",
            bench.as_str(),
            "--sample",
            "2000000",
            "--out",
            "t",
        ],
        vec![
            "compare",
            revenue.as_str(),
            "--trials",
            "100000000",
            "--long",
            "--out",
            "c",
        ],
        vec![
            "discover",
            bench.as_str(),
            "--trials",
            "2000000",
            "--long",
            "--out",
            "d",
        ],
        // A shard interrupted leaves no part, so a merge cannot take a
        // half-run shard for a whole one.
        vec![
            "run",
            bench.as_str(),
            "--trials",
            "100000000",
            "--long",
            "--shard",
            "1/2",
            "--out",
            "part-1-of-2",
        ],
        vec![
            "stress",
            bench.as_str(),
            "--trials",
            "5000000",
            "--long",
            "--shard",
            "1/2",
            "--out",
            "stress-part",
        ],
    ] {
        let child = Command::new(env!("CARGO_BIN_EXE_fundgap"))
            .args(&args)
            .arg("--quiet")
            .current_dir(tmp.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        let out = crate::common::interrupt(child);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("interrupted: nothing was written"),
            "{args:?}: {err}"
        );
        assert!(
            !tmp.path().join(args[args.len() - 1]).exists(),
            "{args:?} wrote"
        );
    }
}

/// `compare` refuses what it cannot pair, and does not call "no
/// difference" a difference: variants covering different years are
/// refused; variants in a file given beside another file are not dropped
/// silently; the same file twice is "the same in every trial".
#[test]
fn compare_pairs_only_what_can_be_paired() {
    let tmp = tempfile::tempdir().unwrap();
    let cmp = |a: &str, b: &str| {
        fundgap(
            &[
                "compare",
                &scenario(a),
                &scenario(b),
                "--trials",
                "1000",
                "--quiet",
                "--no-charts",
                "--out",
                "c",
            ],
            tmp.path(),
        )
    };
    let o = cmp("ucity-baseline.toml", "daejeon-challenge.toml");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("must share start_year"),
        "{}",
        text(&o.stderr)
    );
    let o = cmp("revenue-models.toml", "ucity-baseline.toml");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("[[variant]]"),
        "{}",
        text(&o.stderr)
    );
    let o = cmp("ucity-baseline.toml", "ucity-baseline.toml");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let table = text(&o.stdout);
    assert!(table.contains("the same in every trial"), "{table}");
    assert!(
        !table.contains("distinguishable") && !table.contains("inf"),
        "{table}"
    );
}

/// Messages say what is wrong where it is: an override's bad value is
/// blamed on the override, a sweep's on --sweep, a negative cut is
/// reported as typed, names that clash once written as keys are explained,
/// and duplicate variants are not said to key a random stream.
#[test]
fn messages_blame_the_right_input() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("ucity-baseline.toml");
    let o = fundgap(
        &[
            "check",
            &base,
            "--set",
            "service.smart-parking.opex_ratio.sd=-1",
        ],
        tmp.path(),
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("--set service.smart-parking.opex_ratio.sd=-1: `service[3].opex_ratio`"),
        "{err}"
    );
    let o = fundgap(
        &[
            "stress",
            &base,
            "--sweep",
            "service.smart-parking.opex_ratoi=0.1,0.2",
            "-q",
        ],
        tmp.path(),
    );
    let err = text(&o.stderr);
    assert!(
        err.contains("--sweep service.smart-parking.opex_ratoi") && !err.contains("--set"),
        "{err}"
    );
    let o = fundgap(&["stress", &base, "--cuts", "-10", "-q"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("-10 is not a percentage"),
        "{}",
        text(&o.stderr)
    );

    let toml = "[scenario]\nname = \"x\"\nstart_year = 2025\nhorizon_years = 3\n\
        [[service]]\nid = \"a\"\nconstruction_cost = 1\nopex_ratio = 0.1\n\
        [[service.funding]]\nkind = \"budget\"\nname = \"City budget\"\namount = 1\n\
        [[service.funding]]\nkind = \"budget\"\nname = \"city-budget\"\namount = 1\n\
        [[variant]]\nname = \"v\"\n[[variant]]\nname = \"v\"\n";
    std::fs::write(tmp.path().join("m.toml"), toml).unwrap();
    let err = text(&fundgap(&["check", "m.toml"], tmp.path()).stderr);
    assert!(
        err.contains("the same as \"City budget\" once written as a key"),
        "{err}"
    );
    assert!(
        err.contains("variant names must be unique")
            && !err.contains("variant name \"v\": names must be unique within a service"),
        "{err}"
    );
}

/// The corpus of malformed scenarios under tests/malformed/: each file's
/// first line says the exit code `check` must give and a text its message
/// must contain (the key, or what was expected). A rejected file's message
/// names the file with a line and column; no file makes fundgap panic; the
/// valid ones also run.
#[test]
fn every_malformed_scenario_gets_its_expected_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let tmp = tempfile::tempdir().unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 100, "the corpus has {} files", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        let first = src.lines().next().unwrap_or_default();
        let expect = first
            .strip_prefix("# expect: ")
            .expect("an expectation line");
        let (code, want) = expect.split_once(' ').unwrap();
        let code: i32 = code.parse().unwrap();
        let p = f.to_str().unwrap();
        let o = fundgap(&["check", p], tmp.path());
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
        let name = f.file_name().unwrap().to_str().unwrap();
        let located = all
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{p}:")) && l.contains(':'));
        let ok = o.status.code() == Some(code)
            && all.contains(want)
            && !all.contains("panicked")
            && (code == 0 || located);
        if !ok {
            failures.push(format!(
                "{name}: want {code} {want:?}, got {:?}: {all}",
                o.status.code()
            ));
        }
        if code == 0 {
            let o = fundgap(
                &[
                    "run",
                    p,
                    "-q",
                    "--trials",
                    "20",
                    "--no-charts",
                    "--out",
                    "o",
                ],
                tmp.path(),
            );
            if !o.status.success() {
                failures.push(format!("{name}: valid but run failed: {}", text(&o.stderr)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What was overridden is on record: `check` says so, `summary.json`
/// keeps the `--set`s.
#[test]
fn overrides_are_on_record() {
    let tmp = tempfile::tempdir().unwrap();
    let set = "economy.inflation.mean=0.03";
    let o = fundgap(
        &["check", &scenario("ucity-baseline.toml"), "--set", set],
        tmp.path(),
    );
    assert!(
        text(&o.stdout).contains(&format!("with --set applied: {set}")),
        "{}",
        text(&o.stdout)
    );
    let o = fundgap(
        &[
            "run",
            "--quiet",
            "--trials",
            "100",
            "--no-charts",
            "--out",
            "o",
            "--set",
            set,
        ],
        tmp.path(),
    );
    assert!(o.status.success());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("o/summary.json")).unwrap())
            .unwrap();
    assert_eq!(v["scenario"]["overrides"][0], set);
}

/// A service name carrying HTML reaches evaluation.md and backtest.md as
/// text: a Markdown viewer passes raw HTML through, so `<script>` or
/// `<img onerror>` would run.
#[test]
fn names_never_reach_markdown_as_html() {
    let tmp = tempfile::tempdir().unwrap();
    let toml = "[scenario]\nname = \"<script>alert(0)</script>\"\nstart_year = 2025\nhorizon_years = 3\n\
        [[service]]\nid = \"a\"\nname = \"<script>alert(1)</script>\"\n\
        construction_cost = 100\nopex_ratio = 0.1\n\
        [[service]]\nid = \"b\"\nname = \"<img src=x onerror=alert(2)> | [x](http://e.vil)\"\n\
        construction_cost = 100\nopex_ratio = 0.1\n";
    std::fs::write(tmp.path().join("s.toml"), toml).unwrap();
    let o = fundgap(
        &[
            "evaluate",
            "s.toml",
            "-q",
            "--trials",
            "20",
            "--no-sensitivity",
            "--out",
            "e",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let md = std::fs::read_to_string(tmp.path().join("e/evaluation.md")).unwrap();
    assert!(!md.contains("<script") && !md.contains("<img"), "{md}");
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
    assert!(!md.contains("[x](http"), "{md}");
}

/// `merge --target` is a probability, as `stress --target` is: NaN and
/// values outside 0..1 are refused by name.
#[test]
fn a_target_that_is_not_a_probability_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in ["merge", "stress"] {
        for bad in ["nan", "1.5", "-0.1"] {
            let target = format!("--target={bad}");
            let args: Vec<&str> = match cmd {
                "merge" => vec!["merge", "p", &target],
                _ => vec!["stress", &target],
            };
            let o = fundgap(&args, tmp.path());
            let err = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{cmd} {bad}: {err}");
            assert!(err.contains("--target"), "{err}");
        }
    }
}

/// Standard error that cannot be written (a closed pipe, a full device)
/// ends nothing with a panic: the command's own exit code stands.
#[cfg(unix)]
#[test]
fn a_closed_or_full_standard_error_is_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    if Path::new("/dev/full").exists() {
        let o = Command::new(env!("CARGO_BIN_EXE_fundgap"))
            .args(["check", "missing.toml"])
            .current_dir(tmp.path())
            .stderr(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
    }
    // A closed pipe: the reader is gone before fundgap writes its status
    // lines (no --quiet).
    let mut child = Command::new(env!("CARGO_BIN_EXE_fundgap"))
        .args([
            "run",
            &scenario("revenue-models.toml"),
            "--trials",
            "30",
            "--no-charts",
            "--out",
            "o",
        ])
        .current_dir(tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(tmp.path().join("o/summary.json").exists());
}

/// Things that are not part files are refused at once, without reading
/// them whole or waiting on them: an endless device, a named pipe with no
/// writer. `check` on such a pipe ends too.
#[cfg(unix)]
#[test]
fn endless_or_silent_inputs_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    if Path::new("/dev/zero").exists() {
        let o = fundgap(&["merge", "/dev/zero"], tmp.path());
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("not a regular file"), "{err}");
    }
    let fifo = tmp.path().join("fifo");
    if Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        let o = fundgap(&["merge", "fifo"], tmp.path());
        assert!(text(&o.stderr).contains("not a regular file"));
        let o = fundgap(&["check", "fifo"], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        // With a writer, a pipe is read as usual.
        let writer = {
            let fifo = fifo.clone();
            let text = std::fs::read(scenario("revenue-models.toml")).unwrap();
            std::thread::spawn(move || std::fs::write(fifo, text))
        };
        std::thread::sleep(std::time::Duration::from_millis(200));
        let o = fundgap(&["check", "fifo"], tmp.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
        writer.join().unwrap().unwrap();
    }
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

/// Absurd thread counts are capped at a few per core with a note, and
/// run-time estimates count the cores that really run: 1,000 threads do
/// not make a billion trials look quick. A precision run is estimated at
/// its cap.
#[test]
fn thread_counts_and_estimates_follow_the_real_cores() {
    let tmp = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let o = fundgap(
        &[
            "run",
            &scenario("revenue-models.toml"),
            "--threads",
            "65535",
            "--trials",
            "100",
            "--no-charts",
            "--out",
            "o",
        ],
        tmp.path(),
    );
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("65535 threads asked for; using"), "{err}");
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    // RAYON_NUM_THREADS is capped the same way.
    let started = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_fundgap"))
        .args([
            "run",
            &scenario("revenue-models.toml"),
            "--trials",
            "100",
            "--no-charts",
            "--out",
            "o2",
        ])
        .env("RAYON_NUM_THREADS", "5000")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("RAYON_NUM_THREADS=5000"), "{err}");
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    let bench = scenario("bench-district.toml");
    for args in [
        vec![
            "run",
            bench.as_str(),
            "--trials",
            "1000000000",
            "--threads",
            "1000",
        ],
        vec![
            "run",
            bench.as_str(),
            "--precision",
            "0.0001",
            "--max-trials",
            "100000000000",
        ],
    ] {
        let o = fundgap(&args, tmp.path());
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("would take about"), "{args:?}: {err}");
    }
}

/// A part re-signed with its aggregate's counts inflated (here every
/// count doubled, the trial count left as it was) would report P(gap)
/// above 1: merge checks every count against the trials and refuses it.
#[test]
fn a_part_with_inflated_counts_is_refused() {
    use fundgap::stats::Accumulator;
    use fundgap::stats::part;
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("revenue-models.toml");
    for (k, out) in [("1/2", "p1"), ("2/2", "p2")] {
        common::fundgap_ok(
            &[
                "run", &base, "-q", "--trials", "40", "--shard", k, "--out", out,
            ],
            tmp.path(),
        );
    }
    fundgap_ok_merge(tmp.path());
    let bytes = std::fs::read(tmp.path().join("p1")).unwrap();
    let (header, payload) = part::decode(&bytes).unwrap();
    let acc: Accumulator = part::from_payload(payload).unwrap();
    let mut forged = acc.clone();
    forged.merge(&acc);
    forged.trials = acc.trials;
    let bytes = part::encode(&header, &part::to_payload(&forged).unwrap()).unwrap();
    std::fs::write(tmp.path().join("p1"), bytes).unwrap();
    let o = fundgap(&["merge", "p1", "p2", "-q", "--out", "m2"], tmp.path());
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("does not fit"), "{err}");
    assert!(!tmp.path().join("m2").exists());
}

/// A stress part re-signed with a cell outside the grid (which once
/// panicked the table) or a probability of 1.77 is refused by merge.
#[test]
fn a_forged_stress_part_is_refused() {
    use fundgap::analysis::stress::StressResult;
    use fundgap::stats::part;
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("ucity-baseline.toml");
    for (k, out) in [("1/2", "s1"), ("2/2", "s2")] {
        crate::common::fundgap_ok(
            &[
                "stress",
                &base,
                "-q",
                "--trials",
                "20",
                "--years",
                "2027,2028",
                "--cuts",
                "0,100",
                "--shard",
                k,
                "--out",
                out,
            ],
            tmp.path(),
        );
    }
    let bytes = std::fs::read(tmp.path().join("s1")).unwrap();
    let (header, payload) = part::decode(&bytes).unwrap();
    let good: StressResult = part::from_payload(payload).unwrap();
    let forgeries: [&dyn Fn(&mut StressResult); 2] = [&|r| r.cells[0].x = 100, &|r| {
        r.cells[0].p_any_gap.estimate = 1.77
    }];
    for forge in forgeries {
        let mut r = good.clone();
        forge(&mut r);
        let bytes = part::encode(&header, &part::to_payload(&r).unwrap()).unwrap();
        std::fs::write(tmp.path().join("s1"), bytes).unwrap();
        let o = fundgap(&["merge", "s1", "s2", "-q", "--out", "m"], tmp.path());
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("could have computed"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

fn fundgap_ok_merge(dir: &Path) {
    common::fundgap_ok(
        &["merge", "p1", "p2", "-q", "--no-charts", "--out", "m"],
        dir,
    );
}

/// Small inputs from issue 29: accounts named with a trailing space are
/// one account; a back-test file given twice is refused; two Sobol rows
/// are refused.
#[test]
fn near_duplicates_and_too_small_samples_are_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let model = fundgap::scenario::parse_with(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/malformed/account-trailing-space.toml"),
        )
        .unwrap(),
        "a.toml",
        &[],
    )
    .unwrap();
    assert_eq!(model.accounts(), ["parking"]);
    let bt = scenario("backtest/incheon-imod.toml");
    let o = fundgap(&["backtest", &bt, &bt, "--trials", "20"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("given twice"));
    let o = fundgap(
        &["sensitivity", "--method", "sobol", "--sobol-trials", "2"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

/// Every analysis told to stop (the flag the command line's Ctrl-C and
/// the Python package's set) returns `Interrupted`, never results made of
/// the trials it ran before it stopped.
#[test]
fn an_analysis_told_to_stop_returns_interrupted_not_partial_results() {
    use fundgap::analysis::{compare, discover, sensitivity, sobol, stress};
    use fundgap::error::Error;
    use std::sync::atomic::AtomicBool;
    let stop = AtomicBool::new(true);
    let text = std::fs::read_to_string(scenario("ucity-baseline.toml")).unwrap();
    let model = fundgap::scenario::parse_str(&text, "ucity-baseline.toml").unwrap();
    let interrupted = |what: &str, r: Result<(), Error>| {
        assert!(matches!(r, Err(Error::Interrupted)), "{what}: {r:?}");
    };
    let sens = sensitivity::analyse(&model, Default::default(), &|_| {}, &stop);
    interrupted("sensitivity", sens.map(drop));
    let sob = sobol::analyse(&model, Default::default(), &|_| {}, &stop);
    interrupted("sobol", sob.map(drop));
    let disc = discover::discover(&model, &Default::default(), &stop);
    interrupted("discover", disc.map(drop));
    let revenue = std::fs::read_to_string(scenario("revenue-models.toml")).unwrap();
    let sources = [compare::Source {
        text: &revenue,
        label: "revenue-models.toml",
        stem: "revenue-models",
        own: &[],
    }];
    let inputs = compare::inputs(&sources, &[]).unwrap();
    let cmp = compare::run(&inputs, None, None, None, &|_| {}, &stop);
    interrupted("compare", cmp.map(drop));
    let spec = stress::GridSpec {
        years: "all".into(),
        cuts: vec![0.0, 100.0],
        ..Default::default()
    };
    let (x, y, cells, _) =
        stress::grid_cells(&text, "ucity-baseline.toml", &[], &model, &spec).unwrap();
    let grid = stress::run_cells(&cells, None, x, y, &|_| {}, &stop);
    interrupted("stress", grid.map(drop));
}

/// A sample too large for memory — Sobol's, the rank correlations', a
/// discovery's — is refused with its size and the option that sets it,
/// before any work, rather than aborting the process (a Python session
/// with it) once memory runs out.
#[test]
fn a_sample_too_large_for_memory_is_an_error_not_an_abort() {
    use fundgap::analysis::{discover, sensitivity, sobol};
    let text = std::fs::read_to_string(scenario("ucity-baseline.toml")).unwrap();
    let model = fundgap::scenario::parse_str(&text, "ucity-baseline.toml").unwrap();
    let (huge, stop) = (10u64.pow(13), std::sync::atomic::AtomicBool::new(false));
    let refused = |what: &str, flag: &str, err: fundgap::error::Error| {
        let msg = err.to_string();
        assert!(matches!(err, fundgap::error::Error::Usage(_)), "{msg}");
        assert!(
            msg.contains(&format!("a {what} of 10,000,000,000,000 rows ({flag})"))
                && msg.contains("GB of memory"),
            "{msg}"
        );
    };
    let opts = sobol::Options {
        base: huge,
        ..Default::default()
    };
    let err = sobol::analyse(&model, opts, &|_| {}, &stop).unwrap_err();
    refused("Sobol sample", "--sobol-trials", err);
    let opts = sensitivity::Options {
        sample: huge,
        ..Default::default()
    };
    let mut big = model.clone();
    big.set_run(Some(huge), None);
    let err = sensitivity::analyse(&big, opts, &|_| {}, &stop).unwrap_err();
    refused("sample", "--sample", err);
    let opts = discover::Options {
        trials: huge,
        ..Default::default()
    };
    let err = discover::discover(&model, &opts, &stop).unwrap_err();
    refused("sample", "--trials", err);
}
