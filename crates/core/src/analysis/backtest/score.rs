//! The score of a back-test, as scenarios/backtest/PROTOCOL.md registers
//! it: the Brier score of the scored cases against three references (the
//! leave-one-cluster-out base rate, the prior alone, 50%), each
//! difference with a cluster-bootstrap interval, and a calibration table.

use serde::Serialize;

use super::Case;
use crate::model::rng::resample_pick;

/// How a back-test is scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Whether inferred outcomes (strength C) are scored.
    pub with_inferred: bool,
    /// Resamples of the cluster bootstrap.
    pub resamples: usize,
    /// The bootstrap's seed.
    pub seed: u64,
}

impl Default for Settings {
    /// The protocol's: inferred outcomes apart, 10,000 resamples, seed 2026.
    fn default() -> Self {
        Settings {
            with_inferred: false,
            resamples: 10_000,
            seed: 2026,
        }
    }
}

/// The model's Brier score against one reference forecast.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    /// `leave_one_cluster_out`, `prior` or `half`.
    pub name: &'static str,
    /// The reference's own Brier score over the scored cases.
    pub brier: f64,
    /// The model's Brier score less the reference's: below 0, the model
    /// forecast better.
    pub difference: f64,
    /// The lower end of the 95% cluster-bootstrap interval of
    /// `difference`.
    pub lo: f64,
    /// Its upper end.
    pub hi: f64,
}

impl Reference {
    /// Whether the whole interval lies below 0: the protocol's evidence
    /// that the model beats this reference.
    pub fn beaten(&self) -> bool {
        self.hi < 0.0
    }
}

/// One group of cases by forecast, for the calibration table.
#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    /// The forecasts it holds: `from` <= p < `to` (the last holds 1).
    pub from: f64,
    /// See `from`.
    pub to: f64,
    /// Scored cases in it.
    pub cases: usize,
    /// Their mean forecast (None when empty).
    pub mean_forecast: Option<f64>,
    /// The share of them that stopped (None when empty).
    pub stop_rate: Option<f64>,
}

/// The score of a set of cases.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// Every case, scored or listed, in the order given.
    pub cases: Vec<Case>,
    /// Whether inferred outcomes were scored.
    pub with_inferred: bool,
    /// The cases scored.
    pub scored: usize,
    /// The clusters they form.
    pub clusters: usize,
    /// How many of them stopped.
    pub stopped: usize,
    /// Mean squared difference between forecast and outcome over the
    /// scored cases: 0 is perfect, 0.25 what a forecast of 50% scores.
    pub brier: f64,
    /// Monte Carlo standard error of `brier`, from each forecast's own.
    pub brier_se: f64,
    /// Share of the scored cases that stopped.
    pub base_rate: f64,
    /// The Brier score of forecasting `base_rate` for every case
    /// (in-sample, so a flattering reference).
    pub brier_base_rate: f64,
    /// 1 - brier / brier_base_rate (None when every case has the same
    /// outcome).
    pub skill: Option<f64>,
    /// Scored cases on the right side of 50%.
    pub right: usize,
    /// The leave-one-cluster-out base rate, the prior alone (where every
    /// scored case has a decision) and 50%, in that order.
    pub references: Vec<Reference>,
    /// Forecasts below 0.4, 0.4–0.6, 0.6–0.8, from 0.8.
    pub calibration: Vec<Bin>,
}

impl Score {
    /// The protocol's verdict: evidence of skill only if the whole
    /// interval of the difference is below 0 against both the
    /// leave-one-cluster-out base rate and the prior alone (where there is
    /// one). The first alone is not enough: leaving a case's cluster out
    /// lowers the rate for a stop and raises it for a service that ran, so
    /// with few clusters any constant forecast near the base rate beats it.
    pub fn shows_skill(&self) -> bool {
        let stated = self.references.iter().filter(|r| r.name != "half");
        !self.references.is_empty()
            && stated.clone().count() > 0
            && stated.clone().all(Reference::beaten)
    }
}

