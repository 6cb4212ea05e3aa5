//! Running until a stated precision instead of a guessed trial count:
//! blocks of trials, each continuing where the last stopped, until every
//! reported probability's 95% interval is narrow enough (and, if asked,
//! every gap NPV mean's).
//!
//! Trials are numbered and independent, and aggregates merge exactly, so
//! the result of a run that stops at `n` trials is bit for bit that of a
//! fixed run of `n` trials: only the decision of where to stop looks at
//! the results. (That decision can bias estimates a little, as any data-
//! dependent stopping can; with blocks that grow geometrically and a
//! target on the interval's width, not on the estimate, the effect is far
//! below the stated precision.)

use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::Engine;
use crate::model::Model;

use super::{Accumulator, Proportion, Report, Z95, run_range};

/// What a run must reach, and what bounds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// Largest 95% half-width allowed for every probability reported
    /// (P(any gap), P(stop), P(operator exit) over the horizon, and each
    /// year's P(gap), P(no gap yet), shortfall, structural gap, the
    /// service's state and the capital, reserve-fund and contract events),
    /// absolute: 0.005 is half a percentage point.
    pub half_width: f64,
    /// If set, the largest 95% half-width of each gap NPV mean relative
    /// to the mean (entities whose mean gap is 0 are exact and skipped).
    pub npv_relative: Option<f64>,
    /// Trials of the first block.
    pub first: u64,
    /// Never run more trials than this.
    pub max_trials: u64,
}

/// The least precise figure of a report, against its target.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Worst {
    /// What it is, e.g. "P(gap) of cctv-safety in 2031".
    pub what: String,
    /// The same as parts: the CSV column that holds the figure (`p_gap`),
    /// so a shell can name it in the report's language.
    #[serde(default)]
    pub figure: String,
    /// The entity's id.
    #[serde(default)]
    pub entity: String,
    /// The year (none for a figure of the whole horizon).
    #[serde(default)]
    pub year: Option<i32>,
    /// Its 95% half-width (absolute for a probability, relative for an
    /// NPV mean).
    pub half_width: f64,
    /// The target it must meet.
    pub target: f64,
}

impl Worst {
    /// Whether its half-width is relative (a gap NPV mean's) rather than
    /// absolute (a probability's). A part written before figures were
    /// named says so only in `what`.
    pub fn relative(&self) -> bool {
        match self.figure.as_str() {
            "" => self.what.contains("NPV"),
            figure => figure == "gap_npv_mean",
        }
    }

    /// How far it is from its target: > 1 until it is met.
    fn ratio(&self) -> f64 {
        self.half_width / self.target
    }
}

/// How a precision run ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stopped {
    /// Trials run.
    pub trials: u64,
    /// Whether every target was met (else `max_trials` ended it).
    pub reached: bool,
    /// The least precise figure at the end.
    pub worst: Worst,
    /// Trials after each block, in order.
    pub blocks: Vec<u64>,
}

/// A probability's 95% half-width: half its Wilson interval's width.
fn half(p: &Proportion) -> f64 {
    (p.hi - p.lo) / 2.0
}

