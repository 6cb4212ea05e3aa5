//! What drives the gap: rank correlations and a one-at-a-time tornado.
//!
//! Two complementary views of every uncertain input (every quantity drawn
//! once per trial: construction costs, opex ratios, amounts, hazards,
//! adoption, ...):
//!
//! * **Rank correlation** (Spearman) of the input with each entity's gap NPV
//!   and with its any-gap indicator, over a bounded, deterministic sample:
//!   trials `0..sample` of the run's seed. It captures each input's share of
//!   the spread while all others vary too.
//! * **Tornado** (one at a time): every uncertain input at its median, then
//!   one input at its P10 and at its P90; the swing is the change in mean gap
//!   NPV. All runs share trials and random streams, so the swing is the
//!   input's effect, not noise. Year-to-year noise (volatility, hazards,
//!   the economy) still varies within the runs, as it does in reality.
//!
//! Pure: no files, no printing.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::provenance::ProvenanceShares;
use crate::engine::{Engine, Fault, LANES, Scratch, fold_trials, lane_batches};
use crate::error::Error;
use crate::model::Model;
use crate::model::{Dist, Quantity};
use crate::stats::Proportion;
use crate::stats::correlation::{rank_interval, spearman};
use crate::stats::sums::Moments;

/// How much work the analysis does.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Trials sampled for rank correlations.
    pub sample: u64,
    /// Trials per one-at-a-time run.
    pub oat_trials: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            sample: 5_000,
            oat_trials: 2_000,
        }
    }
}

/// One input's effect on one entity.
#[derive(Debug, Clone, Serialize)]
pub struct InputEffect {
    /// The `--set` path of the input.
    pub input: String,
    /// Where it comes from: `source:KEY`, `assumption` or `unstated`.
    pub provenance: String,
    /// The input's 10th percentile.
    pub p10: f64,
    /// The input's median.
    pub p50: f64,
    /// The input's 90th percentile.
    pub p90: f64,
    /// Spearman rank correlation with the entity's gap NPV.
    pub rank_corr_gap_npv: f64,
    /// Its approximate 95% interval ([`rank_interval`]; NaN below four
    /// trials).
    pub rank_corr_gap_npv_lo: f64,
    /// The interval's upper end.
    pub rank_corr_gap_npv_hi: f64,
    /// Spearman rank correlation with "the entity has a gap at some point".
    pub rank_corr_any_gap: f64,
    /// Its approximate 95% interval, as the gap NPV's.
    pub rank_corr_any_gap_lo: f64,
    /// The interval's upper end.
    pub rank_corr_any_gap_hi: f64,
    /// Mean gap NPV with this input at its P10 / P90, others at medians.
    pub gap_npv_at_p10: f64,
    /// Mean gap NPV with the input at its P90.
    pub gap_npv_at_p90: f64,
    /// `gap_npv_at_p90 - gap_npv_at_p10`.
    pub swing: f64,
    /// P(any gap) with the input at its P10.
    pub p_any_gap_at_p10: f64,
    /// Its 95% Wilson interval over the one-at-a-time run's trials.
    pub p_any_gap_at_p10_lo: f64,
    /// The interval's upper end.
    pub p_any_gap_at_p10_hi: f64,
    /// P(any gap) with the input at its P90.
    pub p_any_gap_at_p90: f64,
    /// Its 95% Wilson interval.
    pub p_any_gap_at_p90_lo: f64,
    /// The interval's upper end.
    pub p_any_gap_at_p90_hi: f64,
}

/// The drivers of one entity's gap, largest swing first.
#[derive(Debug, Clone, Serialize)]
pub struct EntitySensitivity {
    /// Service id, or `portfolio`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Mean gap NPV with every uncertain input at its median.
    pub gap_npv_at_medians: f64,
    /// P(any gap) with every input at its median, with its 95% Wilson
    /// interval.
    pub p_any_gap_at_medians: Proportion,
    /// The inputs that can move this entity, largest swing first.
    pub inputs: Vec<InputEffect>,
    /// The shares of the gap NPV's variance its inputs explain, by their
    /// provenance, from squared rank correlations normalised over the
    /// inputs: an approximation that ignores correlation between inputs
    /// (and what no input explains).
    pub variance_by_provenance: ProvenanceShares,
}

