//! Reproducibility: the same scenario and seed give bit-identical aggregates
//! for any thread count and any split of the trials, and one service's
//! results do not move when another service is added (common random numbers).

use crate::common;
use std::sync::atomic::AtomicBool;

use fundgap::engine::{Engine, Scratch};
use fundgap::scenario::{BUILTIN_BASELINE, parse_str};
use fundgap::stats::{Accumulator, Report};

fn baseline(trials: u64) -> fundgap::model::Model {
    let text = BUILTIN_BASELINE.replace("trials = 100_000", &format!("trials = {trials}"));
    parse_str(&text, "baseline").unwrap()
}

fn run_on(threads: usize, model: &fundgap::model::Model) -> Accumulator {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| fundgap::stats::run_all(&Engine::new(model)))
}

#[test]
fn thread_count_does_not_change_results() {
    let model = baseline(5_000);
    let one = run_on(1, &model);
    let four = run_on(4, &model);
    let three = run_on(3, &model);
    assert_eq!(one, four);
    assert_eq!(one, three);
    let (r1, r4) = (Report::new(&model, &one), Report::new(&model, &four));
    assert_eq!(
        serde_json::to_string(&r1).unwrap(),
        serde_json::to_string(&r4).unwrap()
    );
}

#[test]
fn shards_merge_to_the_whole_run() {
    let model = baseline(3_000);
    let engine = Engine::new(&model);
    let whole = fundgap::stats::run_all(&engine);
    let stop = AtomicBool::new(false);
    let mut merged = fundgap::stats::run_range(&engine, 1_777, 3_000, &|_| {}, &stop);
    merged.merge(&fundgap::stats::run_range(&engine, 0, 513, &|_| {}, &stop));
    merged.merge(&fundgap::stats::run_range(
        &engine,
        513,
        1_777,
        &|_| {},
        &stop,
    ));
    assert_eq!(whole, merged);
}

#[test]
fn adding_a_service_leaves_the_others_unchanged() {
    let model = baseline(2_000);
    let extra = format!(
        "{}\n[[service]]\nid = \"new-kiosk\"\nconstruction_cost = {{ dist = \"uniform\", min = 100, max = 300 }}\n\
         opex_ratio = 0.2\nvolatility = 0.1\n[[service.funding]]\nkind = \"budget\"\nname = \"city budget\"\namount = 30\nvolatility = 0.2\n",
        BUILTIN_BASELINE.replace("trials = 100_000", "trials = 2000")
    );
    let bigger = parse_str(&extra, "bigger").unwrap();
    let a = Report::new(&model, &fundgap::stats::run_all(&Engine::new(&model)));
    let b = Report::new(&bigger, &fundgap::stats::run_all(&Engine::new(&bigger)));
    for s in model.services() {
        let ja = serde_json::to_string(a.entity(&s.id).unwrap()).unwrap();
        let jb = serde_json::to_string(b.entity(&s.id).unwrap()).unwrap();
        assert_eq!(ja, jb, "service {} changed when another was added", s.id);
    }
    // The portfolio does change: the new service is part of it.
    assert_ne!(
        serde_json::to_string(a.portfolio()).unwrap(),
        serde_json::to_string(b.portfolio()).unwrap()
    );
}

#[test]
fn a_different_seed_gives_different_draws() {
    let model = baseline(1_000);
    let mut other = model.clone();
    other.set_run(None, Some(model.seed() + 1));
    assert_ne!(
        fundgap::stats::run_all(&Engine::new(&model)),
        fundgap::stats::run_all(&Engine::new(&other))
    );
}

/// A scenario whose amounts overflow in some trials only reports the same
/// earliest faulty trial on any number of threads and any split, and that
/// trial really is the first: every earlier trial is finite.
#[test]
fn the_reported_overflow_is_the_earliest_on_any_schedule() {
    let text = r#"
[scenario]
name = "overflow"
start_year = 2025
horizon_years = 10
trials = 3000
seed = 25

[[service]]
id = "quiet"
construction_cost = 1000
opex_ratio = 0.1

[[service]]
id = "huge"
construction_cost = { dist = "uniform", min = 1e100, max = 1e200 }
opex_ratio = { dist = "uniform", min = 1e50, max = 1e109 }
"#;
    let model = parse_str(text, "overflow").unwrap();
    let one = run_on(1, &model);
    let fault = one.fault().expect("some trials overflow");
    assert_eq!(run_on(3, &model).fault(), Some(fault));
    let engine = Engine::new(&model);
    let stop = AtomicBool::new(false);
    let mut merged = fundgap::stats::run_range(&engine, 2_000, 3_000, &|_| {}, &stop);
    merged.merge(&fundgap::stats::run_range(
        &engine,
        0,
        2_000,
        &|_| {},
        &stop,
    ));
    assert_eq!(merged.fault(), Some(fault));
    assert_eq!(fault.entity, 1, "the huge service, not the quiet one");
    assert!(fault.trial > 0, "trial 0 happens to be finite at this seed");
    let mut s = fundgap::engine::Scratch::new(&model);
    for t in 0..fault.trial {
        engine.simulate(t, &mut s);
        assert!(
            s.fault.is_none(),
            "trial {t} overflowed before the reported one"
        );
    }
    engine.simulate(fault.trial, &mut s);
    assert_eq!(s.fault, Some(fault));
    assert!(
        one.check(&model)
            .unwrap_err()
            .to_string()
            .contains("`huge`")
    );
}

/// Everything a trial leaves in its scratch, as text that differs when
/// any bit does (Rust prints the shortest decimal that reads back to the
/// same double, and -0 as `-0.0`).
fn left_behind(s: &Scratch) -> String {
    format!("{:?}", (s.rows.each(), &s.by_kind, &s.outcome, s.fault,))
}

/// A batch simulates eight trials side by side, each service's rows one
/// vector operation over the trials; a lane must compute exactly what its
/// trial alone computes, whatever its neighbours and however the batch is
/// cut (groups of one, a partly filled group, several groups, trials in
/// any order), funding requirement included, in every shipped scenario.
#[test]
fn a_trial_is_the_same_alone_and_in_any_batch() {
    let n = 20usize;
    for path in common::shipped_scenarios() {
        let mut m = fundgap_report::input::load(&path).unwrap();
        m.set_confidence(&[0.9]);
        let engine = Engine::new(&m);
        let alone: Vec<String> = (0..n as u64)
            .map(|t| {
                let mut s = Scratch::new(&m);
                engine.simulate(t, &mut s);
                left_behind(&s)
            })
            .collect();
        for cuts in [&[n][..], &[3, 8, 9], &[1, 16, 3]] {
            let mut lanes = vec![Scratch::new(&m); n];
            let mut first = 0;
            for &len in cuts {
                engine.simulate_lanes(first as u64, &mut lanes[first..first + len], |_| {});
                first += len;
            }
            for (t, s) in lanes.iter().enumerate() {
                assert!(
                    left_behind(s) == alone[t],
                    "{}: trial {t} differs in batches {cuts:?}",
                    path.display()
                );
            }
        }
        // Trials in any order, repeated, as a Sobol row runs them.
        let trials = [5u64, 0, 19, 5, 12, 3, 3, 18, 7, 1, 0];
        let mut lanes = vec![Scratch::new(&m); trials.len()];
        engine.simulate_trials(&trials, &mut lanes);
        for (&t, s) in trials.iter().zip(&lanes) {
            assert!(
                left_behind(s) == alone[t as usize],
                "{}: trial {t} differs in a list of trials",
                path.display()
            );
        }
    }
}