/// A whole back-test: the protocol's score, the same with inferred
/// outcomes, and the score under the prior's other values.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    /// The fundgap version that ran it (PROTOCOL.md §2 asks it recorded).
    pub version: &'static str,
    /// The protocol's score (inferred outcomes apart).
    pub score: Score,
    /// The score with inferred outcomes too (None when there are none).
    pub with_inferred: Option<Score>,
    /// The score with every decision's chance of a stop set otherwise.
    pub prior: Vec<PriorVariant>,
}

/// The back-test re-run with another chance of a stop in every decision.
#[derive(Debug, Clone, Serialize)]
pub struct PriorVariant {
    /// Every decision's chance of a stop.
    pub stop: f64,
    /// The Brier score of the scored cases.
    pub brier: f64,
    /// Against the leave-one-cluster-out base rate and the prior alone
    /// (the variant's own), as the protocol's verdict reads them.
    pub references: Vec<Reference>,
}

impl PriorVariant {
    /// The variant's summary from its score.
    pub fn of(stop: f64, s: &Score) -> PriorVariant {
        PriorVariant {
            stop,
            brier: s.brier,
            references: s
                .references
                .iter()
                .filter(|r| r.name != "half")
                .cloned()
                .collect(),
        }
    }
}

/// The version a back-test records.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Scores `cases` (None when none is scored).
pub fn score(cases: Vec<Case>, settings: Settings) -> Option<Score> {
    let scored: Vec<&Case> = cases
        .iter()
        .filter(|c| c.is_scored(settings.with_inferred))
        .collect();
    if scored.is_empty() {
        return None;
    }
    let n = scored.len() as f64;
    let brier = scored.iter().map(|c| c.squared_error()).sum::<f64>() / n;
    // d brier / d p_i = 2 (p_i - o_i) / n; the forecasts' errors are
    // independent (separate runs or separate services' draws).
    let var: f64 = scored
        .iter()
        .map(|c| (2.0 * (c.predicted.estimate - c.observed()) / n * c.predicted.se).powi(2))
        .sum();
    let stopped = scored.iter().filter(|c| c.stopped).count();
    let base_rate = stopped as f64 / n;
    let brier_base_rate = base_rate * (1.0 - base_rate);
    let right = scored
        .iter()
        .filter(|c| (c.predicted.estimate >= 0.5) == c.stopped)
        .count();

    // Each case's cluster, as an index in order of first appearance.
    let mut names: Vec<&str> = Vec::new();
    let cluster: Vec<usize> = scored
        .iter()
        .map(|c| match names.iter().position(|k| *k == c.cluster) {
            Some(i) => i,
            None => {
                names.push(&c.cluster);
                names.len() - 1
            }
        })
        .collect();
    let k = names.len();

    // The references' forecasts, case by case.
    let loo: Vec<f64> = (0..scored.len())
        .map(|i| {
            let others = scored
                .iter()
                .zip(&cluster)
                .filter(|(_, g)| **g != cluster[i]);
            let (stops, count) =
                others.fold((0.0, 0.0), |(s, c), (x, _)| (s + x.observed(), c + 1.0));
            // With one cluster there is nothing to leave in: 50%.
            if count > 0.0 { stops / count } else { 0.5 }
        })
        .collect();
    let prior: Option<Vec<f64>> = scored.iter().map(|c| c.prior).collect();
    let mut forecasts = vec![("leave_one_cluster_out", loo)];
    if let Some(p) = prior {
        forecasts.push(("prior", p));
    }
    forecasts.push(("half", vec![0.5; scored.len()]));

    let model_err: Vec<f64> = scored.iter().map(|c| c.squared_error()).collect();
    let references = forecasts
        .into_iter()
        .map(|(name, f)| {
            let err: Vec<f64> = scored
                .iter()
                .zip(&f)
                .map(|(c, p)| (p - c.observed()).powi(2))
                .collect();
            let diff: Vec<f64> = model_err.iter().zip(&err).map(|(m, r)| m - r).collect();
            let (lo, hi) = cluster_interval(&diff, &cluster, k, settings);
            let brier_ref = err.iter().sum::<f64>() / n;
            Reference {
                name,
                brier: brier_ref,
                difference: brier - brier_ref,
                lo,
                hi,
            }
        })
        .collect();
    let calibration = calibration(&scored);
    let (clusters, with_inferred) = (k, settings.with_inferred);
    Some(Score {
        with_inferred,
        scored: scored.len(),
        clusters,
        stopped,
        brier,
        brier_se: var.sqrt(),
        base_rate,
        brier_base_rate,
        skill: (brier_base_rate > 0.0).then(|| 1.0 - brier / brier_base_rate),
        right,
        references,
        calibration,
        cases,
    })
}

