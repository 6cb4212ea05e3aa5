//! A contracted operator's exit: the termination payment the city owes
//! (해지시지급금, the unrecovered share of the operator's investment) and
//! what follows — the service stops, or the city takes it over. Pinned on
//! a scenario small enough to compute by hand.

use fundgap::engine::Row;
use fundgap::scenario::parse_str;

use crate::common::{one_trial, report_of};

/// Cost 100 a year from 2025 for ten years under a BTO concession to 2034
/// with no fees: the operator loses 100 a year and leaves after two such
/// years, from 2027. It invested 500 (recovered straight line over the ten
/// contract years); the city owes 80% of what is unrecovered. The city
/// budgets `budget` a year from 2027.
fn model(after_exit: &str, budget: f64) -> fundgap::model::Model {
    let text = format!(
        "[scenario]\nname = \"t\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 8\nseed = 2\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [service.delivery]\nkind = \"bto\"\nfrom = 2025\nto = 2034\nexit_after_loss_years = 2\n\
         investment = 500\ntermination_share = 0.8\n{after_exit}\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = {budget}\nfrom = 2027\n"
    );
    parse_str(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Leaving from 2027 (year index 2), 8 of the 10 contract years are not
/// recovered: 0.8 x 500 x 8/10 = 320, owed in 2027. A stopped service
/// costs nothing after, so 2027's need is the payment alone; taken over,
/// it is the year's cost as well, and the city carries the cost after.
#[test]
fn an_operator_exit_costs_the_city_its_termination_payment() {
    let stop = one_trial(&model("", 0.0));
    let (need, gap) = (stop.row(Row::Obligation, 0), stop.row(Row::Gap, 0));
    assert_eq!(need[2], 320.0);
    assert_eq!(gap[..4], [0.0, 0.0, 320.0, 0.0]);
    assert_eq!(stop.outcome[0].exited_from, Some(2));
    assert_eq!(stop.outcome[0].termination, 320.0);
    assert_eq!(stop.outcome[0].stopped_from, Some(2));

    let taken = one_trial(&model("after_exit = \"take_over\"", 100.0));
    let gap = taken.row(Row::Gap, 0);
    // 2027: the cost 100 and the payment 320 against a budget of 100.
    assert_eq!(gap[..4], [0.0, 0.0, 320.0, 0.0]);
    assert_eq!(
        taken.row(Row::OperatorLoss, 0)[..4],
        [100.0, 100.0, 0.0, 0.0]
    );
    assert_eq!(taken.outcome[0].stopped_from, None);
    assert_eq!(taken.outcome[0].termination, 320.0);

    let r = report_of(&model("after_exit = \"take_over\"", 100.0));
    let c = r.entity("s").unwrap().contract_total.unwrap();
    assert_eq!((c.p_exit.estimate, c.termination), (1.0, 320.0));
    let y = &r.entity("s").unwrap().yearly;
    assert_eq!(y[5].p_continued.estimate, 1.0);
}

/// Keys that only matter when the operator can leave are refused without
/// `exit_after_loss_years`.
#[test]
fn termination_keys_need_an_exit_rule() {
    let text = "[scenario]\nname = \"t\"\nstart_year = 2025\nhorizon_years = 5\n\
        [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
        [service.delivery]\nkind = \"bto\"\ninvestment = 500\n";
    let e = parse_str(text, "t.toml").unwrap_err().to_string();
    assert!(e.contains("exit_after_loss_years"), "{e}");
}

/// Taken over, the service is the city's: its stop rule then watches the
/// city's books. A budget of 50 against a cost of 100 makes a gap of 50 a
/// year from 2027, so a two-gap-year rule stops it from 2029 — in a trial
/// alone or beside others (a lane's result must not depend on its batch).
#[test]
fn a_taken_over_service_can_still_be_stopped_by_its_rule() {
    let text = "[scenario]\nname = \"t\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 8\nseed = 2\n\
        [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\nstop_after_gap_years = 2\n\
        [service.delivery]\nkind = \"bto\"\nfrom = 2025\nto = 2034\nexit_after_loss_years = 2\nafter_exit = \"take_over\"\n\
        [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 50\nfrom = 2027\n";
    let m = parse_str(text, "t.toml").unwrap();
    let s = one_trial(&m);
    assert_eq!(s.outcome[0].exited_from, Some(2));
    assert_eq!(s.outcome[0].stopped_from, Some(4));
    assert_eq!(s.row(Row::Gap, 0)[..5], [0.0, 0.0, 50.0, 50.0, 0.0]);
}

/// A service the city closed before its operator would have left has no
/// exit and owes no termination payment: closed by its take-over decision
/// in 2026, one loss year short of the operator's exit.
#[test]
fn a_service_closed_before_its_operator_leaves_owes_no_termination() {
    let text = "[scenario]\nname = \"t\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 8\nseed = 2\n\
        [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
        [service.decision]\nyear = 2026\nstop = 1.0\nsource = \"test\"\n\
        [service.delivery]\nkind = \"bto\"\nfrom = 2025\nto = 2034\nexit_after_loss_years = 3\ninvestment = 800\n\
        [[service.funding]]\nkind = \"grant\"\nname = \"n\"\namount = 0\nto = 2025\n";
    let m = parse_str(text, "t.toml").unwrap();
    let s = one_trial(&m);
    assert_eq!(s.outcome[0].stopped_from, Some(1));
    assert_eq!(s.outcome[0].exited_from, None);
    assert_eq!(s.outcome[0].termination, 0.0);
    assert!(s.row(Row::Gap, 0).iter().all(|g| *g == 0.0));
}
