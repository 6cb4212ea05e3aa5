//! A city budget decided the Korean way: appropriated before each year on
//! the year before's settled cost (예산 편성 on 결산), with a supplementary
//! budget (추경) for an in-year overrun. Each rule pinned on a scenario
//! small enough to compute by hand, and the supplementary budget's chance
//! against its closed form within stated standard errors.

use fundgap::engine::Row;
use fundgap::model::FundingKind;
use fundgap::scenario::parse_str;

use crate::common::{one_trial, report_of};

/// Cost 100 a year from 2025 (construction 1,000 x 0.1), escalated at a
/// fixed 3% a year, for ten years; `budget` the keys of a city budget line.
fn model(budget: &str, trials: u64) -> fundgap::model::Model {
    let text = format!(
        "[scenario]\nname = \"a\"\nstart_year = 2025\nhorizon_years = 10\ntrials = {trials}\nseed = 5\n\
         [economy]\ninflation = 0.03\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\n{budget}\n"
    );
    parse_str(&text, "a.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Raised by the expected price change, last year's settled cost pays
/// this year's: no gap, and each year's appropriation is the year's cost.
/// Without the raise, every year after the first falls short by the
/// year's price change, 3% of last year's cost: a gap each year.
#[test]
fn an_appropriation_follows_last_years_settled_cost() {
    let s = one_trial(&model(
        "amount = 100\nfollows = \"settled\"\ngrowth = 0.03",
        1,
    ));
    let (cost, paid) = (s.row(Row::Cost, 0), s.kind_row(0, FundingKind::Budget));
    for t in 0..10 {
        assert!((paid[t] - cost[t]).abs() < 1e-9 * cost[t], "{t}");
    }
    assert!(s.row(Row::Gap, 0).iter().all(|g| *g == 0.0));

    let s = one_trial(&model("amount = 100\nfollows = \"settled\"", 1));
    let (cost, gap) = (s.row(Row::Cost, 0), s.row(Row::Gap, 0));
    assert_eq!(gap[0], 0.0);
    for t in 1..10 {
        let short = cost[t] - cost[t - 1];
        assert!((gap[t] - short).abs() < 1e-9, "{t}: {} vs {short}", gap[t]);
    }
}

/// A policy share: half of last year's settled cost, the grant paying the
/// other half of this year's; a supplementary budget certain and large
/// enough closes the overrun, one capped at 1% of the appropriation
/// closes a third of it.
#[test]
fn policy_share_and_supplementary_budget() {
    let grant =
        "\n[[service.funding]]\nkind = \"grant\"\nname = \"national\"\nshare_of_cost = 0.5\n";
    let half = |extra: &str| {
        one_trial(&model(
            &format!("amount = 50\nfollows = \"settled\"\npolicy = 0.5\n{extra}{grant}"),
            1,
        ))
    };
    let s = half("");
    let (cost, gap) = (s.row(Row::Cost, 0), s.row(Row::Gap, 0));
    for t in 1..10 {
        let short = 0.5 * (cost[t] - cost[t - 1]);
        assert!((gap[t] - short).abs() < 1e-9, "{t}");
    }
    let s = half("supplementary = 1.0\nsupplementary_cap = 0.1\n");
    assert!(s.row(Row::Gap, 0).iter().all(|g| *g == 0.0));
    let s = half("supplementary = 1.0\nsupplementary_cap = 0.01\n");
    let (cost, gap) = (s.row(Row::Cost, 0), s.row(Row::Gap, 0));
    for t in 1..10 {
        // The overrun is 3% of the appropriation; 1% of it is met.
        let appropriated = 0.5 * cost[t - 1] * 1.0;
        let short = 0.5 * (cost[t] - cost[t - 1]) - 0.01 * appropriated;
        assert!((gap[t] - short).abs() < 1e-9, "{t}: {} vs {short}", gap[t]);
    }
}

/// A supplementary budget granted with chance 0.4 a year: P(gap) in each
/// year after the first is 0.6, within four standard errors of 20,000
/// trials (sd of a proportion: sqrt(0.24 / 20,000) = 0.0035).
#[test]
fn the_supplementary_budget_comes_with_its_stated_chance() {
    let n = 20_000;
    let m = model(
        "amount = 100\nfollows = \"settled\"\nsupplementary = 0.4\nsupplementary_cap = 0.1",
        n,
    );
    let r = report_of(&m);
    let se = (0.24f64 / n as f64).sqrt();
    let y = &r.entity("s").unwrap().yearly;
    assert_eq!(y[0].p_gap.estimate, 0.0);
    for t in [1, 5, 9] {
        let p = y[t].p_gap.estimate;
        assert!((p - 0.6).abs() < 4.0 * se, "year {t}: {p}");
    }
}

/// Keys of the other form are refused, naming what they belong to.
#[test]
fn appropriation_keys_are_checked() {
    let err = |budget: &str| {
        let text = format!(
            "[scenario]\nname = \"a\"\nstart_year = 2025\nhorizon_years = 5\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 100\nopex_ratio = 0.1\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 10\n{budget}\n"
        );
        parse_str(&text, "a.toml").unwrap_err().to_string()
    };
    let e = err("policy = 0.5");
    assert!(
        e.contains("policy") && e.contains("follows = \"settled\""),
        "{e}"
    );
    let e = err("follows = \"settled\"\nvolatility = 0.1");
    assert!(e.contains("volatility"), "{e}");
    let e = err("follows = \"planned\"");
    assert!(e.contains("\"fixed\" or \"settled\""), "{e}");
}

/// An appropriation whose window opens a year before the service: nothing
/// is settled before the service costs anything, so the opening year gets
/// the budgeted amount, and the year after follows the opening year's cost.
#[test]
fn before_opening_an_appropriation_pays_its_budgeted_amount() {
    let text = "[scenario]\nname = \"a\"\nstart_year = 2025\nhorizon_years = 5\ntrials = 1\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\nopens = 2026\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\nfollows = \"settled\"\nfrom = 2025\n";
    let m = parse_str(text, "a.toml").unwrap();
    let s = one_trial(&m);
    assert_eq!(
        s.kind_row(0, FundingKind::Budget),
        [100.0, 100.0, 100.0, 100.0, 100.0]
    );
    assert!(s.row(Row::Gap, 0).iter().all(|g| *g == 0.0));
}

/// An appropriation on the plan pays `policy` times the estimated
/// operating cost raised by the expected price change, from the first
/// year: with the price change as expected and no noise, exactly the
/// year's cost (no gap, first year included); at policy 0.9, 90% of it.
/// `amount` has no place in it.
#[test]
fn an_appropriation_on_the_plan_pays_the_planned_cost() {
    let s = one_trial(&model("follows = \"plan\"", 1));
    let (cost, paid) = (s.row(Row::Cost, 0), s.kind_row(0, FundingKind::Budget));
    for t in 0..10 {
        assert!((paid[t] - cost[t]).abs() < 1e-9 * cost[t], "{t}");
    }
    assert!(s.row(Row::Gap, 0).iter().all(|g| *g == 0.0));
    let s = one_trial(&model("follows = \"plan\"\npolicy = 0.9", 1));
    let (cost, paid) = (s.row(Row::Cost, 0), s.kind_row(0, FundingKind::Budget));
    for t in 0..10 {
        assert!((paid[t] - 0.9 * cost[t]).abs() < 1e-9 * cost[t], "{t}");
    }
    let text = "[scenario]\nname = \"a\"\nstart_year = 2025\nhorizon_years = 3\n\
        [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
        [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\nfollows = \"plan\"\n";
    let e = parse_str(text, "a.toml").unwrap_err().to_string();
    assert!(e.contains("remove `amount`"), "{e}");
}

/// Without a stated amount, a settled appropriation's first year is the
/// plan: for a service whose whole cost is an annual operations line
/// (150 a year from 2026, opex ratio 0), with prices as expected, the
/// opening year is paid in full, and so is the next, on its settled cost.
/// A one-off of 40 in 2028 is not in last year's settled cost: that year
/// falls short by it. An appropriation on the plan holds both lines: at
/// policy 0.8 it pays 80% of each year's cost, the one-off's included.
#[test]
fn the_plan_holds_the_services_cost_lines() {
    let text = |budget: &str| {
        format!(
            "[scenario]\nname = \"a\"\nstart_year = 2025\nhorizon_years = 6\ntrials = 1\n\
             [economy]\ninflation = 0.03\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0\nopens = 2026\n\
             [[service.cost]]\nkind = \"annual\"\nname = \"operations\"\namount = 150\nfrom = 2026\n\
             [[service.cost]]\nkind = \"one_off\"\nname = \"audit\"\namount = 40\nyear = 2028\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\n{budget}\n"
        )
    };
    let run = |budget: &str| {
        one_trial(&parse_str(&text(budget), "a.toml").unwrap_or_else(|e| panic!("{e}")))
    };
    let s = run("follows = \"settled\"\ngrowth = 0.03");
    let (cost, paid) = (s.row(Row::Cost, 0), s.kind_row(0, FundingKind::Budget));
    for t in [1, 2] {
        assert!(
            (paid[t] - cost[t]).abs() < 1e-9 * cost[t],
            "{t}: {paid:?} {cost:?}"
        );
    }
    assert_eq!(paid[0], 0.0);
    let one_off = 40.0 * 1.03f64.powi(3);
    assert!(
        (s.row(Row::Gap, 0)[3] - one_off).abs() < 1e-9,
        "{:?}",
        s.row(Row::Gap, 0)
    );
    let s = run("follows = \"plan\"\npolicy = 0.8");
    let (cost, paid) = (s.row(Row::Cost, 0), s.kind_row(0, FundingKind::Budget));
    for t in 0..6 {
        assert!(
            (paid[t] - 0.8 * cost[t]).abs() < 1e-9 * cost[t].max(1.0),
            "{t}: {paid:?} {cost:?}"
        );
    }
}
