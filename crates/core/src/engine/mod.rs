//! The Monte Carlo engine: one trial of the model.
//!
//! [`Engine::simulate`] computes one trial into a [`Scratch`] allocated once
//! per worker; it allocates nothing itself. [`Engine::simulate_lanes`] does
//! the same for a batch of trials, one per scratch, eight side by side:
//! each service's rows, and its funding requirement, one vector operation
//! over the eight trials per step (`group.rs`, `requirement.rs`,
//! `simd.rs`).
//! Running many trials in parallel and folding them into aggregates is the
//! job of
//! [`crate::stats::run`], which reads the `Scratch` this module fills. The
//! engine never imports the aggregates.
//!
//! The engine is pure: no files, no printing, no clocks.
//!
//! What one trial computes, per service and year (all semantics are spelled
//! out for analysts in `scenarios/README.md`):
//! cost = construction x opex ratio x escalation x shock x risk multiplier,
//! plus cost lines, renewals and risk-event costs; funding = the streams
//! alive that year; a reserve absorbs shortfalls; gap = what is left.
//!
//! Where things are: `rows.rs` is the one registry of the per-year rows
//! a trial computes ([`Row`]); `trial.rs` holds what a trial leaves behind;
//! `group.rs` the structure-of-arrays rows in which a batch computes each
//! service for eight trials side by side (`simd.rs`: `F8`, eight
//! doubles as one value); the per-service phases are in `service.rs`,
//! what each cost line and risk adds in `costs.rs`, what each kind of
//! funding stream pays in `streams.rs`, the capital account and the
//! contract split in `books.rs`, the stop rule in `stop.rs`; `draws.rs`
//! is the draw schedule
//! (which streams draw what, in which years) that the simulation,
//! [`Engine::floor`] and [`Engine::inputs`] share, and `schedule.rs`
//! spreads trials over threads. `floor.rs` is the floor of the service
//! arithmetic that the benchmarks measure the engine against.
//!
//! `Engine`'s public methods, the trial's outline (economy, services,
//! portfolio) and its checks are in this file. Each other file adds
//! `Engine` only the private steps of its own concern (`service.rs` a
//! service's phases, `costs.rs` a cost line or risk, `draws.rs` a line's
//! per-trial quantities, `diagnose.rs` a fault's line); the arithmetic of
//! each stream kind and of the books is free functions over rows;
//! `streams.rs` dispatches to the streams' by listing every
//! [`crate::model::StreamKind`].

mod balance;
mod basis;
mod books;
mod costs;
mod diagnose;
mod draws;
// The floor the benchmarks measure the engine against: public only
// under the `bench-internals` feature, as the random-number kernels.
#[cfg(feature = "bench-internals")]
mod floor;
mod group;
mod requirement;
mod rows;
mod schedule;
mod service;
mod simd;
mod stop;
mod streams;
mod trial;

use crate::model::{DiscountBasis, Domain, Model, Prices, RatePath};

#[cfg(feature = "bench-internals")]
#[doc(hidden)]
pub use floor::ArithmeticFloor;
pub use rows::{Row, Rows};
pub(crate) use schedule::{fold_trials, lane_batches};
pub use trial::{EntityOutcome, Fault, FaultAt, FaultLine, LANES, Scratch};

/// A shortfall smaller than this share of the year's cost is rounding
/// error, not a gap (a grant that covers cost "exactly" must not show gaps
/// from the last bit of a multiplication).
pub const GAP_TOLERANCE: f64 = 1e-9;

/// `v[to..to + len] += v[from..from + len]`, for `from + len <= to`.
#[inline]
fn add_into(v: &mut [f64], from: usize, to: usize, len: usize) {
    let (head, tail) = v.split_at_mut(to);
    for (d, x) in tail[..len].iter_mut().zip(&head[from..from + len]) {
        *d += *x;
    }
}

