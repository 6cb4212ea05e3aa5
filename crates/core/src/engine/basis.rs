//! What a year's budget could know before the year: the basis against
//! which a gap is split into its structural part (what the appropriation
//! or a decision did not fund) and its transient part (an in-year
//! surprise). Owns the service's planned steps ([`Basis`], laid out once
//! per model) and each lane's expected price change for the coming year
//! ([`expected_raises`]).
//!
//! The basis of a year is last year's settled need raised by the price
//! change expected for the year given last year's (the AR(1) expectation,
//! the labour share following wages), times the plan's real step between
//! the two years (a cost line that starts or ends, a one-off, a line's
//! real growth): a service with a flat plan gets exactly last year's need
//! times the expected raise. Where last year's need is not a guide — the
//! first year the service costs anything, or the year a contract begins or
//! ends — the basis is the plan's own figure for the year at the prices
//! expected then. Inside a contract's years the need is a nominal payment:
//! it follows the payment schedule, unpriced.

use crate::model::{CostKind, DeliveryKind, Model, Service};

use super::draws::operating_years;
use super::simd::F8;

/// Each lane's price indices and the changes a budget expects of them
/// ([`expected_raises`]).
#[derive(Clone, Copy)]
pub(super) struct Prices<'a> {
    pub(super) cpi: &'a [F8],
    pub(super) wages: &'a [F8],
    pub(super) cpi_raise: &'a [F8],
    pub(super) wage_raise: &'a [F8],
}

/// One service's planned steps, year by year.
#[derive(Debug, Clone)]
pub(super) struct Basis {
    /// The plan's ratio of this year's need to last year's (real for the
    /// service's own cost, nominal inside a contract), or a negative
    /// value where the basis is the plan's own figure ([`Basis::fresh`]).
    pub(super) step: Vec<f64>,
    /// The plan's need in the year: in start-year prices where
    /// [`Basis::priced`], nominal otherwise.
    pub(super) fresh: Vec<f64>,
    /// Whether the year's need moves with prices (the service's own cost)
    /// or is a contract's nominal payment.
    pub(super) priced: Vec<bool>,
    /// The service's own cost in the plan, in start-year prices, and its
    /// real step from the year before (negative where the year before is
    /// 0): the basis of a lane whose operator left and whose city took
    /// the service over inside the contract's years.
    own: Vec<f64>,
    own_step: Vec<f64>,
}

impl Basis {
    /// The plan of `svc` over `model`'s horizon, from its inputs' means.
    pub(super) fn new(model: &Model, svc: &Service) -> Self {
        let h = model.horizon;
        let mut real = vec![0.0; h];
        let base = svc.construction_cost.mean() * svc.opex_ratio.mean();
        for t in operating_years(svc, h) {
            real[t] += base;
        }
        for line in svc.costs.iter().filter(|l| !l.capital) {
            match &line.kind {
                CostKind::Annual {
                    amount,
                    growth,
                    from,
                    to,
                    ..
                } => {
                    let mut g = amount.mean();
                    for r in &mut real[*from..=*to] {
                        *r += g;
                        g *= 1.0 + growth;
                    }
                }
                CostKind::OneOff { amount, year } => real[*year] += amount.mean(),
                // A replacement's year is drawn: not part of the plan.
                CostKind::Renewal { .. } => {}
            }
        }
        // Inside a contract's years the city's need is what the contract
        // says it owes: a payment, the guarantee, or the reimbursed cost.
        let owed = |t: usize| -> Option<f64> {
            let d = svc.delivery.as_ref().filter(|d| d.covers(t))?;
            match d.kind {
                DeliveryKind::Outsourced if d.payment == 0.0 => None,
                DeliveryKind::Outsourced | DeliveryKind::Btl => Some(d.payment_at(t)),
                DeliveryKind::Bto => Some(d.guarantee),
            }
        };
        let own_step = (0..h)
            .map(|t| match t {
                0 => -1.0,
                _ if real[t - 1] > 0.0 => real[t] / real[t - 1],
                _ => -1.0,
            })
            .collect();
        let mut b = Basis {
            step: vec![-1.0; h],
            fresh: vec![0.0; h],
            priced: vec![true; h],
            own: real.clone(),
            own_step,
        };
        for t in 0..h {
            let now = owed(t);
            b.priced[t] = now.is_none();
            b.fresh[t] = now.unwrap_or(real[t]);
            if t == 0 {
                continue;
            }
            let before = owed(t - 1);
            b.step[t] = match (before, now) {
                (None, None) if real[t - 1] > 0.0 => real[t] / real[t - 1],
                (Some(a), Some(n)) if a > 0.0 => n / a,
                _ => -1.0,
            };
        }
        b
    }

    /// The basis of year `t` in every lane: `settled` is last year's
    /// settled need (shrunk where a stop takes effect), `labour` the
    /// service's labour share where its cost follows a wage index, and
    /// `taken_over` each lane's year the city took a contracted service
    /// over (the horizon: never): from then on its own cost's basis holds,
    /// the plan's own figure in that year (last year's need was the
    /// contract's).
    #[inline(always)]
    pub(super) fn at(
        &self,
        t: usize,
        settled: F8,
        prices: Prices<'_>,
        labour: Option<f64>,
        taken_over: F8,
    ) -> F8 {
        // The expected change of the service's index this year, and the
        // index last year (1 and 1 in the start year).
        let (raise, prior) = match (t, labour) {
            (0, _) => (ONE, ONE),
            (_, Some(share)) => {
                let (w, p) = (F8::splat(share), F8::splat(1.0 - share));
                (
                    p * prices.cpi_raise[t] + w * prices.wage_raise[t],
                    p * prices.cpi[t - 1] + w * prices.wages[t - 1],
                )
            }
            (_, None) => (prices.cpi_raise[t], prices.cpi[t - 1]),
        };
        let follow = |step: f64, fresh: F8, raise: F8| match step {
            s if s >= 0.0 => settled
                .gt(ZERO)
                .select(settled * raise * F8::splat(s), fresh),
            _ => fresh,
        };
        if self.priced[t] {
            let fresh = F8::splat(self.fresh[t]) * prior * raise;
            return follow(self.step[t], fresh, raise);
        }
        let contract = follow(self.step[t], F8::splat(self.fresh[t]), ONE);
        // The year as a lane value (group::year, which imports this module).
        let now = F8::splat(t as f64);
        let taken = now.ge(taken_over);
        if !taken.any() {
            return contract;
        }
        let fresh = F8::splat(self.own[t]) * prior * raise;
        let own = now
            .eq(taken_over)
            .select(fresh, follow(self.own_step[t], fresh, raise));
        taken.select(own, contract)
    }
}

const ZERO: F8 = F8::splat(0.0);
const ONE: F8 = F8::splat(1.0);

/// Each lane's expected index change for each year given the year
/// before's change (`out[t]` for year `t`; year 0 is the base, 1): the
/// AR(1) expectation `1 + m + phi (x - m)` of a rate with mean `m` and
/// persistence `phi`, where `x` is the lane's change the year before
/// (unknown before the first year drawn: `1 + m`). Without persistence
/// every year's is `1 + m` exactly.
pub(super) fn expected_raises(index: &[F8], (m, phi): (f64, f64), out: &mut [F8]) {
    let flat = F8::splat(1.0 + m);
    for (t, o) in out.iter_mut().enumerate() {
        *o = match t {
            0 => F8::splat(1.0),
            1 => flat,
            _ if phi == 0.0 => flat,
            _ => {
                let x = index[t - 1] / index[t - 2] - flat;
                flat + F8::splat(phi) * x
            }
        };
    }
}
