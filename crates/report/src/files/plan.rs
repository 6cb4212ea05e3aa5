//! `plan.csv`: the run in the frame of a 중기지방재정계획 — five years from
//! the budget year, money by source, operating cost P50/P90, capital and
//! the gap (see [`fundgap::analysis::midterm`]). Nominal, in the
//! scenario's unit.

use fundgap::analysis::midterm::medium_term;
use fundgap::model::Model;
use fundgap::stats::Report;

use super::run::{Cell, Table};

/// The columns of `plan.csv`.
const COLUMNS: [&str; 13] = [
    "entity",
    "year",
    "national",
    "local",
    "own_revenue",
    "private",
    "reserve",
    "operating_p50",
    "operating_p90",
    "capital_mean",
    "gap_mean",
    "gap_p90",
    "p_gap",
];

/// The plan table from budget year `from`.
pub fn plan_table(model: &Model, report: &Report, from: i32) -> Table {
    let rows = medium_term(model, report, from)
        .into_iter()
        .map(|p| {
            vec![
                Cell::Text(p.entity),
                Cell::Year(Some(p.year)),
                Cell::Num(p.national),
                Cell::Num(p.local),
                Cell::Num(p.own_revenue),
                Cell::Num(p.private),
                Cell::Num(p.reserve),
                Cell::Num(p.operating_p50),
                Cell::Num(p.operating_p90),
                Cell::Num(p.capital_mean),
                Cell::Num(p.gap_mean),
                Cell::Num(p.gap_p90),
                Cell::Num(p.p_gap),
            ]
        })
        .collect();
    Table {
        file: "plan.csv",
        header: COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}