/// The earlier of two optional year indices: the portfolio's first gap or
/// stop is its services' earliest.
fn earliest(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Restates every yearly row of a finished trial in start-year prices,
/// dividing each year by the trial's own price index (multiplying by its
/// deflator). The balance was struck on money as paid; only the reading
/// changes, so a gap stays a gap and the horizon totals stay as they were.
fn constant_prices(s: &mut Scratch) {
    let h = s.horizon;
    let Scratch {
        deflator,
        rows,
        by_kind,
        ..
    } = s;
    for v in rows.each_mut().into_iter().chain([by_kind]) {
        for row in v.chunks_mut(h) {
            for (x, d) in row.iter_mut().zip(deflator.iter()) {
                *x *= d;
            }
        }
    }
}

/// Each input's correlation group and place in it (empty when the model
/// has no `[[correlation]]`).
fn correlated(model: &Model) -> Vec<Option<(usize, usize)>> {
    if model.correlations.is_empty() {
        return Vec::new();
    }
    let mut out = vec![None; model.inputs().len()];
    for (g, c) in model.correlations.iter().enumerate() {
        for (p, &k) in c.inputs.iter().enumerate() {
            if let Some(slot) = out.get_mut(k) {
                *slot = Some((g, p));
            }
        }
    }
    out
}

/// A model prepared for simulation.
#[derive(Debug, Clone)]
pub struct Engine<'m> {
    model: &'m Model,
    /// Discount factor of each year index at the scenario's rate:
    /// (1 + r)^-t.
    discount: Vec<f64>,
    /// Where each line's per-year draws are.
    plan: draws::Plan,
    /// Where each line's per-trial inputs sit in [`Model::inputs`].
    first_input: std::collections::HashMap<crate::model::StreamKey, usize>,
    /// Whether per-trial inputs are Latin hypercube samples.
    latin: bool,
    /// For each input of [`Model::inputs`], its correlation group and
    /// place in it, if correlated; empty when nothing is.
    correlated: Vec<Option<(usize, usize)>>,
    /// 1 + the expected yearly price change (the mean of the economy's
    /// inflation): what a budget set on last year's settled cost expects.
    expected_raise: f64,
    /// The mean of the wage growth draws (0 without a wage index).
    wage_mean: f64,
    /// Each service's planned steps, for the basis of its budgets.
    bases: Vec<basis::Basis>,
    /// The price index and the wage index each year is expected at (1 in
    /// the start year, the mean change compounded; the wages' empty
    /// without a wage index): what a plan prices its cost at.
    expected_prices: (Vec<f64>, Vec<f64>),
}

impl<'m> Engine<'m> {
    /// Prepares `model` for simulation.
    pub fn new(model: &'m Model) -> Self {
        let discount = (0..model.horizon)
            .map(|t| (1.0 + model.discount_rate).powi(-(t as i32)))
            .collect();
        Engine {
            model,
            discount,
            plan: draws::Plan::new(model),
            first_input: draws::first_inputs(model),
            latin: model.sampling == crate::model::Sampling::Lhs,
            correlated: correlated(model),
            expected_raise: 1.0 + model.economy.inflation.mean(),
            wage_mean: model
                .economy
                .wages
                .as_ref()
                .map_or(0.0, |w| w.growth.mean()),
            bases: model
                .services
                .iter()
                .map(|svc| basis::Basis::new(model, svc))
                .collect(),
            expected_prices: expected_prices(model),
        }
    }

    /// The model this engine simulates.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// Number of entities: services plus the portfolio.
    pub fn entities(&self) -> usize {
        self.model.services.len() + 1
    }

    /// Simulates trial number `trial` into `s` (which must have been made
    /// by [`Scratch::new`] for this engine's model).
    pub fn simulate(&self, trial: u64, s: &mut Scratch) {
        self.simulate_lanes(trial, std::slice::from_mut(s), |_| {});
    }

