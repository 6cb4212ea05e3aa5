//! The grant rules of Korean public finance (scenarios/README.md,
//! docs/sources.md), each pinned on a scenario small enough to compute by
//! hand: a grant pays no more than its decided amount (교부결정액), its
//! unspent money goes back at year end whatever `carry_surplus` says
//! (집행잔액 반납), and a clawback repays with its additional charge.

use fundgap::engine::Row;
use fundgap::model::{FundingKind, Model};
use fundgap::scenario::parse_str;

use crate::common::{fundgap_ok, one_trial, report_of, text};

/// Cost 100 a year (construction 1,000 x 0.1) for ten years from 2025,
/// with `funding` (TOML of [[service.funding]] tables and service keys).
fn model(service_keys: &str, funding: &str) -> Model {
    let text = format!(
        "[scenario]\nname = \"grants\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 1\nseed = 3\n\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n{service_keys}\n{funding}"
    );
    parse_str(&text, "grants.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Half the year's cost, decided at 40 a year: 40 is paid, not 50; a cap
/// above the share changes nothing; an amount above its cap is cut to it.
#[test]
fn a_grant_pays_no_more_than_its_decided_amount() {
    let paid = |grant: &str| {
        let m = model(
            "",
            &format!("[[service.funding]]\nkind = \"grant\"\nname = \"national\"\n{grant}\n"),
        );
        one_trial(&m).kind_row(0, FundingKind::Grant)[4]
    };
    assert_eq!(paid("share_of_cost = 0.5"), 50.0);
    assert_eq!(paid("share_of_cost = 0.5\ncap = 40"), 40.0);
    assert_eq!(paid("share_of_cost = 0.5\ncap = 80"), 50.0);
    assert_eq!(paid("amount = 120\ncap = 90"), 90.0);
}

/// A grant of 150 a year to 2029 (no match: rate 100%) and a city budget
/// of 30 every year, on a cost of 100, with `carry_surplus = true`: at
/// settlement the grant keeps the year's cost, so 50 of it goes back each
/// year and only the city's 30 is saved. The
/// reserve holds 150 when the grant ends and pays 70, 70 and 10 of the
/// 70-a-year shortfalls after it: gaps of 60, 70 and 70 in 2032-2034
/// (banking the grant's 50 too would have left none).
#[test]
fn unspent_grant_money_goes_back_and_only_the_citys_own_is_carried() {
    let m = model(
        "carry_surplus = true",
        "[[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 150\nto = 2029\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 30\n",
    );
    let s = one_trial(&m);
    assert_eq!(
        s.row(Row::Gap, 0),
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 60.0, 70.0, 70.0]
    );
    assert_eq!(
        s.kind_row(0, FundingKind::Reserve),
        [0.0, 0.0, 0.0, 0.0, 0.0, 70.0, 70.0, 10.0, 0.0, 0.0]
    );
    assert_eq!(
        &s.kind_row(0, FundingKind::Grant)[..6],
        [100.0, 100.0, 100.0, 100.0, 100.0, 0.0]
    );
    let o = s.outcome[0];
    assert_eq!(o.grant_returned, 250.0);
    // Kept grant money: 100 a year for five years; all money kept: the
    // streams' 1,050 and the reserve's 150, less the 250 returned.
    assert_eq!((o.grant, o.received), (500.0, 950.0));
    let r = report_of(&m);
    let e = r.entity("s").unwrap();
    assert_eq!(e.grant_returned_mean, 250.0);
    assert!((e.grant_share - 500.0 / 950.0).abs() < 1e-12);
}

/// A 1:1 matched grant (rate 50%) of 60 beside a city budget of 70 on a
/// cost of 100: at settlement the grant keeps half the cost, 50, and
/// returns 10 a year; the city's own 20 left over is what a reserve may
/// save.
#[test]
fn a_matched_grant_keeps_its_rate_of_the_actual_cost() {
    let m = model(
        "carry_surplus = true",
        "[[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 60\n\
         match_share = 1.0\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 70\n",
    );
    let s = one_trial(&m);
    assert_eq!(s.kind_row(0, FundingKind::Grant), [50.0; 10]);
    assert_eq!(s.outcome[0].grant_returned, 100.0);
    assert_eq!(s.row(Row::Gap, 0), [0.0; 10]);
    assert_eq!(s.outcome[0].received, 1200.0);
}

/// The same money with the surplus lapsing: the grant's unspent 50 goes
/// back all the same (it is reported), the city's 30 lapses.
#[test]
fn unspent_grant_money_goes_back_when_the_surplus_lapses_too() {
    let m = model(
        "",
        "[[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 150\nto = 2029\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 30\n",
    );
    let s = one_trial(&m);
    assert_eq!(s.outcome[0].grant_returned, 250.0);
    assert_eq!(&s.row(Row::Gap, 0)[5..], [70.0; 5]);
}

/// A clawback with a 25% additional charge: cost 200 a year, a 1:1 grant
/// of 100 and a city budget of 100 to 2026. In 2027 the city cannot match:
/// it pays the year's 200 and returns the 200 received plus 50.
#[test]
fn a_clawback_repays_with_its_additional_charge() {
    let text = "[scenario]\nname = \"c\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 1\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 2000\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 100\n\
         match_share = 1.0\nunmatched = \"clawback\"\nclawback_charge = 0.25\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\nto = 2026\n";
    let m = parse_str(text, "c.toml").unwrap();
    let s = one_trial(&m);
    assert_eq!(&s.row(Row::Gap, 0)[..4], [0.0, 0.0, 450.0, 200.0]);
    assert_eq!(s.kind_row(0, FundingKind::Grant)[2], -250.0);
}

/// A charge on a grant that is never paid back is refused, naming the key;
/// `check` says when a share-of-cost grant has no decided amount.
#[test]
fn grant_rules_are_checked_and_assumptions_said() {
    let bad = "[scenario]\nname = \"c\"\nstart_year = 2025\nhorizon_years = 5\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 100\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 10\n\
         clawback_charge = 0.1\n";
    let e = parse_str(bad, "c.toml").unwrap_err().to_string();
    assert!(
        e.contains("clawback_charge") && e.contains("unmatched"),
        "{e}"
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.toml");
    std::fs::write(
        &path,
        "[scenario]\nname = \"g\"\nstart_year = 2025\nhorizon_years = 5\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 100\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"open\"\nshare_of_cost = 0.5\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"decided\"\nshare_of_cost = 0.5\ncap = 4\n",
    )
    .unwrap();
    let out = text(&fundgap_ok(&["check", path.to_str().unwrap()], dir.path()).stdout);
    assert!(out.contains("no decided amount"), "{out}");
    assert!(out.contains("at most 4 a year (decided amount)"), "{out}");
}

/// The money returned is in every output: the terminal says it, horizon.csv
/// and summary.json carry `grant_returned_mean`, the workbook a column.
#[test]
fn returned_grant_money_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.toml");
    std::fs::write(
        &path,
        "[scenario]\nname = \"r\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 3\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\ncarry_surplus = true\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 150\nto = 2029\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 30\n",
    )
    .unwrap();
    let out = fundgap_ok(
        &[
            "run",
            path.to_str().unwrap(),
            "-q",
            "--no-charts",
            "--out",
            "o",
        ],
        dir.path(),
    );
    let printed = text(&out.stdout);
    assert!(
        printed.contains("s: 250 KRW million of grant money returned unspent"),
        "{printed}"
    );
    let csv = std::fs::read_to_string(dir.path().join("o/horizon.csv")).unwrap();
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = head
        .iter()
        .position(|c| *c == "grant_returned_mean")
        .unwrap();
    let s: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(s[col], "250");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["services"][0]["grant_returned_mean"], 250.0);
}

