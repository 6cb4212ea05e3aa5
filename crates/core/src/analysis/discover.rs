//! Scenario discovery: which combinations of inputs lead to a gap.
//!
//! PRIM, the patient rule induction method (Friedman & Fisher, "Bump
//! hunting in high-dimensional data", Statistics and Computing 9, 1999; as
//! used by the EMA Workbench and RAND's robust decision making), over a
//! deterministic sample of trials: each trial's uncertain inputs (the
//! quantities drawn once per trial, named by their `--set` paths) and
//! whether each service had a gap. Starting from every trial, PRIM peels:
//! it removes the `alpha` share of the trials in the box at the low or high
//! end of one input, whichever removal leaves the highest share of gaps
//! (density), and repeats while the box holds at least `min_support` of all
//! trials. Each step trades coverage (the share of all gaps the box holds)
//! for density. The reported box is the densest one on that path that
//! still covers `min_coverage` of the gaps; inputs whose limit barely
//! matters are then dropped (relaxing it costs less than two standard
//! errors of the box's density, or 1% of it), so the rule reads as what
//! matters.
//!
//! The box is found on the even trials of the sample and measured on the
//! odd ones: on the trials that chose it, a box's density flatters it
//! (with rare gaps, PRIM also fits noise), and the held-out trials give
//! honest coverage and density. A box is reported only if it has a limit
//! and, there, the lower end of its density's 95% Wilson interval is above
//! the held-out trials' base rate. A take-over decision's limits are
//! widened to the edges of the outcomes they admit (stop, shrink,
//! continue) before the box is measured. Benefit lines are no candidates:
//! they never move money, so a limit on one is noise by construction.
//!
//! Pure: no files, no printing.

use serde::Serialize;

use crate::error::Error;
use crate::model::Model;

/// How the boxes are found.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Trials sampled (`0..trials` of the run's seed).
    pub trials: u64,
    /// Share of the box's trials removed at each peel.
    pub alpha: f64,
    /// Smallest share of all trials a box may hold.
    pub min_support: f64,
    /// Smallest share of all gaps the reported box must hold.
    pub min_coverage: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            trials: 20_000,
            alpha: 0.05,
            min_support: 0.05,
            min_coverage: 0.5,
        }
    }
}

/// One input's limits in a box: `low <= x <= high`, where a missing side
/// is unrestricted.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Limit {
    /// The input's `--set` path.
    pub input: String,
    /// Lower limit, if restricted.
    pub low: Option<f64>,
    /// Upper limit, if restricted.
    pub high: Option<f64>,
    /// For a service's take-over decision (whose input is the uniform
    /// draw that decides it), the outcomes the limits admit: `stops`,
    /// `shrinks`, `continues`, or two of them joined by `_or_`.
    pub outcome: Option<String>,
}

/// A decision's limits `low..=high` widened to the edges of the outcomes
/// they admit, with those outcomes' names joined by `_or_`; None when they
/// admit every outcome (no limit at all). Its draw stops the service
/// below `stop`, shrinks it below `stop + shrink`, and leaves it as it is
/// above; a limit inside an outcome's range would split trials of one
/// and the same decision by a number that means nothing.
fn decision_limits(
    d: &crate::model::Decision,
    (low, high): (f64, f64),
) -> Option<(f64, f64, String)> {
    let cuts = [
        ("stops", 0.0, d.stop),
        ("shrinks", d.stop, d.stop + d.shrink),
        ("continues", d.stop + d.shrink, 1.0),
    ];
    let possible = cuts.iter().filter(|(_, from, to)| to > from).count();
    let admitted: Vec<&(&str, f64, f64)> = cuts
        .iter()
        .filter(|(_, from, to)| to > from && high >= *from && low < *to)
        .collect();
    let (first, last) = (admitted.first()?, admitted.last()?);
    if admitted.len() == possible {
        return None;
    }
    let lo = if first.1 <= 0.0 {
        f64::NEG_INFINITY
    } else {
        first.1
    };
    let hi = if last.2 >= 1.0 {
        f64::INFINITY
    } else {
        last.2.next_down()
    };
    let names: Vec<&str> = admitted.iter().map(|(name, ..)| *name).collect();
    Some((lo, hi, names.join("_or_")))
}

