//! Variance-based sensitivity: Sobol indices of every uncertain input.
//!
//! For each entity's gap NPV and its any-gap indicator: the first-order
//! index `S_i` (the share of the output's variance the input explains
//! alone) and the total index `ST_i` (alone and in every interaction).
//! Unlike the one-at-a-time tornado, they see interactions: `ST_i - S_i`
//! is what input `i` does only together with others.
//!
//! Saltelli's scheme (Saltelli et al., "Variance based sensitivity analysis
//! of model output", Computer Physics Communications 181, 2010): two
//! independent samples of the inputs, `A` (the inputs of trials `0..N`) and
//! `B` (of trials `N..2N`), and for each input `i` the matrix `AB_i`: `A`
//! with column `i` from `B`. A row of `AB_i` is simulated as trial `j` of
//! `A` (its year-to-year randomness included) with the chosen inputs, so
//! `N (k + 2)` trials in all. Estimators: Saltelli 2010's for `S_i`,
//! `V_i = mean(f(B) (f(AB_i) - f(A)))`, and Jansen's for `ST_i`,
//! `VT_i = mean((f(A) - f(AB_i))^2) / 2`, each over the variance of all
//! `f(A)` and `f(B)`. Year-to-year noise (volatility, hazards, the
//! economy) stays with the trial: it is the part no input explains.
//! 95% intervals from a bootstrap over the `N` rows.
//!
//! Pure: no files, no printing.

use rayon::prelude::*;
use serde::Serialize;

use super::provenance::ProvenanceShares;
use crate::engine::{Engine, Fault, LANES, Scratch};
use crate::error::Error;
use crate::model::Model;
use crate::model::rng::{mix64, resample_pick};

/// How much work the analysis does.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Rows of each sample matrix (`N`): the analysis simulates
    /// `N (k + 2)` trials for `k` uncertain inputs.
    pub base: u64,
    /// Bootstrap resamples for the intervals.
    pub bootstrap: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            base: 2_000,
            bootstrap: 200,
        }
    }
}

/// One input's indices for one output, each with its 95% interval.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Index {
    /// The input's `--set` path.
    pub input: String,
    /// Where it comes from: `source:KEY`, `assumption` or `unstated`.
    pub provenance: String,
    /// First-order index.
    pub first: f64,
    /// Lower end of its 95% bootstrap interval.
    pub first_lo: f64,
    /// Upper end.
    pub first_hi: f64,
    /// Total index.
    pub total: f64,
    /// Lower end of its 95% bootstrap interval.
    pub total_lo: f64,
    /// Upper end.
    pub total_hi: f64,
}

/// The indices of one entity's two outputs, inputs by total index,
/// largest first.
#[derive(Debug, Clone, Serialize)]
pub struct EntitySobol {
    /// Service id, or `portfolio`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Variance of the gap NPV over the samples (0: nothing to explain).
    pub gap_npv_variance: f64,
    /// Indices for the gap NPV.
    pub gap_npv: Vec<Index>,
    /// The shares of the gap NPV's variance the inputs explain alone, by
    /// their provenance: first-order indices (negative estimates as 0)
    /// normalised over the inputs; interactions are left out.
    pub gap_npv_variance_by_provenance: ProvenanceShares,
    /// Share of sampled trials with a gap.
    pub p_any_gap: f64,
    /// Indices for the any-gap indicator.
    pub any_gap: Vec<Index>,
}

/// The whole analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Sobol {
    /// Scenario name.
    pub scenario: String,
    /// Seed of the trials.
    pub seed: u64,
    /// Rows of each sample matrix.
    pub base: u64,
    /// Trials simulated: `base (inputs + 2)`.
    pub trials: u64,
    /// Services in file order, then the portfolio.
    pub entities: Vec<EntitySobol>,
}

