//! Whose books money is in: capital lines paid by a capital account and
//! reported apart, contracts that split a service between the city and
//! its operator (위탁, BTL, BTO), and special accounts that pool services'
//! money in the portfolio. Each rule pinned on a scenario small enough to
//! compute by hand (no inflation, no noise: every trial is the same).

use fundgap::engine::Row;
use fundgap::model::{FundingKind, Model};
use fundgap::scenario::parse_str;

fn model(body: &str) -> Model {
    let text = format!(
        "[scenario]\nname = \"books\"\nstart_year = 2025\nhorizon_years = 10\n\
         discount_rate = 0.05\ntrials = 20\nseed = 3\n\n{body}"
    );
    parse_str(&text, "books.toml").unwrap_or_else(|e| panic!("{e}"))
}

use crate::common::{one_trial, report_of as report};

/// A service costing 100 a year, paid by a budget of 100, with a 300
/// replacement every 3 years (2028, 2031, 2034) and `extra` TOML after it.
fn replacing(funded_by: &str, extra: &str) -> Model {
    model(&format!(
        "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n{extra}\n\
         [[service.cost]]\nkind = \"renewal\"\nname = \"kit\"\namount = 300\nevery_years = 3\n\
         {funded_by}\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\n"
    ))
}

/// Charged to the operating year, each replacement is a gap of 300; funded
/// by a capital account paying in 50 a year, it leaves the operating year
/// whole and a capital gap of 100 in 2028 (200 saved) and 150 in 2031 and
/// 2034; with 100 a year, none. The life-cycle cost is the same either way.
#[test]
fn capital_lines_are_paid_by_the_capital_account_and_reported_apart() {
    let operating = one_trial(&replacing("", ""));
    let gaps: Vec<f64> = operating.row(Row::Gap, 0).to_vec();
    assert_eq!(
        gaps,
        [0.0, 0.0, 0.0, 300.0, 0.0, 0.0, 300.0, 0.0, 0.0, 300.0]
    );

    let m = replacing(
        "funded_by = \"capital\"",
        "[service.capital]\nname = \"replacement fund\"\namount = 50\n",
    );
    let s = one_trial(&m);
    assert!(s.row(Row::Gap, 0).iter().all(|g| *g == 0.0));
    assert_eq!(s.row(Row::Capital, 0)[3], 300.0);
    assert_eq!(
        s.row(Row::CapitalGap, 0),
        [0.0, 0.0, 0.0, 100.0, 0.0, 0.0, 150.0, 0.0, 0.0, 150.0]
    );
    assert_eq!(s.row(Row::CapitalGap, 1)[6], 150.0, "the portfolio adds up");
    let same = (s.outcome[0].lcc_npv - operating.outcome[0].lcc_npv).abs();
    assert!(same < 1e-9 * operating.outcome[0].lcc_npv);
    // The realised cost ratio counts capital lines too, as the U-City
    // evaluation's ~15% does.
    let (a, b) = (
        s.outcome[0].real_cost_per_year,
        operating.outcome[0].real_cost_per_year,
    );
    assert!((a - b).abs() < 1e-9 * b, "{a} vs {b}");

    let enough = replacing(
        "funded_by = \"capital\"",
        "[service.capital]\nname = \"replacement fund\"\namount = 100\n",
    );
    let s = one_trial(&enough);
    assert!(s.row(Row::CapitalGap, 0).iter().all(|g| *g == 0.0));

    // Without an account the whole capital need is a capital gap.
    let none = one_trial(&replacing("funded_by = \"capital\"", ""));
    assert_eq!(none.row(Row::CapitalGap, 0)[9], 300.0);

    // The report carries it per year, with its probability.
    let r = report(&m);
    let y = &r.entity("s").unwrap().yearly[3];
    let c = y.capital.expect("capital figures");
    assert_eq!(
        (c.cost_mean, c.gap_mean, c.p_gap.estimate),
        (300.0, 100.0, 1.0)
    );
    assert_eq!(y.p_gap.estimate, 0.0);
    let total = r
        .entity("s")
        .unwrap()
        .capital_total
        .expect("horizon totals");
    assert_eq!((total.cost, total.gap), (900.0, 400.0));
}