/// A step of the peeling path.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Step {
    /// Share of all gaps in the box.
    pub coverage: f64,
    /// Share of the box's trials with a gap.
    pub density: f64,
    /// Share of all trials in the box.
    pub support: f64,
}

/// What leads one entity to a gap.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    /// Service id, or `portfolio`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Share of all sampled trials with a gap.
    pub base_rate: f64,
    /// The reported box's rule; empty when there is no gap to explain (or
    /// every trial has one).
    pub limits: Vec<Limit>,
    /// The reported box, measured on the held-out trials.
    pub chosen: Option<Step>,
    /// The held-out trials' counts behind `chosen`.
    pub held_out: Option<HeldOut>,
    /// The peeling path, from every trial to the smallest box.
    pub path: Vec<Step>,
}

/// Counts on the held-out trials (the odd ones of the sample), for exact
/// intervals on the reported box.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct HeldOut {
    /// Held-out trials.
    pub trials: u64,
    /// Of them, with a gap.
    pub gaps: u64,
    /// Of them, in the box.
    pub in_box: u64,
    /// Of them, in the box with a gap.
    pub gaps_in_box: u64,
}

/// The whole analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Discoveries {
    /// Scenario name.
    pub scenario: String,
    /// Seed of the sample.
    pub seed: u64,
    /// Trials sampled.
    pub trials: u64,
    /// Share of the box peeled at each step.
    pub alpha: f64,
    /// Smallest share of all trials a box held.
    pub min_support: f64,
    /// Smallest share of the gaps the reported box holds.
    pub min_coverage: f64,
    /// Services in file order, then the portfolio.
    pub entities: Vec<Discovery>,
}

/// A box: per input, the limits [lo, hi] (infinite where unrestricted).
type Bounds = Vec<(f64, f64)>;

/// Whether trial `x` lies in `b`.
fn inside(x: &[f64], b: &Bounds) -> bool {
    x.iter().zip(b).all(|(v, (lo, hi))| *v >= *lo && *v <= *hi)
}

impl Step {
    /// A box holding `in_box` of all `trials`, `box_gaps` of them with a
    /// gap, out of `gaps` in all.
    fn of(box_gaps: usize, in_box: usize, gaps: usize, trials: usize) -> Self {
        Step {
            coverage: box_gaps as f64 / gaps.max(1) as f64,
            density: if in_box > 0 {
                box_gaps as f64 / in_box as f64
            } else {
                0.0
            },
            support: in_box as f64 / trials.max(1) as f64,
        }
    }
}

/// The trials in box `b`, and of them those with a gap.
fn count(x: &[Vec<f64>], y: &[bool], b: &Bounds) -> (usize, usize) {
    let (mut n, mut g) = (0usize, 0usize);
    for (xi, yi) in x.iter().zip(y) {
        if inside(xi, b) {
            n += 1;
            g += usize::from(*yi);
        }
    }
    (n, g)
}

/// (coverage, density, support) of box `b`.
fn measure(x: &[Vec<f64>], y: &[bool], b: &Bounds, gaps: usize) -> Step {
    let (n, g) = count(x, y, b);
    Step::of(g, n, gaps, x.len())
}

/// The `q`-quantile of `vals` (nearest rank below), in linear time.
fn quantile(vals: &mut [f64], q: f64) -> f64 {
    let k = ((q * vals.len() as f64).floor() as usize).min(vals.len() - 1);
    *vals.select_nth_unstable_by(k, f64::total_cmp).1
}

