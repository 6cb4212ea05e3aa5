//! Stress tests: a grid of policy cells run on common random numbers.
//!
//! The default grid crosses the year a funding stream is withdrawn with the
//! share that is cut (from that year on, the stream pays `1 - cut` of what
//! it would have). A sweep grid instead sets one or two scenario keys to
//! listed values. Every cell runs the same trials with the same random
//! streams, so a difference between two cells is the policy, not noise: a
//! cut of 0% reproduces the unstressed run bit for bit.

use serde::{Deserialize, Serialize};

use std::sync::atomic::AtomicBool;

mod grid;
mod spec;

pub use grid::{
    Axis, CellSpec, Selection, paying_years, select, sweep_grid, withdrawal_grid, withdrawal_years,
    year_ranges,
};
pub use spec::{GridSpec, grid_cells};

use crate::engine::{Engine, Fault, LANES, Row, Scratch, fold_trials, lane_batches};
use crate::error::Error;
use crate::model::Model;
use crate::stats::sums::Moments;
use crate::stats::{FundingNeed, Proportion, Sketch};

/// Result of one cell, for one entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    /// Index along the x axis.
    pub x: usize,
    /// Index along the y axis.
    pub y: usize,
    /// P(any gap) of the reported entity.
    pub p_any_gap: Proportion,
    /// Mean gap NPV.
    pub gap_npv_mean: f64,
    /// Standard error of the mean gap NPV.
    pub gap_npv_se: f64,
    /// 95th percentile of the gap NPV.
    pub gap_npv_p95: f64,
    /// CVaR95 of the gap NPV.
    pub gap_npv_cvar95: f64,
    /// First year with P(gap) above 50%, if any.
    pub first_year_p_gap_over_50: Option<i32>,
    /// The first year whose 95% interval of P(gap) reaches above 50%, and
    /// the first whose interval lies wholly above: the years Monte Carlo
    /// error leaves open (see [`crate::stats::FirstOverHalf`]).
    pub first_year_p_gap_over_50_lo: Option<i32>,
    /// See `first_year_p_gap_over_50_lo`.
    pub first_year_p_gap_over_50_hi: Option<i32>,
    /// P(stopped) of the reported entity: the share of trials in which it
    /// stopped or shrank under its stop rule by the horizon's end (for the
    /// portfolio, any of its services).
    pub p_stopped: Proportion,
    /// The funding requirement at the grid's confidence level (as `run`
    /// reports it), when the grid asked for one.
    pub need: Option<FundingNeed>,
}

/// A finished grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StressResult {
    /// Scenario name.
    pub scenario: String,
    /// The reported entity: a service id or `portfolio`.
    pub entity: String,
    /// Its display name.
    #[serde(default)]
    pub entity_name: String,
    /// Currency of amounts.
    pub currency: String,
    /// Unit of amounts.
    pub unit: String,
    /// Trials per cell.
    pub trials: u64,
    /// Seed shared by every cell.
    pub seed: u64,
    /// The x axis (withdrawal year, or the first swept key).
    pub x: Axis,
    /// The y axis (cut, or the second swept key).
    pub y: Axis,
    /// The confidence level of each cell's funding requirement, if any.
    pub confidence: Option<f64>,
    /// Calendar years the withdrawal grid left out (of `--years`, or of
    /// the horizon): no chosen stream pays in them, so a withdrawal there
    /// would repeat another cell.
    pub left_out: Vec<i32>,
    /// Every cell.
    pub cells: Vec<CellResult>,
}

impl StressResult {
    /// The grid made whole from shards' results (each a contiguous run of
    /// cells, given in order): every field but the cells must agree. A
    /// shard with no cells (more shards than cells) adds nothing. `None`
    /// if they do not agree, or if there are no parts.
    pub fn join(parts: Vec<StressResult>) -> Option<StressResult> {
        let first = parts.iter().position(|p| !p.cells.is_empty()).unwrap_or(0);
        let mut parts = parts.into_iter();
        let mut whole = parts.nth(first)?;
        for p in parts.filter(|p| !p.cells.is_empty()) {
            let same = p.scenario == whole.scenario
                && p.entity == whole.entity
                && p.currency == whole.currency
                && p.unit == whole.unit
                && p.trials == whole.trials
                && p.seed == whole.seed
                && p.x == whole.x
                && p.y == whole.y
                && p.confidence == whole.confidence
                && p.left_out == whole.left_out;
            if !same {
                return None;
            }
            whole.cells.extend(p.cells);
        }
        Some(whole)
    }

