//! Comparisons of variants with common random numbers and paired intervals.
//!
//! All variants run trial by trial on the same random streams (the same
//! seed, the same stream keys), so in each trial they face the same
//! construction overruns, downturns and risk events. The difference of a
//! variant from the baseline is then estimated from per-trial differences:
//! its standard error reflects only how the variants react differently to
//! the same luck, and is far smaller than comparing two independent runs
//! (the unpaired interval is reported alongside, for contrast).
//!
//! Every pair of variants is differenced this way, so any variant can be
//! the baseline, and each variant's rank by mean gap NPV comes with an
//! interval: the ranks its paired differences leave possible.

use serde::Serialize;

use crate::engine::{Engine, LANES, Scratch, fold_trials, lane_batches};
use crate::error::Error;
use crate::model::Model;
use crate::stats::sums::Moments;
use crate::stats::{Accumulator, EntityStats, Report, Z95};

/// A variant to compare: a name and a compiled model.
#[derive(Debug, Clone)]
pub struct Input {
    /// Variant name (file stem or `[[variant]]` name).
    pub name: String,
    /// What the variant is, in words.
    pub description: Option<String>,
    /// The variant's model.
    pub model: Model,
}

/// A difference (variant minus baseline) with paired and unpaired 95%
/// intervals.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Difference {
    /// Mean of the per-trial differences (variant minus baseline).
    pub mean: f64,
    /// Standard error from per-trial differences.
    pub se: f64,
    /// Lower end of the paired 95% interval.
    pub lo: f64,
    /// Upper end of the paired 95% interval.
    pub hi: f64,
    /// Standard error had the two been run independently.
    pub unpaired_se: f64,
    /// Lower end of the 95% interval as if the runs were independent.
    pub unpaired_lo: f64,
    /// Upper end of the unpaired interval.
    pub unpaired_hi: f64,
}

impl Difference {
    fn new(d: &Moments, se_a: f64, se_b: f64) -> Self {
        let mean = d.mean();
        let se = d.se();
        let unpaired_se = (se_a * se_a + se_b * se_b).sqrt();
        Difference {
            mean,
            se,
            lo: mean - Z95 * se,
            hi: mean + Z95 * se,
            unpaired_se,
            unpaired_lo: mean - Z95 * unpaired_se,
            unpaired_hi: mean + Z95 * unpaired_se,
        }
    }

    /// Whether the paired interval excludes zero (a difference of exactly
    /// zero in every trial is not a difference).
    pub fn distinguishable(&self) -> bool {
        self.mean != 0.0 && (self.lo > 0.0 || self.hi < 0.0)
    }

    /// The same difference the other way round (baseline minus variant):
    /// every figure negated, the standard errors kept, so A - B is exactly
    /// -(B - A).
    pub fn reversed(&self) -> Self {
        Difference {
            mean: -self.mean,
            se: self.se,
            lo: -self.hi,
            hi: -self.lo,
            unpaired_se: self.unpaired_se,
            unpaired_lo: -self.unpaired_hi,
            unpaired_hi: -self.unpaired_lo,
        }
    }

    /// Whether every trial gave the same difference (no Monte Carlo noise
    /// at all: the variants agree, or differ by a fixed amount).
    pub fn exact(&self) -> bool {
        self.se == 0.0
    }
}

/// Differences of one variant from the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Differences {
    /// Difference in P(any gap).
    pub p_any_gap: Difference,
    /// Difference in gap NPV.
    pub gap_npv: Difference,
    /// Difference in life-cycle cost NPV.
    pub lcc_npv: Difference,
}

impl Differences {
    fn reversed(&self) -> Self {
        Differences {
            p_any_gap: self.p_any_gap.reversed(),
            gap_npv: self.gap_npv.reversed(),
            lcc_npv: self.lcc_npv.reversed(),
        }
    }
}

/// The difference of two variants, `variant` minus `minus`, on the same
/// trials.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// The variant the difference is of.
    pub variant: String,
    /// The variant subtracted.
    pub minus: String,
    /// `variant` minus `minus`.
    pub differences: Differences,
}