/// The whole analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    /// Scenario name.
    pub scenario: String,
    /// Currency of amounts.
    pub currency: String,
    /// Unit of amounts.
    pub unit: String,
    /// Seed of the runs.
    pub seed: u64,
    /// Trials sampled for the rank correlations.
    pub sample: u64,
    /// Trials of each one-at-a-time run.
    pub oat_trials: u64,
    /// Services in file order, then the portfolio.
    pub entities: Vec<EntitySensitivity>,
}

/// Mean gap NPV and P(any gap) per entity over trials `0..trials`.
fn oat_run(model: &Model, trials: u64, cancel: &AtomicBool) -> Result<Oat, Error> {
    let engine = Engine::new(model);
    let entities = model.services.len() + 1;
    let (_, acc) = fold_trials(
        0,
        trials,
        &|_| {},
        cancel,
        || {
            (
                vec![Scratch::new(model); LANES],
                (vec![(Moments::default(), 0u64); entities], None),
            )
        },
        |(lanes, (acc, fault)), block| {
            for (first, n) in lane_batches(block) {
                let lanes = &mut lanes[..n];
                engine.simulate_lanes(first, lanes, |_| {});
                for scratch in lanes.iter() {
                    for (e, (m, any)) in acc.iter_mut().enumerate() {
                        let o = &scratch.outcome[e];
                        m.add(o.gap_npv);
                        *any += u64::from(o.first_gap.is_some());
                    }
                    if scratch.fault.is_some() {
                        *fault = Fault::earliest(*fault, scratch.fault);
                    }
                }
            }
        },
        |(s, (mut a, fa)), (_, (b, fb))| {
            for (x, y) in a.iter_mut().zip(&b) {
                x.0.merge(&y.0);
                x.1 += y.1;
            }
            (s, (a, Fault::earliest(fa, fb)))
        },
    );
    let (acc, fault) = acc;
    super::unless_stopped(cancel)?;
    if let Some(f) = fault {
        return Err(Error::NonFinite(f.describe(model)));
    }
    Ok(acc
        .iter()
        .map(|(m, any)| (m.mean(), Proportion::new(*any, trials)))
        .collect())
}

/// (mean gap NPV, P(any gap)) per entity of a one-at-a-time run.
type Oat = Vec<(f64, Proportion)>;

/// (mean gap NPV, P(any gap)) per entity; for one trial, (gap NPV, 1 if
/// it had a gap else 0).
pub(crate) type PerEntity = Vec<(f64, f64)>;

/// Fixes input `k` of `model` at `value`.
fn fix_input(model: &mut Model, k: usize, value: f64) {
    if let Some(q) = model.input_mut(k) {
        *q = Quantity {
            dist: Dist::constant(value),
            domain: q.domain,
        };
    }
}

/// A copy of `model` with input `k` fixed at `value`.
fn with_input(model: &Model, k: usize, value: f64) -> Model {
    let mut m = model.clone();
    fix_input(&mut m, k, value);
    m
}

/// Per sampled trial `0..n`: the uncertain inputs (indices into
/// [`Model::inputs`]), and (gap NPV, any gap) per entity.
/// Setting `cancel` skips the batches not yet begun and returns
/// [`Error::Interrupted`].
pub(crate) fn sample(
    model: &Model,
    uncertain: &[usize],
    (n, flag): (u64, &str),
    cancel: &AtomicBool,
) -> Result<Vec<(Vec<f64>, PerEntity)>, Error> {
    use rayon::prelude::*;
    // Every sampled trial's inputs and outcomes are kept.
    let per_row = std::mem::size_of::<(Vec<f64>, PerEntity)>()
        + uncertain.len() * std::mem::size_of::<f64>()
        + (model.services.len() + 1) * std::mem::size_of::<(f64, f64)>();
    super::room_for(n, per_row, ("sample", flag))?;
    let engine = Engine::new(model);
    // Batches of LANES consecutive trials, simulated side by side.
    let batches = n.div_ceil(LANES as u64);
    let rows = (0..batches)
        .into_par_iter()
        .map_init(
            || (vec![Scratch::new(model); LANES], Vec::new()),
            |(lanes, buf), batch| {
                if cancel.load(Ordering::Relaxed) {
                    return Vec::new();
                }
                let first = batch * LANES as u64;
                let len = (n - first).min(LANES as u64) as usize;
                let lanes = &mut lanes[..len];
                engine.simulate_lanes(first, lanes, |_| {});
                let rows: Vec<_> = lanes
                    .iter()
                    .zip(first..)
                    .map(|(scratch, trial)| {
                        engine.inputs(trial, buf);
                        let x: Vec<f64> = uncertain.iter().map(|&k| buf[k]).collect();
                        let y: PerEntity = scratch
                            .outcome
                            .iter()
                            .map(|o| (o.gap_npv, f64::from(u8::from(o.first_gap.is_some()))))
                            .collect();
                        (x, y, scratch.fault)
                    })
                    .collect();
                rows
            },
        )
        .flatten_iter()
        .collect::<Vec<_>>();
    super::unless_stopped(cancel)?;
    // The earliest fault, whatever the schedule.
    if let Some(f) = rows.iter().fold(None, |f, r| Fault::earliest(f, r.2)) {
        return Err(Error::NonFinite(f.describe(model)));
    }
    Ok(rows.into_iter().map(|(x, y, _)| (x, y)).collect())
}

