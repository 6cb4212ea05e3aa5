//! `plan.csv`: the run in the frame of a 중기지방재정계획 — five years from
//! the budget year, money by source, operating cost P50/P90, capital and
//! the gap (see [`fundgap::analysis::midterm`]). Nominal, in the
//! scenario's unit.

use fundgap::analysis::midterm::medium_term;
use fundgap::model::Model;
use fundgap::stats::Report;

use super::run::{Cell, Table};

/// The columns of `plan.csv` (with `provincial` after `national` where a
/// grant is the province's).
const COLUMNS: [&str; 16] = [
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
    "capital_gap_mean",
    "gap_mean",
    "gap_p90",
    "p_gap",
    "p_gap_lo",
    "p_gap_hi",
];

/// The columns added when the scenario states `population`.
const PER_RESIDENT: [&str; 3] = [
    "operating_p50_per_resident",
    "local_per_resident",
    "gap_p90_per_resident",
];

/// The columns added when the scenario states `general_account`.
const OF_ACCOUNT: [&str; 3] = [
    "general_account",
    "local_share_of_account",
    "gap_p90_share_of_account",
];

/// The plan table from budget year `from`; per-resident and
/// share-of-account columns where the scenario states `population` and
/// `general_account`.
pub fn plan_table(model: &Model, report: &Report, from: i32) -> Table {
    let place = model.locality();
    let residents = place.population.is_some();
    let account = place.general_account.is_some();
    let provincial = model.has_province_grants();
    let rows = medium_term(model, report, from)
        .into_iter()
        .map(|p| {
            let mut row = vec![
                Cell::Text(p.entity),
                Cell::Year(Some(p.year)),
                Cell::Num(p.national),
            ];
            row.extend(p.provincial.map(Cell::Num));
            row.extend([
                Cell::Num(p.local),
                Cell::Num(p.own_revenue),
                Cell::Num(p.private),
                Cell::Num(p.reserve),
                Cell::Num(p.operating_p50),
                Cell::Num(p.operating_p90),
                Cell::Num(p.capital_mean),
                Cell::Num(p.capital_gap_mean),
                Cell::Num(p.gap_mean),
                Cell::Num(p.gap_p90),
                Cell::Num(p.p_gap),
                Cell::Num(p.p_gap_lo),
                Cell::Num(p.p_gap_hi),
            ]);
            if let Some(r) = p.per_resident {
                row.extend([r.operating_p50, r.local, r.gap_p90].map(Cell::Num));
            }
            if let Some(a) = p.of_account {
                row.extend([a.general_account, a.local, a.gap_p90].map(Cell::Num));
            }
            row
        })
        .collect();
    // 시·도비 beside 국비, where a grant is the province's.
    let header = COLUMNS[..3]
        .iter()
        .chain(["provincial"].iter().filter(|_| provincial))
        .chain(&COLUMNS[3..])
        .chain(PER_RESIDENT.iter().filter(|_| residents))
        .chain(OF_ACCOUNT.iter().filter(|_| account))
        .map(|c| c.to_string())
        .collect();
    Table {
        file: "plan.csv",
        header,
        rows,
    }
}
