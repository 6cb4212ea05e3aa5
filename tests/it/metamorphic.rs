//! Numbers that hold at any scale: the same scenario with every money
//! amount multiplied by 1e-3, 1e6 or 1e9 (money in thousands of millions,
//! in won, in thousandths of won) reports the same probabilities and every
//! money figure scaled by the same factor: means and sums to rounding,
//! percentiles within the sketch's stated accuracy (0.8% each, so 1.6%
//! between two runs). And in won, percentiles agree with an exact sort of
//! the same trials.

use fundgap::engine::{Engine, Scratch};
use fundgap::scenario::parse_str;
use fundgap::stats::{Distribution, EntityStats, Report};

/// A multi-service district in million KRW using every kind of money line.
/// Each money amount is written `@x@`, to be multiplied by the scale.
const TEMPLATE: &str = r#"
[scenario]
name = "scaled"
start_year = 2025
horizon_years = 15
trials = 4000
seed = 99

[economy]
inflation = { dist = "normal", mean = 0.02, sd = 0.01 }
downturn = { annual_probability = 0.1, mean_duration_years = 2.0 }

[[service]]
id = "parking"
construction_cost = { dist = "pert", min = @1800@, mode = @2000@, max = @2600@ }
opex_ratio = { dist = "lognormal", mean = 0.15, sd = 0.04 }
volatility = 0.1

[[service.cost]]
kind = "renewal"
name = "sensors"
amount = { dist = "uniform", min = @300@, max = @500@ }
every_years = { dist = "triangular", min = 4, mode = 5, max = 7 }

[[service.risk]]
name = "staff rotation"
annual_probability = 0.1
cost = @50@
opex_multiplier = 1.2
duration_years = 2

[[service.funding]]
kind = "grant"
name = "national"
amount = @300@
from = 2025
to = 2029
withdrawal_hazard = 0.05

[[service.funding]]
kind = "budget"
name = "city"
amount = { dist = "normal", mean = @150@, sd = @30@ }
growth = 0.02
volatility = 0.1

[[service.funding]]
kind = "fees"
name = "parking fees"
saturation_users = { dist = "uniform", min = 20000, max = 40000 }
midpoint_years = 3
steepness = 1.0
price = { dist = "uniform", min = @0.002@, max = @0.004@ }

[[service.funding]]
kind = "reserve"
name = "fund"
balance = @200@

[[service.benefit]]
name = "time saved"
annual = { dist = "pert", min = @100@, mode = @150@, max = @250@ }

[[service]]
id = "shelters"
construction_cost = @800@
opex_ratio = 0.12

[[service.cost]]
kind = "annual"
name = "cleaning"
amount = { dist = "uniform", min = @20@, max = @40@ }
growth = 0.01

[[service.cost]]
kind = "one_off"
name = "redesign"
amount = @120@
year = 2031

[[service.funding]]
kind = "contract"
name = "advertiser"
amount = { dist = "normal", mean = @90@, sd = @10@ }
exit_hazard = 0.08
downturn_exit_hazard = 0.25

[[service.funding]]
kind = "grant"
name = "match"
share_of_cost = 0.3
to = 2028
"#;

fn scenario(scale: f64) -> String {
    let mut out = String::new();
    for (i, part) in TEMPLATE.split('@').enumerate() {
        if i % 2 == 1 {
            let x: f64 = part.parse().expect("a number between @s");
            out.push_str(&format!("{:e}", x * scale));
        } else {
            out.push_str(part);
        }
    }
    out
}

fn report(scale: f64) -> Report {
    let model = parse_str(&scenario(scale), "scaled").unwrap();
    let acc = fundgap::stats::run_all(&Engine::new(&model));
    acc.check(&model).unwrap();
    Report::new(&model, &acc)
}

fn close(a: f64, b: f64, rel: f64, what: &str) {
    assert!(
        (a - b).abs() <= rel * b.abs().max(a.abs()) || a == b,
        "{what}: {a} vs {b}"
    );
}

fn same_money(a: &Distribution, b: &Distribution, s: f64, what: &str) {
    close(a.mean, b.mean * s, 1e-9, &format!("{what} mean"));
    close(a.se, b.se * s, 1e-6, &format!("{what} se"));
    for (x, y, q) in [
        (a.p5, b.p5, "p5"),
        (a.p50, b.p50, "p50"),
        (a.p95, b.p95, "p95"),
    ] {
        close(x, y * s, 0.016, &format!("{what} {q}"));
    }
}