/// An annual cost is operating spending: `funded_by = "capital"` on it is
/// refused, naming the key.
#[test]
fn an_annual_cost_cannot_be_capital() {
    let text = "[scenario]\nname = \"x\"\nstart_year = 2025\nhorizon_years = 5\n\
        [[service]]\nid = \"s\"\nconstruction_cost = 10\nopex_ratio = 0.1\n\
        [[service.cost]]\nkind = \"annual\"\nname = \"staff\"\namount = 5\nfunded_by = \"capital\"\n";
    let e = parse_str(text, "x.toml").unwrap_err().to_string();
    assert!(e.contains("funded_by") && e.contains("renewal"), "{e}");
}

/// BTL: the city owes a fixed availability payment of 80 whatever the
/// cost (100); with a city budget of 70 its gap is 10, and the operator
/// loses 20 a year. With `exit_after_loss_years = 2` the operator leaves
/// after 2026, and from 2027 the service (and its payment) stops.
#[test]
fn btl_makes_the_city_owe_the_payment_and_the_operator_bear_the_cost() {
    let body = |exit: &str| {
        format!(
            "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
             [service.delivery]\nkind = \"btl\"\npayment = 80\n{exit}\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 70\n"
        )
    };
    let s = one_trial(&model(&body("")));
    assert!(s.row(Row::Obligation, 0).iter().all(|x| *x == 80.0));
    assert!(s.row(Row::Gap, 0).iter().all(|g| (*g - 10.0).abs() < 1e-9));
    assert!(
        s.row(Row::OperatorLoss, 0)
            .iter()
            .all(|l| (*l - 20.0).abs() < 1e-9)
    );
    assert_eq!(s.outcome[0].stopped_from, None);

    let m = model(&body("exit_after_loss_years = 2"));
    let s = one_trial(&m);
    assert_eq!(s.outcome[0].stopped_from, Some(2));
    assert_eq!(s.row(Row::Obligation, 0)[2], 0.0);
    assert_eq!(s.row(Row::Cost, 0)[2], 0.0);
    let r = report(&m);
    let y = &r.entity("s").unwrap().yearly[0];
    let c = y.contract.expect("contract figures");
    assert_eq!((c.obligation_mean, c.p_operator_loss.estimate), (80.0, 1.0));
    assert_eq!(r.entity("s").unwrap().p_stop.estimate, 1.0);
}

/// An operator leaves only after material losses: a loss of 4 a year on a
/// cost of 100 is under a 5% materiality threshold and never ends the
/// service; a loss of 6 does, after the stated two years.
#[test]
fn an_operator_leaves_only_after_material_losses() {
    let run = |payment: f64| {
        let m = model(&format!(
            "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
             materiality_share = 0.05\n\
             [service.delivery]\nkind = \"btl\"\npayment = {payment}\nexit_after_loss_years = 2\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\n"
        ));
        one_trial(&m).outcome[0].stopped_from
    };
    assert_eq!(run(96.0), None);
    assert_eq!(run(94.0), Some(2));
}

/// BTO: the operator keeps the fees and bears the cost; the city owes only
/// the shortfall of fees below the guarantee. Each year: obligation =
/// max(0, guarantee - fees), operator loss = cost - fees - obligation,
/// and with no city money the city's gap is the obligation. A concession
/// without a guarantee costs the city nothing.
#[test]
fn bto_makes_the_city_owe_only_the_revenue_guarantee() {
    let body = |guarantee: &str| {
        format!(
            "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
             [service.delivery]\nkind = \"bto\"\n{guarantee}\n\
             [[service.funding]]\nkind = \"fees\"\nname = \"fares\"\nsaturation_users = 1000\n\
             midpoint_years = 3\nsteepness = 1\nprice = 0.09\n"
        )
    };
    let s = one_trial(&model(&body("guarantee = 60")));
    let fees = s.kind_row(0, FundingKind::Fees).to_vec();
    for (t, &f) in fees.iter().enumerate() {
        let owed = (60.0 - f).max(0.0);
        assert!((s.row(Row::Obligation, 0)[t] - owed).abs() < 1e-9, "{t}");
        assert!((s.row(Row::Gap, 0)[t] - owed).abs() < 1e-9, "{t}");
        let loss = (100.0 - f - owed).max(0.0);
        assert!((s.row(Row::OperatorLoss, 0)[t] - loss).abs() < 1e-9, "{t}");
    }
    assert!(
        fees[0] < 60.0 && fees[9] > 60.0,
        "the guarantee is called early only"
    );

    let s = one_trial(&model(&body("")));
    assert!(s.row(Row::Gap, 0).iter().all(|g| *g == 0.0));
    assert!(s.row(Row::OperatorLoss, 0)[0] > 0.0);
}

