//! `--set` with a `*` over services and lines: the same as one `--set`
//! per element, in order; a `*` that matches nothing is an error naming
//! what exists; the run's record keeps the override as written; an
//! amount written as text is refused with the number it stands for.

use std::path::Path;

use crate::common::*;

/// Two services with budget lines, one of them with a second stream, and
/// a service with no funding at all.
const SCENARIO: &str = "[scenario]\nname = \"wild\"\nstart_year = 2025\nhorizon_years = 5\ntrials = 400\nseed = 7\n\
    [[service]]\nid = \"a\"\nname = \"A\"\nconstruction_cost = 100\n\
    opex_ratio = { dist = \"normal\", mean = 0.1, sd = 0.02 }\n\
    [[service.funding]]\nkind = \"budget\"\nname = \"city budget\"\namount = 9\nvolatility = 0.1\n\
    [[service.funding]]\nkind = \"budget\"\nname = \"province budget\"\namount = 1\nvolatility = 0.1\n\
    [[service]]\nid = \"b\"\nname = \"B\"\nconstruction_cost = 80\n\
    opex_ratio = { dist = \"normal\", mean = 0.12, sd = 0.02 }\n\
    [[service.funding]]\nkind = \"budget\"\nname = \"city budget\"\namount = 8\nvolatility = 0.1\n\
    [[service]]\nid = \"c\"\nname = \"C\"\nconstruction_cost = 10\nopex_ratio = 0.05\n";

/// Runs the scenario with `sets`; returns yearly.csv and horizon.csv.
fn tables(dir: &Path, out: &str, sets: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let mut args = vec![
        "run",
        "s.toml",
        "-q",
        "--no-charts",
        "--no-html",
        "--no-xlsx",
        "--out",
        out,
    ];
    for s in sets {
        args.extend(["--set", s]);
    }
    fundgap_ok(&args, dir);
    let read = |f: &str| std::fs::read(dir.join(out).join(f)).unwrap();
    (read("yearly.csv"), read("horizon.csv"))
}

fn setup() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), SCENARIO).unwrap();
    tmp
}

/// A wildcard gives bit for bit what the explicit list gives, and it
/// changes something (it reached every element).
#[test]
fn a_wildcard_equals_the_explicit_list() {
    let tmp = setup();
    let d = tmp.path();
    let none = tables(d, "none", &[]);
    let wild = tables(d, "wild", &["service.*.funding.*.amount=20"]);
    let explicit = tables(
        d,
        "explicit",
        &[
            "service.a.funding.city-budget.amount=20",
            "service.a.funding.province-budget.amount=20",
            "service.b.funding.city-budget.amount=20",
        ],
    );
    assert_eq!(wild, explicit);
    assert_ne!(wild, none);
    // A wildcard over one level only, the other named.
    let one = tables(d, "one", &["service.a.funding.*.amount=20"]);
    let listed = tables(
        d,
        "listed",
        &[
            "service.a.funding.city-budget.amount=20",
            "service.a.funding.province-budget.amount=20",
        ],
    );
    assert_eq!(one, listed);
    let ratio = tables(d, "ratio", &["service.*.opex_ratio=0.3"]);
    let each = tables(
        d,
        "each",
        &[
            "service.a.opex_ratio=0.3",
            "service.b.opex_ratio=0.3",
            "service.c.opex_ratio=0.3",
        ],
    );
    assert_eq!(ratio, each);
    // The record keeps the override as the user wrote it.
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("wild/summary.json")).unwrap()).unwrap();
    assert_eq!(
        v["scenario"]["overrides"][0],
        "service.*.funding.*.amount=20"
    );
}

/// Overrides apply in order: an explicit key after a wildcard wins for
/// its element; a wildcard after it replaces it.
#[test]
fn later_overrides_win() {
    let tmp = setup();
    let d = tmp.path();
    let wild_then_one = tables(
        d,
        "w1",
        &["service.*.opex_ratio=0.3", "service.a.opex_ratio=0.5"],
    );
    let same = tables(
        d,
        "w2",
        &[
            "service.a.opex_ratio=0.5",
            "service.b.opex_ratio=0.3",
            "service.c.opex_ratio=0.3",
        ],
    );
    assert_eq!(wild_then_one, same);
    let one_then_wild = tables(
        d,
        "w3",
        &["service.a.opex_ratio=0.5", "service.*.opex_ratio=0.3"],
    );
    let all = tables(d, "w4", &["service.*.opex_ratio=0.3"]);
    assert_eq!(one_then_wild, all);
}