/// Where a variant ranks by mean gap NPV (1: the lowest), and the ranks
/// its paired differences leave possible: at best one after the variants
/// whose mean gap NPV is lower beyond noise (the paired interval of the
/// difference excludes zero), at worst one before those higher beyond
/// noise. The pairs are judged together: each interval is widened
/// (Bonferroni, over every pair) so that all of them hold at once with at
/// least 95% confidence, and so every variant's range at once.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Rank {
    /// Rank of the point estimate (ties share the better rank).
    pub rank: usize,
    /// The best rank the intervals allow.
    pub best: usize,
    /// The worst rank the intervals allow.
    pub worst: usize,
}

/// One variant's figures.
#[derive(Debug, Clone, Serialize)]
pub struct VariantResult {
    /// Variant name.
    pub name: String,
    /// What the variant is, in words.
    pub description: Option<String>,
    /// The compared entity's figures in this variant.
    pub stats: EntityStats,
    /// None for the baseline.
    pub vs_baseline: Option<Differences>,
    /// Its rank by mean gap NPV among the variants, with its interval.
    pub rank: Rank,
}

/// A finished comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CompareResult {
    /// Name of the baseline scenario.
    pub scenario: String,
    /// The compared entity: a service id or `portfolio`.
    pub entity: String,
    /// Its display name.
    pub entity_name: String,
    /// Currency of amounts.
    pub currency: String,
    /// Unit of amounts.
    pub unit: String,
    /// Trials per variant.
    pub trials: u64,
    /// Seed shared by every variant.
    pub seed: u64,
    /// The variant the others are differenced against.
    pub baseline: String,
    /// The confidence level of each variant's funding requirement
    /// (`stats.funding_needed`), if any.
    pub confidence: Option<f64>,
    /// Every variant, in the order given.
    pub variants: Vec<VariantResult>,
    /// Every pair, each once: a later variant minus an earlier one.
    pub pairs: Vec<Pair>,
}

impl CompareResult {
    /// The baseline's figures.
    pub fn baseline_variant(&self) -> Option<&VariantResult> {
        self.variants.iter().find(|v| v.name == self.baseline)
    }

    /// `a` minus `b`, by names, when both are variants and differ.
    pub fn difference(&self, a: &str, b: &str) -> Option<Differences> {
        self.pairs.iter().find_map(|p| {
            if p.variant == a && p.minus == b {
                Some(p.differences.clone())
            } else if p.variant == b && p.minus == a {
                Some(p.differences.reversed())
            } else {
                None
            }
        })
    }

    /// The variants whose mean gap NPV is below the baseline's while
    /// P(stopped) is above it: on the same trials, more of them stop or
    /// cut the service, so the gap looks smaller only because the service
    /// runs less (the rule `stress` marks its cells by).
    pub fn stops_sooner(&self) -> Vec<&VariantResult> {
        let Some(b) = self.baseline_variant() else {
            return Vec::new();
        };
        self.variants
            .iter()
            .filter(|v| {
                v.name != b.name
                    && v.stats.gap_npv.mean < b.stats.gap_npv.mean
                    && v.stats.p_stop.estimate > b.stats.p_stop.estimate
            })
            .collect()
    }
}

/// The index of pair (i, j), i < j, among `n` variants' pairs in the
/// order (0,1), (0,2), ..., (1,2), ...
fn pair_index(n: usize, i: usize, j: usize) -> usize {
    i * (2 * n - i - 1) / 2 + (j - i - 1)
}

