//! A run as the page shows it (JSON): its state and progress, and once
//! done, each entity's P(gap) by year with its interval, the fan chart's
//! cost percentiles and mean funding, P(stopped), the funding requirement
//! at the run's confidence level, the precision, and the equivalent
//! command. Amounts are in the page's money (억 원 for Korean won).

use std::sync::atomic::Ordering;

use serde::Serialize;

use fundgap::format::Money;
use fundgap::stats::Proportion;

use crate::runs::{Finished, Run, State};

/// A run's JSON.
#[derive(Debug, Serialize)]
pub struct RunView {
    pub id: u64,
    /// queued, running, done, failed or cancelled.
    pub state: &'static str,
    pub done: u64,
    pub total: u64,
    pub trials: u64,
    pub seed: u64,
    pub confidence: f64,
    pub command: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<ResultView>,
}

/// A finished run's figures.
#[derive(Debug, Serialize)]
pub struct ResultView {
    pub money_label: String,
    pub elapsed_seconds: f64,
    /// The widest 95% half-width of any probability shown (P(any gap),
    /// P(stopped), each year's P(gap)), in probability (0.007 = ±0.7 points).
    pub precision: f64,
    pub overrides: Vec<String>,
    /// The portfolio first, then each service.
    pub entities: Vec<EntityView>,
}

/// One entity's figures.
#[derive(Debug, Serialize)]
pub struct EntityView {
    pub id: String,
    pub name: String,
    pub p_any_gap: Proportion,
    pub p_stop: Proportion,
    /// The yearly top-up and the opening reserve that would have kept it
    /// gap-free at the confidence level, with their intervals.
    pub topup: [f64; 3],
    pub reserve: [f64; 3],
    pub years: Vec<YearView>,
}

/// One year of an entity.
#[derive(Debug, Serialize)]
pub struct YearView {
    pub year: i32,
    pub p_gap: Proportion,
    pub p_stopped: Proportion,
    /// Cost percentiles 5, 25, 50, 75, 95.
    pub cost: [f64; 5],
    pub funding_mean: f64,
    pub gap_mean: f64,
}

/// `run` as JSON.
pub fn run_view(run: &Run) -> RunView {
    let (state, error, result) = match run.state() {
        State::Queued => ("queued", None, None),
        State::Running => ("running", None, None),
        State::Cancelled => ("cancelled", None, None),
        State::Failed(e) => ("failed", Some(e), None),
        State::Done(f) => ("done", None, Some(result_view(&f))),
    };
    RunView {
        id: run.id,
        state,
        done: run.done.load(Ordering::Relaxed).min(run.trials),
        total: run.trials,
        trials: run.trials,
        seed: run.seed,
        confidence: run.confidence,
        command: run.command.clone(),
        error,
        result,
    }
}

/// The page's money for `f`'s scenario: 억 원 for won, else its own unit.
pub fn money(f: &Finished) -> Money {
    Money::for_units(f.model.currency(), f.model.unit(), true, 1e12)
}

fn result_view(f: &Finished) -> ResultView {
    let money = money(f);
    let m = |x: f64| x / money.divisor();
    let mut widest = 0.0f64;
    let mut half = |p: &Proportion| {
        widest = widest.max((p.hi - p.lo) / 2.0);
        *p
    };
    let mut entities = Vec::new();
    let portfolio = f.report.portfolio();
    let order = std::iter::once(portfolio).chain(
        f.report
            .entities
            .iter()
            .filter(|e| !std::ptr::eq(*e, portfolio)),
    );
    for e in order {
        let need = e.funding_needed.first();
        let (topup, reserve) = need.map_or(([0.0; 3], [0.0; 3]), |n| {
            (
                [m(n.topup), m(n.topup_lo), m(n.topup_hi)],
                [m(n.reserve), m(n.reserve_lo), m(n.reserve_hi)],
            )
        });
        let years = e
            .yearly
            .iter()
            .map(|y| YearView {
                year: y.year,
                p_gap: half(&y.p_gap),
                p_stopped: half(&y.p_stopped),
                cost: [
                    m(y.cost_p5),
                    m(y.cost_p25),
                    m(y.cost_p50),
                    m(y.cost_p75),
                    m(y.cost_p95),
                ],
                funding_mean: m(y.funding_mean),
                gap_mean: m(y.gap_mean),
            })
            .collect();
        entities.push(EntityView {
            id: e.id.clone(),
            name: e.name.clone(),
            p_any_gap: half(&e.p_any_gap),
            p_stop: half(&e.p_stop),
            topup,
            reserve,
            years,
        });
    }
    ResultView {
        money_label: money.label().to_string(),
        elapsed_seconds: f.info.elapsed_seconds,
        precision: widest,
        overrides: f.overrides.clone(),
        entities,
    }
}
