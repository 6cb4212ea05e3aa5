//! Helpers shared by the end-to-end tests (each test crate uses a subset).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `fundgap` binary in `dir`, independent of the caller's
/// RAYON_NUM_THREADS.
pub fn fundgap(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fundgap"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAYON_NUM_THREADS")
        .output()
        .expect("run fundgap")
}

/// [`fundgap`], failing the test unless it succeeds.
pub fn fundgap_ok(args: &[&str], dir: &Path) -> Output {
    let out = fundgap(args, dir);
    assert!(
        out.status.success(),
        "fundgap {args:?}: {}",
        text(&out.stderr)
    );
    out
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// Path of a shipped scenario.
pub fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .display()
        .to_string()
}

/// Every `.toml` in `scenarios/`, sorted: a new file is tested without
/// being listed anywhere.
pub fn shipped_scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    // The back-test's case files live in scenarios/backtest/.
    let mut v: Vec<PathBuf> = [dir.clone(), dir.join("backtest")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

/// Trial 0 of `m`, which must be finite.
pub fn one_trial(m: &fundgap::model::Model) -> fundgap::engine::Scratch {
    let mut s = fundgap::engine::Scratch::new(m);
    fundgap::engine::Engine::new(m).simulate(0, &mut s);
    assert!(s.fault.is_none());
    s
}

/// The report of a whole run of `m`.
pub fn report_of(m: &fundgap::model::Model) -> fundgap::stats::Report {
    let engine = fundgap::engine::Engine::new(m);
    fundgap::stats::Report::new(m, &fundgap::stats::run_all(&engine))
}

/// Decodes a PNG; returns (width, height, share of non-white pixels).
pub fn png_stats(path: &Path) -> (u32, u32, f64) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let bytes = &buf[..info.buffer_size()];
    let ink = bytes
        .chunks(px)
        .filter(|p| p.iter().take(3).any(|&c| c < 235))
        .count();
    (
        info.width,
        info.height,
        ink as f64 / (info.width * info.height) as f64,
    )
}

/// Sends Ctrl-C (SIGINT) to `child` and waits for it to end.
#[cfg(unix)]
pub fn interrupt(child: std::process::Child) -> Output {
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    child.wait_with_output().expect("wait for fundgap")
}

/// Names of a folder's entries, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    v.sort();
    v
}

/// Every entry of a folder with its bytes, sorted by name.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    entries(dir)
        .into_iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).expect("read a file");
            (n, bytes)
        })
        .collect()
}

/// The hidden staging folders (or part files) left in `dir`.
pub fn staging_leftovers(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| n.contains("fundgap-tmp"))
        .collect()
}