/// The 95% percentile interval of the mean of `values` over resamples of
/// whole clusters with replacement (each case keeps its value: a
/// reference forecast is not refitted within a resample).
fn cluster_interval(values: &[f64], cluster: &[usize], k: usize, s: Settings) -> (f64, f64) {
    let mut means = cluster_means(values, cluster, k, s);
    if means.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((q * means.len() as f64) as usize).min(means.len() - 1)];
    (at(0.025), at(0.975))
}

/// The mean of `values` in each of `s.resamples` resamples of whole
/// clusters with replacement (`k` clusters; `cluster` gives each value's).
fn cluster_means(values: &[f64], cluster: &[usize], k: usize, s: Settings) -> Vec<f64> {
    let mut sums = vec![(0.0, 0usize); k];
    for (&v, &g) in values.iter().zip(cluster) {
        sums[g].0 += v;
        sums[g].1 += 1;
    }
    (0..s.resamples)
        .map(|r| {
            let (mut total, mut count) = (0.0, 0usize);
            for j in 0..k {
                let pick = resample_pick(s.seed, r, j, k);
                total += sums[pick].0;
                count += sums[pick].1;
            }
            total / count as f64
        })
        .collect()
}

/// The calibration table: scored cases grouped by forecast.
fn calibration(scored: &[&Case]) -> Vec<Bin> {
    const EDGES: [f64; 5] = [0.0, 0.4, 0.6, 0.8, 1.0];
    EDGES
        .windows(2)
        .map(|w| {
            let last = w[1] >= 1.0;
            let inside: Vec<&&Case> = scored
                .iter()
                .filter(|c| {
                    let p = c.predicted.estimate;
                    p >= w[0] && (p < w[1] || last)
                })
                .collect();
            let m = inside.len() as f64;
            let mean = |f: &dyn Fn(&Case) -> f64| {
                (!inside.is_empty()).then(|| inside.iter().map(|c| f(c)).sum::<f64>() / m)
            };
            Bin {
                from: w[0],
                to: w[1],
                cases: inside.len(),
                mean_forecast: mean(&|c| c.predicted.estimate),
                stop_rate: mean(&|c| c.observed()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{StopReason, Strength};
    use crate::stats::Proportion;

    fn case(p: u64, stopped: bool, cluster: &str) -> Case {
        Case {
            scenario: "s".into(),
            service: "x".into(),
            name: "x".into(),
            by: 2023,
            stopped,
            predicted: Proportion::new(p, 100),
            source: String::new(),
            reason: StopReason::Budget,
            cluster: cluster.into(),
            strength: Strength::A,
            forecast: None,
            recorded: None,
            prior: Some(0.6),
        }
    }

    /// Forecasts 0.9, 0.2 and 0.6 for outcomes 1, 0, 0:
    /// ((0.1)^2 + (0.2)^2 + (0.6)^2) / 3 = 0.41 / 3; the base rate 1/3
    /// scores 2/9; two of three are on the right side of 50%. Each case
    /// its own cluster: leaving one out forecasts 0, 1/2, 1/2 — Brier
    /// (1 + 1/4 + 1/4) / 3 = 0.5; the prior's 0.6 scores
    /// (0.16 + 0.36 + 0.36) / 3.
    #[test]
    fn brier_score_and_references_by_hand() {
        let cases = vec![
            case(90, true, "a"),
            case(20, false, "b"),
            case(60, false, "c"),
        ];
        let s = score(cases, Settings::default()).unwrap();
        assert!((s.brier - 0.41 / 3.0).abs() < 1e-12, "{}", s.brier);
        assert!((s.base_rate - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.brier_base_rate - 2.0 / 9.0).abs() < 1e-12);
        assert_eq!((s.right, s.scored, s.clusters, s.stopped), (2, 3, 3, 1));
        let names: Vec<&str> = s.references.iter().map(|r| r.name).collect();
        assert_eq!(names, ["leave_one_cluster_out", "prior", "half"]);
        assert!((s.references[0].brier - 0.5).abs() < 1e-12);
        assert!((s.references[1].brier - 0.88 / 3.0).abs() < 1e-12);
        assert!((s.references[2].brier - 0.25).abs() < 1e-12);
        for r in &s.references {
            assert!((r.difference - (s.brier - r.brier)).abs() < 1e-12);
            assert!(
                r.lo <= r.difference + 1e-12 && r.difference <= r.hi + 1e-12,
                "{r:?}"
            );
        }
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

    /// Cases sharing a cluster move together in the bootstrap. With a
    /// cluster of three cases at -0.2 and one of a single case at +0.6, a
    /// resample of two clusters has one of three means: -0.2 (the first
    /// twice), +0.6 (the second twice), 0.0 (one of each: (3 x -0.2 + 0.6)
    /// / 4); the interval is [-0.2, +0.6]. Resampling the four cases
    /// instead would also give means such as +0.2 (two of each), which
    /// fail the test. A model far better everywhere has the whole interval
    /// below 0.
    #[test]
    fn the_bootstrap_resamples_whole_clusters() {
        let diff = [-0.2, -0.2, -0.2, 0.6];
        let cluster = [0, 0, 0, 1];
        let (lo, hi) = cluster_interval(&diff, &cluster, 2, Settings::default());
        assert!(
            (lo + 0.2).abs() < 1e-12 && (hi - 0.6).abs() < 1e-12,
            "{lo} {hi}"
        );
        // Every resample mean is one a cluster resample can give.
        let s = Settings {
            resamples: 2_000,
            ..Settings::default()
        };
        let means = cluster_means(&diff, &cluster, 2, s);
        assert!(
            means
                .iter()
                .all(|m| [-0.2, 0.0, 0.6].iter().any(|v| (m - v).abs() < 1e-12)),
            "{:?}",
            means
                .iter()
                .find(|m| ![-0.2, 0.0, 0.6].iter().any(|v| (*m - v).abs() < 1e-12))
        );
        let good = vec![
            case(95, true, "a"),
            case(5, false, "b"),
            case(95, true, "c"),
            case(5, false, "d"),
        ];
        let s = score(good, Settings::default()).unwrap();
        assert!(s.shows_skill(), "{:?}", s.references[0]);
        let flat = vec![
            case(60, true, "a"),
            case(60, false, "b"),
            case(60, true, "c"),
        ];
        assert!(!score(flat, Settings::default()).unwrap().shows_skill());
    }

    /// A stop for another reason than a budget is listed, not scored; an
    /// inferred outcome is scored only when asked; the calibration table
    /// counts each scored case once.
    #[test]
    fn what_is_scored_and_calibration() {
        let mut technical = case(90, true, "a");
        technical.reason = StopReason::Technical;
        let mut inferred = case(30, false, "b");
        inferred.strength = Strength::C;
        let cases = vec![
            technical,
            inferred,
            case(70, true, "c"),
            case(45, false, "d"),
        ];
        let s = score(cases.clone(), Settings::default()).unwrap();
        assert_eq!((s.cases.len(), s.scored), (4, 2));
        let with = Settings {
            with_inferred: true,
            ..Settings::default()
        };
        let s = score(cases, with).unwrap();
        assert_eq!(s.scored, 3);
        let counts: Vec<usize> = s.calibration.iter().map(|b| b.cases).collect();
        assert_eq!(counts, [1, 1, 1, 0]);
        assert_eq!(s.calibration[2].stop_rate, Some(1.0));
        assert_eq!(s.calibration[3].mean_forecast, None);
        assert!(score(Vec::new(), Settings::default()).is_none());
    }
}