/// Every variant's rank by mean gap NPV, from the pairs' differences
/// (`later minus earlier`, indexed by [`pair_index`]).
fn ranks(means: &[f64], pairs: &[Differences]) -> Vec<Rank> {
    let n = means.len();
    let z = simultaneous_z(pairs.len());
    // Apart beyond noise at the simultaneous level: `Some(true)` when o's
    // gap NPV is surely lower than k's, `Some(false)` when surely higher.
    let apart = |d: &Difference| -> Option<bool> {
        let (lo, hi) = (d.mean - z * d.se, d.mean + z * d.se);
        match d.mean != 0.0 {
            true if hi < 0.0 => Some(true),
            true if lo > 0.0 => Some(false),
            _ => None,
        }
    };
    (0..n)
        .map(|k| {
            let (mut lower, mut surely_lower, mut surely_higher) = (0, 0, 0);
            for o in (0..n).filter(|&o| o != k) {
                // o's gap NPV minus k's.
                let d = if o > k {
                    pairs[pair_index(n, k, o)].gap_npv
                } else {
                    pairs[pair_index(n, o, k)].gap_npv.reversed()
                };
                lower += usize::from(means[o] < means[k]);
                match apart(&d) {
                    Some(true) => surely_lower += 1,
                    Some(false) => surely_higher += 1,
                    None => {}
                }
            }
            Rank {
                rank: 1 + lower,
                best: 1 + surely_lower,
                worst: n - surely_higher,
            }
        })
        .collect()
}

/// The normal quantile that makes `pairs` two-sided intervals hold all at
/// once with at least 95% confidence (Bonferroni: each at 1 - 0.05 /
/// pairs); [`Z95`] for a single pair.
fn simultaneous_z(pairs: usize) -> f64 {
    match pairs {
        0 | 1 => Z95,
        m => crate::model::normal_quantile(1.0 - 0.025 / m as f64),
    }
}

/// Entity index of `id` in `model` (None = portfolio, the last entity).
fn entity_index(model: &Model, id: Option<&str>) -> Option<usize> {
    match id {
        None => Some(model.services.len()),
        Some(id) => model.services.iter().position(|s| s.id == id),
    }
}

/// Per-trial values compared: any gap (0/1), gap NPV, life-cycle cost NPV.
fn values(s: &Scratch, e: usize) -> [f64; 3] {
    let o = &s.outcome[e];
    [
        f64::from(u8::from(o.first_gap.is_some())),
        o.gap_npv,
        o.lcc_npv,
    ]
}

struct State {
    accs: Vec<Accumulator>,
    /// Per variant, one scratch per lane.
    lanes: Vec<Vec<Scratch>>,
    /// Per pair (i < j, in [`pair_index`] order), j's values minus i's.
    diffs: Vec<[Moments; 3]>,
}

impl State {
    fn new(models: &[Model]) -> Self {
        State {
            accs: models.iter().map(Accumulator::new).collect(),
            lanes: models
                .iter()
                .map(|m| vec![Scratch::new(m); LANES])
                .collect(),
            diffs: vec![
                std::array::from_fn(|_| Moments::default());
                models.len() * models.len().saturating_sub(1) / 2
            ],
        }
    }

    /// Simulates a block of trials in every variant, then adds each
    /// trial's differences of every pair (entity `idx[k]` of variant k).
    fn step(&mut self, engines: &[Engine<'_>], idx: &[usize], block: std::ops::Range<u64>) {
        for (first, n) in lane_batches(block) {
            for ((e, lanes), acc) in engines.iter().zip(&mut self.lanes).zip(&mut self.accs) {
                crate::stats::simulate_batch(e, first, &mut lanes[..n], acc);
            }
            for l in 0..n {
                let mut diffs = self.diffs.iter_mut();
                for (i, (earlier, &ei)) in self.lanes.iter().zip(idx).enumerate() {
                    let b = values(&earlier[l], ei);
                    for (later, &ej) in self.lanes.iter().zip(idx).skip(i + 1) {
                        let v = values(&later[l], ej);
                        let Some(pair) = diffs.next() else { return };
                        for (d, (x, y)) in pair.iter_mut().zip(v.iter().zip(&b)) {
                            d.add(x - y);
                        }
                    }
                }
            }
        }
    }

    fn merge(mut self, other: State) -> State {
        for (x, y) in self.accs.iter_mut().zip(&other.accs) {
            x.merge(y);
        }
        for (x, y) in self.diffs.iter_mut().zip(&other.diffs) {
            for (a, b) in x.iter_mut().zip(y) {
                a.merge(b);
            }
        }
        self
    }
}

/// Why fewer than two variants make no comparison.
const TWO_VARIANTS: &str = "a comparison needs at least two variants: give several scenario files, or [[variant]] tables in one";

/// A scenario file to compare, named by its label (as the user gave it)
/// in messages and by its file stem as a variant.
pub struct Source<'a> {
    /// The TOML text.
    pub text: &'a str,
    /// The label.
    pub label: &'a str,
    /// The stem.
    pub stem: &'a str,
    /// Overrides of this scenario alone, applied after the comparison's
    /// own (a Python `Scenario` carries its `set`s with it).
    pub own: &'a [crate::scenario::Override],
}

