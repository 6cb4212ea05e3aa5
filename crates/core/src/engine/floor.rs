//! The floor of a trial's service arithmetic, which the benchmark
//! `floor/arithmetic` measures: what costs, funding and the balance of
//! every service-year would take with nothing but the operations no
//! engine of this model can spare.
//!
//! For each service of a model, with the model's own count of lines, a
//! group of eight trials side by side (as the engine computes them):
//!
//! * every cost line, the base cost among them, is a base amount times
//!   the year's cost index times the line's shock (two products and a sum);
//! * every risk event is a comparison of the year's uniform with its
//!   probability and a selected amount (a comparison, a select, a sum);
//! * every funding stream is last year's amount times its growth (a
//!   product and a sum);
//! * every benefit is a base amount times the year's index (a product and
//!   a sum);
//! * the balance, the gap, the reserve carried, the discounted cost, gap
//!   and benefit (seven operations);
//! * three rows written: cost, funding and gap.
//!
//! What it leaves out is what the engine does beyond that floor: stop
//! rules, hazards, renewals, grants' matches and lapses, caps, contracts,
//! structural gaps, the checks for non-finite amounts, and the per-trial
//! rows the aggregates read. Its inputs (the shocks and uniforms) are
//! drawn once, when it is built: the draws' own floor is `floor/trial`.

use crate::model::rng::{GAMMA, kernels, mix64, unit};
use crate::model::{Model, Service};

use super::simd::F8;

const ZERO: F8 = F8::splat(0.0);

/// The lines of one service the floor computes, counted as the engine
/// counts them.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Cost lines with a per-year shock, the base cost among them.
    costs: usize,
    risks: usize,
    streams: usize,
    benefits: usize,
}

impl Shape {
    fn of(svc: &Service) -> Shape {
        Shape {
            costs: 1 + svc.costs.len(),
            risks: svc.risks.len(),
            streams: svc.funding.len(),
            benefits: svc.benefits.len(),
        }
    }
}

/// The working memory and inputs of the floor for one model: sized once,
/// so a run allocates nothing.
#[derive(Debug, Clone)]
pub struct ArithmeticFloor {
    horizon: usize,
    shapes: Vec<Shape>,
    /// Per line: its base amount (a cost line's, a risk's, a stream's or
    /// a benefit's), then a risk's probability after the risks' amounts;
    /// service by service.
    consts: Vec<F8>,
    /// Per line-year: a cost line's shock or a risk's uniform, line-major,
    /// service by service.
    draws: Vec<F8>,
    /// The cost index and the discount factor of each year.
    index: Vec<F8>,
    disc: Vec<F8>,
    /// The rows written: cost, funding and gap of each service-year.
    rows: Vec<F8>,
    /// Each stream's amount in the year being computed.
    paid: Vec<F8>,
}

impl ArithmeticFloor {
    /// The floor of `model`'s services, with inputs drawn from a fixed key.
    pub fn new(model: &Model) -> ArithmeticFloor {
        let horizon = model.horizon();
        let shapes: Vec<Shape> = model.services().iter().map(Shape::of).collect();
        let mut key = 0x5eed_f100_u64;
        let mut draw = |lo: f64, span: f64| {
            F8(std::array::from_fn(|_| {
                key = key.wrapping_add(GAMMA);
                lo + span * unit(mix64(key))
            }))
        };
        let mut consts = Vec::new();
        let mut draws = Vec::new();
        for s in &shapes {
            for _ in 0..s.costs + s.risks + s.streams + s.benefits {
                consts.push(draw(1.0, 10.0));
            }
            for _ in 0..s.risks {
                consts.push(F8::splat(0.05));
            }
            for _ in 0..s.costs * horizon {
                draws.push(draw(0.8, 0.4));
            }
            for _ in 0..s.risks * horizon {
                draws.push(draw(0.0, 1.0));
            }
        }
        let index = (0..horizon)
            .map(|t| F8::splat(1.02f64.powi(t as i32)))
            .collect();
        let disc = (0..horizon)
            .map(|t| F8::splat(1.045f64.powi(-(t as i32))))
            .collect();
        ArithmeticFloor {
            horizon,
            rows: vec![ZERO; 3 * shapes.len() * horizon],
            paid: vec![ZERO; shapes.iter().map(|s| s.streams).max().unwrap_or(0)],
            shapes,
            consts,
            draws,
            index,
            disc,
        }
    }

