//! Up to eight trials of a batch side by side: one service's rows in
//! structure-of-arrays form, a year's value of every trial in one [`F8`],
//! so that each per-year step of each line is one vector operation over
//! the trials ([`Group`]), and what the trials' lanes read their draws
//! from ([`Inputs`]).
//!
//! A group holds one service at a time; the engine hands each service's
//! rows over to the trials' own [`super::Scratch`] as soon as they are
//! complete, so the aggregates read the same per-trial rows as before.

use crate::model::rng::lanes::{Draws, Window};
use crate::model::{FundingKind, Materiality, Model};

use super::basis::expected_raises;
use super::rows::Rows;
use super::simd::{F8, M8, W};

/// The row of `Group::by_kind` after every kind's: the grant money returned
/// at settlement each year (not handed over; shrunk with the service).
pub(super) const RETURNED: usize = FundingKind::COUNT;

/// What one service's settling left for the hand-over, per lane.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Outcomes {
    pub(super) lcc_npv: F8,
    pub(super) gap_npv: F8,
    pub(super) benefit_npv: F8,
    pub(super) revenue_npv: F8,
    /// Year index of the first gap; the horizon where there is none.
    pub(super) first_gap: F8,
    pub(super) construction: F8,
    pub(super) real_cost_per_year: F8,
    pub(super) grant: F8,
    pub(super) received: F8,
    pub(super) grant_returned: F8,
    /// The gap NPV had the service run on as planned (before any stop).
    pub(super) gap_npv_kept: F8,
    /// First stopped year; the horizon where the service never stops.
    pub(super) stopped_from: F8,
    /// The share that goes on from `stopped_from` (0: closed).
    pub(super) kept: F8,
    /// The year a contracted operator left; the horizon where it did not.
    pub(super) exit: F8,
    /// The lanes that pose a funding requirement (in `problem`), and
    /// their reserves' opening balance.
    pub(super) posed: M8,
    pub(super) opening: F8,
    /// The funding requirement's answers: the top-up and the extra
    /// reserve (0 where none was posed).
    pub(super) topup: F8,
    pub(super) reserve_need: F8,
}

/// The working memory of a group: the trials' economy and one service's
/// rows, a year of every lane per value.
///
/// Invariant: every row holds `horizon` values (`by_kind` one per kind,
/// kind-major, then [`RETURNED`]), except the [`Rows`] a model does not
/// use ([`super::rows::Row::used`]), the contract rows `need` and `money`
/// (empty unless a service is delivered under a contract), `surplus`
/// (empty without special accounts) and `problem` (three rows, empty
/// unless the model asks for the funding requirement); sized once by
/// [`Group::new`] for one model, so nothing is allocated in a trial.
#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    pub(super) horizon: usize,
    /// Each lane's cost index, its inverse and its discount factors, and
    /// its downturn years.
    pub(super) esc: Vec<F8>,
    /// Each lane's wage index (empty without one).
    pub(super) wages: Vec<F8>,
    /// Each lane's expected change of the cost index and of the wage
    /// index for each year, given the year before's
    /// ([`super::basis::expected_raises`]; the wages' empty without one).
    pub(super) raise: Vec<F8>,
    pub(super) wage_raise: Vec<F8>,
    pub(super) defl: Vec<F8>,
    pub(super) disc: Vec<F8>,
    pub(super) down: Vec<M8>,
    /// The rows handed over to each trial's [`super::Scratch`].
    pub(super) rows: Rows<Vec<F8>>,
    pub(super) by_kind: Vec<F8>,
    /// The risks' opex multiplier per year.
    pub(super) mult: Vec<F8>,
    /// The service's planned cost per year ([`super::costs::plan`]).
    pub(super) planned: Vec<F8>,
    /// A contracted service's need and money, before the contract splits
    /// them (empty unless a service is delivered under a contract).
    pub(super) need: Vec<F8>,
    pub(super) money: Vec<F8>,
    /// What the service's money left over each year, for a service whose
    /// surplus lapses into its special account (not written otherwise).
    pub(super) surplus: Vec<F8>,
    /// The service's funding requirement problem, as
    /// [`super::requirement::pose`] lays it out (empty unless the model
    /// asks for the requirement).
    pub(super) problem: Vec<F8>,
    /// What is left of each year's reserve fund (예비비) for the services
    /// still to come, in every lane (empty without a reserve fund).
    pub(super) fund_left: Vec<F8>,
    pub(super) out: Outcomes,
}

