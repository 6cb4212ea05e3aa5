//! Scoring forecasts of what happens to a service when its outside money
//! ends against what happened: each service with an
//! [`Outcome`](crate::model::Outcome) is a case, and the model's
//! probability that it had been stopped or shrunk by the observed year is
//! its forecast. This module owns the cases ([`cases`]) and the prior's
//! variants a back-test is re-run with ([`with_prior`]); [`score`] scores
//! them as scenarios/backtest/PROTOCOL.md registers. Pure: the caller runs
//! the scenarios and hands over their reports.

mod run;
mod score;

pub use run::{Simulate, backtest};
pub use score::{Backtest, Bin, PriorVariant, Reference, Score, Settings, VERSION, score};

use serde::Serialize;

use crate::model::{Date, Model, StopReason, Strength};
use crate::stats::{Proportion, Report};

/// One service whose fate is on record, with the model's forecast.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// The scenario's name.
    pub scenario: String,
    /// The service's id.
    pub service: String,
    /// The service's display name.
    pub name: String,
    /// The calendar year by whose end the outcome is observed.
    pub by: i32,
    /// Whether it had been stopped by then.
    pub stopped: bool,
    /// The model's probability that its stop rule had fired by the end of
    /// `by`, with its Monte Carlo uncertainty.
    pub predicted: Proportion,
    /// Where the outcome is recorded.
    pub source: String,
    /// Why it stopped, as the record says.
    pub reason: StopReason,
    /// The cases decided in one budget share a cluster.
    pub cluster: String,
    /// How firmly the record states the outcome.
    pub strength: Strength,
    /// The date the forecast is made as of.
    pub forecast: Option<Date>,
    /// The date of the outcome's record.
    pub recorded: Option<Date>,
    /// What the take-over decision's prior alone forecasts: its chance of
    /// a stop or a shrink (None without a decision).
    pub prior: Option<f64>,
}

impl Case {
    /// The outcome as a number: 1 stopped, 0 running.
    pub fn observed(&self) -> f64 {
        if self.stopped { 1.0 } else { 0.0 }
    }

    /// This case's contribution to the Brier score.
    pub fn squared_error(&self) -> f64 {
        (self.predicted.estimate - self.observed()).powi(2)
    }

    /// Whether the score counts it: a stop for a reason other than a
    /// budget decision is listed, not scored; an inferred outcome
    /// (strength C) only when `with_inferred`.
    pub fn is_scored(&self, with_inferred: bool) -> bool {
        (!self.stopped || self.reason == StopReason::Budget)
            && (self.strength <= Strength::B || with_inferred)
    }
}

/// The cases of one scenario, from its report: every service with an
/// outcome, in file order.
pub fn cases(model: &Model, report: &Report) -> Vec<Case> {
    let n = report.trials;
    model
        .services()
        .iter()
        .zip(&report.entities)
        .filter_map(|(svc, e)| {
            let o = svc.outcome.as_ref()?;
            // A stop decided at the end of year `by` shows from `by + 1`,
            // which the scenario's checks keep inside the horizon.
            // An outcome records a stop or a shrink: whatever is not
            // running on as planned.
            let p = e.yearly.get(o.by + 1)?.p_continued.estimate;
            let stopped_trials = n - (p * n as f64).round() as u64;
            Some(Case {
                scenario: model.name().to_string(),
                service: svc.id.clone(),
                name: svc.name.clone(),
                by: model.year(o.by),
                stopped: o.stopped,
                predicted: Proportion::new(stopped_trials, n),
                source: o.source.clone(),
                reason: o.reason,
                cluster: o
                    .cluster
                    .clone()
                    .unwrap_or_else(|| model.name().to_string()),
                strength: o.strength,
                forecast: o.forecast,
                recorded: o.recorded,
                prior: svc.decision.as_ref().map(|d| d.stop + d.shrink),
            })
        })
        .collect()
}

/// `model` with every take-over decision's chance of a stop set to `stop`
/// (each keeps its year, its chance of a shrink and the share a shrink
/// keeps): the variant a back-test's prior sensitivity re-runs. None when
/// `stop` and a decision's chance of a shrink do not make a probability.
pub fn with_prior(model: &Model, stop: f64) -> Option<Model> {
    let mut m = model.clone();
    for svc in &mut m.services {
        if let Some(d) = &mut svc.decision {
            if !(0.0..=1.0).contains(&stop) || stop + d.shrink > 1.0 {
                return None;
            }
            d.stop = stop;
        }
    }
    Some(m)
}
