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

pub(crate) mod books;
pub mod correlation;
pub(crate) mod exact;
mod figures;
mod horizon;
pub mod part;
pub mod precision;
mod report;
mod run;
mod sketch;
pub(crate) mod sums;

pub use figures::{CapitalYear, ContractYear, FirstOverHalf, FundYear, Proportion, YearStats};
pub use report::{
    CapitalTotal, ContractTotal, Distribution, EntityStats, FirstGap, FundingNeed, PORTFOLIO_NAME,
    Report, largest_gap,
};
pub use run::{run, run_all, run_range, simulate_batch};
pub use sketch::{Sketch, bucket_span};

use serde::{Deserialize, Serialize};

use crate::engine::{Fault, LANES, Scratch};
use crate::error::Error;
use crate::model::{FundingKind, Model};
use crate::stats::books::{BookAcc, BookRow};
use crate::stats::horizon::HorizonAcc;
use crate::stats::sums::{Moments, Sum, SumArray};

/// z-value of a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Exact per-year totals of one entity.
#[derive(Debug, Clone, Default, PartialEq)]
struct YearSums {
    cost: Sum,
    funding: Sum,
    gap: Sum,
    absorbed: Sum,
    by_kind: [Sum; FundingKind::COUNT],
}

impl YearSums {
    fn merge(&mut self, o: &YearSums) {
        self.cost.merge(&o.cost);
        self.funding.merge(&o.funding);
        self.gap.merge(&o.gap);
        self.absorbed.merge(&o.absorbed);
        for (a, b) in self.by_kind.iter_mut().zip(&o.by_kind) {
            a.merge(b);
        }
    }
}

/// Per entity-year count of gaps and quantile sketches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct YearAcc {
    gap_count: u64,
    /// Trials with any shortfall, material or absorbed.
    shortfall_count: u64,
    cost_q: Sketch,
    funding_q: Sketch,
    gap_q: Sketch,
}

impl YearAcc {
    fn new() -> Self {
        YearAcc {
            gap_count: 0,
            shortfall_count: 0,
            cost_q: Sketch::new(),
            funding_q: Sketch::new(),
            gap_q: Sketch::new(),
        }
    }

    fn merge(&mut self, o: &YearAcc) {
        self.gap_count += o.gap_count;
        self.shortfall_count += o.shortfall_count;
        self.cost_q.merge(&o.cost_q);
        self.funding_q.merge(&o.funding_q);
        self.gap_q.merge(&o.gap_q);
    }
}

/// Mergeable aggregate of any number of trials of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accumulator {
    /// Trials recorded so far.
    pub trials: u64,
    horizon: usize,
    /// Whether any service absorbs shortfalls (a materiality threshold);
    /// without one nothing is ever absorbed, and the absorbed amounts and
    /// counts need no recording.
    absorbs: bool,
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
    /// Shortfalls absorbed as immaterial.
    absorbed: SumArray,
    by_kind: SumArray,
    /// The portfolio's gap per year, where special accounts pool it (then
    /// it is not the sum of the services'); empty otherwise.
    pooled_gap: SumArray,
    /// Capital and contract rows, for a model that has them.
    books: Vec<BookAcc>,
    /// Per entity (services, then the portfolio) and year.
    years: Vec<YearAcc>,
    totals: Vec<HorizonAcc>,
    /// The earliest trial with a non-finite amount, if any: then the
    /// aggregates hold nonsense and must not be reported.
    fault: Option<Fault>,
}

impl Accumulator {
    /// Empty aggregates sized for `model`.
    pub fn new(model: &Model) -> Self {
        let s = model.services.len();
        let h = model.horizon;
        Accumulator {
            trials: 0,
            horizon: h,
            absorbs: model
                .services
                .iter()
                .any(|s| s.materiality.share > 0.0 || s.materiality.amount > 0.0),
            cost: SumArray::new(s * h),
            funding: SumArray::new(s * h),
            gap: SumArray::new(s * h),
            absorbed: SumArray::new(s * h),
            by_kind: SumArray::new(s * FundingKind::COUNT * h),
            pooled_gap: SumArray::new(if model.accounts.is_empty() { 0 } else { h }),
            books: BookRow::of_model(model)
                .into_iter()
                .map(|row| BookAcc::new(row, s, h))
                .collect(),
            years: (0..(s + 1) * h).map(|_| YearAcc::new()).collect(),
            totals: (0..=s).map(|_| HorizonAcc::new(h)).collect(),
            fault: None,
        }
    }

