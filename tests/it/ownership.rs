//! fundgap never deletes or replaces what it did not write: an output
//! folder is fundgap's only where its `.fundgap-output` marker lists the
//! files, a part replaces only a part, and Ctrl-C in any phase leaves the
//! previous results and no staging folder behind.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{entries, fundgap, fundgap_ok, scenario, snapshot, staging_leftovers, text};

/// A folder holding a user's thesis next to a `summary.json` fundgap did
/// not write (no marker): every command that writes an output folder
/// refuses it, names the user's file, and leaves both as they were.
#[test]
fn every_writing_command_leaves_a_users_folder_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(project.join("thesis.docx"), b"four years of work").unwrap();
    std::fs::write(project.join("summary.json"), b"{\"mine\": true}").unwrap();
    let base = scenario("ucity-baseline.toml");
    let variants = scenario("revenue-models.toml");
    let backtest = scenario("backtest/incheon-imod.toml");
    for (i, shard) in ["1/2", "2/2"].iter().enumerate() {
        let part = format!("p{}", i + 1);
        fundgap_ok(
            &[
                "run", &base, "-q", "--trials", "40", "--shard", shard, "--out", &part,
            ],
            tmp.path(),
        );
    }
    let commands: Vec<Vec<&str>> = vec![
        vec!["run", &base, "--trials", "40"],
        vec!["run", &base, "--trials", "40", "--precision", "0.2"],
        vec![
            "stress", &base, "--trials", "20", "--years", "2027", "--cuts", "0,100",
        ],
        vec!["compare", &variants, "--trials", "20"],
        vec!["sensitivity", &base, "--sample", "30", "--oat-trials", "5"],
        vec![
            "sensitivity",
            &base,
            "--method",
            "sobol",
            "--sobol-trials",
            "20",
        ],
        vec!["evaluate", &base, "--trials", "40", "--no-sensitivity"],
        vec!["discover", &base, "--trials", "200"],
        vec!["backtest", &backtest, "--trials", "40"],
        vec!["merge", "p1", "p2"],
    ];
    for args in commands {
        let mut all = args.clone();
        all.extend(["--quiet", "--out", "project"]);
        let o = fundgap(&all, tmp.path());
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("thesis.docx") && err.contains("--force"),
            "{args:?}: {err}"
        );
        assert_eq!(
            entries(&project),
            ["summary.json", "thesis.docx"],
            "{args:?}"
        );
        assert_eq!(
            std::fs::read(project.join("thesis.docx")).unwrap(),
            b"four years of work"
        );
        assert_eq!(
            std::fs::read(project.join("summary.json")).unwrap(),
            b"{\"mine\": true}"
        );
    }
    let stray = staging_leftovers(tmp.path());
    assert!(stray.is_empty(), "{stray:?}");
}

