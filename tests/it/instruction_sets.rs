//! The vector kernels compute the same bits on every instruction set: a
//! run on the best one this CPU has (AVX-512, AVX2 or NEON) writes exactly
//! the files a run forced onto the portable baseline writes
//! (`FUNDGAP_SIMD=portable`), for every shipped scenario, charts included.

use std::path::Path;
use std::process::Command;

use crate::common::text;

/// Runs `fundgap run SCENARIO` into `out`, on the portable path or not.
fn run(scenario: &Path, out: &Path, portable: bool) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fundgap"));
    cmd.arg("run")
        .arg(scenario)
        .args(["--quiet", "--trials", "3000", "--seed", "7", "--out"])
        .arg(out)
        .env_remove("RAYON_NUM_THREADS");
    if portable {
        cmd.env("FUNDGAP_SIMD", "portable");
    } else {
        cmd.env_remove("FUNDGAP_SIMD");
    }
    let o = cmd.output().expect("run fundgap");
    assert!(
        o.status.success(),
        "{}: {}",
        scenario.display(),
        text(&o.stderr)
    );
}

/// Every file under `dir`, by relative path, with `summary.json`'s timing
/// (the one field allowed to differ) removed.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let mut bytes = std::fs::read(&p).unwrap();
        if name == "summary.json" {
            let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            v.as_object_mut().unwrap().remove("elapsed_seconds");
            bytes = v.to_string().into_bytes();
        }
        out.push((name, bytes));
    }
    out.sort();
    out
}

#[test]
fn the_vector_path_writes_what_the_portable_path_writes() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut scenarios: Vec<_> = std::fs::read_dir(&shipped)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 5, "the shipped scenarios");
    for s in &scenarios {
        let name = s.file_stem().unwrap().to_string_lossy().to_string();
        let (fast, portable) = (
            dir.path().join(format!("{name}-fast")),
            dir.path().join(format!("{name}-portable")),
        );
        run(s, &fast, false);
        run(s, &portable, true);
        let (a, b) = (files(&fast), files(&portable));
        assert_eq!(
            a.iter().map(|f| &f.0).collect::<Vec<_>>(),
            b.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for ((n, x), (_, y)) in a.iter().zip(&b) {
            assert!(
                x == y,
                "{name}: {n} differs between the vector and the portable path"
            );
        }
    }
}
