//! Aggregates of many trials, and the statistics reported from them.
//!
//! An [`Accumulator`] holds, per entity (each service, then the portfolio)
//! and year, counts, exact sums and quantile sketches (the portfolio's sums
//! are derived from the services'); per entity over the horizon, the
//! distribution of the first gap year and of the NPVs. Its size depends on
//! the model (services x years), never on the number of trials, and
//! [`Accumulator::merge`] is exact and order-independent. Trials are
//! recorded in batches, which only changes speed.
//!
//! [`Report::new`] turns an accumulator into the published figures, each
//! probability with its Monte Carlo standard error and a 95% Wilson score
//! interval. Pure: no I/O.

use serde::Serialize;

use crate::engine::{LANES, Scratch};
use crate::model::{FundingKind, Model};
use crate::sketch::{Moments, Sketch, Sum, SumArray};

/// z-value of a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Exact per-year totals of one entity.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct YearSums {
    cost: Sum,
    funding: Sum,
    gap: Sum,
    by_kind: [Sum; FundingKind::COUNT],
}

impl YearSums {
    fn merge(&mut self, o: &YearSums) {
        self.cost.merge(&o.cost);
        self.funding.merge(&o.funding);
        self.gap.merge(&o.gap);
        for (a, b) in self.by_kind.iter_mut().zip(&o.by_kind) {
            a.merge(b);
        }
    }
}

/// Per entity-year count of gaps and quantile sketches.
#[derive(Debug, Clone, PartialEq)]
struct YearAcc {
    gap_count: u64,
    cost_q: Sketch,
    funding_q: Sketch,
    gap_q: Sketch,
}

impl YearAcc {
    fn new() -> Self {
        YearAcc {
            gap_count: 0,
            cost_q: Sketch::new(),
            funding_q: Sketch::new(),
            gap_q: Sketch::new(),
        }
    }

    fn merge(&mut self, o: &YearAcc) {
        self.gap_count += o.gap_count;
        self.cost_q.merge(&o.cost_q);
        self.funding_q.merge(&o.funding_q);
        self.gap_q.merge(&o.gap_q);
    }
}

/// Per entity aggregate over the horizon.
#[derive(Debug, Clone, PartialEq)]
struct HorizonAcc {
    /// Trials whose first gap fell in each year; the last slot is "never".
    first_gap: Vec<u64>,
    lcc: Moments,
    lcc_q: Sketch,
    gap: Moments,
    gap_q: Sketch,
    benefit: Moments,
    revenue: Moments,
    opex_ratio: Moments,
    construction: Sum,
    grant: Sum,
    received: Sum,
}

impl HorizonAcc {
    fn new(h: usize) -> Self {
        HorizonAcc {
            first_gap: vec![0; h + 1],
            lcc: Moments::default(),
            lcc_q: Sketch::new(),
            gap: Moments::default(),
            gap_q: Sketch::new(),
            benefit: Moments::default(),
            revenue: Moments::default(),
            opex_ratio: Moments::default(),
            construction: Sum::default(),
            grant: Sum::default(),
            received: Sum::default(),
        }
    }

    fn merge(&mut self, o: &HorizonAcc) {
        for (a, b) in self.first_gap.iter_mut().zip(&o.first_gap) {
            *a += b;
        }
        self.lcc.merge(&o.lcc);
        self.lcc_q.merge(&o.lcc_q);
        self.gap.merge(&o.gap);
        self.gap_q.merge(&o.gap_q);
        self.benefit.merge(&o.benefit);
        self.revenue.merge(&o.revenue);
        self.opex_ratio.merge(&o.opex_ratio);
        self.construction.merge(&o.construction);
        self.grant.merge(&o.grant);
        self.received.merge(&o.received);
    }
}

/// Mergeable aggregate of any number of trials of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Accumulator {
    pub trials: u64,
    horizon: usize,
    /// Exact sums per service and year, laid out like the engine's
    /// [`Scratch`] rows so a trial adds in with one pass per array. Only
    /// the services' are recorded: the portfolio's are the sums of theirs
    /// (integer additions, so exact), which spares a second pass over the
    /// same amounts.
    /// Flushed at the end of every batch, so their partial sums hold
    /// nothing between calls.
    cost: SumArray,
    funding: SumArray,
    gap: SumArray,
    by_kind: SumArray,
    /// Per entity (services, then the portfolio) and year.
    years: Vec<YearAcc>,
    totals: Vec<HorizonAcc>,
}

