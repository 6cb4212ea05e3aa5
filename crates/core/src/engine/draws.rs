//! The draw schedule: which keyed line each draw of the model belongs
//! to, what a line draws once per trial and what it draws in each year of
//! its window.
//!
//! Every draw is laid out once per model as a [`Plan`]: each line's
//! per-trial quantities get places in a table and its window of years gets
//! slots, all in one [`Draws`], which a trial fills in vector passes
//! before any arithmetic ([`crate::model::rng::quantities`],
//! [`crate::model::rng::lanes`]); the simulation then reads each line's
//! quantities and window from it (the economy's yearly inflation is a
//! quantity drawn anew each year, [`Window::Quantity`]). The simulation,
//! [`Engine::floor`] and [`Engine::inputs`] all take their draws from the
//! functions here, so they cannot drift apart.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::rng::StreamKey;
use crate::model::rng::lanes::{Draws, Slots, Window};
use crate::model::rng::{mix64, unit};
use crate::model::{CostKind, Follows, Model, Quantities, Service, Stream, StreamKind};
use crate::model::{Quantity, Volatility};

use super::Engine;

impl Engine<'_> {
    /// A line's per-trial quantities in trial `trial`: the line's places
    /// in the trial's `draws` (`line`), or, when the trial carries chosen
    /// inputs, Latin hypercube samples or correlated inputs, the values
    /// those rules give (the line's own draws are then not read).
    #[inline(always)]
    pub(crate) fn line_quantities(
        &self,
        qs: Quantities<'_>,
        key: StreamKey,
        trial: u64,
        (draws, line): (&Draws, LineDraws),
    ) -> [f64; 4] {
        let set = draws.inputs_set();
        if set.is_empty() && !self.latin && self.correlated.is_empty() {
            return draws.quantities(line.quantities);
        }
        self.quantities_in(qs, key, trial, set, || draws.quantities(line.quantities))
    }

    /// A line's quantities where a rule other than its draws sets some
    /// of them: the chosen inputs `set` (empty: none), Latin hypercube
    /// sampling, or a correlation; `drawn` gives the line's own draws.
    fn quantities_in(
        &self,
        qs: Quantities<'_>,
        key: StreamKey,
        trial: u64,
        set: &[f64],
        drawn: impl FnOnce() -> [f64; 4],
    ) -> [f64; 4] {
        // The line's draws where no other rule sets an input.
        let mut v = if set.is_empty() && !self.latin {
            drawn()
        } else {
            [0.0; 4]
        };
        let mut k = self.first_input.get(&key).copied().unwrap_or(0);
        for (slot, q) in v.iter_mut().zip(qs) {
            if let Some((_, q)) = q {
                if let Some(x) = set.get(k) {
                    *slot = *x;
                } else if let Some(Some((g, p))) = self.correlated.get(k) {
                    *slot = self.copula(*g, *p, q, trial);
                } else if self.latin {
                    *slot = self.latin(k, q, trial);
                }
                k += 1;
            }
        }
        v
    }

    /// Input `p` of correlation group `g` in `trial`: the Gaussian copula
    /// of [`crate::model::Correlation`], on standard normals keyed by
    /// (seed, trial, group, place), so a pure function of the trial.
    fn copula(&self, g: usize, p: usize, q: &Quantity, trial: u64) -> f64 {
        let c = &self.model.correlations[g];
        let n = c.inputs.len();
        let base = mix64(self.model.seed ^ mix64(trial) ^ mix64(0xC0_9017_0000 + g as u64));
        let mut z = 0.0;
        for j in 0..=p {
            // A uniform strictly inside (0, 1), then its normal.
            let u = (unit(mix64(base ^ mix64(j as u64 + 1))) + 0.5 / 9_007_199_254_740_992.0)
                .min(1.0 - 1e-16);
            z += c.cholesky[p * n + j] * crate::model::normal_quantile(u);
        }
        q.quantile(crate::model::normal_cdf(z))
    }

    /// Input `k`'s value in `trial` under Latin hypercube sampling: over
    /// each block of `trials` consecutive trials, one value from each of
    /// `trials` equal-probability strata of its distribution, the stratum
    /// of a trial chosen by a keyed permutation (its own for each input and
    /// block) and its place in the stratum by a keyed uniform. A pure
    /// function of (seed, input, trial): any thread count or split gives
    /// the same values.
    fn latin(&self, k: usize, q: &Quantity, trial: u64) -> f64 {
        let n = self.model.trials.max(1);
        let (block, j) = (trial / n, trial % n);
        let key = mix64(self.model.seed ^ mix64(k as u64 + 1) ^ mix64(block ^ 0x4c48_5300));
        let stratum = permute(j, n, key);
        let within = unit(mix64(key ^ mix64(j + 0x9E37_79B9_7F4A_7C15)));
        q.quantile((stratum as f64 + within) / n as f64)
    }
}

