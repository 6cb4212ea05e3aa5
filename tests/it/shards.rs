//! Sharded runs: N processes of `run --shard K/N` (or `stress --shard`)
//! and one `fundgap merge` write byte for byte the files of a single run,
//! for every shipped scenario and for even and uneven splits; and a merge
//! refuses, with a message naming the part and the problem, any set of
//! parts that is not one whole run.

use std::path::{Path, PathBuf};

use crate::common::{fundgap, fundgap_ok, scenario, text};
use fundgap::stats::part;

/// Every file of an output directory, with summary.json's execution
/// fields (elapsed_seconds, threads: the merge adds up the shards') blanked.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let mut bytes = std::fs::read(&p).unwrap();
            if name == "summary.json" {
                let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                json["elapsed_seconds"] = serde_json::Value::Null;
                json["threads"] = serde_json::Value::Null;
                bytes = serde_json::to_vec(&json).unwrap();
            }
            (name, bytes)
        })
        .collect();
    v.sort();
    v
}

/// The files of two output folders are the same, but for how each was
/// made (seconds, threads).
pub(crate) fn assert_same_outputs(single: &Path, merged: &Path, what: &str) {
    let (a, b) = (files(single), files(merged));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{what}: different files");
    assert!(
        a.len() > 3,
        "{what}: too few files to compare: {:?}",
        names(&a)
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{what}: {name} differs");
    }
}

/// Runs `args` + `--shard k/n --out <dir>/part-k` for k = 1..=n, each with
/// its own thread count; returns the part paths (last shard first, so the
/// merge does not get them in order).
pub(crate) fn shards(args: &[&str], n: u64, dir: &Path) -> Vec<String> {
    let mut parts = Vec::new();
    for k in (1..=n).rev() {
        let path = dir.join(format!("part-{k}")).display().to_string();
        let shard = format!("{k}/{n}");
        let threads = if k % 2 == 0 { "1" } else { "2" };
        let mut a = args.to_vec();
        a.extend(["--shard", &shard, "--out", &path, "--threads", threads]);
        fundgap_ok(&a, dir);
        parts.push(path);
    }
    parts
}

pub(crate) fn merge_into(parts: &[String], out: &Path, extra: &[&str], dir: &Path) -> String {
    let mut a = vec!["merge"];
    a.extend(parts.iter().map(String::as_str));
    let out_s = out.display().to_string();
    a.extend(["--out", &out_s, "-q"]);
    a.extend(extra);
    text(&fundgap_ok(&a, dir).stdout)
}

#[test]
fn any_number_of_shards_gives_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = scenario("daejeon-challenge.toml");
    let base = [
        "run",
        s.as_str(),
        "--trials",
        "1003",
        "--seed",
        "5",
        "--confidence",
        "0.8,0.95",
        "--set",
        "economy.inflation.mean=0.03",
        "--no-charts",
        "-q",
    ];
    let single = dir.join("single");
    let mut a = base.to_vec();
    let single_s = single.display().to_string();
    a.extend(["--out", &single_s, "--format", "json"]);
    let printed = text(&fundgap_ok(&a, dir).stdout);
    // 1 (the degenerate split), even and uneven ones, and more shards than
    // a batch of lanes holds trials.
    for n in [1u64, 2, 5, 7] {
        let parts_dir = dir.join(format!("parts-{n}"));
        std::fs::create_dir(&parts_dir).unwrap();
        let parts = shards(&base, n, &parts_dir);
        let merged = dir.join(format!("merged-{n}"));
        let merged_printed = merge_into(&parts, &merged, &["--no-charts", "--format", "json"], dir);
        let blank = |t: &str| {
            let mut v: serde_json::Value = serde_json::from_str(t).unwrap();
            v["elapsed_seconds"] = serde_json::Value::Null;
            v["threads"] = serde_json::Value::Null;
            v
        };
        assert_eq!(blank(&printed), blank(&merged_printed), "{n} shards");
        assert_same_outputs(&single, &merged, &format!("{n} shards"));
    }
}

/// Runs `base` once whole (plus `single_extra`) and in `n` shards merged
/// with `merge_extra`, in `dir`, and checks the two write the same files;
/// returns what each printed.
fn sharded_is_single(
    dir: &Path,
    base: &[&str],
    n: u64,
    single_extra: &[&str],
    merge_extra: &[&str],
) -> (String, String) {
    let mut a = base.to_vec();
    a.extend(single_extra);
    a.extend(["--out", "single"]);
    let printed = text(&fundgap_ok(&a, dir).stdout);
    let parts = shards(base, n, dir);
    let merged = merge_into(&parts, &dir.join("merged"), merge_extra, dir);
    assert_same_outputs(
        &dir.join("single"),
        &dir.join("merged"),
        &format!("{base:?}"),
    );
    (printed, merged)
}

