//! Never a panic, never a torn output, never a nonsense exit 0: the ways a
//! user or the machine can break a run, each with the outcome it must have.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{fundgap, scenario, text};

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