/// The least precise figure of `report` relative to its target.
pub fn worst(model: &Model, report: &Report, p: &Precision) -> Worst {
    let mut worst = Worst {
        what: String::new(),
        figure: String::new(),
        entity: String::new(),
        year: None,
        half_width: 0.0,
        target: p.half_width,
    };
    // (figure as written, its CSV column), the entity, the year.
    let mut consider =
        |(name, figure): (&str, &str), entity: &str, year: Option<i32>, half_width, target| {
            if half_width / target > worst.ratio() {
                worst = Worst {
                    what: match year {
                        Some(y) => format!("{name} of {entity} in {y}"),
                        None => format!("{name} of {entity}"),
                    },
                    figure: figure.to_string(),
                    entity: entity.to_string(),
                    year,
                    half_width,
                    target,
                };
            }
        };
    for e in &report.entities {
        let mut horizon = vec![
            (("P(any gap)", "p_any_gap"), &e.p_any_gap),
            (("P(stop)", "p_stop"), &e.p_stop),
        ];
        if let Some(c) = &e.contract_total {
            horizon.push((("P(operator exit)", "p_exit"), &c.p_exit));
        }
        for (name, q) in horizon {
            consider(name, &e.id, None, half(q), p.half_width);
        }
        for (t, y) in e.yearly.iter().enumerate() {
            let mut each = vec![
                (("P(gap)", "p_gap"), &y.p_gap),
                (("P(shortfall)", "p_shortfall"), &y.p_shortfall),
                (("P(structural gap)", "p_structural"), &y.p_structural),
                (("P(runs on as planned)", "p_continued"), &y.p_continued),
                (("P(shrunk)", "p_shrunk"), &y.p_shrunk),
                (("P(stopped)", "p_stopped"), &y.p_stopped),
            ];
            if let Some(c) = &y.capital {
                each.push((("P(capital gap)", "p_capital_gap"), &c.p_gap));
            }
            if let Some(f) = &y.fund {
                each.push((("P(reserve fund pays)", "p_reserve_fund"), &f.p_paid));
            }
            if let Some(c) = &y.contract {
                each.push((
                    ("P(city owes its operator)", "p_obligation"),
                    &c.p_obligation,
                ));
                each.push((("P(operator loses)", "p_operator_loss"), &c.p_operator_loss));
            }
            each.push((("P(no gap yet)", "survival"), &y.survival));
            for (name, q) in each {
                consider(name, &e.id, Some(model.year(t)), half(q), p.half_width);
            }
        }
        if let Some(r) = p.npv_relative
            && e.gap_npv.mean.abs() > 0.0
        {
            consider(
                ("mean gap NPV", "gap_npv_mean"),
                &e.id,
                None,
                Z95 * e.gap_npv.se / e.gap_npv.mean.abs(),
                r,
            );
        }
    }
    worst
}

/// The trial count to run to next: where the half-width, falling as
/// 1/sqrt(n), should meet its target (10% beyond, so the next check
/// usually passes), at least 20% more than now and at most four times as
/// many, rounded up to a thousand, never beyond `max`.
pub fn next_total(n: u64, worst: &Worst, max: u64) -> u64 {
    let r = worst.ratio();
    let want = if r.is_finite() {
        (n as f64 * r * r * 1.1).ceil()
    } else {
        f64::INFINITY
    };
    let lo = n as f64 * 1.2;
    let hi = n as f64 * 4.0;
    let next = want.clamp(lo, hi);
    let next = ((next / 1000.0).ceil() * 1000.0) as u64;
    next.clamp(n + 1, max.max(n + 1)).min(max)
}