    /// Simulates trials `first..first + lanes.len()`, one into each
    /// scratch, with the same results as [`Engine::simulate`] on each:
    /// eight trials side by side, each service's rows, and then its
    /// funding requirement, one vector operation over the trials per step
    /// (`group.rs`). `each` sees every trial's scratch as soon as its
    /// group of eight is simulated (the aggregates add its per-year sums
    /// while its rows are in cache).
    pub fn simulate_lanes(&self, first: u64, lanes: &mut [Scratch], each: impl FnMut(&Scratch)) {
        self.simulate_with(|i| first + i as u64, lanes, each);
    }

    /// Simulates trial `trials[i]` into `lanes[i]`, for every `i` below
    /// both lengths, eight side by side like [`Engine::simulate_lanes`]:
    /// for runs whose trial numbers are not consecutive, or that repeat
    /// one trial with different chosen inputs (each scratch's
    /// `Draws::set_inputs`), as a Sobol row's runs do. The same results as
    /// [`Engine::simulate`] on each.
    pub fn simulate_trials(&self, trials: &[u64], lanes: &mut [Scratch]) {
        let n = trials.len().min(lanes.len());
        self.simulate_with(|i| trials[i], &mut lanes[..n], |_| {});
    }

    /// Whether each of `draws`' lines takes its quantities from its own
    /// draws alone: no chosen inputs, Latin hypercube sampling or
    /// correlation ([`group::Inputs::plain`]).
    fn draws_only<'a>(
        &self,
        mut draws: impl Iterator<Item = &'a crate::model::rng::lanes::Draws>,
    ) -> bool {
        !self.latin && self.correlated.is_empty() && draws.all(|d| d.inputs_set().is_empty())
    }

    /// Simulates trial `trial(i)` into `lanes[i]`, in groups of eight.
    fn simulate_with(
        &self,
        trial: impl Fn(usize) -> u64,
        lanes: &mut [Scratch],
        mut each: impl FnMut(&Scratch),
    ) {
        let Some(lender) = lanes.first_mut() else {
            return;
        };
        let mut group = std::mem::take(&mut lender.group);
        for (k, chunk) in lanes.chunks_mut(simd::W).enumerate() {
            // Lanes past the group's trials repeat its first trial; their
            // results are never handed over.
            let n = chunk.len();
            let trials = std::array::from_fn(|j| trial(k * simd::W + if j < n { j } else { 0 }));
            self.simulate_group(trials, chunk, &mut group);
            chunk.iter().for_each(&mut each);
        }
        if let Some(lender) = lanes.first_mut() {
            lender.group = group;
        }
    }

    /// Simulates trial `trials[j]` into `lanes[j]` (at most eight lanes;
    /// the trials past them repeat the first), in `g`.
    fn simulate_group(&self, trials: [u64; simd::W], lanes: &mut [Scratch], g: &mut group::Group) {
        let m = self.model;
        let h = m.horizon;
        let p = m.services.len();
        let port = p * h..(p + 1) * h;
        for (s, &trial) in lanes.iter_mut().zip(&trials) {
            s.fault = None;
            let mix = crate::model::StreamKey::trial_mix(m.seed, trial);
            s.draws.fill(&self.plan.slots, mix);
            self.economy(s);
            for v in s.rows.each_mut() {
                if let Some(row) = v.get_mut(port.clone()) {
                    row.fill(0.0);
                }
            }
            s.pool_gap.fill(0.0);
            s.pool_surplus.fill(0.0);
        }
        let n = lanes.len();
        let pick = |j: usize| if j < n { j } else { 0 };
        g.load_economy(std::array::from_fn(|j| {
            let s = &lanes[pick(j)];
            (
                &s.escalation[..],
                &s.deflator[..],
                &s.discount[..],
                &s.downturn[..],
                &s.wages[..],
            )
        }));
        let wages = m.economy.wages.as_ref();
        g.expect_raises(
            (
                self.expected_raise - 1.0,
                m.economy.inflation_path.persistence,
            ),
            (self.wage_mean, wages.map_or(0.0, |w| w.path.persistence)),
        );
        g.refill_fund(m.reserve_fund);
        let mut totals = [EntityOutcome::default(); simd::W];
        let mut totals_real = [0.0; simd::W];

        // The same for every service: the lanes' draws do not change.
        let plain = self.draws_only(lanes.iter().map(|s| &s.draws));
        for e in 0..p {
            let inputs = group::Inputs {
                draws: std::array::from_fn(|j| &lanes[pick(j)].draws),
                trials,
                lanes: n,
                plain,
            };
            self.service_group(e, &inputs, g);
            for (j, s) in lanes.iter_mut().enumerate() {
                self.hand_over(e, g, j, s);
                let o = s.outcome[e];
                self.check(trials[j], e, &o, s);
                let total = &mut totals[j];
                total.lcc_npv += o.lcc_npv;
                total.gap_npv += o.gap_npv;
                total.benefit_npv += o.benefit_npv;
                total.revenue_npv += o.revenue_npv;
                total.construction += o.construction;
                total.grant += o.grant;
                total.grant_returned += o.grant_returned;
                total.gap_npv_kept += o.gap_npv_kept;
                total.received += o.received;
                total.topup += o.topup;
                total.reserve_need += o.reserve_need;
                totals_real[j] += o.real_cost_per_year;
                total.first_gap = earliest(total.first_gap, o.first_gap);
                total.stopped_from = earliest(total.stopped_from, o.stopped_from);
                total.closed_from = earliest(total.closed_from, o.closed_from);
                total.exited_from = earliest(total.exited_from, o.exited_from);
                total.termination += o.termination;
                // The portfolio rows come last, so they split off cleanly
                // from the service's rows; zipped slices let the adds
                // vectorise. (Its funding by kind is not needed: the
                // aggregates add up the services' totals instead.)
                for v in s.rows.each_mut() {
                    if !v.is_empty() {
                        add_into(v, e * h, p * h, h);
                    }
                }
            }
        }
        for (j, s) in lanes.iter_mut().enumerate() {
            let mut total = totals[j];
            if !m.accounts.is_empty() {
                self.pool(s, &mut total);
            }
            total.real_cost_per_year = totals_real[j];
            s.outcome[p] = total;
            self.check(trials[j], p, &total, s);
            if m.prices == Prices::Constant {
                constant_prices(s);
            }
        }
    }

    /// The portfolio's gap where services share special accounts: within
    /// an account, one service's surplus covers another's gap in the same
    /// year; money outside an account stays restricted to its service.
    /// Rewrites the portfolio's gap row and its gap totals.
    fn pool(&self, s: &mut Scratch, total: &mut EntityOutcome) {
        let m = self.model;
        let h = m.horizon;
        let p = m.services.len();
        let (services, port) = s.rows.gap.split_at_mut(p * h);
        port.fill(0.0);
        for (e, svc) in m.services.iter().enumerate() {
            if svc.account.is_none() {
                for (g, x) in port.iter_mut().zip(&services[e * h..][..h]) {
                    *g += x;
                }
            }
        }
        for (gaps, surplus) in s.pool_gap.chunks(h).zip(s.pool_surplus.chunks(h)) {
            for ((g, a), b) in port.iter_mut().zip(gaps).zip(surplus) {
                *g += (a - b).max(0.0);
            }
        }
        // Pooled money meets gaps whatever their kind: the portfolio's
        // structural part is at most its pooled gap.
        for (st, g) in s.rows.structural[p * h..].iter_mut().zip(port.iter()) {
            *st = st.min(*g);
        }
        total.gap_npv = port.iter().zip(&s.discount).map(|(g, d)| g * d).sum();
        total.first_gap = port.iter().position(|g| *g > 0.0);
    }

    /// Records a fault if entity `e`'s outcome is not finite (a NaN or an
    /// infinity in any yearly amount reaches the horizon totals, so
    /// checking the totals is enough, and costs a few compares).
    #[inline]
    fn check(&self, trial: u64, e: usize, o: &EntityOutcome, s: &mut Scratch) {
        if o.is_finite() || s.fault.is_some() {
            return;
        }
        let services = self.model.services.len();
        let (year, what) = s.locate_fault(e, services);
        let line = if e < services {
            self.faulty_line(e, trial, s)
        } else {
            None
        };
        s.fault = Some(Fault {
            trial,
            entity: e,
            year,
            what,
            line,
        });
    }

    /// The economy of one trial, shared by every service: the escalation
    /// index (and its inverse) and the downturn years.
    fn economy(&self, s: &mut Scratch) {
        let m = self.model;
        let h = m.horizon;
        let years = draws::inflation_years(h);
        let rates = s.draws.window(self.plan.inflation, years.len());
        let e = &m.economy;
        let rate = (self.expected_raise - 1.0, e.inflation.domain);
        index(rate, &e.inflation_path, rates, &mut s.escalation);
        for t in years {
            s.deflator[t] = 1.0 / s.escalation[t];
        }
        if let Some(w) = &e.wages {
            let rates = s
                .draws
                .window(self.plan.wages, draws::inflation_years(h).len());
            index(
                (self.wage_mean, w.growth.domain),
                &w.path,
                rates,
                &mut s.wages,
            );
        }
        // A real basis deflates each trial's nominal amounts by its own
        // price index before discounting at the real rate.
        match m.discount_basis {
            DiscountBasis::Real => {
                for ((d, &r), &defl) in s.discount.iter_mut().zip(&self.discount).zip(&s.deflator) {
                    *d = r * defl;
                }
            }
            DiscountBasis::Nominal => s.discount.copy_from_slice(&self.discount),
        }
        match m.economy.downturn {
            None => s.downturn.fill(false),
            Some(d) => {
                let stay = 1.0 - 1.0 / d.mean_duration_years;
                let mut prev = false;
                let draws = s.draws.window(self.plan.downturn, h);
                for (t, &u) in draws.iter().enumerate() {
                    let now = if prev {
                        u < stay
                    } else {
                        u < d.annual_probability
                    };
                    s.downturn[t] = now;
                    prev = now;
                }
            }
        }
    }
}