/// A file a user adds to fundgap's own output folder is theirs: the next
/// run refuses; `--force` names it, then replaces the folder.
#[test]
fn force_names_what_it_removes() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("ucity-baseline.toml");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", &base, "--trials", "30", "--no-charts", "--out", "o"];
        args.extend(extra);
        fundgap(&args, tmp.path())
    };
    assert!(run(&["-q"]).status.success());
    let marker = std::fs::read_to_string(tmp.path().join("o/.fundgap-output")).unwrap();
    assert!(marker.lines().any(|l| l == "summary.json"), "{marker}");
    std::fs::write(tmp.path().join("o/notes.txt"), b"mine").unwrap();
    let o = run(&["-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("notes.txt"));
    assert!(tmp.path().join("o/notes.txt").exists());
    let o = run(&["--force"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("--force: removing") && err.contains("notes.txt"),
        "{err}"
    );
    assert!(!tmp.path().join("o/notes.txt").exists());
}

/// `fundgap chart` redraws into a run folder and keeps everything else in
/// it, a user's sub-folder included.
#[test]
fn chart_keeps_a_users_subfolder() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = scenario("revenue-models.toml");
    let run = ["run", &scenario, "-q", "--trials", "30", "--out", "o"];
    fundgap_ok(&run, tmp.path());
    std::fs::create_dir_all(tmp.path().join("o/my-figures/final")).unwrap();
    std::fs::write(tmp.path().join("o/my-figures/final/fig1.png"), b"mine").unwrap();
    fundgap_ok(&["chart", "o", "--image-format", "svg"], tmp.path());
    assert_eq!(
        std::fs::read(tmp.path().join("o/my-figures/final/fig1.png")).unwrap(),
        b"mine"
    );
    assert!(tmp.path().join("o/summary.json").exists());
    // The sub-folder is the user's still: a new run refuses to remove it.
    let o = fundgap(&run, tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("my-figures/"));
}

/// `--shard K/N --out PATH` replaces only an earlier part: never the
/// scenario it was run from, another file, a pipe or a directory.
#[test]
fn a_part_never_replaces_an_input_or_a_non_file() {
    let tmp = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(scenario("revenue-models.toml")).unwrap();
    std::fs::write(tmp.path().join("s.toml"), &src).unwrap();
    let shard = |out: &str| {
        fundgap(
            &[
                "run", "s.toml", "-q", "--trials", "20", "--shard", "1/2", "--out", out,
            ],
            tmp.path(),
        )
    };
    let o = shard("s.toml");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("not a fundgap part file"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("s.toml")).unwrap(),
        src
    );
    std::fs::create_dir(tmp.path().join("d")).unwrap();
    assert_eq!(shard("d").status.code(), Some(2));
    #[cfg(unix)]
    {
        let made = Command::new("mkfifo").arg(tmp.path().join("fifo")).status();
        if made.is_ok_and(|s| s.success()) {
            let o = shard("fifo");
            assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
            assert!(text(&o.stderr).contains("not a regular file"));
        }
    }
    // An earlier part is replaced.
    assert!(shard("p").status.success());
    assert!(shard("p").status.success());
}

/// A scenario whose charts take seconds to draw (many services, few
/// trials), so Ctrl-C can be sent while files are being written.
fn slow_to_draw(dir: &Path) -> String {
    let mut s =
        String::from("[scenario]\nname = \"many\"\nstart_year = 2025\nhorizon_years = 20\n");
    for i in 0..150 {
        s.push_str(&format!(
            "[[service]]\nid = \"s{i}\"\nconstruction_cost = 100\n\
             opex_ratio = {{ dist = \"triangular\", min = 0.05, mode = 0.1, max = 0.2 }}\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 10\n"
        ));
    }
    std::fs::write(dir.join("many.toml"), s).unwrap();
    "many.toml".into()
}

