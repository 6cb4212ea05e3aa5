//! The draw schedule: which keyed stream each line of the model draws
//! from, what it draws once per trial and what it draws in each year of
//! its window.
//!
//! The simulation takes every per-year window from the functions here, and
//! [`Engine::floor`] and [`Engine::inputs`] are this schedule walked
//! without the arithmetic, so the three cannot drift apart. Each line has
//! its own stream, so lines may be walked in any order; within a line the
//! order is fixed: the per-trial quantities, then one draw per year.

use std::ops::Range;

use crate::model::rng::{StreamKey, StreamRng, uniform01};
use crate::model::{CostKind, Model, Quantities, Service, Stream, StreamKind};
use crate::model::{Quantity, Volatility};

use super::Engine;

/// Draws a line's per-trial quantities, in their order, from its stream.
#[inline(always)]
pub(crate) fn draw(qs: Quantities<'_>, rng: &mut StreamRng) -> [f64; 4] {
    let mut v = [0.0; 4];
    for (slot, q) in v.iter_mut().zip(qs) {
        if let Some((_, q)) = q {
            *slot = q.sample(rng);
        }
    }
    v
}

/// Years in which a service's base cost draws its yearly shock, and each of
/// its risks draws whether it strikes: the operating years.
pub(crate) fn operating_years(svc: &Service, horizon: usize) -> Range<usize> {
    svc.opens..horizon
}

/// Years in which a funding stream draws: its window, except that fees
/// start no earlier than the service opens. Grants and contracts draw their
/// hazard in every year of it, paying or not, so the number of draws never
/// depends on the outcome.
pub(crate) fn stream_years(svc: &Service, st: &Stream) -> Range<usize> {
    match st.kind {
        StreamKind::Fees { .. } => st.from.max(svc.opens)..st.to + 1,
        _ => st.from..st.to + 1,
    }
}

/// Years of the economy's inflation draws: every year after the first
/// (the start year is the price base).
pub(crate) fn inflation_years(horizon: usize) -> Range<usize> {
    1..horizon
}

/// What a line draws in each year of its window.
#[derive(Debug, Clone, Copy)]
enum EachYear<'m> {
    Uniform,
    Shock(&'m Volatility),
    Quantity(&'m Quantity),
}

/// One line of the schedule.
struct Line<'m> {
    key: StreamKey,
    quantities: Quantities<'m>,
    each_year: Option<(EachYear<'m>, Range<usize>)>,
}

impl Line<'_> {
    /// Every draw of the line in trial `trial`, summed. Inlined into the
    /// floor's loop over each part of the schedule, so the compiler sees
    /// which slots and per-year draws each kind of line has, as it does
    /// in the simulation.
    #[inline(always)]
    fn draw_sum(&self, seed: u64, trial: u64) -> f64 {
        let mut rng = self.key.rng(seed, trial);
        let mut sum: f64 = draw(self.quantities, &mut rng).iter().sum();
        if let Some((each, years)) = &self.each_year {
            for _ in years.clone() {
                sum += match each {
                    EachYear::Uniform => uniform01(&mut rng),
                    EachYear::Shock(v) => v.sample(&mut rng),
                    EachYear::Quantity(q) => q.sample(&mut rng),
                };
            }
        }
        sum
    }
}

/// The economy's lines: inflation, then the downturn chain if any.
fn economy_lines(m: &Model) -> impl Iterator<Item = Line<'_>> {
    let e = &m.economy;
    let inflation = Line {
        key: e.key_inflation,
        quantities: [None; 4],
        each_year: Some((EachYear::Quantity(&e.inflation), inflation_years(m.horizon))),
    };
    let downturn = e.downturn.map(|_| Line {
        key: e.key_downturn,
        quantities: [None; 4],
        each_year: Some((EachYear::Uniform, 0..m.horizon)),
    });
    std::iter::once(inflation).chain(downturn)
}

/// A service's lines in the order of [`Model::inputs`]: base cost, cost
/// lines, risks, funding streams, benefits.
fn service_lines(svc: &Service, horizon: usize) -> impl Iterator<Item = Line<'_>> {
    let operating = operating_years(svc, horizon);
    let base = Line {
        key: svc.key,
        quantities: svc.quantities(),
        each_year: Some((EachYear::Shock(&svc.volatility), operating.clone())),
    };
    let costs = svc.costs.iter().map(|c| Line {
        key: c.key,
        quantities: c.quantities(),
        each_year: match &c.kind {
            CostKind::Annual {
                volatility,
                from,
                to,
                ..
            } => Some((EachYear::Shock(volatility), *from..*to + 1)),
            CostKind::Renewal { .. } | CostKind::OneOff { .. } => None,
        },
    });
    let risks = svc.risks.iter().map(move |r| Line {
        key: r.key,
        quantities: r.quantities(),
        each_year: Some((EachYear::Uniform, operating.clone())),
    });
    let funding = svc.funding.iter().map(|st| Line {
        key: st.key,
        quantities: st.quantities(),
        each_year: match &st.kind {
            StreamKind::Grant { .. } | StreamKind::Contract { .. } => {
                Some((EachYear::Uniform, stream_years(svc, st)))
            }
            StreamKind::Budget { volatility, .. } | StreamKind::Fees { volatility, .. } => {
                Some((EachYear::Shock(volatility), stream_years(svc, st)))
            }
            StreamKind::Reserve { .. } => None,
        },
    });
    let benefits = svc.benefits.iter().map(|b| Line {
        key: b.key,
        quantities: b.quantities(),
        each_year: None,
    });
    std::iter::once(base)
        .chain(costs)
        .chain(risks)
        .chain(funding)
        .chain(benefits)
}

impl Engine<'_> {
    /// The floor of one trial: the same random draws, of the same
    /// distributions, from the same keyed streams, as [`Engine::simulate`]
    /// makes, summed and nothing else. No engine can be faster than this;
    /// the benchmarks report the engine's time as a multiple of it.
    pub fn floor(&self, trial: u64) -> f64 {
        let m = self.model;
        let mut sum = 0.0;
        for line in economy_lines(m) {
            sum += line.draw_sum(m.seed, trial);
        }
        for svc in &m.services {
            for line in service_lines(svc, m.horizon) {
                sum += line.draw_sum(m.seed, trial);
            }
        }
        sum
    }

    /// The per-trial inputs of trial `trial`, in the order of
    /// [`Model::inputs`], exactly as [`Engine::simulate`] draws them.
    pub fn inputs(&self, trial: u64, out: &mut Vec<f64>) {
        let m = self.model;
        out.clear();
        for svc in &m.services {
            for line in service_lines(svc, m.horizon) {
                let mut rng = line.key.rng(m.seed, trial);
                let v = draw(line.quantities, &mut rng);
                for (x, q) in v.iter().zip(line.quantities) {
                    if q.is_some() {
                        out.push(*x);
                    }
                }
            }
        }
    }
}
