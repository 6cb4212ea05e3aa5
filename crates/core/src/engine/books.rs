//! The books a service's money is in besides the city's operating year:
//! the capital account that pays capital lines, and the contract that
//! splits a delivered service between the city and its operator, for a
//! group of trials side by side ([`super::group`]). See
//! [`crate::model::CapitalAccount`] and [`crate::model::Delivery`] for the
//! rules.

use crate::model::{CapitalAccount, Delivery, DeliveryKind, FundingKind};

use super::GAP_TOLERANCE;
use super::group::year;
use super::simd::F8;

const ZERO: F8 = F8::splat(0.0);

/// Pays each year's capital cost from the account (its opening balance
/// plus the year's contribution, what is left carried on) and writes what
/// it could not pay into `gap`. Returns the discounted capital cost (part
/// of the life-cycle cost) and the capital cost of the operating years in
/// start-year prices (part of the realised cost ratio).
#[inline(always)]
pub(super) fn capital(
    account: Option<&CapitalAccount>,
    cost: &[F8],
    gap: &mut [F8],
    (discount, deflator): (&[F8], &[F8]),
    opens: usize,
) -> (F8, F8) {
    let mut balance = F8::splat(account.map_or(0.0, |a| a.balance));
    let (mut npv, mut real) = (ZERO, ZERO);
    let tol = F8::splat(GAP_TOLERANCE);
    for (t, ((&c, g), &d)) in cost.iter().zip(gap.iter_mut()).zip(discount).enumerate() {
        balance = balance + F8::splat(account.map_or(0.0, |a| a.contribution(t)));
        npv = npv + c * d;
        if t >= opens {
            real = real + c * deflator[t];
        }
        let paid = c.min(balance);
        balance = balance - paid;
        let left = c - paid;
        *g = left.gt(tol * c).select(left, ZERO);
    }
    (npv, real)
}

/// One contracted service's rows as the city and its operator see them.
pub(super) struct Contracted<'a> {
    /// What the city must pay each year: its obligation in the contract's
    /// years, the whole cost outside them.
    pub(super) need: &'a mut [F8],
    /// The city's money each year: grants, budget lines, and the fees
    /// where the city keeps them.
    pub(super) money: &'a mut [F8],
    /// What the contract makes the city pay the operator.
    pub(super) obligation: &'a mut [F8],
    /// The operator's loss: its cost less its income and the city's
    /// payment.
    pub(super) loss: &'a mut [F8],
}

/// Splits a contracted service's year between the city and its operator.
/// The operator's income is its contract streams, plus the fees where it
/// keeps them (BTO); the city owes the reimbursed cost or fixed fee (위탁),
/// the availability payment (BTL) or the shortfall of fees below the
/// guarantee (BTO). From each lane's `stopped` year on (the horizon where
/// it never stops), the obligation shrinks with the service (`keep`).
/// From its `ends` year the city has taken the service over (its cost and
/// money are the city's); in its `exit` year the city owes the operator
/// the termination payment (the horizon: never, for both).
#[inline(always)]
pub(super) fn split(
    d: &Delivery,
    cost: &[F8],
    funding: &[F8],
    by_kind: &[F8],
    (stopped, keep): (F8, F8),
    (ends, exit): (F8, F8),
    out: Contracted<'_>,
) {
    let h = cost.len();
    let row = |k: FundingKind| &by_kind[k as usize * h..][..h];
    let (fees, contracts) = (row(FundingKind::Fees), row(FundingKind::Contract));
    let (grants, budgets) = (row(FundingKind::Grant), row(FundingKind::Budget));
    let tol = F8::splat(GAP_TOLERANCE);
    let pays = d.investment > 0.0 && d.termination_share > 0.0;
    let never = ends.ge(year(h)).all();
    for t in 0..h {
        if !d.covers(t) {
            out.need[t] = cost[t];
            out.money[t] = funding[t];
            out.obligation[t] = ZERO;
            out.loss[t] = ZERO;
        } else {
            let (operator_fees, city_fees) = if d.kind.operator_keeps_fees() {
                (fees[t], ZERO)
            } else {
                (ZERO, fees[t])
            };
            let income = contracts[t] + operator_fees;
            // The share of the service going on this year: the cost and
            // fees rows are already shrunk by it, a fixed payment or
            // guarantee not.
            let k = year(t).ge(stopped).select(keep, F8::splat(1.0));
            let owed = match d.kind {
                DeliveryKind::Outsourced if d.payment == 0.0 => (cost[t] - income).max(ZERO),
                DeliveryKind::Outsourced | DeliveryKind::Btl => F8::splat(d.payment_at(t)) * k,
                DeliveryKind::Bto => (F8::splat(d.guarantee) * k - fees[t]).max(ZERO),
            };
            let loss = cost[t] - income - owed;
            out.loss[t] = loss.gt(tol * cost[t]).select(loss, ZERO);
            out.need[t] = owed;
            out.money[t] = grants[t] + budgets[t] + city_fees;
            out.obligation[t] = owed;
            if !never {
                // Taken over: the city's, as outside the contract.
                let city = year(t).ge(ends);
                out.loss[t] = city.select(ZERO, out.loss[t]);
                out.need[t] = city.select(cost[t], owed);
                out.money[t] = city.select(funding[t], out.money[t]);
                out.obligation[t] = city.select(ZERO, owed);
            }
        }
        let due = year(t).eq(exit);
        if pays && due.any() {
            // The termination payment is owed to the operator and must be
            // paid from the city's money of the year.
            let term = due.select(F8::splat(d.termination_at(t)), ZERO);
            out.need[t] = out.need[t] + term;
            out.obligation[t] = out.obligation[t] + term;
        }
    }
}