/// A `*` that matches nothing is an error naming the path and what
/// exists; a misspelt name keeps its "did you mean".
#[test]
fn a_wildcard_matching_nothing_is_an_error() {
    let tmp = setup();
    let d = tmp.path();
    let o = fundgap(
        &["check", "s.toml", "--set", "service.c.funding.*.amount=1"],
        d,
    );
    assert!(!o.status.success());
    let e = text(&o.stderr);
    assert!(
        e.contains("service.c.funding.*.amount")
            && e.contains("matches nothing")
            && e.contains("service.a.funding.*")
            && e.contains("service.b.funding.*"),
        "{e}"
    );
    let o = fundgap(
        &["check", "s.toml", "--set", "service.*.benefit.*.amount=1"],
        d,
    );
    let e = text(&o.stderr);
    assert!(
        !o.status.success() && e.contains("matches nothing") && e.contains("no service has"),
        "{e}"
    );
    let o = fundgap(
        &[
            "check",
            "s.toml",
            "--set",
            "service.*.funding.city-budgte.amount=1",
        ],
        d,
    );
    let e = text(&o.stderr);
    assert!(
        !o.status.success() && e.contains("did you mean \"city-budget\""),
        "{e}"
    );
    let o = fundgap(
        &["check", "s.toml", "--set", "service.x.funding.*.amount=1"],
        d,
    );
    let e = text(&o.stderr);
    assert!(!o.status.success() && e.contains("did you mean"), "{e}");
}

/// An amount typed as a budget document writes it ("5억", "1,000") is
/// refused with the plain number it stands for in the scenario's unit.
#[test]
fn an_amount_written_in_korean_units_is_refused_with_its_number() {
    let tmp = setup();
    let d = tmp.path();
    for (value, meant) in [
        ("5억", "did you mean 500?"),
        ("1,000", "did you mean 1000?"),
    ] {
        let set = format!("service.a.funding.city-budget.amount={value}");
        let o = fundgap(&["check", "s.toml", "--set", &set], d);
        let e = text(&o.stderr);
        assert!(!o.status.success() && e.contains(meant), "{e}");
    }
}

/// `--variant NAME` runs a file's `[[variant]]` as the same `--set`s
/// would: the same tables byte for byte, and the run's record holds the
/// overrides, so it can be made again without the variant table. A file
/// with variants run without one says they were left aside; a name no
/// variant has is refused with the names there are.
#[test]
fn a_variant_runs_as_its_sets_would() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario("revenue-models.toml");
    let run = |extra: &[&str], out: &str| {
        let mut args = vec![
            "run",
            file.as_str(),
            "--trials",
            "2000",
            "--no-charts",
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        let o = fundgap(&args, dir.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stderr)
    };
    let said = run(&["--variant", "user-fees"], "v");
    assert!(!said.contains("left aside"), "{said}");
    run(
        &[
            "--set",
            "service.smart-parking.funding.parking-fees.price=0.00096",
            "--set",
            "service.smart-parking.funding.city-budget.amount={ dist = \"normal\", mean = 300, sd = 40 }",
        ],
        "s",
    );
    for table in ["yearly.csv", "horizon.csv", "plan.csv"] {
        let (v, s) = (
            dir.path().join("v").join(table),
            dir.path().join("s").join(table),
        );
        assert_eq!(
            std::fs::read(v).unwrap(),
            std::fs::read(s).unwrap(),
            "{table}"
        );
    }
    let summary = std::fs::read_to_string(dir.path().join("v/summary.json")).unwrap();
    assert!(summary.contains("parking-fees.price=0.00096"), "{summary}");
    let plain = run(&[], "p");
    assert!(plain.contains("has 4 [[variant]]s, left aside"), "{plain}");
    let o = fundgap(&["run", &file, "--variant", "user-fee"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("no variant named \"user-fee\"") && err.contains("user-fees"),
        "{err}"
    );
    let o = fundgap(&["compare", &file, "--variant", "user-fees"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

/// An override that clashes with a key of the file is told at the
/// override, not at the file's line, which was fine alone.
#[test]
fn a_clash_made_by_an_override_is_told_at_the_override() {
    let dir = tempfile::tempdir().unwrap();
    let o = fundgap(
        &[
            "check",
            &scenario("ucity-baseline.toml"),
            "--set",
            "service.cctv-safety.funding.*.amount=10",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "--set service.cctv-safety.funding.*.amount=10: `service[2].funding[1].amount`"
        ),
        "{err}"
    );
    assert!(err.contains("already has `share_of_cost`"), "{err}");
    assert!(!err.contains("ucity-baseline.toml:"), "{err}");
}
