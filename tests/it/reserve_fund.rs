//! The reserve fund (예비비) a city keeps for in-year overruns, shared by
//! the services that draw on it in the order they are listed, and the
//! split of every gap into its structural part (foreseeable when the year's
//! budget was set) and its transient part (an in-year overrun). Each rule
//! pinned on a scenario small enough to compute by hand.

use fundgap::scenario::parse_str;

use crate::common::report_of;

/// Two services costing 100 a year (construction 1,000 x 0.1) for five
/// years, each with a fixed budget of 60: each is 40 short a year. `extra`
/// goes into [scenario]; `first` into the first service.
fn two_services(extra: &str, first: &str) -> fundgap::model::Model {
    let service = |id: &str, keys: &str| {
        format!(
            "[[service]]\nid = \"{id}\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n{keys}\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 60\n"
        )
    };
    let text = format!(
        "[scenario]\nname = \"f\"\nstart_year = 2025\nhorizon_years = 5\ntrials = 16\nseed = 1\n{extra}\n{}{}",
        service("a", first),
        service("b", "")
    );
    parse_str(&text, "f.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// A fund of 50 a year pays the first service's 40 and the second's first
/// 10, leaving it a gap of 30; without the first service drawing on it,
/// the second's 40 is paid and the first keeps its gap of 40.
#[test]
fn the_reserve_fund_pays_shortfalls_in_the_order_services_are_listed() {
    let r = report_of(&two_services("reserve_fund = 50", ""));
    let year = |id: &str| r.entity(id).unwrap().yearly[2].clone();
    let (a, b) = (year("a"), year("b"));
    assert_eq!((a.gap_mean, b.gap_mean), (0.0, 30.0));
    let paid = |y: &fundgap::stats::YearStats| y.fund.map(|f| f.paid_mean);
    assert_eq!((paid(&a), paid(&b)), (Some(40.0), Some(10.0)));
    assert_eq!(paid(&year("portfolio")), Some(50.0));
    assert_eq!(r.entity("a").unwrap().p_any_gap.estimate, 0.0);
    assert_eq!(r.portfolio().fund_paid_mean, Some(250.0));

    let r = report_of(&two_services(
        "reserve_fund = 50",
        "uses_reserve_fund = false",
    ));
    let year = |id: &str| r.entity(id).unwrap().yearly[2].clone();
    assert_eq!((year("a").gap_mean, year("b").gap_mean), (40.0, 0.0));
    assert_eq!(year("a").fund.map(|f| f.paid_mean), Some(0.0));

    // Without a fund nothing is paid and no fund columns are reported.
    let r = report_of(&two_services("", ""));
    assert!(r.entities.iter().all(|e| e.fund_paid_mean.is_none()));
    assert_eq!(r.entity("b").unwrap().yearly[2].gap_mean, 40.0);
}

/// A shortfall the fund can meet is not a gap for the funding requirement
/// either: the second service needs a top-up of 30 a year, not 40.
#[test]
fn the_funding_requirement_counts_what_the_fund_can_pay() {
    let mut m = two_services("reserve_fund = 50", "");
    m.set_confidence(&[0.9]);
    let r = report_of(&m);
    let need = |id: &str| r.entity(id).unwrap().funding_needed[0].topup;
    assert!((need("b") - 30.0).abs() < 1e-9, "{}", need("b"));
    assert_eq!(need("a"), 0.0);
}

/// A budget fixed below the cost is short by the same amount every year,
/// foreseeably: all of its gap is structural. A budget that follows last
/// year's settled cost, raised by the expected 3% price change, meets the
/// cost as planned; with yearly noise in the cost, what is left short is
/// the in-year overrun: all transient.
#[test]
fn a_gap_is_structural_when_the_budget_was_set_short_and_transient_when_the_cost_ran_over() {
    let model = |volatility: f64, budget: &str| {
        let text = format!(
            "[scenario]\nname = \"s\"\nstart_year = 2025\nhorizon_years = 6\ntrials = 2000\nseed = 3\n\
             [economy]\ninflation = 0.03\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\nvolatility = {volatility}\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\n{budget}\n"
        );
        parse_str(&text, "s.toml").unwrap_or_else(|e| panic!("{e}"))
    };
    let fixed = report_of(&model(0.0, "amount = 80"));
    let s = fixed.entity("s").unwrap();
    assert!(s.yearly.iter().all(|y| y.gap_mean > 0.0));
    for y in &s.yearly {
        assert!((y.structural_mean - y.gap_mean).abs() < 1e-9, "{y:?}");
        assert_eq!(y.p_structural.estimate, 1.0);
    }
    assert!((s.gap_structural_share - 1.0).abs() < 1e-12);

    let settled = "amount = 100\nfollows = \"settled\"\ngrowth = 0.03";
    let noisy = report_of(&model(0.1, settled));
    let s = noisy.entity("s").unwrap();
    // Every year's gap after the first is an overrun of a budget set on
    // the settled cost.
    assert!(s.yearly[1..].iter().any(|y| y.gap_mean > 1.0));
    for y in &s.yearly[1..] {
        assert!(
            y.structural_mean < 1e-9 * y.gap_mean.max(1.0),
            "{}: {} of {}",
            y.year,
            y.structural_mean,
            y.gap_mean
        );
    }
}

/// What the reserve fund pays counts as money covering the year for a
/// stop rule on funding: a budget of 40 and the fund's 60 cover the whole
/// cost, so a rule that stops below half the cost never fires.
#[test]
fn the_reserve_funds_payments_count_for_a_funding_stop_rule() {
    let text = "[scenario]\nname = \"f\"\nstart_year = 2025\nhorizon_years = 5\ntrials = 8\nseed = 1\nreserve_fund = 100\n\
        [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\nstop_below_funding_share = 0.5\n\
        [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 40\n";
    let r = report_of(&parse_str(text, "f.toml").unwrap());
    let s = r.entity("s").unwrap();
    assert_eq!(s.p_stop.estimate, 0.0);
    assert_eq!(s.p_any_gap.estimate, 0.0);
}

/// Services pooling a special account: the portfolio's gap is what the
/// pooled money leaves short, and its structural part is never more.
#[test]
fn the_portfolios_structural_gap_is_at_most_its_pooled_gap() {
    let service = |id: &str, budget: f64| {
        format!(
            "[[service]]\nid = \"{id}\"\nconstruction_cost = 1000\nopex_ratio = 0.1\naccount = \"parking\"\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = {budget}\n"
        )
    };
    let text = format!(
        "[scenario]\nname = \"a\"\nstart_year = 2025\nhorizon_years = 4\ntrials = 8\nseed = 1\n{}{}",
        service("a", 150.0),
        service("b", 70.0)
    );
    let r = report_of(&parse_str(&text, "a.toml").unwrap());
    for y in &r.portfolio().yearly {
        assert_eq!(y.gap_mean, 0.0);
        assert_eq!(y.structural_mean, 0.0, "{}", y.year);
    }
    assert_eq!(r.entity("b").unwrap().yearly[1].structural_mean, 30.0);
}

/// One service costing 100 a year (construction 1,000 x 0.1) from 2025 for
/// six years, `keys` added to the service, `funding` as its funding, prices
/// from `economy`.
fn one_service(economy: &str, keys: &str, funding: &str) -> fundgap::stats::Report {
    let text = format!(
        "[scenario]\nname = \"s\"\nstart_year = 2025\nhorizon_years = 6\ntrials = 64\nseed = 5\n\
         [economy]\n{economy}\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n{keys}\n{funding}\n"
    );
    report_of(&parse_str(&text, "s.toml").unwrap_or_else(|e| panic!("{e}")))
}

const FIXED_100: &str = "[[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100";

/// The first year's budget is set on the plan: a certain 30 of unplanned
/// cost in the opening year (a risk that strikes every year, its one-off
/// cost) is an overrun of a budget that met the plan, so transient; and
/// from then on each year's 30 is foreseeable but again not in the 100
/// appropriated: the settled cost says 130, so it is structural.
#[test]
fn the_opening_years_overrun_of_the_plan_is_transient() {
    let risk = "[[service.risk]]\nname = \"r\"\nannual_probability = 1\ncost = 30\n";
    let r = one_service("inflation = 0", risk, FIXED_100);
    let s = r.entity("s").unwrap();
    let y = &s.yearly;
    assert!((y[0].gap_mean - 30.0).abs() < 1e-9, "{:?}", y[0]);
    assert_eq!(y[0].structural_mean, 0.0, "{:?}", y[0]);
    for y in &y[1..] {
        assert!((y.gap_mean - 30.0).abs() < 1e-9, "{y:?}");
        assert!((y.structural_mean - 30.0).abs() < 1e-9, "{y:?}");
    }
}

/// A planned step is foreseeable: a 50-a-year line that starts in 2028
/// raises the plan from 100 to 150, so the 50 a flat budget of 100 leaves
/// short from then on is structural in its first year too (last year's
/// settled 100 raised by the plan's step), not an overrun.
#[test]
fn a_planned_step_in_the_cost_is_structural_when_unfunded() {
    let line =
        "[[service.cost]]\nkind = \"annual\"\nname = \"new wing\"\namount = 50\nfrom = 2028\n";
    let r = one_service("inflation = 0", line, FIXED_100);
    let s = r.entity("s").unwrap();
    for y in &s.yearly {
        let short = if y.year >= 2028 { 50.0 } else { 0.0 };
        assert!((y.gap_mean - short).abs() < 1e-9, "{y:?}");
        assert!((y.structural_mean - short).abs() < 1e-9, "{y:?}");
    }
}

/// Persistent prices and wages are foreseeable: a budget that follows the
/// settled cost raised by the long-run 2% leaves short what the year
/// before's price change said was coming. With inflation published at
/// 2% in 2026 and 8% from 2027, persistence 0.5 expects 1 + 0.02 +
/// 0.5 x 0.06 = 5% for 2028 on, so of 2028's 6% shortfall (8% less the
/// rule's 2%) 3 points are structural and 3 transient; without
/// persistence, 2% is expected and all of it is transient. A labour cost
/// following wages published at 5% a year is expected at 5%: the 3-point
/// shortfall of the rule's 2% is all structural.
#[test]
fn the_basis_expects_persistent_prices_and_wages() {
    let settled = "[[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\nfollows = \"settled\"\ngrowth = 0.02";
    let published =
        "realised_inflation = { 2026 = 0.02, 2027 = 0.08, 2028 = 0.08, 2029 = 0.08, 2030 = 0.08 }";
    let year = |r: &fundgap::stats::Report, y: i32| {
        let s = r.entity("s").unwrap();
        s.yearly.iter().find(|x| x.year == y).unwrap().clone()
    };
    let persistent = one_service(
        &format!("inflation = 0.02\ninflation_persistence = 0.5\n{published}"),
        "",
        settled,
    );
    let iid = one_service(&format!("inflation = 0.02\n{published}"), "", settled);
    for y in 2028..=2030 {
        let (p, i) = (year(&persistent, y), year(&iid, y));
        assert!((p.gap_mean - i.gap_mean).abs() < 1e-9, "{p:?}\n{i:?}");
        // Last year's cost c: the rule gave c x 1.02, the cost is c x 1.08.
        let c = p.gap_mean / 0.06;
        assert!((p.structural_mean - 0.03 * c).abs() < 1e-6 * c, "{p:?}");
        assert_eq!(i.structural_mean, 0.0, "{i:?}");
    }

    let wages = "inflation = 0.02\nwage_growth = 0.05\nrealised_wage_growth = { 2026 = 0.05, 2027 = 0.05, 2028 = 0.05, 2029 = 0.05, 2030 = 0.05 }\nrealised_inflation = { 2026 = 0.02, 2027 = 0.02, 2028 = 0.02, 2029 = 0.02, 2030 = 0.02 }";
    let labour = one_service(wages, "labour_share = 1", settled);
    for y in 2026..=2030 {
        let y = year(&labour, y);
        assert!(y.gap_mean > 1.0, "{y:?}");
        assert!(
            (y.structural_mean - y.gap_mean).abs() < 1e-6 * y.gap_mean,
            "{y:?}"
        );
    }
}

/// A contract the city takes over when its operator leaves: from the year
/// after the take-over the city's own cost is the basis, as for a service
/// it always ran. An outsourced operator paid a fixed 100 against a cost of
/// 150 leaves after its first losing year; the city then pays the cost on
/// a budget that follows its settled cost raised by 2% while prices rise
/// 5%: from two years after the exit every gap is that foreseeable 3%, all
/// structural, exactly as without the contract.
#[test]
fn after_a_take_over_the_citys_own_cost_is_the_basis() {
    let model = |delivery: &str| {
        let text = format!(
            "[scenario]\nname = \"t\"\nstart_year = 2025\nhorizon_years = 6\ntrials = 16\nseed = 2\n\
             [economy]\ninflation = 0.05\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.15\n{delivery}\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\nfollows = \"settled\"\ngrowth = 0.02\n"
        );
        report_of(&parse_str(&text, "t.toml").unwrap_or_else(|e| panic!("{e}")))
    };
    let contract = model(
        "[service.delivery]\nkind = \"outsourced\"\npayment = 100\nfrom = 2025\nto = 2030\n\
         exit_after_loss_years = 1\nafter_exit = \"take_over\"",
    );
    let own = model("");
    let (c, o) = (contract.entity("s").unwrap(), own.entity("s").unwrap());
    for (yc, yo) in c
        .yearly
        .iter()
        .zip(&o.yearly)
        .filter(|(y, _)| y.year >= 2028)
    {
        assert!(yc.gap_mean > 1.0, "{yc:?}");
        assert!(
            (yc.gap_mean - yo.gap_mean).abs() < 1e-6 * yo.gap_mean,
            "{yc:?}\n{yo:?}"
        );
        assert!(
            (yc.structural_mean - yc.gap_mean).abs() < 1e-6 * yc.gap_mean,
            "{}: {} of {}",
            yc.year,
            yc.structural_mean,
            yc.gap_mean
        );
    }
}