/// One at a time, on common random numbers: every uncertain input at its
/// median, then each at its P10 and P90 with the others at their medians.
/// Returns the run at the medians and, per input, the runs at P10 and P90.
fn tornado(
    model: &Model,
    uncertain: &[usize],
    quant: &[[f64; 3]],
    oat_trials: u64,
    (progress, cancel): (&(dyn Fn(u64) + Sync), &AtomicBool),
) -> Result<(Oat, Vec<(Oat, Oat)>), Error> {
    use rayon::prelude::*;
    let mut medians = model.clone();
    for (j, &k) in uncertain.iter().enumerate() {
        fix_input(&mut medians, k, quant[j][1]);
    }
    let base = oat_run(&medians, oat_trials, cancel)?;
    let swings: Vec<Result<(Oat, Oat), Error>> = uncertain
        .par_iter()
        .enumerate()
        .map(|(j, &k)| {
            let lo = oat_run(&with_input(&medians, k, quant[j][0]), oat_trials, cancel);
            let hi = oat_run(&with_input(&medians, k, quant[j][2]), oat_trials, cancel);
            progress(1);
            Ok((lo?, hi?))
        })
        .collect();
    // The first failing input in input order, whatever the schedule.
    Ok((base, swings.into_iter().collect::<Result<_, _>>()?))
}