    /// Why a grid read from parts cannot be what fundgap computed, if it
    /// cannot: a cell outside the axes or given twice, a grid not whole,
    /// a probability outside 0..1 or out of order with its interval, an
    /// amount that is not a finite number. (A checksum guards against
    /// accidents, not forgery; this is what keeps a forged part from
    /// reporting 177%, or a table from indexing past its axes.)
    pub fn inconsistency(&self) -> Option<String> {
        let (nx, ny) = (self.x.labels.len(), self.y.labels.len());
        if self.cells.len() != nx.saturating_mul(ny) {
            return Some(format!(
                "{} cells for a grid of {nx} x {ny}",
                self.cells.len()
            ));
        }
        let mut seen = vec![false; self.cells.len()];
        for c in &self.cells {
            if c.x >= nx || c.y >= ny {
                return Some(format!("a cell at ({}, {}) outside the grid", c.x, c.y));
            }
            let at = c.x * ny + c.y;
            if std::mem::replace(&mut seen[at], true) {
                return Some(format!("the cell at ({}, {}) twice", c.x, c.y));
            }
            let p = &c.p_any_gap;
            let ordered = 0.0 <= p.lo && p.lo <= p.estimate && p.estimate <= p.hi && p.hi <= 1.0;
            if !(ordered && (0.0..=0.5).contains(&p.se)) {
                return Some(format!(
                    "P(any gap) {} [{}, {}] in the cell at ({}, {})",
                    p.estimate, p.lo, p.hi, c.x, c.y
                ));
            }
            let q = &c.p_stopped;
            let ordered = 0.0 <= q.lo && q.lo <= q.estimate && q.estimate <= q.hi && q.hi <= 1.0;
            if !(ordered && (0.0..=0.5).contains(&q.se)) {
                return Some(format!(
                    "P(stopped) {} [{}, {}] in the cell at ({}, {})",
                    q.estimate, q.lo, q.hi, c.x, c.y
                ));
            }
            if c.need.is_some() != self.confidence.is_some()
                || c.need.is_some_and(|n| {
                    let ends = [n.topup_lo, n.topup, n.topup_hi];
                    Some(n.confidence) != self.confidence
                        || ends.iter().any(|a| !a.is_finite() || *a < 0.0)
                        || !(n.topup_lo <= n.topup && n.topup <= n.topup_hi)
                })
            {
                return Some(format!(
                    "a funding requirement out of order or not at the grid's confidence in the cell at ({}, {})",
                    c.x, c.y
                ));
            }
            // (A standard error of one trial is not a number.)
            let amounts = [c.gap_npv_mean, c.gap_npv_p95, c.gap_npv_cvar95];
            if amounts.iter().any(|a| !a.is_finite() || *a < 0.0) || c.gap_npv_se < 0.0 {
                return Some(format!(
                    "a gap NPV that is negative or not a number in the cell at ({}, {})",
                    c.x, c.y
                ));
            }
        }
        None
    }

    /// The cell at (`x`, `y`), if it exists.
    pub fn cell(&self, x: usize, y: usize) -> Option<&CellResult> {
        self.cells.iter().find(|c| c.x == x && c.y == y)
    }

    /// The one value every cell's P(any gap) takes, when it is 0 or 1 in
    /// every cell: the grid then tells nothing through it, and the gap
    /// NPV and the funding requirement are the better view.
    pub fn p_any_gap_everywhere(&self) -> Option<f64> {
        let first = self.cells.first()?.p_any_gap.estimate;
        let same = self.cells.iter().all(|c| c.p_any_gap.estimate == first);
        (same && (first == 0.0 || first == 1.0)).then_some(first)
    }

    /// The row of the uncut cells (a cut of 0%), in a withdrawal grid.
    pub fn uncut_row(&self) -> Option<usize> {
        (self.y.key == "cut")
            .then(|| self.y.labels.iter().position(|l| l == "0%"))
            .flatten()
    }

