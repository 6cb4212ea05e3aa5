//! The city's take-over decision when national money ends (지방비 전환):
//! drawn once per trial, it continues, shrinks or stops the service from
//! its year, with the stated chances; checked against its closed form
//! within stated standard errors.

use fundgap::scenario::parse_str;

use crate::common::report_of;

/// Cost 100 a year from 2025, a grant paying all of it to 2027 and a city
/// budget of 100 after; `decision` the keys of its [service.decision].
fn scenario(decision: &str, trials: u64) -> String {
    format!(
        "[scenario]\nname = \"d\"\nstart_year = 2025\nhorizon_years = 8\ntrials = {trials}\nseed = 9\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [service.decision]\n{decision}\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"national\"\nshare_of_cost = 1.0\nto = 2027\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\nfrom = 2028\n"
    )
}

/// Stop 40%, shrink to half 20%: from 2028 (the year after the grant's
/// last, by default) P(stopped) is 0.4, P(shrunk) 0.2, P(continued) 0.4
/// and the mean cost 50, within four standard errors of 20,000 trials
/// (sqrt(p(1-p)/n): 0.0035 for 0.4, 0.0028 for 0.2; for the cost, sd
/// sqrt(4,500 - 50²) = 44.7, so 0.32); before 2028, nothing changes.
#[test]
fn the_decision_stops_or_shrinks_with_its_stated_chances() {
    let n = 20_000u64;
    let text = scenario(
        "stop = 0.4\nshrink = 0.2\nshrink_to = 0.5\nsource = \"assumption: test\"",
        n,
    );
    let m = parse_str(&text, "d.toml").unwrap();
    let r = report_of(&m);
    let e = r.entity("s").unwrap();
    let y = &e.yearly;
    assert_eq!((y[2].p_continued.estimate, y[2].cost_mean), (1.0, 100.0));
    let se = |p: f64| (p * (1.0 - p) / n as f64).sqrt();
    let se_cost = (4_500.0f64 - 2_500.0).sqrt() / (n as f64).sqrt();
    for t in [3, 7] {
        for (what, got, p) in [
            ("stopped", y[t].p_stopped.estimate, 0.4),
            ("shrunk", y[t].p_shrunk.estimate, 0.2),
            ("continued", y[t].p_continued.estimate, 0.4),
        ] {
            assert!((got - p).abs() < 4.0 * se(p), "{t} {what}: {got}");
        }
        let sum = y[t].p_stopped.estimate + y[t].p_shrunk.estimate + y[t].p_continued.estimate;
        assert!((sum - 1.0).abs() < 1e-12, "{sum}");
        assert!(
            (y[t].cost_mean - 50.0).abs() < 4.0 * se_cost,
            "{t}: {}",
            y[t].cost_mean
        );
    }
    // The decision stops a service; it does not make a gap.
    assert_eq!(e.p_any_gap.estimate, 0.0);
    assert!((e.p_stop.estimate - 0.6).abs() < 4.0 * se(0.6));
    assert_eq!(e.stop_year.median, Some(2028));
}

/// The decision is an uncertain input like any other: listed by name.
#[test]
fn the_decision_is_an_uncertain_input() {
    let m = parse_str(&scenario("stop = 0.5\nsource = \"x\"", 10), "d.toml").unwrap();
    let inputs = m.inputs();
    let names: Vec<&str> = m
        .uncertain_inputs()
        .into_iter()
        .map(|k| inputs[k].0.path.as_str())
        .collect();
    assert!(names.contains(&"service.s.decision"), "{names:?}");
}

/// Chances over 1, no year where no grant ends, and no source are refused.
#[test]
fn decision_keys_are_checked() {
    let err = |text: String| parse_str(&text, "d.toml").unwrap_err().to_string();
    let e = err(scenario("stop = 0.7\nshrink = 0.5\nsource = \"x\"", 1));
    assert!(e.contains("add up to more than 1"), "{e}");
    let e = err(scenario("stop = 0.1", 1));
    assert!(e.contains("source"), "{e}");
    let no_grant = "[scenario]\nname = \"d\"\nstart_year = 2025\nhorizon_years = 5\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 100\nopex_ratio = 0.1\n\
         [service.decision]\nstop = 0.1\nsource = \"x\"\n";
    let e = err(no_grant.to_string());
    assert!(e.contains("year"), "{e}");
}

/// A decided shrink shrinks a contract's obligation by its own share, not
/// by the stop rule's: a BTL payment of 80 halves from 2028.
#[test]
fn a_decision_shrinks_a_contract_by_its_own_share() {
    let text = "[scenario]\nname = \"d\"\nstart_year = 2025\nhorizon_years = 6\ntrials = 1\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [service.decision]\nyear = 2028\nshrink = 1.0\nshrink_to = 0.5\nsource = \"x\"\n\
         [service.delivery]\nkind = \"btl\"\npayment = 80\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 80\n";
    let m = parse_str(text, "d.toml").unwrap();
    let s = crate::common::one_trial(&m);
    assert_eq!(
        s.row(fundgap::engine::Row::Obligation, 0),
        [80.0, 80.0, 80.0, 40.0, 40.0, 40.0]
    );
}

/// A contract that reimburses the operator's cost shrinks once, with the
/// cost: shrunk to half from 2028, the city owes 50 (not 25), and with its
/// budget of 30 shrunk to 15 the gap is 35; the operator loses nothing.
#[test]
fn a_reimbursed_contract_shrinks_with_its_cost_once() {
    let text = "[scenario]\nname = \"d\"\nstart_year = 2025\nhorizon_years = 6\ntrials = 1\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [service.decision]\nyear = 2028\nshrink = 1.0\nshrink_to = 0.5\nsource = \"x\"\n\
         [service.delivery]\nkind = \"outsourced\"\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 30\n";
    let m = parse_str(text, "d.toml").unwrap();
    let s = crate::common::one_trial(&m);
    use fundgap::engine::Row;
    assert_eq!(&s.row(Row::Obligation, 0)[3..], [50.0; 3]);
    assert_eq!(&s.row(Row::Gap, 0)[3..], [35.0; 3]);
    assert!(s.row(Row::OperatorLoss, 0).iter().all(|x| *x == 0.0));
}

/// A decision before the service opens, or without a said source, is
/// refused.
#[test]
fn a_decision_needs_an_open_service_and_a_source() {
    let text = |decision: &str| {
        format!(
            "[scenario]\nname = \"d\"\nstart_year = 2025\nhorizon_years = 6\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 100\nopex_ratio = 0.1\nopens = 2027\n\
             [service.decision]\n{decision}\n"
        )
    };
    let e = parse_str(&text("year = 2025\nstop = 1.0\nsource = \"x\""), "d.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("before the service opens in 2027"), "{e}");
    let e = parse_str(&text("year = 2028\nstop = 1.0\nsource = \" \""), "d.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("where the chances come from"), "{e}");
}