impl Accumulator {
    pub fn new(model: &Model) -> Self {
        let s = model.services.len();
        let h = model.horizon;
        Accumulator {
            trials: 0,
            horizon: h,
            cost: SumArray::new(s * h),
            funding: SumArray::new(s * h),
            gap: SumArray::new(s * h),
            by_kind: SumArray::new(s * FundingKind::COUNT * h),
            years: (0..(s + 1) * h).map(|_| YearAcc::new()).collect(),
            totals: (0..=s).map(|_| HorizonAcc::new(h)).collect(),
        }
    }

    /// Year `t`'s totals of entity `e`; the portfolio's add up the services'.
    fn year_sums(&self, e: usize, t: usize) -> YearSums {
        let h = self.horizon;
        let services = self.totals.len() - 1;
        if e < services {
            let i = e * h + t;
            let kind = |k: usize| self.by_kind.get((e * FundingKind::COUNT + k) * h + t);
            return YearSums {
                cost: self.cost.get(i),
                funding: self.funding.get(i),
                gap: self.gap.get(i),
                by_kind: std::array::from_fn(kind),
            };
        }
        let mut all = YearSums::default();
        for svc in 0..services {
            all.merge(&self.year_sums(svc, t));
        }
        all
    }

    /// Adds the trials held in `lanes` (one trial each). Folding several
    /// trials at once is exact and gives the same aggregate as adding them
    /// one by one; it is faster because each per-year summary is loaded
    /// once per batch instead of once per trial.
    pub fn record(&mut self, lanes: &[Scratch]) {
        for batch in lanes.chunks(LANES) {
            for s in batch {
                self.record_sums(s);
            }
            self.record_batch(batch);
        }
    }

    /// The first half of [`Accumulator::record`], for one trial: adds its
    /// per-year amounts into the pending sums. The engine calls it right
    /// after simulating the trial, while its rows are still in cache, and
    /// [`Accumulator::record_batch`] once the batch is complete.
    #[inline]
    pub fn record_sums(&mut self, s: &Scratch) {
        // The portfolio's rows come last and are not recorded.
        let n = (self.totals.len() - 1) * self.horizon;
        self.cost.add_row(&s.cost[..n]);
        self.funding.add_row(&s.funding[..n]);
        self.gap.add_row(&s.gap[..n]);
        self.by_kind.add_row(&s.by_kind);
    }

    /// The second half of [`Accumulator::record`]: adds the trials in
    /// `lanes` (at most [`LANES`], each already passed to
    /// [`Accumulator::record_sums`]) to everything else, and flushes the
    /// pending sums.
    pub fn record_batch(&mut self, lanes: &[Scratch]) {
        debug_assert!(lanes.len() <= LANES);
        self.trials += lanes.len() as u64;
        let h = self.horizon;
        for sums in [
            &mut self.cost,
            &mut self.funding,
            &mut self.gap,
            &mut self.by_kind,
        ] {
            sums.flush();
        }

        // Sketches take one column at a time (the same entity-year in
        // every lane), so each histogram's buckets are touched in a burst.
        let mut col = [0.0; LANES];
        let col = &mut col[..lanes.len()];
        let gather = |col: &mut [f64], field: fn(&Scratch) -> &[f64], i: usize| {
            for (c, s) in col.iter_mut().zip(lanes) {
                *c = field(s)[i];
            }
        };
        for (i, y) in self.years.iter_mut().enumerate() {
            gather(col, |s| &s.cost, i);
            y.cost_q.add_all(col);
            gather(col, |s| &s.funding, i);
            y.funding_q.add_all(col);
            gather(col, |s| &s.gap, i);
            y.gap_q.add_all(col);
            y.gap_count += col.iter().filter(|g| **g > 0.0).count() as u64;
        }
        for s in lanes {
            for (tot, o) in self.totals.iter_mut().zip(&s.outcome) {
                tot.first_gap[o.first_gap.unwrap_or(h)] += 1;
                tot.lcc.add(o.lcc_npv);
                tot.lcc_q.add(o.lcc_npv);
                tot.gap.add(o.gap_npv);
                tot.gap_q.add(o.gap_npv);
                tot.benefit.add(o.benefit_npv);
                tot.revenue.add(o.revenue_npv);
                tot.construction.add(o.construction);
                if o.construction > 0.0 {
                    tot.opex_ratio.add(o.real_cost_per_year / o.construction);
                }
                tot.grant.add(o.grant);
                tot.received.add(o.received);
            }
        }
    }