    /// The cells whose cut lowers the mean gap NPV against the uncut cell
    /// of the same withdrawal year while P(stopped) rises: on the same
    /// trials, more of them stop, so the gap looks smaller only because
    /// the service stops sooner. Empty in a sweep grid or without a 0% cut.
    pub fn stops_sooner(&self) -> Vec<&CellResult> {
        let Some(u) = self.uncut_row() else {
            return Vec::new();
        };
        self.cells
            .iter()
            .filter(|c| {
                c.y != u
                    && self.cell(c.x, u).is_some_and(|b| {
                        c.gap_npv_mean < b.gap_npv_mean
                            && c.p_stopped.estimate > b.p_stopped.estimate
                    })
            })
            .collect()
    }

    /// Per row (cut level): the earliest column (withdrawal year) from which
    /// on every later column keeps P(any gap) below `target`.
    pub fn earliest_safe(&self, target: f64) -> Vec<Option<usize>> {
        (0..self.y.labels.len())
            .map(|y| {
                let ok: Vec<bool> = (0..self.x.labels.len())
                    .map(|x| {
                        self.cell(x, y)
                            .is_some_and(|c| c.p_any_gap.estimate < target)
                    })
                    .collect();
                let mut first = None;
                for x in (0..ok.len()).rev() {
                    if ok[x] {
                        first = Some(x);
                    } else {
                        break;
                    }
                }
                first
            })
            .collect()
    }
}

/// What a cell needs of one entity, folded exactly over trials: per-year gap
/// counts, whether any gap occurred, and the gap NPV distribution. Far less
/// than a full run's aggregates, so a grid of cells costs about as much as
/// one run of the same total trials.
#[derive(Clone)]
struct CellAcc {
    gap_years: Vec<u64>,
    any: u64,
    stopped: u64,
    npv: Moments,
    npv_q: Sketch,
    topup_q: Sketch,
    reserve_q: Sketch,
    fault: Option<Fault>,
}

impl CellAcc {
    fn merge(mut self, o: CellAcc) -> CellAcc {
        self.fault = Fault::earliest(self.fault, o.fault);
        for (a, b) in self.gap_years.iter_mut().zip(&o.gap_years) {
            *a += b;
        }
        self.any += o.any;
        self.stopped += o.stopped;
        self.npv.merge(&o.npv);
        self.npv_q.merge(&o.npv_q);
        self.topup_q.merge(&o.topup_q);
        self.reserve_q.merge(&o.reserve_q);
        self
    }
}

fn run_cell(
    model: &Model,
    e: usize,
    x: usize,
    y: usize,
    (progress, cancel): (&(dyn Fn(u64) + Sync), &AtomicBool),
) -> Result<CellResult, Error> {
    let engine = Engine::new(model);
    let h = model.horizon;
    let confidence = model.confidence.first().copied();
    let need = confidence.is_some();
    let fresh = || CellAcc {
        gap_years: vec![0; h],
        any: 0,
        stopped: 0,
        npv: Moments::default(),
        npv_q: Sketch::new(),
        topup_q: Sketch::new(),
        reserve_q: Sketch::new(),
        fault: None,
    };
    let (_, acc) = fold_trials(
        0,
        model.trials,
        progress,
        cancel,
        || (vec![Scratch::new(model); LANES], fresh()),
        |(lanes, acc), block| {
            for (first, n) in lane_batches(block) {
                let lanes = &mut lanes[..n];
                engine.simulate_lanes(first, lanes, |_| {});
                for scratch in lanes.iter() {
                    let gaps = scratch.row(Row::Gap, e);
                    for (c, g) in acc.gap_years.iter_mut().zip(gaps) {
                        *c += u64::from(*g > 0.0);
                    }
                    let o = &scratch.outcome[e];
                    acc.any += u64::from(o.first_gap.is_some());
                    acc.stopped += u64::from(o.stopped_from.is_some());
                    acc.npv.add(o.gap_npv);
                    acc.npv_q.add(o.gap_npv);
                    if need {
                        acc.topup_q.add(o.topup);
                        acc.reserve_q.add(o.reserve_need);
                    }
                    if scratch.fault.is_some() {
                        acc.fault = Fault::earliest(acc.fault, scratch.fault);
                    }
                }
            }
        },
        |(s, a), (_, b)| (s, a.merge(b)),
    );
    super::unless_stopped(cancel)?;
    if let Some(f) = acc.fault {
        return Err(Error::NonFinite(f.describe(model)));
    }
    let n = model.trials;
    let over_half = crate::stats::FirstOverHalf::of(
        acc.gap_years
            .iter()
            .enumerate()
            .map(|(t, &c)| (model.year(t), Proportion::new(c, n))),
    );
    Ok(CellResult {
        x,
        y,
        p_any_gap: Proportion::new(acc.any, n),
        gap_npv_mean: acc.npv.mean(),
        gap_npv_se: acc.npv.se(),
        gap_npv_p95: acc.npv_q.quantile(0.95),
        gap_npv_cvar95: acc.npv_q.tail_mean(0.95),
        first_year_p_gap_over_50: over_half.year,
        first_year_p_gap_over_50_lo: over_half.lo,
        first_year_p_gap_over_50_hi: over_half.hi,
        p_stopped: Proportion::new(acc.stopped, n),
        need: confidence.map(|q| FundingNeed::new(q, &acc.topup_q, &acc.reserve_q)),
    })
}