/// The price and wage indices each year is expected at: the mean change
/// compounded by repeated multiplication (the same bits on every
/// instruction set); the wages' empty without a wage index.
fn expected_prices(model: &Model) -> (Vec<f64>, Vec<f64>) {
    let compound = |up: f64| {
        let mut x = 1.0;
        (0..model.horizon)
            .map(|_| {
                let now = x;
                x *= up;
                now
            })
            .collect::<Vec<f64>>()
    };
    let wages = model.economy.wages.as_ref();
    (
        compound(1.0 + model.economy.inflation.mean()),
        wages.map_or_else(Vec::new, |w| compound(1.0 + w.growth.mean())),
    )
}

/// A yearly rate's index (1 in the start year) from its draws for the
/// years after the start year, on its path: published years take their
/// rate, the others follow the AR(1) recursion of [`RatePath`] from the
/// year before (the first year drawn is its draw), clamped to the rate's
/// domain; without persistence every year is its draw itself.
fn index((m, domain): (f64, Domain), path: &RatePath, draws: &[f64], out: &mut [f64]) {
    let phi = path.persistence;
    let k = (1.0 - phi * phi).sqrt();
    let mut published = path.realised.iter().peekable();
    let mut last: Option<f64> = None;
    out[0] = 1.0;
    for (t, &d) in draws::inflation_years(out.len()).zip(draws) {
        let x = match published.next_if(|r| r.0 == t) {
            Some(&(_, r)) => r,
            None => match last {
                Some(x) if phi > 0.0 => {
                    (m + phi * (x - m) + k * (d - m)).clamp(domain.lo, domain.hi)
                }
                _ => d,
            },
        };
        out[t] = out[t - 1] * (1.0 + x);
        last = Some(x);
    }
}