/// Runs `engine`'s model in blocks until `p` is met or `p.max_trials`
/// reached. `progress` hears trials as they finish, `block` each block's
/// end (trials so far, the worst figure, the next total if any); `cancel`
/// stops between batches (then the result holds fewer trials than any
/// block's end, and the caller should discard it).
pub fn run_to_precision(
    engine: &Engine<'_>,
    p: &Precision,
    progress: &(dyn Fn(u64) + Sync),
    block: &dyn Fn(u64, &Worst, Option<u64>),
    cancel: &AtomicBool,
) -> (Accumulator, Stopped) {
    let model = engine.model();
    let mut n = p.first.clamp(1, p.max_trials.max(1));
    let mut acc = run_range(engine, 0, n, progress, cancel);
    let mut blocks = vec![n];
    loop {
        let report = Report::new(model, &acc);
        let w = worst(model, &report, p);
        let reached = w.ratio() <= 1.0;
        if reached || n >= p.max_trials || cancel.load(Ordering::Relaxed) {
            block(n, &w, None);
            return (
                acc,
                Stopped {
                    trials: n,
                    reached,
                    worst: w,
                    blocks,
                },
            );
        }
        let next = next_total(n, &w, p.max_trials);
        block(n, &w, Some(next));
        acc.merge(&run_range(engine, n, next, progress, cancel));
        n = next;
        blocks.push(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;
    use crate::stats::run_all;

    const TEXT: &str = "[scenario]\nname = \"p\"\nstart_year = 2025\nhorizon_years = 6\ntrials = 1000\nseed = 4\n\
        [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = { dist = \"lognormal\", mean = 0.1, sd = 0.03 }\n\
        [[service.funding]]\nkind = \"budget\"\nname = \"b\"\namount = 100\n";

    /// `m` run to precision `p`, without progress or a stop.
    fn quietly(m: &Model, p: &Precision) -> (Accumulator, Stopped) {
        run_to_precision(
            &Engine::new(m),
            p,
            &|_| {},
            &|_, _, _| {},
            &AtomicBool::new(false),
        )
    }

    /// A run that stops at n trials is a fixed run of n trials, bit for
    /// bit; the stop is the first block whose worst half-width meets the
    /// target, and it does.
    #[test]
    fn a_precision_run_is_a_fixed_run_of_its_trials() {
        let mut m = parse_str(TEXT, "p.toml").unwrap();
        let p = Precision {
            half_width: 0.004,
            npv_relative: Some(0.02),
            first: 2000,
            max_trials: 1_000_000,
        };
        let engine = Engine::new(&m);
        let (acc, stopped) =
            run_to_precision(&engine, &p, &|_| {}, &|_, _, _| {}, &AtomicBool::new(false));
        assert!(stopped.reached, "{stopped:?}");
        assert!(stopped.worst.half_width <= p.half_width || stopped.worst.relative());
        assert!(stopped.worst.ratio() <= 1.0);
        assert!(stopped.blocks.len() >= 2, "{stopped:?}");
        assert_eq!(acc.trials, stopped.trials);
        m.set_run(Some(stopped.trials), None);
        assert_eq!(run_all(&Engine::new(&m)), acc);
        // The block before the last had not met the target.
        let before = stopped.blocks[stopped.blocks.len() - 2];
        m.set_run(Some(before), None);
        let r = Report::new(&m, &run_all(&Engine::new(&m)));
        assert!(worst(&m, &r, &p).ratio() > 1.0);
    }

    /// A service's state counts as much as its gaps: one that never runs
    /// short but that a take-over decision stops half the time runs until
    /// each year's P(stopped) is as precise as asked (the gaps alone
    /// would stop it at the first block).
    #[test]
    fn every_probability_reported_meets_the_target() {
        let text = TEXT.replace(
            "amount = 100\n",
            "amount = 1000\n[service.decision]\nyear = 2027\nstop = 0.5\nsource = \"a test\"\n",
        );
        let m = parse_str(&text, "p.toml").unwrap();
        let p = Precision {
            half_width: 0.01,
            npv_relative: None,
            first: 1000,
            max_trials: 1_000_000,
        };
        let (acc, stopped) = quietly(&m, &p);
        assert!(stopped.reached, "{stopped:?}");
        let r = Report::new(&m, &acc);
        let s = &r.entities[0];
        assert_eq!(s.p_any_gap.estimate, 0.0);
        let last = &s.yearly[s.yearly.len() - 1];
        assert!(
            (last.p_stopped.estimate - 0.5).abs() < 0.05,
            "{:?}",
            last.p_stopped
        );
        assert!(stopped.trials >= 9000, "{stopped:?}");
        for y in &s.yearly {
            for q in [&y.p_gap, &y.p_continued, &y.p_stopped, &y.p_shrunk] {
                assert!(half(q) <= p.half_width, "{} {q:?}", y.year);
            }
        }
    }

    /// The cap ends a run whose target is out of reach, and says so.
    #[test]
    fn max_trials_bounds_the_run() {
        let m = parse_str(TEXT, "p.toml").unwrap();
        let p = Precision {
            half_width: 1e-5,
            npv_relative: None,
            first: 1000,
            max_trials: 5000,
        };
        let (acc, stopped) = quietly(&m, &p);
        assert!(!stopped.reached);
        assert_eq!((acc.trials, stopped.trials), (5000, 5000));
    }

    #[test]
    fn the_next_block_aims_at_the_target() {
        let w = |h: f64| Worst {
            what: String::new(),
            figure: String::new(),
            entity: String::new(),
            year: None,
            half_width: h,
            target: 0.01,
        };
        // Twice too wide: four times the trials, plus 10%, to a thousand.
        assert_eq!(next_total(10_000, &w(0.02), u64::MAX), 40_000);
        assert_eq!(next_total(10_000, &w(0.015), u64::MAX), 25_000);
        // At least 20% more, at most the cap.
        assert_eq!(next_total(10_000, &w(0.0101), u64::MAX), 12_000);
        assert_eq!(next_total(10_000, &w(0.05), 15_000), 15_000);
    }
}