/// 위탁 reimbursing cost: the city owes the operator's cost less its own
/// income (a partner's contract of 30), so the operator never loses and
/// the city's gap is what its budget (50) leaves of the 70 it owes.
#[test]
fn cost_reimbursed_outsourcing_leaves_the_loss_with_the_city() {
    let m = model(
        "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [service.delivery]\nkind = \"outsourced\"\n\
         [[service.funding]]\nkind = \"contract\"\nname = \"partner\"\namount = 30\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 50\n",
    );
    let s = one_trial(&m);
    assert!(
        s.row(Row::Obligation, 0)
            .iter()
            .all(|x| (*x - 70.0).abs() < 1e-9)
    );
    assert!(s.row(Row::OperatorLoss, 0).iter().all(|x| *x == 0.0));
    assert!(s.row(Row::Gap, 0).iter().all(|g| (*g - 20.0).abs() < 1e-9));
}

/// Services sharing a special account pool their money in the portfolio:
/// a surplus of 50 covers the other's gap of 30, so the portfolio has no
/// gap, where restricted money (no account) leaves it 30. A third service
/// outside the account keeps its own gap of 20. A surplus carried into a
/// service's own reserve is not pooled.
#[test]
fn a_special_account_pools_its_services_money_and_nothing_else() {
    let svc = |id: &str, budget: f64, extra: &str| {
        format!(
            "[[service]]\nid = \"{id}\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n{extra}\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = {budget}\n"
        )
    };
    let parking = "account = \"parking\"";
    let pooled = model(
        &[
            svc("a", 150.0, parking),
            svc("b", 70.0, parking),
            svc("c", 80.0, ""),
        ]
        .concat(),
    );
    let s = one_trial(&pooled);
    assert!(s.row(Row::Gap, 3).iter().all(|g| (*g - 20.0).abs() < 1e-9));
    assert!(
        s.row(Row::Gap, 1).iter().all(|g| (*g - 30.0).abs() < 1e-9),
        "b's own gap stays"
    );
    let r = report(&pooled);
    let port = r.portfolio();
    assert!((port.yearly[4].gap_mean - 20.0).abs() < 1e-9);
    assert_eq!(port.yearly[4].p_gap.estimate, 1.0);

    let restricted = model(&[svc("a", 150.0, ""), svc("b", 70.0, ""), svc("c", 80.0, "")].concat());
    let s = one_trial(&restricted);
    assert!(s.row(Row::Gap, 3).iter().all(|g| (*g - 50.0).abs() < 1e-9));

    let carried = model(
        &[
            svc("a", 150.0, "account = \"parking\"\ncarry_surplus = true"),
            svc("b", 70.0, parking),
        ]
        .concat(),
    );
    let s = one_trial(&carried);
    assert!(s.row(Row::Gap, 2).iter().all(|g| (*g - 30.0).abs() < 1e-9));
    // Only the account's services: a pooled portfolio without gaps.
    let even = model(&[svc("a", 130.0, parking), svc("b", 70.0, parking)].concat());
    let r = report(&even);
    assert_eq!(r.portfolio().p_any_gap.estimate, 0.0);
    assert!(r.entity("b").unwrap().p_any_gap.estimate == 1.0);
}

/// A BTL contract without its payment, and a payment on a BTO, are refused
/// with the key named.
#[test]
fn contracts_say_what_they_pay() {
    let parse = |delivery: &str| {
        let text = format!(
            "[scenario]\nname = \"x\"\nstart_year = 2025\nhorizon_years = 5\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 10\nopex_ratio = 0.1\n\
             [service.delivery]\n{delivery}\n"
        );
        parse_str(&text, "x.toml").unwrap_err().to_string()
    };
    assert!(parse("kind = \"btl\"").contains("payment"));
    assert!(parse("kind = \"bto\"\npayment = 5").contains("guarantee"));
    assert!(parse("kind = \"boo\"").contains("\"btl\""));
    assert!(parse("payment = 5").contains("kind"));
}