/// Ctrl-C once a command is writing (its hidden staging folder exists):
/// exit 1, "interrupted", the previous results intact, no staging folder
/// left — for a run drawing charts and for an analysis writing its files.
#[cfg(unix)]
#[test]
fn ctrl_c_while_writing_replaces_nothing_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = slow_to_draw(tmp.path());
    for args in [
        vec!["run", file.as_str(), "--trials", "50"],
        vec![
            "sensitivity",
            file.as_str(),
            "--sample",
            "20",
            "--oat-trials",
            "2",
        ],
    ] {
        // The previous results: the same command without charts.
        let mut first = args.clone();
        first.extend(["-q", "--no-charts", "--out", "o"]);
        fundgap_ok(&first, tmp.path());
        let before = snapshot(&tmp.path().join("o"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_fundgap"))
            .args(&args)
            .args(["-q", "--out", "o"])
            .current_dir(tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let staging = loop {
            let found = entries(tmp.path())
                .into_iter()
                .find(|n| n.starts_with(".o.fundgap-tmp-"));
            if let Some(f) = found {
                break f;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "{args:?} finished before it was interrupted"
            );
            assert!(started.elapsed().as_secs() < 120, "{args:?} never staged");
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        let out = crate::common::interrupt(child);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?} ({staging}): {err}");
        assert!(err.contains("interrupted"), "{args:?}: {err}");
        let after = snapshot(&tmp.path().join("o"));
        assert!(before == after, "{args:?}: the previous results changed");
        let stray = staging_leftovers(tmp.path());
        assert!(stray.is_empty(), "{args:?}: {stray:?}");
        std::fs::remove_dir_all(tmp.path().join("o")).unwrap();
    }
}

/// The staging folder of a process that died is removed by the next
/// command writing to the same place, however `--out` is spelled (a bare
/// name too); a folder of that name without fundgap's marker is kept.
#[test]
fn a_dead_processs_staging_folder_is_removed_for_any_spelling() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for out in ["o", "./o", "sub/../o"] {
        std::fs::create_dir_all(tmp.path().join("sub")).unwrap();
        // No process has pid 4294967295.
        let dead = tmp.path().join(".o.fundgap-tmp-4294967295");
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join(".fundgap-output"), "# fundgap\nyearly.csv\n").unwrap();
        std::fs::write(dead.join("yearly.csv"), "partial").unwrap();
        let alike = tmp.path().join(".o.fundgap-tmp-4294967294");
        std::fs::create_dir_all(&alike).unwrap();
        std::fs::write(alike.join("mine.txt"), "mine").unwrap();
        fundgap_ok(
            &[
                "run",
                &scenario("revenue-models.toml"),
                "-q",
                "--trials",
                "20",
                "--no-charts",
                "--out",
                out,
            ],
            tmp.path(),
        );
        assert!(!dead.exists(), "--out {out}");
        assert!(alike.join("mine.txt").exists(), "--out {out}");
    }
}

