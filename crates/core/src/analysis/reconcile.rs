//! How a scenario adds up against the programmes that paid for it: for
//! each `[[programme]]`, the expected construction of the services it
//! built and their cost in its years, and the national share of both,
//! beside the totals its documents state (사업비 총액, 국비). A scenario
//! that spends more than its programme had, or more national money than
//! it was granted, misreads its sources.

use crate::model::{FundingKind, Model, Programme};
use crate::stats::Report;

/// How far the scenario may exceed a stated total before it is flagged:
/// a stated total is rounded (억 원) and the scenario's means carry Monte
/// Carlo error.
pub const TOLERANCE: f64 = 0.05;

/// One programme's stated totals against the scenario's expected ones.
#[derive(Debug, Clone)]
pub struct Reconciliation<'m> {
    /// The programme as stated.
    pub programme: &'m Programme,
    /// Mean construction of the services opening in its years (or the
    /// year after them).
    pub construction: f64,
    /// Mean cost of every service in its years (operations, renewals,
    /// capital lines), as paid.
    pub operations: f64,
    /// Mean national money in both: the construction's national share
    /// (`construction_grant_share`) and the grants received in its years.
    pub national: f64,
}

impl Reconciliation<'_> {
    /// The scenario's expected total for the programme.
    pub fn total(&self) -> f64 {
        self.construction + self.operations
    }

    /// Whether the scenario spends more than the stated total allows.
    pub fn over_total(&self) -> bool {
        self.total() > self.programme.total * (1.0 + TOLERANCE)
    }

    /// Whether it uses more national money than stated (false when the
    /// programme states none).
    pub fn over_national(&self) -> bool {
        self.programme
            .national
            .is_some_and(|n| self.national > n * (1.0 + TOLERANCE))
    }
}

/// Each programme of `model` reconciled against `report`, a run of it.
pub fn reconcile<'m>(model: &'m Model, report: &Report) -> Vec<Reconciliation<'m>> {
    let portfolio = report.portfolio();
    model
        .programmes()
        .iter()
        .map(|p| {
            let built = model
                .services()
                .iter()
                .zip(&report.entities)
                .filter(|(s, _)| s.opens >= p.from && s.opens <= p.to + 1);
            let (mut construction, mut national) = (0.0, 0.0);
            for (s, e) in built {
                construction += e.construction_mean;
                national += s.construction_grant_share * e.construction_mean;
            }
            let years = portfolio.yearly.get(p.from..=p.to).unwrap_or(&[]);
            let operations = years
                .iter()
                .map(|y| y.cost_mean + y.capital.map_or(0.0, |c| c.cost_mean))
                .sum();
            national += years
                .iter()
                .map(|y| y.funding_by_kind_mean[FundingKind::Grant as usize])
                .sum::<f64>();
            Reconciliation {
                programme: p,
                construction,
                operations,
                national,
            }
        })
        .collect()
}