/// The variants a comparison runs, with `set` (then each source's own
/// overrides) applied to each: one scenario's `[[variant]]` tables (at
/// least two), or several scenario files, each without variants and named
/// by its stem (a stem given again numbered: `plan-2`).
pub fn inputs(sources: &[Source], set: &[crate::scenario::Override]) -> Result<Vec<Input>, Error> {
    let input = |name, description, model| Input {
        name,
        description,
        model,
    };
    let with_own = |s: &Source| [set, s.own].concat();
    if let [one] = sources {
        let inputs: Vec<Input> =
            crate::scenario::variant_models(one.text, one.label, &with_own(one))?
                .into_iter()
                .map(|(v, model)| input(v.name, v.description, model))
                .collect();
        if inputs.len() < 2 {
            return Err(Error::Usage(format!(
                "{} declares {} [[variant]] table(s); a comparison needs at least two (or give several scenario files)",
                one.label,
                inputs.len()
            )));
        }
        return Ok(inputs);
    }
    let mut inputs = Vec::new();
    for s in sources {
        let model = crate::scenario::parse_with(s.text, s.label, &with_own(s))?;
        if !model.variants().is_empty() {
            return Err(Error::Usage(format!(
                "{label} declares {} [[variant]] table(s), which a comparison of several files would leave out; \
                 compare its variants alone (fundgap compare {label}), or give files without variants",
                model.variants().len(),
                label = s.label
            )));
        }
        // A file given twice (itself, or with other overrides) is told
        // apart by a number: `plan`, `plan-2`.
        let taken = |n: &str| inputs.iter().any(|i: &Input| i.name == n);
        let name = (1..)
            .map(|k| match k {
                1 => s.stem.to_string(),
                k => format!("{}-{k}", s.stem),
            })
            .find(|n| !taken(n))
            .unwrap_or_default();
        let description = model.description().map(str::to_string);
        inputs.push(input(name, description, model));
    }
    match inputs.len() {
        0 | 1 => Err(Error::Usage(TWO_VARIANTS.into())),
        _ => Ok(inputs),
    }
}