/// First-order and total indices of each input from `f(A)`, `f(B)` and
/// `f(AB_i)` (one slice per input), with 95% bootstrap intervals drawn
/// with `seed`: (S, S_lo, S_hi, ST, ST_lo, ST_hi) per input.
pub fn indices(fa: &[f64], fb: &[f64], fab: &[Vec<f64>], reps: usize, seed: u64) -> Vec<[f64; 6]> {
    let n = fa.len();
    // Centred on the mean of f(A) and f(B): Saltelli's first-order
    // estimator is not shift-invariant in a finite sample, and a large
    // mean (a gap NPV in the hundreds) swamps it otherwise.
    let centre = (fa.iter().chain(fb).sum::<f64>()) / (2 * n).max(1) as f64;
    let fa: Vec<f64> = fa.iter().map(|x| x - centre).collect();
    let fb: Vec<f64> = fb.iter().map(|x| x - centre).collect();
    let fab: Vec<Vec<f64>> = fab
        .iter()
        .map(|f| f.iter().map(|x| x - centre).collect())
        .collect();
    let all = |rows: &[usize]| -> Vec<(f64, f64)> {
        let m = rows.len().max(1) as f64;
        // Variance of f(A) and f(B) together.
        let (mut s, mut s2) = (0.0, 0.0);
        for &j in rows {
            s += fa[j] + fb[j];
            s2 += fa[j] * fa[j] + fb[j] * fb[j];
        }
        let mean = s / (2.0 * m);
        let v = (s2 / (2.0 * m) - mean * mean).max(0.0);
        fab.iter()
            .map(|fi| {
                let (mut first, mut total) = (0.0, 0.0);
                for &j in rows {
                    first += fb[j] * (fi[j] - fa[j]);
                    total += (fa[j] - fi[j]).powi(2);
                }
                if v > 0.0 {
                    (first / m / v, total / (2.0 * m) / v)
                } else {
                    (0.0, 0.0)
                }
            })
            .collect()
    };
    let rows: Vec<usize> = (0..n).collect();
    let point = all(&rows);
    // Bootstrap: resample rows with replacement, keyed so it is the same
    // on every machine.
    let mut boots: Vec<Vec<(f64, f64)>> = Vec::with_capacity(reps);
    let mut pick = vec![0usize; n];
    for r in 0..reps {
        for (i, p) in pick.iter_mut().enumerate() {
            *p = resample_pick(seed, r, i, n);
        }
        boots.push(all(&pick));
    }
    let band = |vals: &mut Vec<f64>| -> (f64, f64) {
        if vals.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        vals.sort_by(f64::total_cmp);
        let at =
            |q: f64| vals[((q * (vals.len() - 1) as f64).round() as usize).min(vals.len() - 1)];
        (at(0.025), at(0.975))
    };
    point
        .iter()
        .enumerate()
        .map(|(i, &(s, st))| {
            let mut fs: Vec<f64> = boots.iter().map(|b| b[i].0).collect();
            let mut ts: Vec<f64> = boots.iter().map(|b| b[i].1).collect();
            let (slo, shi) = band(&mut fs);
            let (tlo, thi) = band(&mut ts);
            [s, slo, shi, st, tlo, thi]
        })
        .collect()
}

/// One simulated row: per entity, (gap NPV, 1 if a gap else 0).
type Outputs = Vec<(f64, f64)>;