    pub fn merge(&mut self, o: &Accumulator) {
        self.trials += o.trials;
        for (mine, theirs) in [
            (&mut self.cost, &o.cost),
            (&mut self.funding, &o.funding),
            (&mut self.gap, &o.gap),
            (&mut self.by_kind, &o.by_kind),
        ] {
            mine.merge(theirs);
        }
        for (a, b) in self.years.iter_mut().zip(&o.years) {
            a.merge(b);
        }
        for (a, b) in self.totals.iter_mut().zip(&o.totals) {
            a.merge(b);
        }
    }
}

/// A proportion with its Monte Carlo uncertainty.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Proportion {
    pub estimate: f64,
    /// Standard error sqrt(p(1-p)/n).
    pub se: f64,
    /// 95% Wilson score interval (never outside [0, 1], sensible at p = 0).
    pub lo: f64,
    pub hi: f64,
}

impl Proportion {
    pub fn new(successes: u64, n: u64) -> Self {
        if n == 0 {
            return Proportion {
                estimate: f64::NAN,
                se: f64::NAN,
                lo: 0.0,
                hi: 1.0,
            };
        }
        let nf = n as f64;
        let p = successes as f64 / nf;
        let z2 = Z95 * Z95;
        let denom = 1.0 + z2 / nf;
        let centre = (p + z2 / (2.0 * nf)) / denom;
        let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
        Proportion {
            estimate: p,
            se: (p * (1.0 - p) / nf).sqrt(),
            lo: if successes == 0 {
                0.0
            } else {
                (centre - half).max(0.0)
            },
            hi: if successes == n {
                1.0
            } else {
                (centre + half).min(1.0)
            },
        }
    }
}

/// Summary of a distribution of per-trial values.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Distribution {
    pub mean: f64,
    /// Standard error of the mean.
    pub se: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

impl Distribution {
    fn new(m: &Moments, q: &Sketch) -> Self {
        Distribution {
            mean: m.mean(),
            se: m.se(),
            p5: q.quantile(0.05),
            p50: q.quantile(0.5),
            p95: q.quantile(0.95),
        }
    }
}

/// Figures of one entity in one year.
#[derive(Debug, Clone, Serialize)]
pub struct YearStats {
    pub year: i32,
    pub p_gap: Proportion,
    pub cost_mean: f64,
    pub cost_p5: f64,
    pub cost_p25: f64,
    pub cost_p50: f64,
    pub cost_p75: f64,
    pub cost_p95: f64,
    pub funding_mean: f64,
    pub funding_p5: f64,
    pub funding_p25: f64,
    pub funding_p50: f64,
    pub funding_p75: f64,
    pub funding_p95: f64,
    pub gap_mean: f64,
    pub gap_p50: f64,
    pub gap_p95: f64,
    pub reserve_used_mean: f64,
    /// Mean funding by kind, in [`FundingKind::ALL`] order (reserve = draws).
    pub funding_by_kind_mean: [f64; FundingKind::COUNT],
    /// P(no gap in this or any earlier year).
    pub survival: f64,
}

/// Distribution of the first gap year.
#[derive(Debug, Clone, Serialize)]
pub struct FirstGap {
    pub years: Vec<i32>,
    /// Share of trials whose first gap is in each year.
    pub probability: Vec<f64>,
    /// Share of trials with no gap up to and including each year.
    pub survival: Vec<f64>,
    /// Share of trials with no gap over the whole horizon.
    pub never: f64,
    /// Median first gap year (None when most trials never have a gap).
    pub median: Option<i32>,
}

