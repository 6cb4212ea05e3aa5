//! The sensitivity analysis's tests: which inputs are fixed and which are
//! listed for a service, the tornado's swing against its closed form, and
//! the rank correlations of a scenario with one driver.
use super::*;
use crate::scenario::parse_str;

/// The one-at-a-time runs fix input `k` through `input_mut(k)`: it must
/// be the same quantity as `inputs()[k]`, a decision's draw included
/// (each input made distinct by a value it alone has).
#[test]
fn every_input_is_fixed_where_it_is_listed() {
    let text = r#"
[scenario]
name = "order"
start_year = 2025
horizon_years = 6
[[service]]
id = "s"
construction_cost = { dist = "uniform", min = 1, max = 2 }
opex_ratio = { dist = "uniform", min = 3, max = 4 }
[service.decision]
stop = 0.5
source = "x"
[[service.funding]]
kind = "grant"
name = "g"
amount = { dist = "uniform", min = 5, max = 6 }
to = 2026
[[service.funding]]
kind = "budget"
name = "b"
amount = { dist = "uniform", min = 7, max = 8 }
"#;
    let mut m = parse_str(text, "order.toml").unwrap();
    let listed: Vec<String> = m.inputs().iter().map(|(_, q)| q.describe()).collect();
    for (k, want) in listed.iter().enumerate() {
        let got = m.input_mut(k).map(|q| q.describe());
        assert_eq!(got.as_ref(), Some(want), "input {k}");
    }
    assert!(m.input_mut(listed.len()).is_none());
}

/// The gap depends on the opex ratio only: a fixed budget below every
/// possible cost, no inflation or noise. The benefit is uncertain but
/// cannot move the gap.
const ONE_DRIVER: &str = r#"
[scenario]
name = "one driver"
start_year = 2025
horizon_years = 10
discount_rate = 0.04
trials = 5000
seed = 3

[[service]]
id = "s"
construction_cost = 1000
opex_ratio = { dist = "normal", mean = 0.15, sd = 0.02, min = 0.1, max = 0.2 }

[[service.funding]]
kind = "budget"
name = "city"
amount = 90

[[service.benefit]]
name = "b"
annual = { dist = "uniform", min = 10, max = 50 }
"#;

/// Two services; with a reserve fund they share, the first draws on it
/// first, so its cost moves the second's gap: its input is listed for
/// the second service, with the swing it has. Without the fund it
/// cannot reach the second and is not listed.
#[test]
fn another_services_input_is_listed_where_a_shared_fund_lets_it_move_a_service() {
    let text = |fund: &str| {
        let service = |id: &str| {
            format!(
                "[[service]]\nid = \"{id}\"\nconstruction_cost = 1000\n\
                 opex_ratio = {{ dist = \"uniform\", min = 0.08, max = 0.12 }}\n\
                 [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 60\n"
            )
        };
        format!(
            "[scenario]\nname = \"f\"\nstart_year = 2025\nhorizon_years = 5\n\
             trials = 200\nseed = 1\n{fund}\n{}{}",
            service("a"),
            service("b")
        )
    };
    let drivers_of_b = |fund: &str| {
        let m = parse_str(&text(fund), "f.toml").unwrap();
        let opts = Options {
            sample: 200,
            oat_trials: 50,
        };
        let s = analyse(&m, opts, &|_| {}, &AtomicBool::new(false)).unwrap();
        let b = s.entities.iter().find(|e| e.id == "b").unwrap();
        b.inputs
            .iter()
            .map(|i| (i.input.clone(), i.swing))
            .collect::<Vec<_>>()
    };
    let shared = drivers_of_b("reserve_fund = 50");
    let a = shared
        .iter()
        .find(|(input, _)| input == "service.a.opex_ratio")
        .unwrap_or_else(|| panic!("{shared:?}"));
    // A dearer first service leaves less of the fund: a larger gap.
    assert!(a.1 > 0.0, "{shared:?}");
    let alone = drivers_of_b("");
    assert!(
        alone
            .iter()
            .all(|(input, _)| input.starts_with("service.b.")),
        "{alone:?}"
    );
}

#[test]
fn the_only_driver_has_rank_correlation_one_and_others_zero() {
    let m = parse_str(ONE_DRIVER, "t").unwrap();
    let s = analyse(
        &m,
        Options {
            sample: 5000,
            oat_trials: 200,
        },
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let e = &s.entities[0];
    let get = |p: &str| e.inputs.iter().find(|i| i.input == p).unwrap();
    let ratio = get("service.s.opex_ratio");
    assert!(
        ratio.rank_corr_gap_npv > 0.999,
        "{}",
        ratio.rank_corr_gap_npv
    );
    // Independent input: |r| within 4 standard errors (1/sqrt(n)) of 0.
    let benefit = get("service.s.benefit.b.annual");
    assert!(
        benefit.rank_corr_gap_npv.abs() < 4.0 / (5000f64).sqrt(),
        "{}",
        benefit.rank_corr_gap_npv
    );
    assert_eq!(benefit.swing, 0.0);
    assert_eq!(
        e.inputs[0].input, "service.s.opex_ratio",
        "largest swing first"
    );
}

#[test]
fn tornado_swing_matches_the_linear_model() {
    let m = parse_str(ONE_DRIVER, "t").unwrap();
    let s = analyse(
        &m,
        Options {
            sample: 100,
            oat_trials: 50,
        },
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let ratio = s.entities[0]
        .inputs
        .iter()
        .find(|i| i.input == "service.s.opex_ratio")
        .unwrap();
    // gap NPV = sum_t (C r - B) (1.04)^-t while C r > B: linear in r, so
    // swing = C (r90 - r10) x annuity-due factor.
    let annuity: f64 = (0..10).map(|t| 1.04f64.powi(-t)).sum();
    let want = 1000.0 * (ratio.p90 - ratio.p10) * annuity;
    assert!(
        (ratio.swing - want).abs() < 1e-6 * want,
        "{} vs {want}",
        ratio.swing
    );
    // The truncated normal's P10/P90 are mean -+ 1.2816 sd (truncation at 2.5 sd barely moves them).
    assert!((ratio.p90 - 0.15 - 0.02 * 1.2816).abs() < 1e-3);
}

#[test]
fn recorded_inputs_are_the_drawn_ones() {
    let text = include_str!("../../../../../scenarios/bench-district.toml");
    let m = parse_str(text, "bench").unwrap();
    let engine = Engine::new(&m);
    let mut s = Scratch::new(&m);
    let mut v = Vec::new();
    let paths: Vec<String> = m.inputs().into_iter().map(|(i, _)| i.path).collect();
    for t in 0..50 {
        engine.inputs(t, &mut v);
        engine.simulate(t, &mut s);
        assert_eq!(v.len(), paths.len());
        for (e, svc) in m.services.iter().enumerate() {
            let k = paths
                .iter()
                .position(|p| *p == format!("service.{}.construction_cost", svc.id))
                .unwrap();
            assert_eq!(v[k], s.outcome[e].construction, "{} trial {t}", svc.id);
        }
    }
}