/// PRIM's peeling path for `y` over inputs `x` (rows are trials): the
/// boxes in order, each with its measures. Keeps the trials of the
/// current box, so a step costs time in proportion to the box, which
/// shrinks by `alpha` each step.
pub fn peel(x: &[Vec<f64>], y: &[bool], opts: &Options) -> Vec<(Bounds, Step)> {
    let k = x.first().map_or(0, Vec::len);
    let n = x.len();
    let gaps = y.iter().filter(|g| **g).count();
    let step = |kept: &[usize]| {
        let g = kept.iter().filter(|&&i| y[i]).count();
        Step::of(g, kept.len(), gaps, n)
    };
    let mut b: Bounds = vec![(f64::NEG_INFINITY, f64::INFINITY); k];
    let mut kept: Vec<usize> = (0..n).collect();
    let mut path = vec![(b.clone(), step(&kept))];
    let mut vals = Vec::with_capacity(n);
    loop {
        let current = path[path.len() - 1].1;
        if current.support <= opts.min_support || current.density >= 1.0 {
            break;
        }
        // The best single peel: highest density of what is left, ties to
        // the larger box (fewer trials removed).
        let mut best: Option<(usize, bool, f64, Step)> = None;
        // `j` is a column of every row, not an index into one slice.
        #[allow(clippy::needless_range_loop)]
        for j in 0..k {
            vals.clear();
            vals.extend(kept.iter().map(|&i| x[i][j]));
            if vals.len() < 2 {
                continue;
            }
            let lo = quantile(&mut vals, opts.alpha);
            let hi = quantile(&mut vals, 1.0 - opts.alpha);
            for (limit, low) in [(lo, true), (hi, false)] {
                // Keep x > lo (or x < hi): the alpha share at that end goes.
                let (mut m, mut g) = (0usize, 0usize);
                for &i in &kept {
                    let v = x[i][j];
                    if (low && v > limit) || (!low && v < limit) {
                        m += 1;
                        g += usize::from(y[i]);
                    }
                }
                if m == 0 || m == kept.len() {
                    continue;
                }
                let s = Step::of(g, m, gaps, n);
                let better = best.as_ref().is_none_or(|(.., bs)| {
                    s.density > bs.density || (s.density == bs.density && s.support > bs.support)
                });
                if better {
                    best = Some((j, low, limit, s));
                }
            }
        }
        match best {
            Some((j, low, limit, s))
                if s.density > current.density && s.support >= opts.min_support =>
            {
                if low {
                    b[j].0 = next_up(limit);
                } else {
                    b[j].1 = next_down(limit);
                }
                kept.retain(|&i| x[i][j] >= b[j].0 && x[i][j] <= b[j].1);
                path.push((b.clone(), s));
            }
            _ => break,
        }
    }
    path
}

fn next_up(x: f64) -> f64 {
    if x.is_finite() { x.next_up() } else { x }
}

fn next_down(x: f64) -> f64 {
    if x.is_finite() { x.next_down() } else { x }
}

/// The densest box on `path` covering at least `min_coverage` of the
/// gaps, with limits that barely matter relaxed.
fn choose(
    x: &[Vec<f64>],
    y: &[bool],
    path: &[(Bounds, Step)],
    min_coverage: f64,
) -> Option<(Bounds, Step)> {
    let gaps = y.iter().filter(|g| **g).count();
    let (b, s) = path
        .iter()
        .filter(|(_, s)| s.coverage >= min_coverage)
        .max_by(|a, b| a.1.density.total_cmp(&b.1.density))?
        .clone();
    // A limit worth less than two standard errors of the chosen box's
    // density (Agresti-Coull, so a box of density 1 has one too), or 1% of
    // it, is noise. Every relaxation is judged against the chosen box, so
    // that dropping several limits cannot cost more than that together.
    let in_box = s.support * x.len() as f64;
    let smoothed = (s.density * in_box + 2.0) / (in_box + 4.0);
    let se = (smoothed * (1.0 - smoothed) / (in_box + 4.0)).sqrt();
    let floor = s.density - (2.0 * se).max(0.01 * s.density);
    let (mut b, mut s) = (b, s);
    loop {
        let mut relaxed = None;
        for j in 0..b.len() {
            for side in [0, 1] {
                let mut nb = b.clone();
                if side == 0 && nb[j].0.is_finite() {
                    nb[j].0 = f64::NEG_INFINITY;
                } else if side == 1 && nb[j].1.is_finite() {
                    nb[j].1 = f64::INFINITY;
                } else {
                    continue;
                }
                let ns = measure(x, y, &nb, gaps);
                let keeps = ns.density >= floor;
                if keeps
                    && relaxed
                        .as_ref()
                        .is_none_or(|(_, r): &(Bounds, Step)| ns.density > r.density)
                {
                    relaxed = Some((nb, ns));
                }
            }
        }
        match relaxed {
            Some((nb, ns)) => (b, s) = (nb, ns),
            None => return Some((b, s)),
        }
    }
}

