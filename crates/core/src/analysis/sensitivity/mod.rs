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
                // A constant column has no correlation to bound: its 0 is
                // a convention, and it gets no interval.
                let varies = |c: &[f64]| c.iter().any(|x| *x != c[0]);
                let interval = |r: f64, out: &[f64]| match varies(&in_cols[j]) && varies(out) {
                    true => rank_interval(r, n).unwrap_or((f64::NAN, f64::NAN)),
                    false => (f64::NAN, f64::NAN),
                };
                let gap_corr = spearman(&in_cols[j], &gap_cols[e]);
                let any_corr = spearman(&in_cols[j], &any_cols[e]);
                InputEffect {
                    input: inputs[k].0.path.clone(),
                    provenance: model.provenance(&inputs[k].0.path).label(),
                    p10: quant[j][0],
                    p50: quant[j][1],
                    p90: quant[j][2],
                    rank_corr_gap_npv: gap_corr,
                    rank_corr_gap_npv_lo: interval(gap_corr, &gap_cols[e]).0,
                    rank_corr_gap_npv_hi: interval(gap_corr, &gap_cols[e]).1,
                    rank_corr_any_gap: any_corr,
                    rank_corr_any_gap_lo: interval(any_corr, &any_cols[e]).0,
                    rank_corr_any_gap_hi: interval(any_corr, &any_cols[e]).1,
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
mod tests {
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
        let text = include_str!("../../../../scenarios/bench-district.toml");
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
}
