//! The one registry of the per-entity-year rows a trial computes and hands
//! to the aggregates: [`Row`] names them, [`Rows`] holds a value per row.
//! The engine's group (eight trials side by side) and each trial's
//! `Scratch` both hold their rows as a `Rows`, so a row added here is
//! sized, handed over, restated in constant prices and added up for the
//! portfolio by the walks that go through every row.

use crate::model::Model;

/// A per-entity-year row a trial hands to the aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// Cost per year (operating and renewal; capital lines apart where
    /// the model has capital).
    Cost,
    /// Funding per year, before the reserve.
    Funding,
    /// A material shortfall after the reserve
    /// (see [`crate::model::Materiality`]).
    Gap,
    /// A shortfall too small to be material, absorbed by the contingency.
    /// At most one of `gap` and `absorbed` is non-zero in a year; their
    /// sum is the raw shortfall.
    Absorbed,
    /// Capital lines' cost, paid by the capital account (empty unless the
    /// model has capital).
    Capital,
    /// What the capital account left unpaid (empty unless the model has
    /// capital).
    CapitalGap,
    /// What the city owes a contracted operator (empty unless a service
    /// is delivered under a contract).
    Obligation,
    /// The operator's loss under its contract (empty unless a service is
    /// delivered under a contract).
    OperatorLoss,
    /// The part of the gap the city could have seen when it set the
    /// year's budget (its basis, [`super::basis`]) less the year's
    /// funding, at most the gap. The rest of the gap is transient:
    /// an in-year overrun that a supplementary budget and the reserve
    /// fund did not meet.
    Structural,
    /// What the scenario's reserve fund (예비비) paid the service (empty
    /// unless the scenario has one).
    Fund,
    /// The part of the grant money (in [`Row::Funding`]) that the
    /// province paid (시·도비; empty unless a grant is the province's).
    Province,
}

impl Row {
    /// Every row, in [`Rows`]' order.
    pub const ALL: [Row; 11] = [
        Row::Cost,
        Row::Funding,
        Row::Gap,
        Row::Absorbed,
        Row::Capital,
        Row::CapitalGap,
        Row::Obligation,
        Row::OperatorLoss,
        Row::Structural,
        Row::Fund,
        Row::Province,
    ];

    /// Whether `model`'s trials fill the row (the capital and contract
    /// rows only where the model has them; the others always).
    pub fn used(self, model: &Model) -> bool {
        match self {
            Row::Cost | Row::Funding | Row::Gap | Row::Absorbed | Row::Structural => true,
            Row::Fund => model.has_reserve_fund(),
            Row::Province => model.has_province_grants(),
            Row::Capital | Row::CapitalGap => model.has_capital(),
            Row::Obligation | Row::OperatorLoss => model.has_delivery(),
        }
    }
}

/// One `T` per [`Row`], by name or by the enum (`rows[Row::Gap]`).
#[derive(Debug, Clone, Default)]
pub struct Rows<T> {
    /// [`Row::Cost`].
    pub cost: T,
    /// [`Row::Funding`].
    pub funding: T,
    /// [`Row::Gap`].
    pub gap: T,
    /// [`Row::Absorbed`].
    pub absorbed: T,
    /// [`Row::Capital`].
    pub capital: T,
    /// [`Row::CapitalGap`].
    pub capital_gap: T,
    /// [`Row::Obligation`].
    pub obligation: T,
    /// [`Row::OperatorLoss`].
    pub operator_loss: T,
    /// [`Row::Structural`].
    pub structural: T,
    /// [`Row::Fund`].
    pub fund: T,
    /// [`Row::Province`].
    pub province: T,
}

impl<T> Rows<T> {
    /// A value per row, from `f`.
    pub fn from_fn(mut f: impl FnMut(Row) -> T) -> Self {
        Rows {
            cost: f(Row::Cost),
            funding: f(Row::Funding),
            gap: f(Row::Gap),
            absorbed: f(Row::Absorbed),
            capital: f(Row::Capital),
            capital_gap: f(Row::CapitalGap),
            obligation: f(Row::Obligation),
            operator_loss: f(Row::OperatorLoss),
            structural: f(Row::Structural),
            fund: f(Row::Fund),
            province: f(Row::Province),
        }
    }

    /// Every row's value, in [`Row::ALL`]'s order.
    pub fn each(&self) -> [&T; 11] {
        Row::ALL.map(|r| &self[r])
    }

    /// Every row's value, mutably, in [`Row::ALL`]'s order.
    pub fn each_mut(&mut self) -> [&mut T; 11] {
        [
            &mut self.cost,
            &mut self.funding,
            &mut self.gap,
            &mut self.absorbed,
            &mut self.capital,
            &mut self.capital_gap,
            &mut self.obligation,
            &mut self.operator_loss,
            &mut self.structural,
            &mut self.fund,
            &mut self.province,
        ]
    }
}

impl<T> std::ops::Index<Row> for Rows<T> {
    type Output = T;
    fn index(&self, r: Row) -> &T {
        match r {
            Row::Cost => &self.cost,
            Row::Funding => &self.funding,
            Row::Gap => &self.gap,
            Row::Absorbed => &self.absorbed,
            Row::Capital => &self.capital,
            Row::CapitalGap => &self.capital_gap,
            Row::Obligation => &self.obligation,
            Row::OperatorLoss => &self.operator_loss,
            Row::Structural => &self.structural,
            Row::Fund => &self.fund,
            Row::Province => &self.province,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry's three walks agree: by name, by the enum, in order.
    #[test]
    fn every_walk_of_the_rows_visits_each_row_once_in_order() {
        let mut rows = Rows::from_fn(|r| r);
        assert_eq!(rows.each().map(|r| *r), Row::ALL);
        assert_eq!(rows.each_mut().map(|r| *r), Row::ALL);
        for r in Row::ALL {
            assert_eq!(rows[r], r);
        }
    }
}