/// `--force` never reaches the working directory or the folder holding
/// the scenario: `run s.toml --out "$PWD" --force` deleted s.toml once.
/// And a refusal comes before the simulation, not after hours of it.
#[test]
fn force_never_takes_the_working_folder_and_refuses_early() {
    let tmp = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(scenario("revenue-models.toml")).unwrap();
    std::fs::write(tmp.path().join("s.toml"), &src).unwrap();
    let here = tmp.path().display().to_string();
    for out in [here.as_str(), ".", "..", "./"] {
        let o = fundgap(
            &[
                "run",
                "s.toml",
                "-q",
                "--trials",
                "20",
                "--no-charts",
                "--force",
                "--out",
                out,
            ],
            tmp.path(),
        );
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "--out {out}: {err}");
        assert!(err.contains("even with --force"), "--out {out}: {err}");
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("s.toml")).unwrap(),
            src
        );
    }
    std::fs::create_dir(tmp.path().join("mine")).unwrap();
    std::fs::write(tmp.path().join("mine/thesis.docx"), b"words").unwrap();
    let started = std::time::Instant::now();
    let o = fundgap(
        &[
            "run",
            "s.toml",
            "-q",
            "--trials",
            "100000000",
            "--long",
            "--out",
            "mine",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

/// One analysis never silently replaces another's: `stress` into a run's
/// folder refuses, names the folder, the command that wrote it and the
/// ways out, and leaves it as it was; `--force` replaces it; the same
/// command run again replaces its own output; `chart` adds to a run's
/// folder and leaves it a run's.
#[test]
fn another_commands_output_is_refused_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("ucity-baseline.toml");
    let run = [
        "run",
        &base,
        "-q",
        "--trials",
        "30",
        "--no-html",
        "--no-xlsx",
        "--out",
        "o",
    ];
    fundgap_ok(&run, tmp.path());
    let marker = std::fs::read_to_string(tmp.path().join("o/.fundgap-output")).unwrap();
    assert!(marker.lines().any(|l| l == "# command: run"), "{marker}");
    // A re-run replaces its own output.
    fundgap_ok(&run, tmp.path());
    fundgap_ok(&["chart", "o", "--image-format", "svg"], tmp.path());
    let marker = std::fs::read_to_string(tmp.path().join("o/.fundgap-output")).unwrap();
    assert!(marker.lines().any(|l| l == "# command: run"), "{marker}");
    let before = snapshot(&tmp.path().join("o"));
    let stress = |extra: &[&str]| {
        let mut args = vec![
            "stress",
            &base,
            "-q",
            "--trials",
            "20",
            "--years",
            "2027",
            "--cuts",
            "0,100",
            "--no-charts",
            "--out",
            "o",
        ];
        args.extend(extra);
        fundgap(&args, tmp.path())
    };
    let o = stress(&[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("fundgap run")
            && err.contains("fundgap stress")
            && err.contains("--out")
            && err.contains("--force")
            && err.contains('o'),
        "{err}"
    );
    assert_eq!(snapshot(&tmp.path().join("o")), before);
    let o = stress(&["--force"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(tmp.path().join("o/stress.csv").exists());
    assert!(!tmp.path().join("o/summary.json").exists());
    let marker = std::fs::read_to_string(tmp.path().join("o/.fundgap-output")).unwrap();
    assert!(marker.lines().any(|l| l == "# command: stress"), "{marker}");
    // Now the run is the other command.
    let o = fundgap(&run, tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("fundgap stress"));
}

/// A marker from before markers named their command is any command's:
/// the folder is replaced as it always was.
#[test]
fn a_marker_without_its_command_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("ucity-baseline.toml");
    let o = tmp.path().join("o");
    std::fs::create_dir(&o).unwrap();
    std::fs::write(o.join("summary.json"), b"{}").unwrap();
    std::fs::write(
        o.join(".fundgap-output"),
        "# This directory was written by fundgap. The files listed below are fundgap's:\n\
         # the next command with the same --out replaces them, and refuses to touch anything else.\n\
         summary.json\n",
    )
    .unwrap();
    fundgap_ok(
        &[
            "discover",
            &base,
            "-q",
            "--trials",
            "200",
            "--no-charts",
            "--out",
            "o",
        ],
        tmp.path(),
    );
    assert!(o.join("discovery.csv").exists() && !o.join("summary.json").exists());
}

/// The closing line names every file written, the workbook and the page
/// included.
#[test]
fn the_wrote_line_names_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("ucity-baseline.toml");
    let o = fundgap_ok(
        &["run", &base, "--trials", "30", "--no-charts", "--out", "o"],
        tmp.path(),
    );
    let err = text(&o.stderr);
    let line = err.lines().find(|l| l.contains("wrote")).unwrap_or("");
    for f in entries(&tmp.path().join("o")) {
        if f != ".fundgap-output" {
            assert!(line.contains(&f), "{f} missing from: {line}");
        }
    }
    assert!(
        line.contains("report.xlsx") && line.contains("report.html"),
        "{line}"
    );
}

/// A refusal is told in the command's language: a Korean scenario's, or
/// `--lang`'s; the folder is untouched either way.
#[test]
fn a_refusal_is_told_in_the_commands_language() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("cut.py"), "mine").unwrap();
    let korean = scenario("sejong-5-1.toml");
    for args in [
        vec![
            "run",
            korean.as_str(),
            "--trials",
            "50",
            "--out",
            "mine",
            "-q",
        ],
        vec![
            "run", "--trials", "50", "--out", "mine", "-q", "--lang", "ko",
        ],
    ] {
        let o = fundgap(&args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert!(
            err.starts_with("오류: mine에 cut.py이(가) 있습니다 (.fundgap-output 표시가 없어"),
            "{err}"
        );
    }
    let o = fundgap(
        &[
            "run", &korean, "--trials", "50", "--out", "mine", "-q", "--lang", "en",
        ],
        dir.path(),
    );
    assert!(
        text(&o.stderr).starts_with("error: mine holds cut.py"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("cut.py")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
}