/// Runs every variant on trials `0..trials` of the first variant's seed
/// and compares `entity` (a service id, or None for the portfolio), each
/// against the variant named `baseline` (None: the first) and each pair
/// with each other. With `confidence`, each variant's funding requirement
/// at that level too. Setting `cancel` stops the runs at their next block
/// of trials with [`Error::Interrupted`].
pub fn run(
    inputs: &[Input],
    entity: Option<&str>,
    baseline: Option<&str>,
    confidence: Option<f64>,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<CompareResult, Error> {
    let (bi, idx) = settle(inputs, entity, baseline)?;
    run_settled(inputs, entity, (bi, idx), confidence, progress, cancel)
}

/// Refuses, before any trial, a comparison [`run`] would refuse: fewer
/// than two variants, a `baseline` or `entity` no variant has, variants
/// over different years.
pub fn check(inputs: &[Input], entity: Option<&str>, baseline: Option<&str>) -> Result<(), Error> {
    settle(inputs, entity, baseline).map(|_| ())
}

/// The baseline's index and each variant's entity index, or why the
/// variants cannot be compared.
fn settle(
    inputs: &[Input],
    entity: Option<&str>,
    baseline: Option<&str>,
) -> Result<(usize, Vec<usize>), Error> {
    if inputs.len() < 2 {
        return Err(Error::Usage(TWO_VARIANTS.into()));
    }
    let bi = match baseline {
        None => 0,
        Some(name) => inputs.iter().position(|i| i.name == name).ok_or_else(|| {
            let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
            let hint = crate::names::did_you_mean(name, &names);
            Error::Usage(format!(
                "no variant named \"{name}\"{hint} (variants: {})",
                names.join(", ")
            ))
        })?,
    };
    let mut idx = Vec::new();
    for i in inputs {
        match entity_index(&i.model, entity) {
            Some(e) => idx.push(e),
            None => {
                return Err(Error::Usage(format!(
                    "variant \"{}\" has no service \"{}\"",
                    i.name,
                    entity.unwrap_or_default()
                )));
            }
        }
    }
    let base = &inputs[0].model;
    // Trials are paired year by year: the variants must cover the same
    // years, or a curve would be compared with another shifted in time.
    for i in &inputs[1..] {
        let m = &i.model;
        if m.start_year != base.start_year || m.horizon != base.horizon {
            return Err(Error::Usage(format!(
                "variant \"{}\" covers {}-{} but \"{}\" covers {}-{}: variants are compared year by year, \
                 so they must share start_year and horizon_years",
                i.name,
                m.start_year,
                m.end_year(),
                inputs[0].name,
                base.start_year,
                base.end_year()
            )));
        }
    }
    Ok((bi, idx))
}

fn run_settled(
    inputs: &[Input],
    entity: Option<&str>,
    (bi, idx): (usize, Vec<usize>),
    confidence: Option<f64>,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<CompareResult, Error> {
    let base = &inputs[0].model;
    // Common random numbers: every variant runs on the baseline's seed.
    let models: Vec<Model> = inputs
        .iter()
        .map(|i| {
            let mut m = i.model.clone();
            m.set_run(Some(base.trials), Some(base.seed));
            m.set_confidence(confidence.as_slice());
            m
        })
        .collect();
    let engines: Vec<Engine<'_>> = models.iter().map(Engine::new).collect();
    let state = fold_trials(
        0,
        base.trials,
        progress,
        cancel,
        || State::new(&models),
        |st, block| st.step(&engines, &idx, block),
        State::merge,
    );
    super::unless_stopped(cancel)?;
    for (m, acc) in models.iter().zip(&state.accs) {
        acc.check(m)?;
    }
    let stats: Vec<EntityStats> = models
        .iter()
        .zip(&state.accs)
        .zip(&idx)
        .map(|((m, acc), &e)| Report::new(m, acc).entities[e].clone())
        .collect();
    let n = inputs.len();
    let pairs: Vec<Differences> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| {
            let (a, b) = (&stats[j], &stats[i]);
            let d = &state.diffs[pair_index(n, i, j)];
            Differences {
                p_any_gap: Difference::new(&d[0], a.p_any_gap.se, b.p_any_gap.se),
                gap_npv: Difference::new(&d[1], a.gap_npv.se, b.gap_npv.se),
                lcc_npv: Difference::new(&d[2], a.lcc_npv.se, b.lcc_npv.se),
            }
        })
        .collect();
    let means: Vec<f64> = stats.iter().map(|s| s.gap_npv.mean).collect();
    let rank = ranks(&means, &pairs);
    let vs = |k: usize| match k.cmp(&bi) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(pairs[pair_index(n, bi, k)].clone()),
        std::cmp::Ordering::Less => Some(pairs[pair_index(n, k, bi)].reversed()),
    };
    let variants = inputs
        .iter()
        .enumerate()
        .map(|(k, input)| VariantResult {
            name: input.name.clone(),
            description: input.description.clone(),
            stats: stats[k].clone(),
            vs_baseline: vs(k),
            rank: rank[k],
        })
        .collect();
    let pairs = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| Pair {
            variant: inputs[j].name.clone(),
            minus: inputs[i].name.clone(),
            differences: pairs[pair_index(n, i, j)].clone(),
        })
        .collect();
    Ok(CompareResult {
        scenario: base.name.clone(),
        entity: entity.unwrap_or("portfolio").to_string(),
        entity_name: super::entity_name(base, entity),
        currency: base.currency.clone(),
        unit: base.unit.clone(),
        trials: base.trials,
        seed: base.seed,
        baseline: inputs[bi].name.clone(),
        confidence,
        variants,
        pairs,
    })
}

#[cfg(test)]
mod tests;