/// Horizon figures of one entity (service or portfolio).
#[derive(Debug, Clone, Serialize)]
pub struct EntityStats {
    pub id: String,
    pub name: String,
    pub p_any_gap: Proportion,
    /// First year in which P(gap) exceeds 50%.
    pub first_year_p_gap_over_50: Option<i32>,
    pub first_gap_year: FirstGap,
    pub lcc_npv: Distribution,
    pub gap_npv: Distribution,
    pub gap_npv_cvar95: f64,
    /// Mean realised operating-cost ratio (operating cost per operating
    /// year in start-year prices / construction cost).
    pub opex_ratio_mean: f64,
    pub opex_ratio_se: f64,
    /// Share of all money received (streams and reserve draws) that came
    /// from grants.
    pub grant_share: f64,
    /// Benefit NPV / life-cycle cost NPV, ratio of means; None without
    /// declared benefits.
    pub bcr: Option<f64>,
    pub benefit_npv_mean: f64,
    /// Mean discounted fees and contract revenue.
    pub revenue_npv_mean: f64,
    pub construction_mean: f64,
    pub yearly: Vec<YearStats>,
    /// Gap NPV histogram (value, count) for charts.
    #[serde(skip)]
    pub gap_npv_sketch: Sketch,
}

/// Everything a run reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub trials: u64,
    pub start_year: i32,
    pub horizon_years: usize,
    /// Services in file order, then the portfolio (id `portfolio`).
    pub entities: Vec<EntityStats>,
}

impl Report {
    pub fn new(model: &Model, acc: &Accumulator) -> Self {
        let h = model.horizon;
        let n = acc.trials;
        let nf = n as f64;
        let mut entities = Vec::new();
        for (e, tot) in acc.totals.iter().enumerate() {
            let (id, name, has_benefits) = match model.services.get(e) {
                Some(s) => (s.id.clone(), s.name.clone(), !s.benefits.is_empty()),
                None => (
                    "portfolio".to_string(),
                    "Portfolio (all services)".to_string(),
                    model.services.iter().any(|s| !s.benefits.is_empty()),
                ),
            };
            let mut cum = 0u64;
            let mut yearly = Vec::with_capacity(h);
            let mut survival = Vec::with_capacity(h);
            let mut probability = Vec::with_capacity(h);
            for t in 0..h {
                let y = &acc.years[e * h + t];
                let sums = acc.year_sums(e, t);
                cum += tot.first_gap[t];
                let surv = 1.0 - cum as f64 / nf;
                survival.push(surv);
                probability.push(tot.first_gap[t] as f64 / nf);
                let mut by_kind = [0.0; FundingKind::COUNT];
                for (k, v) in by_kind.iter_mut().enumerate() {
                    *v = sums.by_kind[k].value() / nf;
                }
                yearly.push(YearStats {
                    year: model.year(t),
                    p_gap: Proportion::new(y.gap_count, n),
                    cost_mean: sums.cost.value() / nf,
                    cost_p5: y.cost_q.quantile(0.05),
                    cost_p25: y.cost_q.quantile(0.25),
                    cost_p50: y.cost_q.quantile(0.5),
                    cost_p75: y.cost_q.quantile(0.75),
                    cost_p95: y.cost_q.quantile(0.95),
                    funding_mean: sums.funding.value() / nf,
                    funding_p5: y.funding_q.quantile(0.05),
                    funding_p25: y.funding_q.quantile(0.25),
                    funding_p50: y.funding_q.quantile(0.5),
                    funding_p75: y.funding_q.quantile(0.75),
                    funding_p95: y.funding_q.quantile(0.95),
                    gap_mean: sums.gap.value() / nf,
                    gap_p50: y.gap_q.quantile(0.5),
                    gap_p95: y.gap_q.quantile(0.95),
                    reserve_used_mean: sums.by_kind[FundingKind::Reserve as usize].value() / nf,
                    funding_by_kind_mean: by_kind,
                    survival: surv,
                });
            }
            let median = survival
                .iter()
                .position(|&s| s <= 0.5)
                .map(|t| model.year(t));
            let lcc = Distribution::new(&tot.lcc, &tot.lcc_q);
            let benefit = tot.benefit.mean();
            let received = tot.received.value();
            entities.push(EntityStats {
                id,
                name,
                p_any_gap: Proportion::new(n - tot.first_gap[h], n),
                first_year_p_gap_over_50: yearly
                    .iter()
                    .find(|y| y.p_gap.estimate > 0.5)
                    .map(|y| y.year),
                first_gap_year: FirstGap {
                    years: (0..h).map(|t| model.year(t)).collect(),
                    probability,
                    survival,
                    never: tot.first_gap[h] as f64 / nf,
                    median,
                },
                lcc_npv: lcc,
                gap_npv: Distribution::new(&tot.gap, &tot.gap_q),
                gap_npv_cvar95: tot.gap_q.tail_mean(0.95),
                opex_ratio_mean: tot.opex_ratio.mean(),
                opex_ratio_se: tot.opex_ratio.se(),
                grant_share: if received > 0.0 {
                    tot.grant.value() / received
                } else {
                    0.0
                },
                bcr: (has_benefits && lcc.mean > 0.0).then(|| benefit / lcc.mean),
                benefit_npv_mean: benefit,
                revenue_npv_mean: tot.revenue.mean(),
                construction_mean: tot.construction.value() / nf,
                yearly,
                gap_npv_sketch: tot.gap_q.clone(),
            });
        }
        Report {
            trials: n,
            start_year: model.start_year,
            horizon_years: h,
            entities,
        }
    }