fn same_entity(a: &EntityStats, b: &EntityStats, s: f64) {
    let id = &a.id;
    assert_eq!(a.p_any_gap, b.p_any_gap, "{id}: P(any gap)");
    assert_eq!(a.first_year_p_gap_over_50, b.first_year_p_gap_over_50);
    assert_eq!(a.first_gap_year.probability, b.first_gap_year.probability);
    same_money(&a.lcc_npv, &b.lcc_npv, s, &format!("{id} lcc_npv"));
    same_money(&a.gap_npv, &b.gap_npv, s, &format!("{id} gap_npv"));
    close(a.gap_npv_cvar95, b.gap_npv_cvar95 * s, 0.016, "cvar95");
    close(a.benefit_npv_mean, b.benefit_npv_mean * s, 1e-9, "benefits");
    close(a.revenue_npv_mean, b.revenue_npv_mean * s, 1e-9, "revenue");
    close(a.grant_share, b.grant_share, 1e-9, "grant share");
    close(a.opex_ratio_mean, b.opex_ratio_mean, 1e-9, "opex ratio");
    for (ya, yb) in a.yearly.iter().zip(&b.yearly) {
        assert_eq!(ya.p_gap, yb.p_gap, "{id} {}: P(gap)", ya.year);
        // Yearly means: fixed point at 2^-20 of a unit for the usual
        // magnitudes, so equal to about 1e-6 of a unit.
        let tol = 1e-6 * s.max(1.0);
        assert!((ya.cost_mean - yb.cost_mean * s).abs() <= tol + 1e-9 * ya.cost_mean.abs());
        assert!((ya.gap_mean - yb.gap_mean * s).abs() <= tol + 1e-9 * ya.gap_mean.abs());
        for (x, y) in [
            (ya.cost_p50, yb.cost_p50),
            (ya.cost_p95, yb.cost_p95),
            (ya.funding_p5, yb.funding_p5),
            (ya.gap_p95, yb.gap_p95),
        ] {
            close(x, y * s, 0.016, &format!("{id} {} percentile", ya.year));
        }
    }
}

#[test]
fn every_money_figure_scales_and_every_probability_stays() {
    let base = report(1.0);
    assert!(
        base.portfolio().p_any_gap.estimate > 0.05,
        "some gaps to compare"
    );
    for s in [1e-3, 1e6, 1e9] {
        let scaled = report(s);
        for (a, b) in scaled.entities.iter().zip(&base.entities) {
            same_entity(a, b, s);
        }
    }
}

/// At won-like magnitudes and beyond (life-cycle costs near 1e16), the
/// reported percentiles of each
/// service's life-cycle cost and gap NPV are within the stated 0.8% of an
/// exact sort of the same trials.
#[test]
fn percentiles_in_won_match_an_exact_sort() {
    let model = parse_str(&scenario(1e12), "won").unwrap();
    let engine = Engine::new(&model);
    let acc = fundgap::stats::run_all(&engine);
    let report = Report::new(&model, &acc);
    let n = model.trials() as usize;
    let entities = model.services().len() + 1;
    let mut lcc = vec![Vec::with_capacity(n); entities];
    let mut gap = vec![Vec::with_capacity(n); entities];
    let mut s = Scratch::new(&model);
    for t in 0..n as u64 {
        engine.simulate(t, &mut s);
        for e in 0..entities {
            lcc[e].push(s.outcome[e].lcc_npv);
            gap[e].push(s.outcome[e].gap_npv);
        }
    }
    let exact = |v: &mut Vec<f64>, q: f64| {
        v.sort_by(f64::total_cmp);
        v[((q * v.len() as f64).ceil() as usize).max(1) - 1]
    };
    for e in 0..entities {
        let r = &report.entities[e];
        assert!(r.lcc_npv.p95 > 1e15, "won-sized: {}", r.lcc_npv.p95);
        for (q, got) in [
            (0.05, r.lcc_npv.p5),
            (0.5, r.lcc_npv.p50),
            (0.95, r.lcc_npv.p95),
        ] {
            close(
                got,
                exact(&mut lcc[e], q),
                1.0 / 128.0,
                &format!("{} lcc q{q}", r.id),
            );
        }
        for (q, got) in [(0.5, r.gap_npv.p50), (0.95, r.gap_npv.p95)] {
            close(
                got,
                exact(&mut gap[e], q),
                1.0 / 128.0,
                &format!("{} gap q{q}", r.id),
            );
        }
    }
}
