//! Aggregates of the rows beside cost, funding and the gap: the structural
//! part of the gap (every model), and the rows a model has only when it
//! uses capital accounts, contracts or a reserve fund (capital cost and
//! gap, the city's contract obligation, the operator's loss, what the
//! reserve fund paid, the province's grants): exact sums per service and year, and per entity
//! and year the count of trials in which the amount is positive. A model
//! without the optional ones records nothing more for them.

use serde::{Deserialize, Serialize};

use crate::engine::{Row, Scratch};
use crate::model::Model;
use crate::stats::sums::{Sum, SumArray};

/// A row a trial fills only when the model has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum BookRow {
    /// Capital lines' cost.
    Capital,
    /// What the capital account left unpaid.
    CapitalGap,
    /// What contracts make the city pay their operators.
    Obligation,
    /// Operators' losses.
    OperatorLoss,
    /// The structural part of the gap (every model has it).
    Structural,
    /// What the reserve fund paid.
    Fund,
    /// The province's part of the grant money (시·도비).
    Province,
}

impl BookRow {
    const ALL: [BookRow; 7] = [
        BookRow::Capital,
        BookRow::CapitalGap,
        BookRow::Obligation,
        BookRow::OperatorLoss,
        BookRow::Structural,
        BookRow::Fund,
        BookRow::Province,
    ];

    /// The trial's row it aggregates.
    fn row(self) -> Row {
        match self {
            BookRow::Capital => Row::Capital,
            BookRow::CapitalGap => Row::CapitalGap,
            BookRow::Obligation => Row::Obligation,
            BookRow::OperatorLoss => Row::OperatorLoss,
            BookRow::Structural => Row::Structural,
            BookRow::Fund => Row::Fund,
            BookRow::Province => Row::Province,
        }
    }

    /// The row's amounts in a trial (empty when the model lacks it).
    fn of(self, s: &Scratch) -> &[f64] {
        &s.rows[self.row()]
    }

    /// The rows `model` has.
    pub(crate) fn of_model(model: &Model) -> Vec<BookRow> {
        BookRow::ALL
            .into_iter()
            .filter(|b| b.row().used(model))
            .collect()
    }
}

/// One row's aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct BookAcc {
    pub(crate) row: BookRow,
    /// Per entity (the portfolio last, as its trials' own row: pooled
    /// special accounts make its structural gap less than its services')
    /// and year.
    sums: SumArray,
    /// Per entity (the portfolio last) and year: trials with an amount > 0.
    counts: Vec<u64>,
    services: usize,
    horizon: usize,
}

impl BookAcc {
    pub(crate) fn new(row: BookRow, services: usize, horizon: usize) -> Self {
        BookAcc {
            row,
            sums: SumArray::new((services + 1) * horizon),
            counts: vec![0; (services + 1) * horizon],
            services,
            horizon,
        }
    }

    /// Whether it has the layout of `other` (a fresh one of the same
    /// model).
    pub(crate) fn fits(&self, other: &BookAcc) -> bool {
        self.row == other.row
            && self.services == other.services
            && self.horizon == other.horizon
            && self.counts.len() == other.counts.len()
            && self.sums.fits((other.services + 1) * other.horizon)
    }

    /// Whether no entity-year counts more trials than `trials`.
    pub(crate) fn counts_within(&self, trials: u64) -> bool {
        self.counts.iter().all(|&c| c <= trials)
    }

    /// Adds one trial's amounts to the pending sums.
    pub(crate) fn record_sums(&mut self, s: &Scratch) {
        let n = (self.services + 1) * self.horizon;
        self.sums.add_row(&self.row.of(s)[..n]);
    }

    /// Counts a batch's positive amounts and flushes the pending sums.
    pub(crate) fn record_batch(&mut self, lanes: &[Scratch]) {
        self.sums.flush();
        for s in lanes {
            for (c, x) in self.counts.iter_mut().zip(self.row.of(s)) {
                *c += u64::from(*x > 0.0);
            }
        }
    }

    pub(crate) fn merge(&mut self, o: &BookAcc) {
        self.sums.merge(&o.sums);
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
    }

    /// Entity `e`'s exact total of year `t`.
    pub(crate) fn sum(&self, e: usize, t: usize) -> Sum {
        self.sums.get(e * self.horizon + t)
    }

    /// Trials in which entity `e`'s amount in year `t` was positive.
    pub(crate) fn count(&self, e: usize, t: usize) -> u64 {
        self.counts[e * self.horizon + t]
    }
}