/// Runs the analysis. `progress` hears each finished row of the matrices;
/// setting `cancel` skips the rows not yet begun and returns
/// [`Error::Interrupted`].
pub fn analyse(
    model: &Model,
    opts: Options,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Sobol, Error> {
    let inputs = model.inputs();
    let uncertain = model.uncertain_inputs();
    let n = opts.base.max(2);
    let engine = Engine::new(model);
    let outputs = |s: &Scratch| -> Outputs {
        s.outcome
            .iter()
            .map(|o| (o.gap_npv, f64::from(u8::from(o.first_gap.is_some()))))
            .collect()
    };
    type Row = (Outputs, Outputs, Vec<Outputs>, Option<Fault>);
    // Every row is kept for the estimators and their bootstrap: the memory
    // they need (each row's outputs of every entity for its k + 2 runs) is
    // asked for first, so a sample too large is an error that says so
    // rather than an abort hours later.
    let per_row = std::mem::size_of::<Row>()
        + uncertain.len() * std::mem::size_of::<Outputs>()
        + (uncertain.len() + 2) * (model.services.len() + 1) * std::mem::size_of::<(f64, f64)>();
    super::room_for(n, per_row, ("Sobol sample", "--sobol-trials"))?;
    let rows: Vec<Row> = (0..n)
        .into_par_iter()
        .map_init(
            || {
                let lanes = vec![Scratch::new(model); LANES];
                (lanes, Vec::new(), Vec::new(), Vec::new())
            },
            |(lanes, a, b, mixed), j| {
                if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                    return (Vec::new(), Vec::new(), Vec::new(), None);
                }
                engine.inputs(j, a);
                engine.inputs(n + j, b);
                // The row's runs: A (trial j, its own inputs), B (trial
                // n + j), then for each uncertain input k trial j with
                // A's inputs but B's k-th; simulated LANES at a time.
                let runs = uncertain.len() + 2;
                let (mut fa, mut fb) = (Vec::new(), Vec::new());
                let mut fab = Vec::with_capacity(uncertain.len());
                let mut fault = None;
                let mut trials = [0u64; LANES];
                for start in (0..runs).step_by(LANES) {
                    let len = (runs - start).min(LANES);
                    for (l, r) in (start..start + len).enumerate() {
                        let draws = &mut lanes[l].draws;
                        trials[l] = if r == 1 { n + j } else { j };
                        match r.checked_sub(2).map(|i| uncertain[i]) {
                            None => draws.set_inputs(&[]),
                            Some(k) => {
                                mixed.clear();
                                mixed.extend_from_slice(a);
                                mixed[k] = b[k];
                                draws.set_inputs(mixed);
                            }
                        }
                    }
                    engine.simulate_trials(&trials[..len], &mut lanes[..len]);
                    for (l, r) in (start..start + len).enumerate() {
                        let s = &lanes[l];
                        fault = Fault::earliest(fault, s.fault);
                        match r {
                            0 => fa = outputs(s),
                            1 => fb = outputs(s),
                            _ => fab.push(outputs(s)),
                        }
                    }
                }
                for s in lanes.iter_mut() {
                    s.draws.set_inputs(&[]);
                }
                progress(1);
                (fa, fb, fab, fault)
            },
        )
        .collect();
    super::unless_stopped(cancel)?;
    if let Some(f) = rows.iter().fold(None, |f, r| Fault::earliest(f, r.3)) {
        return Err(Error::NonFinite(f.describe(model)));
    }
    let names: Vec<&str> = uncertain
        .iter()
        .map(|&k| inputs[k].0.path.as_str())
        .collect();
    let ids = super::entities(model);
    let mut entities = Vec::new();
    for (e, (id, name)) in ids.enumerate() {
        // Each entity's bootstrap takes about as long as a share of the
        // simulation.
        super::unless_stopped(cancel)?;
        let pick = |which: fn(&(f64, f64)) -> f64| {
            let fa: Vec<f64> = rows.iter().map(|r| which(&r.0[e])).collect();
            let fb: Vec<f64> = rows.iter().map(|r| which(&r.1[e])).collect();
            let fab: Vec<Vec<f64>> = (0..uncertain.len())
                .map(|i| rows.iter().map(|r| which(&r.2[i][e])).collect())
                .collect();
            (fa, fb, fab)
        };
        let seed = mix64(model.seed ^ e as u64);
        let table = |(fa, fb, fab): (Vec<f64>, Vec<f64>, Vec<Vec<f64>>)| {
            let mut v: Vec<Index> = indices(&fa, &fb, &fab, opts.bootstrap, seed)
                .into_iter()
                .zip(&names)
                .map(|(x, input)| Index {
                    input: input.to_string(),
                    provenance: model.provenance(input).label(),
                    first: x[0],
                    first_lo: x[1],
                    first_hi: x[2],
                    total: x[3],
                    total_lo: x[4],
                    total_hi: x[5],
                })
                .collect();
            v.sort_by(|a, b| b.total.total_cmp(&a.total));
            (v, fa, fb)
        };
        let (gap_npv, fa, fb) = table(pick(|o| o.0));
        let m = (fa.len() + fb.len()).max(1) as f64;
        let mean = fa.iter().chain(&fb).sum::<f64>() / m;
        let var = fa
            .iter()
            .chain(&fb)
            .map(|x| (x - mean).powi(2))
            .sum::<f64>()
            / m;
        let gap_npv_variance_by_provenance = ProvenanceShares::of(
            gap_npv
                .iter()
                .map(|i| (i.first, model.provenance(&i.input))),
        );
        let (any_gap, aa, ab) = table(pick(|o| o.1));
        let p = aa.iter().chain(&ab).sum::<f64>() / m;
        entities.push(EntitySobol {
            id,
            name,
            gap_npv_variance: var,
            gap_npv,
            gap_npv_variance_by_provenance,
            p_any_gap: p,
            any_gap,
        });
    }
    Ok(Sobol {
        scenario: model.name.clone(),
        seed: model.seed,
        base: n,
        trials: n * (uncertain.len() as u64 + 2),
        entities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::unit;

    /// The Ishigami function (a = 7, b = 0.1) on [-pi, pi]^3, whose indices
    /// are known in closed form: S = (0.314, 0.442, 0), ST = (0.558, 0.442,
    /// 0.244). Estimates within 4 bootstrap standard errors (the 95%
    /// interval's half-width is about 2) and 0.01.
    #[test]
    fn the_estimators_recover_ishigami() {
        let n = 20_000;
        let u = |i: u64| (unit(mix64(i)) * 2.0 - 1.0) * std::f64::consts::PI;
        let a: Vec<[f64; 3]> = (0..n)
            .map(|j| [u(6 * j), u(6 * j + 1), u(6 * j + 2)])
            .collect();
        let b: Vec<[f64; 3]> = (0..n)
            .map(|j| [u(6 * j + 3), u(6 * j + 4), u(6 * j + 5)])
            .collect();
        let f =
            |x: &[f64; 3]| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
        let fa: Vec<f64> = a.iter().map(f).collect();
        let fb: Vec<f64> = b.iter().map(f).collect();
        let fab: Vec<Vec<f64>> = (0..3)
            .map(|i| {
                a.iter()
                    .zip(&b)
                    .map(|(x, y)| {
                        let mut m = *x;
                        m[i] = y[i];
                        f(&m)
                    })
                    .collect()
            })
            .collect();
        let got = indices(&fa, &fb, &fab, 200, 11);
        let truth = [(0.314, 0.558), (0.442, 0.442), (0.0, 0.244)];
        for (i, (x, (s, st))) in got.iter().zip(truth).enumerate() {
            let (se_s, se_t) = ((x[2] - x[1]) / 3.92, (x[5] - x[4]) / 3.92);
            assert!(
                (x[0] - s).abs() <= 4.0 * se_s + 0.01,
                "S{}: {x:?} vs {s}",
                i + 1
            );
            assert!(
                (x[3] - st).abs() <= 4.0 * se_t + 0.01,
                "ST{}: {x:?} vs {st}",
                i + 1
            );
            assert!(x[1] <= x[0] && x[0] <= x[2] && x[4] <= x[3] && x[3] <= x[5]);
        }
    }

    /// A scenario whose gap NPV is additive in two inputs: cost 1000 x a
    /// ratio ~ U(0.1, 0.2) less a budget ~ U(0, 50), always short. Their
    /// variances, 1000^2 x 0.1^2 / 12 and 50^2 / 12, give shares 0.8 and
    /// 0.2, first-order and total alike; the any-gap indicator never
    /// varies.
    #[test]
    fn an_additive_scenario_splits_its_variance_as_its_inputs_do() {
        let text = "[scenario]\nname = \"additive\"\nstart_year = 2025\nhorizon_years = 3\ndiscount_rate = 0\nseed = 6\n\
            [economy]\ninflation = 0\n\
            [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = { dist = \"uniform\", min = 0.1, max = 0.2 }\n\
            [[service.funding]]\nkind = \"budget\"\nname = \"b\"\namount = { dist = \"uniform\", min = 0, max = 50 }\n";
        let m = crate::scenario::parse_str(text, "a.toml").unwrap();
        let opts = Options {
            base: 4000,
            bootstrap: 100,
        };
        let r = analyse(
            &m,
            opts,
            &|_| {},
            &std::sync::atomic::AtomicBool::new(false),
        )
        .unwrap();
        let s = &r.entities[0];
        let find = |name: &str| s.gap_npv.iter().find(|i| i.input.ends_with(name)).unwrap();
        for (name, share) in [("opex_ratio", 0.8), ("funding.b.amount", 0.2)] {
            let i = find(name);
            assert!((i.first - share).abs() < 0.03, "{i:?}");
            assert!((i.total - share).abs() < 0.03, "{i:?}");
        }
        assert_eq!(r.trials, 4000 * 4);
        assert_eq!(s.p_any_gap, 1.0);
        assert!(s.any_gap.iter().all(|i| i.first == 0.0 && i.total == 0.0));
    }
}
