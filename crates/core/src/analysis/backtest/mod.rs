//! Scoring the stop rule against what happened: each service with an
//! [`Outcome`](crate::model::Outcome) is a case, the model's probability
//! that it had been stopped by the observed year is its forecast, and the
//! Brier score — the mean squared difference between forecast and outcome
//! (1 stopped, 0 running) — scores them all. Pure: the caller runs the
//! scenarios and hands over their reports.

use serde::Serialize;

use crate::model::Model;
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
            })
        })
        .collect()
}

/// The score of a set of cases.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// The cases, in the order given.
    pub cases: Vec<Case>,
    /// Mean squared difference between forecast and outcome: 0 is perfect,
    /// 0.25 what a forecast of 50% for every case scores.
    pub brier: f64,
    /// Monte Carlo standard error of `brier`, from each forecast's own.
    pub brier_se: f64,
    /// Share of the cases that stopped.
    pub base_rate: f64,
    /// The Brier score of forecasting `base_rate` for every case
    /// (in-sample, so a flattering reference).
    pub brier_base_rate: f64,
    /// 1 - brier / brier_base_rate: above 0, the model tells the cases
    /// apart better than the base rate does (None when every case has the
    /// same outcome).
    pub skill: Option<f64>,
    /// Cases on the right side of 50%.
    pub right: usize,
}

/// Scores `cases` (None when there are none).
pub fn score(cases: Vec<Case>) -> Option<Score> {
    if cases.is_empty() {
        return None;
    }
    let n = cases.len() as f64;
    let brier = cases.iter().map(Case::squared_error).sum::<f64>() / n;
    // d brier / d p_i = 2 (p_i - o_i) / n; the forecasts' errors are
    // independent (separate runs or separate services' draws).
    let var: f64 = cases
        .iter()
        .map(|c| (2.0 * (c.predicted.estimate - c.observed()) / n * c.predicted.se).powi(2))
        .sum();
    let base_rate = cases.iter().map(Case::observed).sum::<f64>() / n;
    let brier_base_rate = base_rate * (1.0 - base_rate);
    let right = cases
        .iter()
        .filter(|c| (c.predicted.estimate >= 0.5) == c.stopped)
        .count();
    Some(Score {
        brier,
        brier_se: var.sqrt(),
        base_rate,
        brier_base_rate,
        skill: (brier_base_rate > 0.0).then(|| 1.0 - brier / brier_base_rate),
        right,
        cases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(p: u64, stopped: bool) -> Case {
        Case {
            scenario: "s".into(),
            service: "x".into(),
            name: "x".into(),
            by: 2023,
            stopped,
            predicted: Proportion::new(p, 100),
            source: String::new(),
        }
    }

    /// Forecasts 0.9, 0.2 and 0.6 for outcomes 1, 0, 0:
    /// ((0.1)^2 + (0.2)^2 + (0.6)^2) / 3 = 0.41 / 3; the base rate 1/3
    /// scores 2/9; two of three are on the right side of 50%.
    #[test]
    fn brier_score_by_hand() {
        let s = score(vec![case(90, true), case(20, false), case(60, false)]).unwrap();
        assert!((s.brier - 0.41 / 3.0).abs() < 1e-12, "{}", s.brier);
        assert!((s.base_rate - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.brier_base_rate - 2.0 / 9.0).abs() < 1e-12);
        let skill = 1.0 - (0.41 / 3.0) / (2.0 / 9.0);
        assert!((s.skill.unwrap() - skill).abs() < 1e-12);
        assert_eq!(s.right, 2);
        // Each forecast from 100 trials: se_i = sqrt(p(1-p)/100).
        let want = [(0.9, 1.0), (0.2, 0.0), (0.6, 0.0)]
            .iter()
            .map(|(p, o): &(f64, f64)| {
                (2.0 * (p - o) / 3.0 * (p * (1.0 - p) / 100.0).sqrt()).powi(2)
            })
            .sum::<f64>()
            .sqrt();
        assert!((s.brier_se - want).abs() < 1e-12);
    }

    #[test]
    fn a_perfect_forecast_scores_zero_and_no_cases_no_score() {
        let s = score(vec![case(100, true), case(0, false)]).unwrap();
        assert_eq!((s.brier, s.brier_se, s.right), (0.0, 0.0, 2));
        assert_eq!(s.skill, Some(1.0));
        assert!(score(Vec::new()).is_none());
        assert_eq!(score(vec![case(30, true)]).unwrap().skill, None);
    }
}