    /// One group of eight trials of every service; returns a sum of the
    /// discounted totals so that nothing can be left out.
    pub fn run(&mut self) -> f64 {
        let mut total = ZERO;
        floor_kernel(self, &mut total);
        total.0.iter().sum()
    }
}

/// One service's years. Lines are stepped year by year, as the balance
/// needs the year's cost and funding before the next year's.
#[inline(always)]
fn service(
    s: Shape,
    h: usize,
    (consts, draws): (&[F8], &[F8]),
    (index, disc): (&[F8], &[F8]),
    rows: &mut [F8],
    paid: &mut [F8],
) -> F8 {
    let lines = s.costs + s.risks + s.streams + s.benefits;
    let (cost_base, rest) = consts.split_at(s.costs);
    let (risk_amount, rest) = rest.split_at(s.risks);
    let (stream_base, rest) = rest.split_at(s.streams);
    let (benefit, rest) = rest.split_at(s.benefits);
    let p = &rest[..s.risks];
    debug_assert_eq!(consts.len(), lines + s.risks);
    let (shocks, uniforms) = draws.split_at(s.costs * h);
    let paid = &mut paid[..s.streams];
    paid.copy_from_slice(stream_base);
    let (cost_row, rest) = rows.split_at_mut(h);
    let (funding_row, gap_row) = rest.split_at_mut(h);
    let (mut reserve, mut npv) = (ZERO, ZERO);
    for t in 0..h {
        let mut cost = ZERO;
        for (l, &b) in cost_base.iter().enumerate() {
            cost = cost + b * index[t] * shocks[l * h + t];
        }
        for (r, (&a, &pr)) in risk_amount.iter().zip(p).enumerate() {
            cost = cost + uniforms[r * h + t].lt(pr).select(a, ZERO);
        }
        let mut funding = ZERO;
        for a in paid.iter_mut() {
            funding = funding + *a;
            *a = *a * F8::splat(1.01);
        }
        let balance = reserve + funding - cost;
        let gap = ZERO.max(-balance);
        reserve = balance.max(ZERO);
        let benefits = benefit.iter().fold(ZERO, |acc, &b| acc + b * index[t]);
        npv = npv + (cost + gap + benefits) * disc[t];
        cost_row[t] = cost;
        funding_row[t] = funding;
        gap_row[t] = gap;
    }
    npv
}

#[inline(always)]
fn floor_body(f: &mut ArithmeticFloor, total: &mut F8) {
    let h = f.horizon;
    let (mut c, mut d) = (0, 0);
    for (s, rows) in f.shapes.iter().zip(f.rows.chunks_exact_mut(3 * h)) {
        let lines = s.costs + s.risks + s.streams + s.benefits;
        let n = (s.costs + s.risks) * h;
        *total = *total
            + service(
                *s,
                h,
                (&f.consts[c..c + lines + s.risks], &f.draws[d..d + n]),
                (&f.index, &f.disc),
                rows,
                &mut f.paid,
            );
        c += lines + s.risks;
        d += n;
    }
}

kernels! {
    floor_kernel = floor_body(f: &mut ArithmeticFloor, total: &mut F8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_computes_every_service_year() {
        let model = crate::scenario::parse_str(
            include_str!("../../../../scenarios/bench-district.toml"),
            "bench-district.toml",
        )
        .unwrap();
        let mut f = ArithmeticFloor::new(&model);
        let total = f.run();
        assert!(total.is_finite() && total > 0.0);
        let h = model.horizon();
        // Every service's cost row is positive in every year and lane.
        for rows in f.rows.chunks_exact(3 * h) {
            assert!(rows[..h].iter().all(|c| c.0.iter().all(|&x| x > 0.0)));
        }
        assert_eq!(f.run(), total);
    }
}