/// Latin hypercube inputs are stratified over the run's whole block of
/// trials, so a shard must draw exactly what the single run draws for its
/// trials: sharded LHS runs merge into the single run too.
#[test]
fn latin_hypercube_runs_shard_too() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario("daejeon-challenge.toml");
    let base = [
        "run",
        &s,
        "--trials",
        "997",
        "--set",
        "scenario.sampling=lhs",
        "--no-charts",
        "-q",
    ];
    sharded_is_single(tmp.path(), &base, 4, &[], &["--no-charts"]);
}

#[test]
fn a_merge_writes_in_the_language_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario("sejong-5-1.toml");
    let base = ["run", s.as_str(), "--trials", "700", "-q"];
    let (printed, merged) =
        sharded_is_single(tmp.path(), &base, 2, &["--lang", "ko"], &["--lang", "ko"]);
    assert_eq!(printed, merged);
    // Korean labels, and money in the Korean unit the amounts call for.
    assert!(printed.contains("서비스"), "{printed}");
    assert!(
        printed.contains("억 원") || printed.contains("백만 원"),
        "{printed}"
    );
    assert!(!printed.contains("KRW million"), "{printed}");
}

#[test]
fn a_sharded_stress_grid_is_the_single_grid() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = scenario("ucity-baseline.toml");
    // 5 years x 3 cuts = 15 cells in 4 shards; then 2 cells in 5 shards
    // (some shards hold none); then a swept grid.
    let grids: [&[&str]; 3] = [
        &["--years", "2026-2030", "--cuts", "0,50,100"],
        &["--years", "2027", "--cuts", "0,100"],
        &["--sweep", "economy.inflation.mean=0,0.02,0.04"],
    ];
    for (i, (grid, n)) in grids.iter().zip([4u64, 5, 2]).enumerate() {
        let mut base = vec!["stress", s.as_str(), "--trials", "200", "-q"];
        base.extend(grid.iter());
        let single = dir.join(format!("single-{i}"));
        let single_s = single.display().to_string();
        let mut a = base.clone();
        a.extend(["--out", &single_s]);
        let printed = text(&fundgap_ok(&a, dir).stdout);
        let parts_dir = dir.join(format!("parts-{i}"));
        std::fs::create_dir(&parts_dir).unwrap();
        let parts = shards(&base, n, &parts_dir);
        let merged = dir.join(format!("merged-{i}"));
        assert_eq!(printed, merge_into(&parts, &merged, &[], dir), "grid {i}");
        assert_same_outputs(&single, &merged, &format!("grid {i}"));
    }
}

/// A part with its header changed (and its checksum made good again): a
/// part another build or another run could have written.
fn rewrite(path: &Path, to: &Path, change: impl Fn(&mut part::PartHeader)) {
    let bytes = std::fs::read(path).unwrap();
    let (mut header, payload) = part::decode(&bytes).unwrap();
    change(&mut header);
    std::fs::write(to, part::encode(&header, payload).unwrap()).unwrap();
}