/// A keyed bijection of `0..n`: a four-round Feistel network on the
/// smallest even number of bits that covers `n`, walked along its cycle
/// back into `0..n` (fewer than four steps on average, as `n` is more
/// than a quarter of the network's range).
pub(crate) fn permute(i: u64, n: u64, key: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let bits = (64 - (n - 1).leading_zeros() + 1) & !1;
    let half = bits / 2;
    let mask = (1u64 << half) - 1;
    let mut x = i;
    loop {
        let (mut l, mut r) = (x >> half, x & mask);
        for round in 0..4u64 {
            let f = mix64(key ^ r ^ (round << 56)) & mask;
            (l, r) = (r, l ^ f);
        }
        x = (l << half) | r;
        if x < n {
            return x;
        }
    }
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
        StreamKind::Grant { .. }
        | StreamKind::Budget { .. }
        | StreamKind::Contract { .. }
        | StreamKind::Reserve { .. } => st.from..st.to + 1,
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
    /// Adds the line's draws to the layout: its quantities' places and
    /// its window of years.
    fn lay_out(&self, slots: &mut Slots) -> LineDraws {
        let quantities = slots.quantities.line(self.key.0, self.quantities);
        let years = match &self.each_year {
            Some((EachYear::Uniform, years)) => slots.uniforms(self.key.0, years.clone()),
            Some((EachYear::Shock(v), years)) => {
                slots.shocks(self.key.0, v.log_params(), years.clone())
            }
            Some((EachYear::Quantity(q), years)) => {
                Window::Quantity(slots.quantities.each_year(self.key.0, q, years.clone()))
            }
            None => Window::None,
        };
        LineDraws { years, quantities }
    }

    /// Every draw of the line in trial `trial` (whose draws are in
    /// `draws`), summed.
    #[inline(always)]
    fn draw_sum(&self, draws: &Draws, w: LineDraws) -> f64 {
        let mut sum: f64 = draws.quantities(w.quantities).iter().sum();
        if let Some((_, years)) = &self.each_year {
            sum += draws.window(w.years, years.len()).iter().sum::<f64>();
        }
        sum
    }
}

/// Where one line's draws are in a trial's [`Draws`]: the place of its
/// first per-trial quantity, and its window of years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineDraws {
    pub(crate) quantities: usize,
    pub(crate) years: Window,
}

/// Where each line's draws are, once per model: the layout of [`Draws`]
/// ([`Slots`]) and each line's place in it, in the schedule's order.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) slots: Slots,
    /// The economy's lines, in the order of `economy_lines`.
    economy: Vec<LineDraws>,
    pub(crate) inflation: Window,
    pub(crate) wages: Window,
    pub(crate) downturn: Window,
    pub(crate) services: Vec<ServiceWindows>,
}

/// Index in [`Model::inputs`] of each line's first per-trial input, by the
/// line's key: where a sample that chooses the inputs
/// ([`Draws::set_inputs`]) keeps the line's values. Built once by the
/// engine, apart from the [`Plan`] (which [`crate::engine::Scratch::new`]
/// also lays out, for its slots only).
pub(crate) fn first_inputs(m: &Model) -> HashMap<StreamKey, usize> {
    let mut first_input = HashMap::new();
    let mut next = 0;
    for svc in &m.services {
        for line in service_lines(svc, m.horizon) {
            first_input.insert(line.key, next);
            next += line.quantities.iter().filter(|q| q.is_some()).count();
        }
    }
    first_input
}

/// One service's lines' draws: its base cost (construction, opex ratio
/// and yearly shocks), then one per cost line, risk, funding stream and
/// benefit, in file order.
#[derive(Debug, Clone)]
pub(crate) struct ServiceWindows {
    pub(crate) base: LineDraws,
    pub(crate) costs: Vec<LineDraws>,
    pub(crate) risks: Vec<LineDraws>,
    pub(crate) funding: Vec<LineDraws>,
    pub(crate) benefits: Vec<LineDraws>,
}

impl ServiceWindows {
    /// Every line's draws, in the order of [`service_lines`].
    fn lines(&self) -> impl Iterator<Item = LineDraws> + '_ {
        std::iter::once(&self.base)
            .chain(&self.costs)
            .chain(&self.risks)
            .chain(&self.funding)
            .chain(&self.benefits)
            .copied()
    }
}