    /// Whether it has the layout of an accumulator of `model` (the size of
    /// every table, sketches that adding values could have made): what one
    /// decoded from a part file must have before it is merged or reported,
    /// since both index it by the model.
    pub fn fits(&self, model: &Model) -> bool {
        let fresh = Accumulator::new(model);
        let h = fresh.horizon;
        let sketches_ok = self
            .years
            .iter()
            .all(|y| y.cost_q.is_valid() && y.funding_q.is_valid() && y.gap_q.is_valid())
            && self.totals.iter().all(|t| {
                [&t.lcc_q, &t.gap_q, &t.topup_q, &t.reserve_q]
                    .iter()
                    .all(|q| q.is_valid())
                    && [&t.lcc, &t.gap, &t.benefit, &t.revenue, &t.opex_ratio]
                        .iter()
                        .all(|m| m.is_valid())
                    && [
                        &t.construction,
                        &t.grant,
                        &t.received,
                        &t.grant_returned,
                        &t.gap_kept,
                    ]
                    .iter()
                    .all(|e| e.is_valid())
            });
        self.horizon == h
            && self.absorbs == fresh.absorbs
            && [
                (&self.cost, &fresh.cost),
                (&self.funding, &fresh.funding),
                (&self.gap, &fresh.gap),
                (&self.absorbed, &fresh.absorbed),
                (&self.by_kind, &fresh.by_kind),
                (&self.pooled_gap, &fresh.pooled_gap),
            ]
            .iter()
            .all(|(a, b)| a.fits(b.len()))
            && self.books.len() == fresh.books.len()
            && self.books.iter().zip(&fresh.books).all(|(a, b)| a.fits(b))
            && self.years.len() == fresh.years.len()
            && self.totals.len() == fresh.totals.len()
            && self.totals.iter().all(|t| {
                [&t.first_gap, &t.stop, &t.closed, &t.exits]
                    .iter()
                    .all(|v| v.len() == h + 1)
            })
            && sketches_ok
            && self.counts_fit()
    }

    /// Whether every count agrees with the trial count: each trial adds one
    /// value to every sketch and moment and falls in exactly one first-gap
    /// and one stop slot; no year counts more gaps than trials. A part
    /// re-signed with an inflated count would otherwise report a
    /// probability over 1.
    fn counts_fit(&self) -> bool {
        let n = self.trials;
        let sum = |v: &[u64]| v.iter().try_fold(0u64, |a, &c| a.checked_add(c));
        self.years.iter().all(|y| {
            y.gap_count <= y.shortfall_count
                && y.shortfall_count <= n
                && [&y.cost_q, &y.funding_q, &y.gap_q]
                    .iter()
                    .all(|q| q.count() == n)
        }) && self.totals.iter().all(|t| {
            sum(&t.first_gap) == Some(n)
                && sum(&t.stop) == Some(n)
                && sum(&t.closed) == Some(n)
                && sum(&t.exits) == Some(n)
                && [&t.lcc_q, &t.gap_q, &t.topup_q, &t.reserve_q]
                    .iter()
                    .all(|q| q.count() == n)
                && [&t.lcc, &t.gap, &t.benefit, &t.revenue]
                    .iter()
                    .all(|m| m.n == n)
                // Only services with a construction cost add a ratio.
                && t.opex_ratio.n <= n
        }) && self.books.iter().all(|b| b.counts_within(n))
    }

    /// The earliest trial recorded with an amount that is not a finite
    /// number (the same for any thread count or split), if any. When there
    /// is one, nothing else here may be reported: use [`Accumulator::check`].
    pub fn fault(&self) -> Option<Fault> {
        self.fault
    }

