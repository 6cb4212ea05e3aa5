//! Comparisons of variants with common random numbers and paired intervals.
//!
//! All variants run trial by trial on the same random streams (the same
//! seed, the same stream keys), so in each trial they face the same
//! construction overruns, downturns and risk events. The difference of a
//! variant from the baseline is then estimated from per-trial differences:
//! its standard error reflects only how the variants react differently to
//! the same luck, and is far smaller than comparing two independent runs
//! (the unpaired interval is reported alongside, for contrast).

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
}

/// A finished comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CompareResult {
    /// Name of the baseline scenario.
    pub scenario: String,
    /// The compared entity: a service id or `portfolio`.
    pub entity: String,
    /// Currency of amounts.
    pub currency: String,
    /// Unit of amounts.
    pub unit: String,
    /// Trials per variant.
    pub trials: u64,
    /// Seed shared by every variant.
    pub seed: u64,
    /// Every variant, the baseline first.
    pub variants: Vec<VariantResult>,
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
            diffs: vec![std::array::from_fn(|_| Moments::default()); models.len()],
        }
    }

    /// Simulates a block of trials in every variant, then adds each
    /// trial's differences from the baseline (entity `idx[k]` of variant k).
    fn step(&mut self, engines: &[Engine<'_>], idx: &[usize], block: std::ops::Range<u64>) {
        for (first, n) in lane_batches(block) {
            for ((e, lanes), acc) in engines.iter().zip(&mut self.lanes).zip(&mut self.accs) {
                crate::stats::simulate_batch(e, first, &mut lanes[..n], acc);
            }
            for l in 0..n {
                let b = values(&self.lanes[0][l], idx[0]);
                let variants = self.lanes.iter().zip(idx).zip(&mut self.diffs).skip(1);
                for ((lanes, &i), diffs) in variants {
                    let v = values(&lanes[l], i);
                    for (d, (x, y)) in diffs.iter_mut().zip(v.iter().zip(&b)) {
                        d.add(x - y);
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

/// Runs every variant on trials `0..trials` of the baseline's seed and
/// compares `entity` (a service id, or None for the portfolio).
pub fn run(
    inputs: &[Input],
    entity: Option<&str>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<CompareResult, Error> {
    if inputs.len() < 2 {
        return Err(Error::Usage("a comparison needs at least two variants: give several scenario files, or [[variant]] tables in one".into()));
    }
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
    // Common random numbers: every variant runs on the baseline's seed.
    let models: Vec<Model> = inputs
        .iter()
        .map(|i| {
            let mut m = i.model.clone();
            m.set_run(Some(base.trials), Some(base.seed));
            m
        })
        .collect();
    let engines: Vec<Engine<'_>> = models.iter().map(Engine::new).collect();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let state = fold_trials(
        0,
        base.trials,
        progress,
        &stop,
        || State::new(&models),
        |st, block| st.step(&engines, &idx, block),
        State::merge,
    );
    for (m, acc) in models.iter().zip(&state.accs) {
        acc.check(m)?;
    }
    let stats: Vec<EntityStats> = models
        .iter()
        .zip(&state.accs)
        .zip(&idx)
        .map(|((m, acc), &e)| Report::new(m, acc).entities[e].clone())
        .collect();
    let variants = inputs
        .iter()
        .enumerate()
        .map(|(k, input)| {
            let s = stats[k].clone();
            let b = &stats[0];
            let vs = (k > 0).then(|| Differences {
                p_any_gap: Difference::new(&state.diffs[k][0], s.p_any_gap.se, b.p_any_gap.se),
                gap_npv: Difference::new(&state.diffs[k][1], s.gap_npv.se, b.gap_npv.se),
                lcc_npv: Difference::new(&state.diffs[k][2], s.lcc_npv.se, b.lcc_npv.se),
            });
            VariantResult {
                name: input.name.clone(),
                description: input.description.clone(),
                stats: s,
                vs_baseline: vs,
            }
        })
        .collect();
    Ok(CompareResult {
        scenario: base.name.clone(),
        entity: entity.unwrap_or("portfolio").to_string(),
        currency: base.currency.clone(),
        unit: base.unit.clone(),
        trials: base.trials,
        seed: base.seed,
        variants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{BUILTIN_BASELINE, parse_str};

    fn baseline(trials: u64) -> Model {
        parse_str(
            &BUILTIN_BASELINE.replace("trials = 100_000", &format!("trials = {trials}")),
            "b",
        )
        .unwrap()
    }

    /// The same model twice, as variants "a" and "b".
    fn twins(m: Model) -> Vec<Input> {
        ["a", "b"]
            .into_iter()
            .map(|name| Input {
                name: name.into(),
                description: None,
                model: m.clone(),
            })
            .collect()
    }

    #[test]
    fn identical_variants_differ_by_exactly_zero() {
        let m = baseline(2_000);
        let inputs = twins(m);
        let r = run(&inputs, None, &|_| {}).unwrap();
        let d = r.variants[1].vs_baseline.as_ref().unwrap();
        for x in [d.p_any_gap, d.gap_npv, d.lcc_npv] {
            assert_eq!((x.mean, x.se, x.lo, x.hi), (0.0, 0.0, 0.0, 0.0));
            assert!(!x.distinguishable());
        }
    }

    #[test]
    fn paired_interval_is_narrower_than_unpaired() {
        let m = baseline(4_000);
        let text = BUILTIN_BASELINE
            .replace("trials = 100_000", "trials = 4000")
            .replace("mean = 560, sd = 50", "mean = 600, sd = 50");
        let other = parse_str(&text, "b2").unwrap();
        let inputs = vec![
            Input {
                name: "a".into(),
                description: None,
                model: m,
            },
            Input {
                name: "b".into(),
                description: None,
                model: other,
            },
        ];
        let r = run(&inputs, None, &|_| {}).unwrap();
        let d = r.variants[1].vs_baseline.as_ref().unwrap();
        assert!(
            d.gap_npv.se < d.gap_npv.unpaired_se / 3.0,
            "{:?}",
            d.gap_npv
        );
    }

    #[test]
    fn missing_service_is_an_error() {
        let m = baseline(10);
        let inputs = twins(m);
        assert!(
            run(&inputs, Some("nope"), &|_| {})
                .unwrap_err()
                .to_string()
                .contains("nope")
        );
    }
}