    pub fn portfolio(&self) -> &EntityStats {
        // `new` always pushes the portfolio last.
        &self.entities[self.entities.len() - 1]
    }

    pub fn entity(&self, id: &str) -> Option<&EntityStats> {
        self.entities.iter().find(|e| e.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;

    fn bench_model() -> Model {
        let text = include_str!("../scenarios/bench-district.toml");
        crate::scenario::parse_str(text, "bench-district.toml").unwrap()
    }

    #[test]
    fn batches_record_exactly_what_single_trials_do() {
        let model = bench_model();
        let engine = Engine::new(&model);
        // 37 trials: two full batches and a partial one.
        let lanes: Vec<Scratch> = (0..37)
            .map(|t| {
                let mut s = Scratch::new(&model);
                engine.simulate(t, &mut s);
                s
            })
            .collect();
        let mut batched = Accumulator::new(&model);
        batched.record(&lanes);
        let mut single = Accumulator::new(&model);
        for s in lanes.iter().rev() {
            single.record(std::slice::from_ref(s));
        }
        assert_eq!(batched, single);
        assert_eq!(batched.trials, 37);
    }

    #[test]
    fn portfolio_totals_add_up_the_services() {
        let model = bench_model();
        let engine = Engine::new(&model);
        let mut acc = Accumulator::new(&model);
        let mut s = Scratch::new(&model);
        let mut direct = vec![0.0; model.horizon];
        for t in 0..200 {
            engine.simulate(t, &mut s);
            acc.record(std::slice::from_ref(&s));
            let p = model.services.len();
            for (d, c) in direct.iter_mut().zip(s.row(&s.cost, p)) {
                *d += c / 200.0;
            }
        }
        let report = Report::new(&model, &acc);
        let port = report.entity("portfolio").unwrap();
        for (t, y) in port.yearly.iter().enumerate() {
            let services: f64 = report.entities[..model.services.len()]
                .iter()
                .map(|e| e.yearly[t].cost_mean)
                .sum();
            assert!((y.cost_mean - services).abs() <= 1e-6 * services.max(1.0));
            // The engine's own portfolio row agrees to rounding error.
            assert!((y.cost_mean - direct[t]).abs() <= 1e-6 * direct[t].max(1.0));
            let kinds: f64 = y.funding_by_kind_mean.iter().sum();
            let streams = y.funding_mean + y.reserve_used_mean;
            assert!(
                (kinds - streams).abs() <= 1e-6 * streams.max(1.0),
                "{kinds} vs {streams}"
            );
        }
    }

    #[test]
    fn wilson_interval_is_sane_at_the_edges() {
        let p = Proportion::new(0, 1000);
        assert_eq!(p.estimate, 0.0);
        assert_eq!(p.lo, 0.0);
        assert!(p.hi > 0.0 && p.hi < 0.01);
        let p = Proportion::new(1000, 1000);
        assert_eq!(p.hi, 1.0);
        assert!(p.lo > 0.99);
        let p = Proportion::new(500, 1000);
        assert!((p.lo - 0.469).abs() < 1e-3 && (p.hi - 0.531).abs() < 1e-3);
    }
}
