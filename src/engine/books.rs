//! The books a service's money is in besides the city's operating year:
//! the capital account that pays capital lines, the contract that splits a
//! delivered service between the city and its operator, and the special
//! accounts that pool services' money in the portfolio. See
//! [`crate::model::CapitalAccount`], [`crate::model::Delivery`] and
//! [`crate::model::Model::accounts`] for the rules.

use crate::model::{CapitalAccount, Delivery, DeliveryKind, FundingKind};

use super::GAP_TOLERANCE;

/// Pays each year's capital cost from the account (its opening balance
/// plus the year's contribution, what is left carried on) and writes what
/// it could not pay into `gap`. Returns the discounted capital cost (part
/// of the life-cycle cost) and the capital cost of the operating years in
/// start-year prices (part of the realised cost ratio).
pub(super) fn capital(
    account: Option<&CapitalAccount>,
    cost: &[f64],
    gap: &mut [f64],
    (discount, deflator): (&[f64], &[f64]),
    opens: usize,
) -> (f64, f64) {
    let mut balance = account.map_or(0.0, |a| a.balance);
    let (mut npv, mut real) = (0.0, 0.0);
    for (t, ((&c, g), d)) in cost.iter().zip(gap.iter_mut()).zip(discount).enumerate() {
        balance += account.map_or(0.0, |a| a.contribution(t));
        npv += c * d;
        if t >= opens {
            real += c * deflator[t];
        }
        let paid = c.min(balance);
        balance -= paid;
        let left = c - paid;
        *g = if left > GAP_TOLERANCE * c { left } else { 0.0 };
    }
    (npv, real)
}

/// One contracted service's rows as the city and its operator see them.
pub(super) struct Contracted<'a> {
    /// What the city must pay each year: its obligation in the contract's
    /// years, the whole cost outside them.
    pub(super) need: &'a mut [f64],
    /// The city's money each year: grants, budget lines, and the fees
    /// where the city keeps them.
    pub(super) money: &'a mut [f64],
    /// What the contract makes the city pay the operator.
    pub(super) obligation: &'a mut [f64],
    /// The operator's loss: its cost less its income and the city's
    /// payment.
    pub(super) loss: &'a mut [f64],
}

/// Splits a contracted service's year between the city and its operator.
/// The operator's income is its contract streams, plus the fees where it
/// keeps them (BTO); the city owes the reimbursed cost or fixed fee (위탁),
/// the availability payment (BTL) or the shortfall of fees below the
/// guarantee (BTO). From `stopped` on, the obligation shrinks with the
/// service (`keep`).
pub(super) fn split(
    d: &Delivery,
    cost: &[f64],
    funding: &[f64],
    by_kind: &[f64],
    stopped: Option<(usize, f64)>,
    out: Contracted<'_>,
) {
    let h = cost.len();
    let row = |k: FundingKind| &by_kind[k as usize * h..][..h];
    let (fees, contracts) = (row(FundingKind::Fees), row(FundingKind::Contract));
    let (grants, budgets) = (row(FundingKind::Grant), row(FundingKind::Budget));
    let (from, keep) = stopped.unwrap_or((h, 1.0));
    for t in 0..h {
        if !d.covers(t) {
            out.need[t] = cost[t];
            out.money[t] = funding[t];
            out.obligation[t] = 0.0;
            out.loss[t] = 0.0;
            continue;
        }
        let (operator_fees, city_fees) = if d.kind.operator_keeps_fees() {
            (fees[t], 0.0)
        } else {
            (0.0, fees[t])
        };
        let income = contracts[t] + operator_fees;
        let owed = match d.kind {
            DeliveryKind::Outsourced if d.payment == 0.0 => (cost[t] - income).max(0.0),
            DeliveryKind::Outsourced | DeliveryKind::Btl => d.payment_at(t),
            DeliveryKind::Bto => (d.guarantee - fees[t]).max(0.0),
        };
        let owed = if t >= from { owed * keep } else { owed };
        let loss = cost[t] - income - owed;
        out.loss[t] = if loss > GAP_TOLERANCE * cost[t] {
            loss
        } else {
            0.0
        };
        out.need[t] = owed;
        out.money[t] = grants[t] + budgets[t] + city_fees;
        out.obligation[t] = owed;
    }
}