    /// `Ok` if every recorded trial was finite; otherwise the earliest
    /// fault as an [`Error::NonFinite`] naming the service, year and amount.
    pub fn check(&self, model: &Model) -> Result<(), Error> {
        match self.fault {
            None => Ok(()),
            Some(f) => Err(Error::NonFinite(f.describe(model))),
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
                absorbed: self.absorbed.get(i),
                by_kind: std::array::from_fn(kind),
            };
        }
        let mut all = YearSums::default();
        for svc in 0..services {
            all.merge(&self.year_sums(svc, t));
        }
        if !self.pooled_gap.is_empty() {
            all.gap = self.pooled_gap.get(t);
        }
        all
    }

    /// Entity `e`'s total of `row` in year `t`, and the trials in which it
    /// was positive; None when the model has no such row.
    pub(crate) fn book(&self, row: BookRow, e: usize, t: usize) -> Option<(Sum, u64)> {
        let b = self.books.iter().find(|b| b.row == row)?;
        Some((b.sum(e, t), b.count(e, t)))
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
        self.cost.add_row(&s.rows.cost[..n]);
        self.funding.add_row(&s.rows.funding[..n]);
        self.gap.add_row(&s.rows.gap[..n]);
        if self.absorbs {
            self.absorbed.add_row(&s.rows.absorbed[..n]);
        }
        self.by_kind.add_row(&s.by_kind);
        if !self.pooled_gap.is_empty() {
            self.pooled_gap.add_row(&s.rows.gap[n..n + self.horizon]);
        }
        for b in &mut self.books {
            b.record_sums(s);
        }
    }

    /// The second half of [`Accumulator::record`]: adds the trials in
    /// `lanes` (at most [`LANES`], each already passed to
    /// [`Accumulator::record_sums`]) to everything else, and flushes the
    /// pending sums.
    pub fn record_batch(&mut self, lanes: &[Scratch]) {
        debug_assert!(lanes.len() <= LANES);
        self.trials += lanes.len() as u64;
        for s in lanes {
            if s.fault.is_some() {
                self.fault = Fault::earliest(self.fault, s.fault);
            }
        }
        let h = self.horizon;
        for sums in [
            &mut self.cost,
            &mut self.funding,
            &mut self.gap,
            &mut self.absorbed,
            &mut self.by_kind,
            &mut self.pooled_gap,
        ] {
            sums.flush();
        }
        for b in &mut self.books {
            b.record_batch(lanes);
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
            gather(col, |s| &s.rows.cost, i);
            y.cost_q.add_all(col);
            gather(col, |s| &s.rows.funding, i);
            y.funding_q.add_all(col);
            gather(col, |s| &s.rows.gap, i);
            y.gap_q.add_all(col);
            let gaps = col.iter().filter(|g| **g > 0.0).count() as u64;
            y.gap_count += gaps;
            y.shortfall_count += if self.absorbs {
                lanes
                    .iter()
                    .filter(|s| s.rows.gap[i] > 0.0 || s.rows.absorbed[i] > 0.0)
                    .count() as u64
            } else {
                gaps
            };
        }
        for s in lanes {
            for (tot, o) in self.totals.iter_mut().zip(&s.outcome) {
                tot.add(o, h);
            }
        }
    }

    /// Adds `o`'s trials (exact: the order of merges never matters).
    pub fn merge(&mut self, o: &Accumulator) {
        self.trials += o.trials;
        self.fault = Fault::earliest(self.fault, o.fault);
        for (mine, theirs) in [
            (&mut self.cost, &o.cost),
            (&mut self.funding, &o.funding),
            (&mut self.gap, &o.gap),
            (&mut self.absorbed, &o.absorbed),
            (&mut self.by_kind, &o.by_kind),
            (&mut self.pooled_gap, &o.pooled_gap),
        ] {
            mine.merge(theirs);
        }
        for (a, b) in self.books.iter_mut().zip(&o.books) {
            a.merge(b);
        }
        for (a, b) in self.years.iter_mut().zip(&o.years) {
            a.merge(b);
        }
        for (a, b) in self.totals.iter_mut().zip(&o.totals) {
            a.merge(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, Row};

    fn bench_model() -> Model {
        let text = include_str!("../../../../scenarios/bench-district.toml");
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
    fn an_accumulator_survives_a_part_file_bit_for_bit() {
        let model = bench_model();
        let engine = Engine::new(&model);
        let stop = std::sync::atomic::AtomicBool::new(false);
        let acc = run_range(&engine, 100, 400, &|_| {}, &stop);
        let bytes = part::to_payload(&acc).unwrap();
        let back: Accumulator = part::from_payload(&bytes).unwrap();
        assert_eq!(back, acc);
        assert!(back.fits(&model));
        // Merged after the trip, it is still the whole run.
        let mut whole = run_range(&engine, 0, 100, &|_| {}, &stop);
        whole.merge(&back);
        assert_eq!(whole, run_range(&engine, 0, 400, &|_| {}, &stop));
        // Another model's aggregate does not fit this one.
        let other = crate::scenario::parse_str(crate::scenario::BUILTIN_BASELINE, "b").unwrap();
        assert!(!Accumulator::new(&other).fits(&model));
        assert!(part::from_payload::<Accumulator>(&bytes[..bytes.len() - 1]).is_err());
    }

    /// A part file whose checksum was made good over damaged contents (a
    /// hand edit, a buggy copy tool): decoding, the layout check, merging
    /// and reporting must never panic, whatever the bytes.
    #[test]
    fn damaged_aggregates_are_refused_or_harmless_never_a_panic() {
        let model = bench_model();
        let engine = Engine::new(&model);
        let stop = std::sync::atomic::AtomicBool::new(false);
        let acc = run_range(&engine, 0, 64, &|_| {}, &stop);
        let bytes = part::to_payload(&acc).unwrap();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut refused, mut merged) = (0, 0);
        for _ in 0..1000 {
            let mut bad = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % bad.len() as u64) as usize;
                bad[i] = next() as u8;
            }
            let decoded: Result<Accumulator, _> = part::from_payload(&bad);
            match decoded {
                Ok(a) if a.fits(&model) => {
                    let mut whole = Accumulator::new(&model);
                    whole.merge(&a);
                    let _ = Report::new(&model, &whole);
                    merged += 1;
                }
                _ => refused += 1,
            }
        }
        // Both kinds occur, so both paths were exercised.
        assert!(
            refused > 0 && merged > 0,
            "{refused} refused, {merged} merged"
        );
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
            for (d, c) in direct.iter_mut().zip(s.row(Row::Cost, p)) {
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
}
