//! What a service costs in a group of trials (lane by lane, one vector
//! operation per year): the operating cost, the risks of its register and
//! its extra cost lines, each added into the cost row it belongs to.

use crate::model::{CostKind, CostLine, RenewalSize, Risk, Service};

use super::Engine;
use super::draws::{LineDraws, operating_years};
use super::group::{Inputs, column, year};
use super::simd::{F8, W};

const ZERO: F8 = F8::splat(0.0);
const ONE: F8 = F8::splat(1.0);

impl Engine<'_> {
    /// One risk of the register: a one-off cost in the year it strikes,
    /// and an opex multiplier while it is active.
    #[allow(clippy::too_many_arguments)] // the rows it reads, each named
    #[inline(always)]
    pub(super) fn risk(
        &self,
        svc: &Service,
        r: &Risk,
        inputs: &Inputs<'_>,
        escalation: &[F8],
        cost: &mut [F8],
        opex_mult: &mut [F8],
        w: LineDraws,
    ) {
        let [p, event_cost, ..] = self.quantities(inputs, r.quantities(), r.key, w);
        let mut active_until = ZERO;
        let years = operating_years(svc, self.model.horizon);
        let draws = inputs.window(w.years, years.len());
        let multiplier = F8::splat(r.opex_multiplier);
        for (i, t) in years.enumerate() {
            let strikes = column(&draws, i).lt(p);
            cost[t] = strikes.select(cost[t] + event_cost * escalation[t], cost[t]);
            let until = active_until.max(year(t + r.duration_years));
            active_until = strikes.select(until, active_until);
            let active = year(t).lt(active_until);
            opex_mult[t] = active.select(opex_mult[t] * multiplier, opex_mult[t]);
        }
    }

    /// One extra cost line: renewals, an annual cost or a one-off.
    #[allow(clippy::too_many_arguments)] // the rows it reads, each named
    #[inline(always)]
    pub(super) fn cost_line(
        &self,
        svc: &Service,
        line: &CostLine,
        inputs: &Inputs<'_>,
        construction: F8,
        escalation: &[F8],
        (cost, planned): (&mut [F8], &mut [F8]),
        dw: LineDraws,
    ) {
        let h = self.model.horizon;
        let q = self.quantities(inputs, line.quantities(), line.key, dw);
        // An operating line is in the plan at the prices expected for its
        // years; a capital line is not.
        let expected = &self.expected_prices.0;
        let plans = !line.capital;
        match &line.kind {
            CostKind::Renewal { size, .. } => {
                // In the order of `CostLine::quantities`.
                let [size_q, every, ..] = q;
                let size = match size {
                    RenewalSize::ShareOfConstruction(_) => size_q * construction,
                    RenewalSize::Amount(_) => size_q,
                };
                let every = every.max(ONE);
                // Each lane's replacements fall in its own years: lane
                // by lane. Replacement j falls j * every years after
                // opening, rounded to a year: the mean interval stays
                // `every`.
                for l in 0..inputs.lanes.min(W) {
                    let mut j = 1.0;
                    loop {
                        // floor(x + 0.5) is `round` for 0 <= x < 2^52,
                        // without a libm call.
                        let t = svc.opens + (j * every.0[l] + 0.5) as usize;
                        if t >= h {
                            break;
                        }
                        cost[t].0[l] += size.0[l] * escalation[t].0[l];
                        j += 1.0;
                    }
                }
            }
            CostKind::Annual {
                growth, from, to, ..
            } => {
                let [a, ..] = q;
                let mut g = 1.0;
                let w = *from..*to + 1;
                let shocks = inputs.window(dw.years, w.len());
                for (i, t) in w.enumerate() {
                    let shock = column(&shocks, i);
                    cost[t] = cost[t] + a * F8::splat(g) * escalation[t] * shock;
                    if plans {
                        planned[t] = planned[t] + a * F8::splat(g * expected[t]);
                    }
                    g *= 1.0 + growth;
                }
            }
            CostKind::OneOff { year, .. } => {
                let [amount, ..] = q;
                cost[*year] = cost[*year] + amount * escalation[*year];
                if plans {
                    planned[*year] = planned[*year] + amount * F8::splat(expected[*year]);
                }
            }
        }
    }
}

/// The operating cost of each operating year, added to `cost`:
/// construction x opex ratio (`base_cost`) x escalation x the year's shock
/// (`shocks`, one per operating year, from the service's base line) x the
/// risks' opex multiplier.
#[inline(always)]
pub(super) fn opex(
    svc: &Service,
    h: usize,
    shocks: &[&[f64]; W],
    base_cost: F8,
    (escalation, wages): (&[F8], &[F8]),
    opex_mult: &[F8],
    cost: &mut [F8],
) {
    // The labour share follows wages; the rest, and every service of a
    // scenario without a wage index, prices.
    let share = svc.labour_share;
    let mixed = !wages.is_empty() && share > 0.0;
    let (w, p) = (F8::splat(share), F8::splat(1.0 - share));
    for (i, t) in operating_years(svc, h).enumerate() {
        let index = match mixed {
            true => p * escalation[t] + w * wages[t],
            false => escalation[t],
        };
        cost[t] = cost[t] + base_cost * index * column(shocks, i) * opex_mult[t];
    }
}

/// The service's planned operating cost of each operating year, added to
/// `planned`: construction x opex ratio (`base_cost`, as the trial draws
/// them) at the index each year is expected at (`expected`: prices, and
/// wages for the labour share where there is a wage index). What an
/// appropriation that follows the plan pays on, with the annual and
/// one-off lines [`Engine::cost_line`] adds.
#[inline(always)]
pub(super) fn plan(
    svc: &Service,
    h: usize,
    base_cost: F8,
    (prices, wages): (&[f64], &[f64]),
    planned: &mut [F8],
) {
    let share = svc.labour_share;
    let mixed = !wages.is_empty() && share > 0.0;
    for t in operating_years(svc, h) {
        let index = match mixed {
            true => (1.0 - share) * prices[t] + share * wages[t],
            false => prices[t],
        };
        planned[t] = planned[t] + base_cost * F8::splat(index);
    }
}