/// Two grants of 100 on a cost of 100: together they keep the cost, the
/// second returns all it pays; with the surplus carried, no national money
/// is saved, so the years after them run short.
#[test]
fn grants_together_keep_no_more_than_the_cost() {
    let m = model(
        "carry_surplus = true",
        "[[service.funding]]\nkind = \"grant\"\nname = \"first\"\namount = 100\nto = 2027\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"second\"\namount = 100\nto = 2027\n",
    );
    let s = one_trial(&m);
    assert_eq!(
        &s.kind_row(0, FundingKind::Grant)[..4],
        [100.0, 100.0, 100.0, 0.0]
    );
    assert_eq!(s.outcome[0].grant_returned, 300.0);
    assert_eq!(&s.row(Row::Gap, 0)[3..6], [100.0; 3]);
}

/// After the service stops, its grant pays nothing and returns nothing:
/// a grant of 150 on a cost of 100 returns 50 a year until a decided stop
/// in 2027, 100 in all.
#[test]
fn returned_grant_money_stops_with_the_service() {
    let m = model(
        "[service.decision]\nyear = 2027\nstop = 1.0\nsource = \"x\"",
        "[[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 150\nto = 2029\n",
    );
    assert_eq!(one_trial(&m).outcome[0].grant_returned, 100.0);
}

/// A province's grant (시·도비) pays as any grant: the state's 60 and the
/// province's 50 together keep at most the year's cost of 100, the
/// province's grant (later in the file) settling for the 40 left. The
/// plan lists 국비 and 시·도비 apart, in the page and the workbook too.
#[test]
fn a_provinces_grant_settles_as_a_grant_and_the_plan_lists_it_apart() {
    let funding = "[[service.funding]]\nkind = \"grant\"\nname = \"state\"\namount = 60\n\
                   [[service.funding]]\nkind = \"grant\"\nname = \"province\"\npayer = \"province\"\namount = 50\n";
    let m = model("", funding);
    let s = one_trial(&m);
    assert_eq!(s.kind_row(0, FundingKind::Grant)[4], 100.0);
    assert_eq!(s.row(Row::Province, 0)[4], 40.0);

    let dir = tempfile::tempdir().unwrap();
    let scenario = format!(
        "[scenario]\nname = \"grants\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 50\nseed = 3\n\
         lang = \"ko\"\ncurrency = \"KRW\"\nunit = \"million\"\n\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n{funding}"
    );
    std::fs::write(dir.path().join("p.toml"), scenario).unwrap();
    fundgap_ok(
        &["run", "p.toml", "-q", "--from", "2026", "--out", "o"],
        dir.path(),
    );
    let plan = std::fs::read_to_string(dir.path().join("o/plan.csv")).unwrap();
    let mut lines = plan.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("entity,year,national,provincial,local,"),
        "{header}"
    );
    let s2026 = lines.find(|l| l.starts_with("s,2026,")).unwrap();
    assert!(s2026.starts_with("s,2026,60,40,0,"), "{s2026}");
    let page = std::fs::read_to_string(dir.path().join("o/report.html")).unwrap();
    assert!(page.contains("국비") && page.contains("시·도비"));
    let check = fundgap_ok(&["check", "p.toml"], dir.path());
    assert!(
        text(&check.stdout).contains("시·도비"),
        "{}",
        text(&check.stdout)
    );
}