/// Runs the analysis. `progress` receives finished one-at-a-time runs;
/// setting `cancel` stops it at the next block of trials with
/// [`Error::Interrupted`].
// Long by design: assembles each entity's effects from the sample and the
// tornado runs, column by column of the output.
pub fn analyse(
    model: &Model,
    opts: Options,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<Sensitivity, Error> {
    let inputs = model.inputs();
    let uncertain = model.uncertain_inputs();
    let quant: Vec<[f64; 3]> = uncertain
        .iter()
        .map(|&k| {
            [
                inputs[k].1.quantile(0.1),
                inputs[k].1.quantile(0.5),
                inputs[k].1.quantile(0.9),
            ]
        })
        .collect();
    let entities = model.services.len() + 1;

    // Rank correlations on trials 0..n.
    let n = opts.sample.min(model.trials).max(2);
    let rows = sample(model, &uncertain, (n, "--sample"), cancel)?;
    let column = |j: usize| -> Vec<f64> { rows.iter().map(|r| r.0[j]).collect() };
    let out_gap = |e: usize| -> Vec<f64> { rows.iter().map(|r| r.1[e].0).collect() };
    let out_any = |e: usize| -> Vec<f64> { rows.iter().map(|r| r.1[e].1).collect() };
    let (base, swings) = tornado(
        model,
        &uncertain,
        &quant,
        opts.oat_trials,
        (progress, cancel),
    )?;

    let mut result = Vec::with_capacity(entities);
    let gap_cols: Vec<Vec<f64>> = (0..entities).map(out_gap).collect();
    let any_cols: Vec<Vec<f64>> = (0..entities).map(out_any).collect();
    let in_cols: Vec<Vec<f64>> = (0..uncertain.len()).map(column).collect();
    // A constant column has no correlation to bound: its 0 is a
    // convention, and it gets no interval.
    let varies = |c: &Vec<f64>| c.iter().any(|x| *x != c[0]);
    let (gap_varies, any_varies, in_varies): (Vec<bool>, Vec<bool>, Vec<bool>) = (
        gap_cols.iter().map(varies).collect(),
        any_cols.iter().map(varies).collect(),
        in_cols.iter().map(varies).collect(),
    );
    for e in 0..entities {
        let (id, name) = match model.services.get(e) {
            Some(s) => (s.id.clone(), s.name.clone()),
            None => (
                "portfolio".to_string(),
                crate::stats::PORTFOLIO_NAME.to_string(),
            ),
        };
        let mut effects: Vec<InputEffect> = uncertain
            .iter()
            .enumerate()
            // A service's own inputs, and another service's where moving it
            // moved this one in the one-at-a-time runs (a reserve fund or
            // special account they share: on common random numbers an
            // input that cannot reach the service leaves its results the
            // same to the bit); the portfolio's are all of them.
            .filter(|&(j, k)| {
                let moves = |r: &(f64, Proportion)| {
                    r.0.to_bits() != base[e].0.to_bits() || r.1 != base[e].1
                };
                e == model.services.len()
                    || inputs[*k].0.service == e
                    || moves(&swings[j].0[e])
                    || moves(&swings[j].1[e])
            })
            .map(|(j, &k)| {
                let (lo, hi) = (&swings[j].0[e], &swings[j].1[e]);
                let interval = |r: f64, out_varies: bool| match in_varies[j] && out_varies {
                    true => rank_interval(r, n).unwrap_or((f64::NAN, f64::NAN)),
                    false => (f64::NAN, f64::NAN),
                };
                let gap_corr = spearman(&in_cols[j], &gap_cols[e]);
                let any_corr = spearman(&in_cols[j], &any_cols[e]);
                let (gap_lo, gap_hi) = interval(gap_corr, gap_varies[e]);
                let (any_lo, any_hi) = interval(any_corr, any_varies[e]);
                InputEffect {
                    input: inputs[k].0.path.clone(),
                    provenance: model.provenance(&inputs[k].0.path).label(),
                    p10: quant[j][0],
                    p50: quant[j][1],
                    p90: quant[j][2],
                    rank_corr_gap_npv: gap_corr,
                    rank_corr_gap_npv_lo: gap_lo,
                    rank_corr_gap_npv_hi: gap_hi,
                    rank_corr_any_gap: any_corr,
                    rank_corr_any_gap_lo: any_lo,
                    rank_corr_any_gap_hi: any_hi,
                    gap_npv_at_p10: lo.0,
                    gap_npv_at_p90: hi.0,
                    swing: hi.0 - lo.0,
                    p_any_gap_at_p10: lo.1.estimate,
                    p_any_gap_at_p10_lo: lo.1.lo,
                    p_any_gap_at_p10_hi: lo.1.hi,
                    p_any_gap_at_p90: hi.1.estimate,
                    p_any_gap_at_p90_lo: hi.1.lo,
                    p_any_gap_at_p90_hi: hi.1.hi,
                }
            })
            .collect();
        effects.sort_by(|a, b| {
            b.swing
                .abs()
                .total_cmp(&a.swing.abs())
                .then(a.input.cmp(&b.input))
        });
        // Another service's input counts only where its correlation is
        // told from 0: dozens of them at noise level would add about
        // 1/sample each and blur the shares.
        let own = format!("service.{id}.");
        let variance_by_provenance = ProvenanceShares::of(
            effects
                .iter()
                .filter(|i| {
                    e == model.services.len()
                        || i.input.starts_with(&own)
                        || i.rank_corr_gap_npv_lo > 0.0
                        || i.rank_corr_gap_npv_hi < 0.0
                })
                .map(|i| (i.rank_corr_gap_npv.powi(2), model.provenance(&i.input))),
        );
        result.push(EntitySensitivity {
            id,
            name,
            gap_npv_at_medians: base[e].0,
            p_any_gap_at_medians: base[e].1,
            inputs: effects,
            variance_by_provenance,
        });
    }
    Ok(Sensitivity {
        scenario: model.name.clone(),
        currency: model.currency.clone(),
        unit: model.unit.clone(),
        seed: model.seed,
        sample: n,
        oat_trials: opts.oat_trials,
        entities: result,
    })
}

#[cfg(test)]
mod tests;