/// Runs every cell (each on all threads) and reports `entity` (a service
/// id, or None for the portfolio). `progress` receives finished trials.
/// A cell's funding requirement is at its model's first confidence level
/// ([`Model::set_confidence`]), none when it has none. The result leaves
/// no year out; the caller sets [`StressResult::left_out`]. Setting
/// `cancel` stops the grid at its next block of trials with
/// [`Error::Interrupted`].
pub fn run_cells(
    cells: &[CellSpec],
    entity: Option<&str>,
    x: Axis,
    y: Axis,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<StressResult, Error> {
    let mut results: Vec<CellResult> = Vec::with_capacity(cells.len());
    for c in cells {
        // A cell of the same class as one already run is that cell's
        // result at its own place (the same model, seed and trials give
        // the same bits).
        let twin = c.same_as.and_then(|class| {
            let k = cells.iter().position(|o| o.same_as == Some(class))?;
            results.get(k).cloned()
        });
        let result = match twin {
            Some(r) => {
                progress(c.model.trials);
                CellResult {
                    x: c.x,
                    y: c.y,
                    ..r
                }
            }
            None => {
                let e = entity
                    .and_then(|id| c.model.services.iter().position(|s| s.id == id))
                    .unwrap_or(c.model.services.len());
                run_cell(&c.model, e, c.x, c.y, (progress, cancel))?
            }
        };
        results.push(result);
    }
    let m = cells.first().map(|c| &c.model);
    Ok(StressResult {
        scenario: m.map(|m| m.name.clone()).unwrap_or_default(),
        entity: entity.unwrap_or("portfolio").to_string(),
        entity_name: m.map(|m| super::entity_name(m, entity)).unwrap_or_default(),
        currency: m.map(|m| m.currency.clone()).unwrap_or_default(),
        unit: m.map(|m| m.unit.clone()).unwrap_or_default(),
        trials: m.map(|m| m.trials).unwrap_or(0),
        seed: m.map(|m| m.seed).unwrap_or(0),
        x,
        y,
        confidence: m.and_then(|m| m.confidence.first().copied()),
        left_out: Vec::new(),
        cells: results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;
    use crate::stats::Report;

    const GRANT_COVERS_COST: &str = r#"
[scenario]
name = "t"
start_year = 2025
horizon_years = 8
trials = 3000
seed = 5

[[service]]
id = "s"
construction_cost = 1000
opex_ratio = { dist = "uniform", min = 0.08, max = 0.12 }

[[service.funding]]
kind = "grant"
name = "national"
share_of_cost = 1.0

[[service.funding]]
kind = "budget"
name = "city"
amount = { dist = "normal", mean = 20, sd = 5 }
"#;

    #[test]
    fn zero_cut_equals_the_unstressed_run_bit_for_bit() {
        let base = parse_str(GRANT_COVERS_COST, "t").unwrap();
        let streams = select(&base, &Selection::default()).unwrap();
        let (_, _, cells) = withdrawal_grid(&base, &streams, &[2], &[0.0]);
        let a = crate::stats::run_all(&Engine::new(&base));
        let b = crate::stats::run_all(&Engine::new(&cells[0].model));
        assert_eq!(a, b);
    }

    #[test]
    fn full_withdrawal_of_an_exact_grant_gaps_from_that_year_on() {
        let base = parse_str(GRANT_COVERS_COST, "t").unwrap();
        let streams = select(&base, &Selection::default()).unwrap();
        let (_, _, cells) = withdrawal_grid(&base, &streams, &[3], &[1.0]);
        let m = &cells[0].model;
        let r = Report::new(m, &crate::stats::run_all(&Engine::new(m)));
        let s = r.entity("s").unwrap();
        for (t, y) in s.yearly.iter().enumerate() {
            if t < 3 {
                assert_eq!(y.p_gap.estimate, 0.0, "year {t}");
            } else {
                // The city budget (mean 20) never covers a cost of 80 to 120.
                assert_eq!(y.p_gap.estimate, 1.0, "year {t}");
            }
        }
    }

    #[test]
    fn uncut_cells_run_once_and_give_what_each_would_alone() {
        let base = parse_str(GRANT_COVERS_COST, "t").unwrap();
        let streams = select(&base, &Selection::default()).unwrap();
        let (x, y, cells) = withdrawal_grid(&base, &streams, &[1, 3, 5], &[0.0, 0.5]);
        let runs = std::sync::atomic::AtomicU64::new(0);
        let shared = run_cells(
            &cells,
            Some("s"),
            x.clone(),
            y.clone(),
            &|n| {
                runs.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            },
            &AtomicBool::new(false),
        )
        .unwrap();
        // Progress still counts every cell's trials.
        assert_eq!(runs.into_inner(), 6 * base.trials);
        let alone: Vec<CellSpec> = cells
            .into_iter()
            .map(|c| CellSpec { same_as: None, ..c })
            .collect();
        let each = run_cells(&alone, Some("s"), x, y, &|_| {}, &AtomicBool::new(false)).unwrap();
        assert_eq!(shared.cells, each.cells);
        // The uncut cells are one result at three places; the cut ones differ.
        assert_eq!(shared.cells[0].gap_npv_mean, shared.cells[2].gap_npv_mean);
        assert_ne!(shared.cells[3].gap_npv_mean, shared.cells[5].gap_npv_mean);
    }

    #[test]
    fn a_cell_reports_exactly_what_a_full_run_reports() {
        let base = parse_str(GRANT_COVERS_COST, "t").unwrap();
        let streams = select(&base, &Selection::default()).unwrap();
        let (x, y, mut cells) = withdrawal_grid(&base, &streams, &[4], &[0.5]);
        cells[0].model.set_confidence(&[0.8]);
        let r = run_cells(&cells, Some("s"), x, y, &|_| {}, &AtomicBool::new(false)).unwrap();
        let m = &cells[0].model;
        let full = Report::new(m, &crate::stats::run_all(&Engine::new(m)));
        let e = full.entity("s").unwrap();
        let c = &r.cells[0];
        assert_eq!(c.p_any_gap, e.p_any_gap);
        assert_eq!(c.gap_npv_mean.to_bits(), e.gap_npv.mean.to_bits());
        assert_eq!(c.gap_npv_se.to_bits(), e.gap_npv.se.to_bits());
        assert_eq!(c.gap_npv_p95.to_bits(), e.gap_npv.p95.to_bits());
        assert_eq!(c.gap_npv_cvar95.to_bits(), e.gap_npv_cvar95.to_bits());
        assert_eq!(c.first_year_p_gap_over_50, e.first_year_p_gap_over_50);
        assert_eq!(c.first_year_p_gap_over_50_lo, e.first_year_p_gap_over_50_lo);
        assert_eq!(c.first_year_p_gap_over_50_hi, e.first_year_p_gap_over_50_hi);
        assert_eq!(c.p_stopped, e.p_stop);
        assert_eq!(c.need.as_ref(), e.funding_needed.first());
        assert!(c.need.is_some_and(|n| n.topup > 0.0), "{:?}", c.need);
        assert_eq!(r.confidence, Some(0.8));
    }

    #[test]
    fn withdrawal_years_stay_inside_the_streams_windows() {
        let text = GRANT_COVERS_COST.replace(
            "share_of_cost = 1.0",
            "share_of_cost = 1.0\nfrom = 2026\nto = 2028",
        );
        let base = parse_str(&text, "t").unwrap();
        let streams = select(&base, &Selection::default()).unwrap();
        let (years, left_out) = withdrawal_years(&base, &streams, None).unwrap();
        assert_eq!(years, vec![1, 2, 3]);
        assert_eq!(left_out, vec![2025, 2029, 2030, 2031, 2032]);
        assert_eq!(
            withdrawal_years(&base, &streams, Some(&[2, 3, 4, 6])).unwrap(),
            (vec![2, 3], vec![2029, 2031])
        );
        let e = withdrawal_years(&base, &streams, Some(&[4, 5])).unwrap_err();
        assert!(
            e.to_string().contains("no chosen stream pays in 2029-2030"),
            "{e}"
        );
        assert!(e.to_string().contains("they pay in 2026-2028"), "{e}");
    }

    #[test]
    fn safe_years_are_a_suffix() {
        let cell = |x, p: f64| CellResult {
            x,
            y: 0,
            p_any_gap: Proportion {
                estimate: p,
                se: 0.0,
                lo: p,
                hi: p,
            },
            gap_npv_mean: 0.0,
            gap_npv_se: 0.0,
            gap_npv_p95: 0.0,
            gap_npv_cvar95: 0.0,
            first_year_p_gap_over_50: None,
            first_year_p_gap_over_50_lo: None,
            first_year_p_gap_over_50_hi: None,
            p_stopped: Proportion::new(0, 10),
            need: None,
        };
        let r = StressResult {
            scenario: String::new(),
            entity: String::new(),
            entity_name: String::new(),
            currency: String::new(),
            unit: String::new(),
            trials: 1,
            seed: 0,
            x: Axis {
                key: "x".into(),
                labels: vec!["a".into(); 5],
            },
            y: Axis {
                key: "y".into(),
                labels: vec!["b".into()],
            },
            confidence: None,
            left_out: Vec::new(),
            cells: vec![
                cell(0, 0.05),
                cell(1, 0.5),
                cell(2, 0.2),
                cell(3, 0.08),
                cell(4, 0.01),
            ],
        };
        assert_eq!(r.earliest_safe(0.1), vec![Some(3)]);
        assert_eq!(r.earliest_safe(0.001), vec![None]);
        // What a forged part could carry is named, not reported.
        assert_eq!(r.inconsistency(), None);
        let forged = |f: &dyn Fn(&mut StressResult)| {
            let mut bad = r.clone();
            f(&mut bad);
            bad.inconsistency().unwrap_or_default()
        };
        assert!(forged(&|b| b.cells[4].x = 100).contains("outside the grid"));
        assert!(forged(&|b| b.cells[4].x = 3).contains("twice"));
        assert!(forged(&|b| b.cells.truncate(4)).contains("4 cells for a grid of 5 x 1"));
        assert!(forged(&|b| b.cells[1].p_any_gap.estimate = 1.77).contains("P(any gap) 1.77"));
        assert!(forged(&|b| b.cells[1].gap_npv_mean = f64::NAN).contains("gap NPV"));
        assert!(forged(&|b| b.cells[2].p_stopped.estimate = -0.5).contains("P(stopped)"));
        assert!(forged(&|b| b.confidence = Some(0.9)).contains("funding requirement"));
    }

    #[test]
    fn selection_errors_name_what_exists() {
        let base = parse_str(GRANT_COVERS_COST, "t").unwrap();
        let e = select(
            &base,
            &Selection {
                service: None,
                streams: vec!["natonal".into()],
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("national"), "{e}");
        let e = select(
            &base,
            &Selection {
                service: Some("x".into()),
                streams: vec![],
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("known: s"), "{e}");
    }
}