/// Samples trials `0..opts.trials` and finds, for each entity, the inputs
/// that lead to its gaps. Setting `cancel` stops the sampling, or the
/// peeling before the next entity, with [`Error::Interrupted`].
pub fn discover(
    model: &Model,
    opts: &Options,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Discoveries, Error> {
    let inputs = model.inputs();
    let uncertain = model.uncertain_inputs();
    // The same sample as the sensitivity analysis's: trials 0..n.
    let rows = super::sensitivity::sample(model, &uncertain, (opts.trials, "--trials"), cancel)?;
    let (x, outcomes): (Vec<Vec<f64>>, Vec<_>) = rows.into_iter().unzip();
    let names: Vec<String> = uncertain
        .iter()
        .map(|&k| inputs[k].0.path.clone())
        .collect();
    // A benefit's inputs (service.<id>.benefit.<line>.<key>) never move
    // money: no candidates for a limit.
    let candidate: Vec<bool> = names
        .iter()
        .map(|n| n.split('.').nth(2) != Some("benefit"))
        .collect();
    let keep = |row: &Vec<f64>| -> Vec<f64> {
        row.iter()
            .zip(&candidate)
            .filter(|(_, c)| **c)
            .map(|(v, _)| *v)
            .collect()
    };
    let names: Vec<String> = names
        .into_iter()
        .zip(&candidate)
        .filter(|(_, c)| **c)
        .map(|(n, _)| n)
        .collect();
    // Each input's take-over decision, where it is one.
    let decisions: Vec<Option<&crate::model::Decision>> = names
        .iter()
        .map(|input| {
            model
                .services
                .iter()
                .find(|s| *input == format!("service.{}.decision", s.id))
                .and_then(|s| s.decision.as_ref())
        })
        .collect();
    // Found on the even trials, measured on the odd ones.
    let half = |odd: usize| -> Vec<Vec<f64>> { x.iter().skip(odd).step_by(2).map(keep).collect() };
    let (x_find, x_test) = (half(0), half(1));
    let mut entities = Vec::new();
    let ids = super::entities(model);
    for (e, (id, name)) in ids.enumerate() {
        // Peeling an entity's boxes takes a while on a large sample.
        super::unless_stopped(cancel)?;
        let y: Vec<bool> = outcomes.iter().map(|o| o[e].1 > 0.0).collect();
        let gaps = y.iter().filter(|g| **g).count();
        let base_rate = gaps as f64 / y.len().max(1) as f64;
        let halves = |odd: usize| -> Vec<bool> { y.iter().skip(odd).step_by(2).copied().collect() };
        let (y_find, y_test) = (halves(0), halves(1));
        let found = y_find.iter().filter(|g| **g).count();
        let explainable = found > 0 && found < y_find.len() && !names.is_empty();
        let path = if explainable {
            peel(&x_find, &y_find, opts)
        } else {
            Vec::new()
        };
        let test_gaps = y_test.iter().filter(|g| **g).count();
        let test_rate = test_gaps as f64 / y_test.len().max(1) as f64;
        let chosen = choose(&x_find, &y_find, &path, opts.min_coverage)
            .map(|(mut b, _)| {
                // A decision's limits at the edges of the outcomes they
                // admit, before the box is measured.
                let mut outcomes = vec![None; b.len()];
                for (j, d) in decisions.iter().enumerate() {
                    if let Some(d) = d
                        && (b[j].0.is_finite() || b[j].1.is_finite())
                    {
                        match decision_limits(d, b[j]) {
                            Some((lo, hi, said)) => {
                                b[j] = (lo, hi);
                                outcomes[j] = Some(said);
                            }
                            None => b[j] = (f64::NEG_INFINITY, f64::INFINITY),
                        }
                    }
                }
                (b, outcomes)
            })
            // A box without a limit is the whole sample: no rule.
            .filter(|(b, _)| b.iter().any(|(lo, hi)| lo.is_finite() || hi.is_finite()))
            .map(|(b, outcomes)| {
                let (in_box, gaps_in_box) = count(&x_test, &y_test, &b);
                let held = HeldOut {
                    trials: y_test.len() as u64,
                    gaps: test_gaps as u64,
                    in_box: in_box as u64,
                    gaps_in_box: gaps_in_box as u64,
                };
                let s = Step::of(gaps_in_box, in_box, test_gaps, y_test.len());
                (b, outcomes, s, held)
            })
            // A box explains something only if, on fresh trials, its
            // density is above their base rate beyond Monte Carlo error.
            .filter(|(.., h)| {
                crate::stats::Proportion::new(h.gaps_in_box, h.in_box).lo > test_rate
            });
        let limits = chosen
            .as_ref()
            .map(|(b, outcomes, ..)| {
                b.iter()
                    .zip(&names)
                    .zip(outcomes)
                    .filter(|(((lo, hi), _), _)| lo.is_finite() || hi.is_finite())
                    .map(|(((lo, hi), input), outcome)| Limit {
                        input: input.clone(),
                        low: lo.is_finite().then_some(*lo),
                        high: hi.is_finite().then_some(*hi),
                        outcome: outcome.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        entities.push(Discovery {
            id,
            name,
            base_rate,
            limits,
            chosen: chosen.as_ref().map(|(_, _, s, _)| *s),
            held_out: chosen.map(|(.., h)| h),
            path: path.into_iter().map(|(_, s)| s).collect(),
        });
    }
    Ok(Discoveries {
        scenario: model.name.clone(),
        seed: model.seed,
        trials: opts.trials,
        alpha: opts.alpha,
        min_support: opts.min_support,
        min_coverage: opts.min_coverage,
        entities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{mix64, unit};

    /// A gap exactly where a > 0.7 and b < 0.4 (c is noise): PRIM finds
    /// those two limits, near their true values, and nothing on c.
    #[test]
    fn peeling_recovers_a_box_known_by_construction() {
        let n = 5000;
        let u = |i: u64| unit(mix64(i));
        let x: Vec<Vec<f64>> = (0..n)
            .map(|i| vec![u(3 * i), u(3 * i + 1), u(3 * i + 2)])
            .collect();
        let y: Vec<bool> = x.iter().map(|v| v[0] > 0.7 && v[1] < 0.4).collect();
        let opts = Options::default();
        let path = peel(&x, &y, &opts);
        let (b, s) = choose(&x, &y, &path, opts.min_coverage).unwrap();
        assert!(s.density > 0.95 && s.coverage > 0.8, "{s:?} {b:?}");
        assert!((b[0].0 - 0.7).abs() < 0.03 && b[0].1.is_infinite(), "{b:?}");
        assert!((b[1].1 - 0.4).abs() < 0.03 && b[1].0.is_infinite(), "{b:?}");
        assert!(
            b[2].0.is_infinite() && b[2].1.is_infinite(),
            "c matters not: {b:?}"
        );
        // Coverage never rises along the path; density never falls.
        for w in path.windows(2) {
            assert!(w[1].1.coverage <= w[0].1.coverage + 1e-12);
            assert!(w[1].1.density >= w[0].1.density);
        }
    }

    /// A decision's limits widen to the edges of the outcomes they admit,
    /// and a limit that admits them all is none.
    #[test]
    fn a_decision_limit_is_an_outcome() {
        let text = "[scenario]\nname = \"d\"\nstart_year = 2025\nhorizon_years = 5\n\
            [[service]]\nid = \"s\"\nconstruction_cost = 100\nopex_ratio = 0.1\n\
            [service.decision]\nyear = 2026\nstop = 0.45\nshrink = 0.15\nsource = \"a test\"\n";
        let m = crate::scenario::parse_str(text, "d.toml").unwrap();
        let d = m.services[0].decision.as_ref().unwrap();
        let inf = f64::INFINITY;
        let (lo, hi, said) = decision_limits(d, (0.532, inf)).unwrap();
        assert_eq!((lo, hi, said.as_str()), (0.45, inf, "shrinks_or_continues"));
        let (lo, hi, said) = decision_limits(d, (0.64, inf)).unwrap();
        assert!((lo - 0.6).abs() < 1e-12 && hi == inf && said == "continues");
        let (lo, hi, said) = decision_limits(d, (-inf, 0.3)).unwrap();
        assert_eq!(
            (lo, hi, said.as_str()),
            (-inf, 0.45f64.next_down(), "stops")
        );
        assert!(decision_limits(d, (0.1, 0.9)).is_none());
    }
}