impl Group {
    /// Working memory for `model`'s services.
    pub(crate) fn new(model: &Model) -> Self {
        let h = model.horizon;
        let row = |on: bool| vec![F8::splat(0.0); if on { h } else { 0 }];
        let delivery = model.has_delivery();
        Group {
            horizon: h,
            esc: row(true),
            wages: row(model.economy.wages.is_some()),
            raise: row(true),
            wage_raise: row(model.economy.wages.is_some()),
            defl: row(true),
            disc: row(true),
            down: vec![M8::from_fn(|_| false); h],
            rows: Rows::from_fn(|r| row(r.used(model))),
            by_kind: vec![F8::splat(0.0); (RETURNED + 1) * h],
            mult: row(true),
            planned: row(true),
            need: row(delivery),
            money: row(delivery),
            surplus: row(!model.accounts.is_empty()),
            problem: vec![
                F8::splat(0.0);
                if model.confidence.is_empty() {
                    0
                } else {
                    3 * h
                }
            ],
            fund_left: row(model.has_reserve_fund()),
            out: Outcomes::default(),
        }
    }
}

/// One trial's economy: its cost index, deflator and discount factors,
/// its downturn years and its wage index (empty without one).
pub(super) type Economy<'a> = (&'a [f64], &'a [f64], &'a [f64], &'a [bool], &'a [f64]);

impl Group {
    /// Refills the reserve fund: `capacity` a year in start-year prices,
    /// escalated by each lane's cost index (call after
    /// [`Group::load_economy`], before the first service).
    pub(super) fn refill_fund(&mut self, capacity: f64) {
        let cap = F8::splat(capacity);
        for (f, &e) in self.fund_left.iter_mut().zip(&self.esc) {
            *f = cap * e;
        }
    }

    /// Each lane's economy: its cost index, deflator, discount factors
    /// and downturn years.
    pub(super) fn load_economy(&mut self, lanes: [Economy<'_>; W]) {
        for t in 0..self.horizon {
            self.esc[t] = F8(std::array::from_fn(|j| lanes[j].0[t]));
            self.defl[t] = F8(std::array::from_fn(|j| lanes[j].1[t]));
            self.disc[t] = F8(std::array::from_fn(|j| lanes[j].2[t]));
            self.down[t] = M8::from_fn(|j| lanes[j].3[t]);
        }
        for (t, w) in self.wages.iter_mut().enumerate() {
            *w = F8(std::array::from_fn(|j| lanes[j].4[t]));
        }
    }

    /// Each lane's expected index changes ([`Group::raise`]), from its
    /// indices (call after [`Group::load_economy`]): `cpi` and `wages`
    /// are each rate's mean and persistence.
    pub(super) fn expect_raises(&mut self, cpi: (f64, f64), wages: (f64, f64)) {
        expected_raises(&self.esc, cpi, &mut self.raise);
        expected_raises(&self.wages, wages, &mut self.wage_raise);
    }
}

/// Where the lanes of a group read their draws: lane `j` is trial
/// `trials[j]`, whose draws are `draws[j]`. A group of `lanes` < eight
/// trials repeats its first in the lanes it does not fill; their results
/// are never handed over, so work that is done lane by lane (a line's
/// quantities, renewals) skips them.
pub(super) struct Inputs<'a> {
    pub(super) draws: [&'a Draws; W],
    pub(super) trials: [u64; W],
    pub(super) lanes: usize,
    /// No lane's quantities come from anything but its own draws (no
    /// chosen inputs, Latin hypercube sampling or correlation), so each
    /// line's quantities are read straight from the draws.
    pub(super) plain: bool,
}

impl<'a> Inputs<'a> {
    /// Every lane's draws of one window of `len` years.
    #[inline(always)]
    pub(super) fn window(&self, w: Window, len: usize) -> [&'a [f64]; W] {
        std::array::from_fn(|j| self.draws[j].window(w, len))
    }
}

/// Year `i` of a window in every lane.
#[inline(always)]
pub(super) fn column(w: &[&[f64]; W], i: usize) -> F8 {
    F8(std::array::from_fn(|j| w[j][i]))
}

/// The four lanes' values of a line's quantities, lane by lane, as
/// values of four quantities.
#[inline(always)]
pub(super) fn by_quantity(q: [[f64; 4]; W]) -> [F8; 4] {
    std::array::from_fn(|k| F8(std::array::from_fn(|j| q[j][k])))
}

/// [`Materiality::threshold`] in every lane: the largest shortfall
/// absorbed in a year costing `cost`.
#[inline(always)]
pub(super) fn threshold(m: &Materiality, cost: F8) -> F8 {
    let s = F8::splat(m.share) * cost;
    let amount = F8::splat(m.amount);
    s.gt(amount).select(s, amount)
}

/// A lane's year index as a value (exact below 2^53), for comparing with
/// years held per lane.
#[inline(always)]
pub(super) fn year(t: usize) -> F8 {
    F8::splat(t as f64)
}
