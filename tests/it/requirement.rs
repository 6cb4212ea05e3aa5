//! The funding requirement (`topup_p<conf>`, `reserve_p<conf>` in
//! horizon.csv), checked two ways: against a closed form, and by brute
//! force — adding the reported top-up (or reserve) to the scenario with
//! `--set` and re-running the same trials, which must then be gap-free in
//! at least the promised share, while a little less must not be.

use std::collections::HashMap;
use std::path::Path;

use crate::common::fundgap_ok;

/// horizon.csv's rows by service id, as column -> value.
fn horizon(dir: &Path, out: &str) -> HashMap<String, HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join(out).join("horizon.csv")).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let row: HashMap<String, String> = head
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect();
            (row["service"].clone(), row)
        })
        .collect()
}

fn num(row: &HashMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col}: {:?}", row[col]))
}

fn run(
    dir: &Path,
    file: &str,
    out: &str,
    extra: &[&str],
) -> HashMap<String, HashMap<String, String>> {
    let mut args = vec![
        "run",
        file,
        "-q",
        "--no-charts",
        "--no-xlsx",
        "--no-html",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    fundgap_ok(&args, dir);
    horizon(dir, out)
}

/// Cost 100 a year (construction 1000 x ratio 0.1, no noise, no
/// inflation); one budget drawn once per trial from U(60, 100). Each year
/// is short by 100 - m, so a trial needs a top-up of max(0, 100 - m) or a
/// reserve of 10 x that: the q-quantile of the top-up is 40 q, of the
/// reserve 400 q. The estimates must lie within 4 standard errors (of a
/// quantile: sqrt(q (1 - q) / n) / density) plus one sketch bucket
/// (1/64), and the 95% intervals must hold the truth.
#[test]
fn the_requirement_matches_its_closed_form() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for carry in [false, true] {
        let text = format!(
            "[scenario]\nname = \"closed form\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 20000\nseed = 3\n\
             [economy]\ninflation = 0\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\ncarry_surplus = {carry}\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city budget\"\n\
             amount = {{ dist = \"uniform\", min = 60, max = 100 }}\n"
        );
        std::fs::write(d.join("c.toml"), text).unwrap();
        let rows = run(d, "c.toml", "c", &["--confidence", "0.5,0.8,0.9"]);
        let s = &rows["s"];
        for q in [0.5, 0.8, 0.9] {
            let p = format!("p{}", (q * 100.0_f64).round());
            // Density of the top-up at its quantile: 1/40 (of the reserve: 1/400).
            for (what, scale) in [("topup", 40.0), ("reserve", 400.0)] {
                let truth = scale * q;
                let se = (q * (1.0 - q) / 20_000.0).sqrt() * scale;
                let est = num(s, &format!("{what}_{p}"));
                assert!(
                    (est - truth).abs() <= 4.0 * se + truth / 64.0,
                    "carry {carry}: {what}_{p} = {est}, closed form {truth} (se {se:.3})"
                );
                let (lo, hi) = (
                    num(s, &format!("{what}_{p}_lo")),
                    num(s, &format!("{what}_{p}_hi")),
                );
                assert!(
                    lo <= truth && truth <= hi * (1.0 + 1.0 / 64.0),
                    "carry {carry}: {what}_{p} interval [{lo}, {hi}] misses {truth}"
                );
            }
        }
    }
}

/// A service with everything that moves the balance (grants that end or
/// are withdrawn, a noisy budget, an opening reserve, materiality, a stop
/// rule; surplus carried or not) and a top-up stream that pays nothing
/// until `--set` gives it the reported top-up. With it, at least the
/// promised share of the same trials is gap-free; with a bucket less, not.
#[test]
fn the_reported_requirement_closes_the_gaps_it_promises_to() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut text = String::from(
        "[scenario]\nname = \"brute force\"\nstart_year = 2025\nhorizon_years = 12\ntrials = 4000\nseed = 5\n\
         materiality_share = 0.03\n[economy]\ninflation = 0\n",
    );
    for (id, carry) in [("kept", true), ("lapsed", false)] {
        text.push_str(&format!(
            "[[service]]\nid = \"{id}\"\nconstruction_cost = {{ dist = \"pert\", min = 900, mode = 1000, max = 1300 }}\n\
             opex_ratio = {{ dist = \"lognormal\", mean = 0.15, sd = 0.04 }}\nvolatility = 0.08\n\
             carry_surplus = {carry}\nstop_after_gap_years = 2\n\
             [[service.funding]]\nkind = \"grant\"\nname = \"national subsidy\"\nshare_of_cost = 0.5\nto = 2027\nwithdrawal_hazard = 0.05\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city budget\"\namount = {{ dist = \"normal\", mean = 100, sd = 15 }}\nvolatility = 0.05\n\
             [[service.funding]]\nkind = \"reserve\"\nname = \"reserve\"\nbalance = 50\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"top-up\"\namount = 0\n"
        ));
    }
    std::fs::write(d.join("b.toml"), text).unwrap();
    let base = run(d, "b.toml", "base", &["--confidence", "0.8,0.9"]);
    let mut checked = 0;
    for id in ["kept", "lapsed"] {
        assert!(
            num(&base[id], "p_any_gap") > 0.3,
            "{id}: too few gaps to test"
        );
        for (q, p) in [(0.8, "p80"), (0.9, "p90")] {
            for (what, key, opening) in [
                ("topup", "top-up.amount", 0.0),
                ("reserve", "reserve.balance", 50.0),
            ] {
                let need = num(&base[id], &format!("{what}_{p}"));
                let gaps_with = |amount: f64| {
                    let set = format!("service.{id}.funding.{key}={}", opening + amount);
                    let out = format!("{id}-{what}-{p}-{amount}");
                    num(&run(d, "b.toml", &out, &["--set", &set])[id], "p_any_gap")
                };
                let with = gaps_with(need);
                assert!(
                    with <= 1.0 - q + 1e-12,
                    "{id}: with {what} {need}, P(any gap) {with} > {}",
                    1.0 - q
                );
                // Below the bottom of the bucket the reported figure tops.
                let less = need / (1.0 + 1.0 / 64.0) * (1.0 - 1e-9);
                let without = gaps_with(less);
                assert!(
                    without > 1.0 - q,
                    "{id}: {what} {less} (less than {need}) already keeps P(any gap) at {without}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 8);
}

/// A Korean report in 백만 원 keeps 백만 원 in its funding-requirement
/// table (it used to switch to 억 원 for that one table, under a header
/// saying 백만 원), and `check` names the file's unit in Korean.
#[test]
fn a_korean_report_keeps_one_unit_and_check_names_it_in_korean() {
    let dir = tempfile::tempdir().unwrap();
    let incheon = crate::common::scenario("incheon-challenge.toml");
    let out = fundgap_ok(
        &[
            "run",
            &incheon,
            "--trials",
            "2000",
            "--no-charts",
            "--no-xlsx",
            "--no-html",
            "--out",
            "o",
        ],
        dir.path(),
    );
    let table = crate::common::text(&out.stdout);
    assert!(table.contains("금액 단위 백만 원"), "{table}");
    assert!(
        table.contains("P90 연간 추가 예산, 백만 원") && !table.contains("억 원"),
        "{table}"
    );
    let daejeon = crate::common::scenario("daejeon-challenge.toml");
    let out = fundgap_ok(&["check", &daejeon, "--lang", "ko"], dir.path());
    let said = crate::common::text(&out.stdout);
    assert!(
        said.contains("금액 단위 백만 원") && !said.contains("KRW million"),
        "{said}"
    );
}