impl Plan {
    /// The plan of `m`'s schedule.
    pub(crate) fn new(m: &Model) -> Self {
        let mut slots = Slots::new();
        let economy: Vec<LineDraws> = economy_lines(m).map(|l| l.lay_out(&mut slots)).collect();
        // In the order of `economy_lines`: inflation, wages if any, then
        // the downturn chain if any.
        let mut windows = economy.iter().map(|w| w.years);
        let inflation = windows.next().unwrap_or(Window::None);
        let mut next_if = |on: bool| match on {
            true => windows.next().unwrap_or(Window::None),
            false => Window::None,
        };
        let wages = next_if(m.economy.wages.is_some());
        let downturn = next_if(m.economy.downturn.is_some());
        let services = m
            .services
            .iter()
            .map(|svc| {
                let mut ws = service_lines(svc, m.horizon).map(|l| l.lay_out(&mut slots));
                let mut take = |n: usize| (&mut ws).take(n).collect::<Vec<_>>();
                let none = LineDraws {
                    quantities: usize::MAX,
                    years: Window::None,
                };
                let base = take(1).first().copied().unwrap_or(none);
                ServiceWindows {
                    base,
                    costs: take(svc.costs.len()),
                    risks: take(svc.risks.len()),
                    funding: take(svc.funding.len()),
                    benefits: take(svc.benefits.len()),
                }
            })
            .collect();
        Plan {
            slots: slots.finish(),
            economy,
            inflation,
            wages,
            downturn,
            services,
        }
    }
}

/// The economy's lines: inflation, the wage index if any, then the
/// downturn chain if any.
fn economy_lines(m: &Model) -> impl Iterator<Item = Line<'_>> {
    let e = &m.economy;
    let inflation = Line {
        key: e.key_inflation,
        quantities: [None; 4],
        each_year: Some((EachYear::Quantity(&e.inflation), inflation_years(m.horizon))),
    };
    let wages = e.wages.as_ref().map(|w| Line {
        key: w.key,
        quantities: [None; 4],
        each_year: Some((EachYear::Quantity(&w.growth), inflation_years(m.horizon))),
    });
    let downturn = e.downturn.map(|_| Line {
        key: e.key_downturn,
        quantities: [None; 4],
        each_year: Some((EachYear::Uniform, 0..m.horizon)),
    });
    std::iter::once(inflation).chain(wages).chain(downturn)
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
            // A settled appropriation draws whether each year's overrun
            // gets a supplementary budget.
            StreamKind::Grant { .. }
            | StreamKind::Contract { .. }
            | StreamKind::Budget {
                follows: Follows::Settled { .. },
                ..
            } => Some((EachYear::Uniform, stream_years(svc, st))),
            StreamKind::Budget {
                volatility,
                follows: Follows::Fixed,
                ..
            }
            | StreamKind::Fees { volatility, .. } => {
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
    /// `s` (made by [`super::Scratch::new`] for this engine's model)
    /// lends its working memory for the per-year draws.
    pub fn floor(&self, trial: u64, s: &mut super::Scratch) -> f64 {
        let m = self.model;
        let plan = &self.plan;
        s.draws
            .fill(&plan.slots, StreamKey::trial_mix(m.seed, trial));
        let draws = &s.draws;
        let mut sum = 0.0;
        for (line, &w) in economy_lines(m).zip(&plan.economy) {
            sum += line.draw_sum(draws, w);
        }
        for (svc, ws) in m.services.iter().zip(&plan.services) {
            for (line, w) in service_lines(svc, m.horizon).zip(ws.lines()) {
                sum += line.draw_sum(draws, w);
            }
        }
        sum
    }

    /// The per-trial inputs of trial `trial`, in the order of
    /// [`Model::inputs`], exactly as [`Engine::simulate`] draws them.
    pub fn inputs(&self, trial: u64, out: &mut Vec<f64>) {
        let m = self.model;
        let slots = &self.plan.slots.quantities;
        let mix = StreamKey::trial_mix(m.seed, trial);
        out.clear();
        for (svc, ws) in m.services.iter().zip(&self.plan.services) {
            for (line, w) in service_lines(svc, m.horizon).zip(ws.lines()) {
                let drawn = || std::array::from_fn(|q| slots.value(mix, w.quantities + q));
                let v = if !self.latin && self.correlated.is_empty() {
                    drawn()
                } else {
                    self.quantities_in(line.quantities, line.key, trial, &[], drawn)
                };
                for (x, q) in v.iter().zip(line.quantities) {
                    if q.is_some() {
                        out.push(*x);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keyed_permutation_is_a_bijection() {
        for n in [1u64, 2, 3, 7, 64, 1000, 4097] {
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let p = permute(i, n, 0xDEAD_BEEF ^ n) as usize;
                assert!(!seen[p], "n {n}: {p} twice");
                seen[p] = true;
            }
        }
    }
}