#[test]
fn a_merge_refuses_parts_that_are_not_one_whole_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = scenario("ucity-baseline.toml");
    let base = ["run", s.as_str(), "--trials", "900", "--seed", "3", "-q"];
    let parts = shards(&base, 3, dir);
    let (p3, p2, p1) = (&parts[0], &parts[1], &parts[2]);
    let other = |extra: &[&str], name: &str| -> String {
        let mut a = vec!["run", s.as_str(), "--trials", "900", "-q"];
        if !extra.contains(&"--seed") {
            a.extend(["--seed", "3"]);
        }
        a.extend(extra);
        a.extend(["--shard", "2/3", "--out", name]);
        fundgap_ok(&a, dir);
        name.to_string()
    };
    let seed = other(&["--seed", "4"], "seed-4");
    let set = other(&["--set", "economy.inflation.mean=0.03"], "set");
    let confidence = other(&["--confidence", "0.8"], "confidence");
    let more_trials = {
        let mut a = vec!["run", s.as_str(), "--trials", "901", "--seed", "3", "-q"];
        a.extend(["--shard", "2/3", "--out", "trials-901"]);
        fundgap_ok(&a, dir);
        "trials-901".to_string()
    };
    let other_scenario = {
        let t = scenario("sejong-5-1.toml");
        let a = ["run", t.as_str(), "--trials", "900", "--seed", "3", "-q"];
        let mut a = a.to_vec();
        a.extend(["--shard", "2/3", "--out", "sejong"]);
        fundgap_ok(&a, dir);
        "sejong".to_string()
    };
    rewrite(Path::new(&dir.join(p2)), &dir.join("version"), |h| {
        h.fundgap_version = "0.0.9".into()
    });
    let damaged = dir.join("damaged");
    let mut bytes = std::fs::read(dir.join(p2)).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&damaged, &bytes).unwrap();
    std::fs::write(dir.join("truncated"), &bytes[..mid]).unwrap();
    let stress = {
        let a = [
            "stress",
            s.as_str(),
            "--trials",
            "50",
            "--years",
            "2027",
            "-q",
        ];
        let mut a = a.to_vec();
        a.extend(["--shard", "2/3", "--out", "stress-part"]);
        fundgap_ok(&a, dir);
        "stress-part".to_string()
    };

    let d = |p: &str| dir.join(p).display().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![d(p1), d(p3)], "missing shard 2/3"),
        (vec![d(p1), d(p2), d(p2), d(p3)], "overlap"),
        (vec![d(p1), d(&seed), d(p3)], "in its seed: 4 against 3"),
        (vec![d(p1), d(&set), d(p3)], "in its overrides"),
        (vec![d(p1), d(&confidence), d(p3)], "in its settings"),
        (vec![d(p1), d(&more_trials), d(p3)], "in its trials"),
        (vec![d(p1), d(&other_scenario), d(p3)], "in its scenario"),
        (vec![d(p1), d("version"), d(p3)], "fundgap version"),
        (vec![d("version"), d(p1), d(p3)], "fundgap version"),
        (vec![d(p1), d("damaged"), d(p3)], "damaged"),
        (vec![d(p1), d("truncated"), d(p3)], "truncated"),
        (
            vec![d(p1), s.clone(), d(p3)],
            "not a fundgap partial aggregate",
        ),
        (vec![d(p1), d(&stress), d(p3)], "in its kind"),
        (vec![d(p1), d("no-such-part"), d(p3)], "no-such-part"),
    ];
    for (i, (parts, expected)) in cases.iter().enumerate() {
        let out = format!("out-{i}");
        let mut a = vec!["merge"];
        a.extend(parts.iter().map(String::as_str));
        a.extend(["--out", &out]);
        let r = fundgap(&a, dir);
        let err = text(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "case {i} ({expected}): {err}");
        assert!(
            err.contains(expected),
            "case {i}: expected {expected:?} in {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(!dir.join(&out).exists(), "case {i} wrote {out}");
    }
    // The three good parts, in any order, do merge.
    let good = [d(p2), d(p3), d(p1)];
    merge_into(&good, &dir.join("good"), &["--no-charts"], dir);
}

#[test]
fn shard_arguments_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = scenario("ucity-baseline.toml");
    for (shard, expected) in [("0/4", "count from 1"), ("5/4", "K/N"), ("two/4", "K/N")] {
        let r = fundgap(&["run", &s, "--shard", shard], dir);
        assert_eq!(r.status.code(), Some(2), "{shard}");
        assert!(text(&r.stderr).contains(expected), "{}", text(&r.stderr));
    }
    let r = fundgap(&["run", &s, "--shard", "1/2", "--precision", "0.01"], dir);
    assert_eq!(r.status.code(), Some(2));
    // The default part path, and the hint to merge.
    let r = fundgap_ok(&["run", &s, "--trials", "100", "--shard", "2/2"], dir);
    assert!(dir.join("output/ucity-baseline.part-2-of-2").is_file());
    assert!(
        text(&r.stderr).contains("fundgap merge"),
        "{}",
        text(&r.stderr)
    );
    // A directory is not a part file.
    std::fs::create_dir(dir.join("a-dir")).unwrap();
    let r = fundgap(
        &[
            "run", &s, "--trials", "100", "--shard", "1/2", "--out", "a-dir",
        ],
        dir,
    );
    assert_eq!(r.status.code(), Some(2), "{}", text(&r.stderr));
    let _: PathBuf = dir.join("a-dir");
}
