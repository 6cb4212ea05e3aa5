//! A run's files: its result tables (CSV) and summary (JSON), as bytes
//! for [`crate::output`].

use std::path::PathBuf;

use serde_json::{Value, json};

use super::info::RunInfo;

use fundgap::error::{Error, Result};
use fundgap::model::{DiscountBasis, FundingKind, Model, Prices};
use fundgap::stats::{Distribution, EntityStats, Report};

/// The bytes of a finished in-memory CSV table.
pub fn finish_csv(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// A number as CSV text: shortest round-trip form, empty for NaN.
pub fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// A text cell (a name, an id, a reason) safe to open in a spreadsheet:
/// one starting with `=`, `+`, `-`, `@`, a tab or a carriage return would
/// be read as a formula (CSV injection), so it gets a leading `'`, as
/// spreadsheet-safe CSV writers do. A number, negative ones included,
/// stays a number.
pub fn text_cell(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && s.trim().parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// One cell of a result table, typed, so the CSV and the workbook write it
/// each in their own way from the same rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// An id, a name: text (CSV-injection-safe in CSV, a string in Excel).
    Text(String),
    /// A number; NaN or infinite is written empty.
    Num(f64),
    /// A calendar year, or none.
    Year(Option<i32>),
}

impl Cell {
    /// The cell as CSV text.
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(s) => text_cell(s),
            Cell::Num(x) => num(*x),
            Cell::Year(y) => y.map(|y| y.to_string()).unwrap_or_default(),
        }
    }
}

/// A result table: its file name, column names and typed rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub file: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The table as CSV bytes.
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let cerr = |source| Error::Csv {
            path: PathBuf::from(self.file),
            source,
        };
        w.write_record(&self.header).map_err(cerr)?;
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::csv)).map_err(cerr)?;
        }
        w.into_inner().map_err(|e| Error::Write {
            path: PathBuf::from(self.file),
            source: e.into_error(),
        })
    }
}

/// Columns of `yearly.csv`. The first sixteen are the documented contract;
/// later ones may be added, never renamed.
pub const YEARLY_COLUMNS: &[&str] = &[
    "service",
    "year",
    "p_gap",
    "p_gap_lo",
    "p_gap_hi",
    "cost_mean",
    "cost_p5",
    "cost_p50",
    "cost_p95",
    "funding_mean",
    "funding_p5",
    "funding_p50",
    "funding_p95",
    "gap_mean",
    "gap_p50",
    "gap_p95",
    "p_gap_se",
    "cost_p25",
    "cost_p75",
    "funding_p25",
    "funding_p75",
    "reserve_used_mean",
    "grant_mean",
    "budget_mean",
    "fees_mean",
    "contract_mean",
    "reserve_mean",
    "survival",
    "survival_lo",
    "survival_hi",
    "p_shortfall",
    "p_shortfall_lo",
    "p_shortfall_hi",
    "contingency_mean",
    "p_continued",
    "p_continued_lo",
    "p_continued_hi",
    "p_shrunk",
    "p_shrunk_lo",
    "p_shrunk_hi",
    "p_stopped",
    "p_stopped_lo",
    "p_stopped_hi",
    "structural_mean",
    "transient_mean",
    "p_structural",
    "p_structural_lo",
    "p_structural_hi",
];

/// Columns `yearly.csv` adds for a scenario with a reserve fund.
pub const FUND_COLUMNS: &[&str] = &[
    "reserve_fund_mean",
    "p_reserve_fund",
    "p_reserve_fund_lo",
    "p_reserve_fund_hi",
];

/// Columns `yearly.csv` adds for a scenario with capital lines.
pub const CAPITAL_COLUMNS: &[&str] = &[
    "capital_cost_mean",
    "capital_gap_mean",
    "p_capital_gap",
    "p_capital_gap_lo",
    "p_capital_gap_hi",
];

/// Columns `yearly.csv` adds for a scenario with a contracted service.
pub const CONTRACT_COLUMNS: &[&str] = &[
    "obligation_mean",
    "p_obligation",
    "p_obligation_lo",
    "p_obligation_hi",
    "operator_loss_mean",
    "p_operator_loss",
    "p_operator_loss_lo",
    "p_operator_loss_hi",
];

/// `yearly.csv`: one row per entity and year.
pub fn yearly_table(report: &Report) -> Table {
    // Capital and contract columns only where the scenario has them, so a
    // scenario without them keeps its file as it was.
    let first = report.entities.first().and_then(|e| e.yearly.first());
    let has_capital = first.is_some_and(|y| y.capital.is_some());
    let has_contract = first.is_some_and(|y| y.contract.is_some());
    let has_fund = first.is_some_and(|y| y.fund.is_some());
    let mut header = names(YEARLY_COLUMNS);
    if has_capital {
        header.extend(names(CAPITAL_COLUMNS));
    }
    if has_contract {
        header.extend(names(CONTRACT_COLUMNS));
    }
    if has_fund {
        header.extend(names(FUND_COLUMNS));
    }
    let mut rows = Vec::new();
    for e in &report.entities {
        for y in &e.yearly {
            let mut row = vec![
                Cell::Text(e.id.clone()),
                Cell::Year(Some(y.year)),
                Cell::Num(y.p_gap.estimate),
                Cell::Num(y.p_gap.lo),
                Cell::Num(y.p_gap.hi),
                Cell::Num(y.cost_mean),
                Cell::Num(y.cost_p5),
                Cell::Num(y.cost_p50),
                Cell::Num(y.cost_p95),
                Cell::Num(y.funding_mean),
                Cell::Num(y.funding_p5),
                Cell::Num(y.funding_p50),
                Cell::Num(y.funding_p95),
                Cell::Num(y.gap_mean),
                Cell::Num(y.gap_p50),
                Cell::Num(y.gap_p95),
                Cell::Num(y.p_gap.se),
                Cell::Num(y.cost_p25),
                Cell::Num(y.cost_p75),
                Cell::Num(y.funding_p25),
                Cell::Num(y.funding_p75),
                Cell::Num(y.reserve_used_mean),
            ];
            row.extend(
                FundingKind::ALL
                    .iter()
                    .map(|k| Cell::Num(y.funding_by_kind_mean[*k as usize])),
            );
            row.extend([
                Cell::Num(y.survival.estimate),
                Cell::Num(y.survival.lo),
                Cell::Num(y.survival.hi),
                Cell::Num(y.p_shortfall.estimate),
                Cell::Num(y.p_shortfall.lo),
                Cell::Num(y.p_shortfall.hi),
                Cell::Num(y.contingency_mean),
                Cell::Num(y.p_continued.estimate),
                Cell::Num(y.p_continued.lo),
                Cell::Num(y.p_continued.hi),
                Cell::Num(y.p_shrunk.estimate),
                Cell::Num(y.p_shrunk.lo),
                Cell::Num(y.p_shrunk.hi),
                Cell::Num(y.p_stopped.estimate),
                Cell::Num(y.p_stopped.lo),
                Cell::Num(y.p_stopped.hi),
                Cell::Num(y.structural_mean),
                Cell::Num(y.gap_mean - y.structural_mean),
                Cell::Num(y.p_structural.estimate),
                Cell::Num(y.p_structural.lo),
                Cell::Num(y.p_structural.hi),
            ]);
            if let Some(c) = &y.capital {
                row.extend([
                    Cell::Num(c.cost_mean),
                    Cell::Num(c.gap_mean),
                    Cell::Num(c.p_gap.estimate),
                    Cell::Num(c.p_gap.lo),
                    Cell::Num(c.p_gap.hi),
                ]);
            }
            if let Some(c) = &y.contract {
                row.extend([
                    Cell::Num(c.obligation_mean),
                    Cell::Num(c.p_obligation.estimate),
                    Cell::Num(c.p_obligation.lo),
                    Cell::Num(c.p_obligation.hi),
                    Cell::Num(c.operator_loss_mean),
                    Cell::Num(c.p_operator_loss.estimate),
                    Cell::Num(c.p_operator_loss.lo),
                    Cell::Num(c.p_operator_loss.hi),
                ]);
            }
            if let Some(f) = &y.fund {
                row.extend([
                    Cell::Num(f.paid_mean),
                    Cell::Num(f.p_paid.estimate),
                    Cell::Num(f.p_paid.lo),
                    Cell::Num(f.p_paid.hi),
                ]);
            }
            rows.push(row);
        }
    }
    Table {
        file: "yearly.csv",
        header,
        rows,
    }
}

/// Columns of `horizon.csv`.
pub const HORIZON_COLUMNS: &[&str] = &[
    "service",
    "name",
    "p_any_gap",
    "p_any_gap_lo",
    "p_any_gap_hi",
    "p_any_gap_se",
    "first_year_p_gap_over_50",
    "first_year_p_gap_over_50_lo",
    "first_year_p_gap_over_50_hi",
    "median_first_gap_year",
    "lcc_npv_mean",
    "lcc_npv_p5",
    "lcc_npv_p50",
    "lcc_npv_p95",
    "gap_npv_mean",
    "gap_npv_se",
    "gap_npv_p5",
    "gap_npv_p50",
    "gap_npv_p95",
    "gap_npv_cvar95",
    "opex_ratio_mean",
    "grant_share",
    "bcr",
    "benefit_npv_mean",
    "revenue_npv_mean",
    "construction_mean",
    "p_stop",
    "p_stop_lo",
    "p_stop_hi",
    "median_stop_year",
    "grant_share_total",
    "grant_returned_mean",
    "gap_npv_kept_mean",
    "gap_structural_share",
];

/// Column names as owned strings.
fn names(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| c.to_string()).collect()
}

/// A confidence level in a column name: 0.9 -> `p90`, 0.975 -> `p97_5`.
pub fn level_name(q: f64) -> String {
    let pct = format!("{}", (q * 1000.0).round() / 10.0);
    format!("p{}", pct.replace('.', "_"))
}

/// `horizon.csv`: one row per entity with the horizon figures.
pub fn horizon_table(report: &Report) -> Table {
    // Capital and contract totals only where the scenario has them.
    let first = report.entities.first();
    let has_capital = first.is_some_and(|e| e.capital_total.is_some());
    let has_contract = first.is_some_and(|e| e.contract_total.is_some());
    let mut header = names(HORIZON_COLUMNS);
    if has_capital {
        header.extend(names(&["capital_cost_total", "capital_gap_total"]));
    }
    if has_contract {
        header.extend(names(&[
            "obligation_total",
            "operator_loss_total",
            "p_operator_exit",
            "p_operator_exit_lo",
            "p_operator_exit_hi",
            "termination_mean",
        ]));
    }
    let has_fund = first.is_some_and(|e| e.fund_paid_mean.is_some());
    if has_fund {
        header.push("reserve_fund_total".to_string());
    }
    // The funding requirement at each confidence level asked for.
    for need in report
        .entities
        .first()
        .map_or(&[][..], |e| &e.funding_needed[..])
    {
        let p = level_name(need.confidence);
        for what in ["topup", "reserve"] {
            for end in ["", "_lo", "_hi"] {
                header.push(format!("{what}_{p}{end}"));
            }
        }
    }
    let mut rows = Vec::new();
    for e in &report.entities {
        let mut row = vec![
            Cell::Text(e.id.clone()),
            Cell::Text(e.name.clone()),
            Cell::Num(e.p_any_gap.estimate),
            Cell::Num(e.p_any_gap.lo),
            Cell::Num(e.p_any_gap.hi),
            Cell::Num(e.p_any_gap.se),
            Cell::Year(e.first_year_p_gap_over_50),
            Cell::Year(e.first_year_p_gap_over_50_lo),
            Cell::Year(e.first_year_p_gap_over_50_hi),
            Cell::Year(e.first_gap_year.median),
            Cell::Num(e.lcc_npv.mean),
            Cell::Num(e.lcc_npv.p5),
            Cell::Num(e.lcc_npv.p50),
            Cell::Num(e.lcc_npv.p95),
            Cell::Num(e.gap_npv.mean),
            Cell::Num(e.gap_npv.se),
            Cell::Num(e.gap_npv.p5),
            Cell::Num(e.gap_npv.p50),
            Cell::Num(e.gap_npv.p95),
            Cell::Num(e.gap_npv_cvar95),
            Cell::Num(e.opex_ratio_mean),
            Cell::Num(e.grant_share),
            Cell::Num(e.bcr.unwrap_or(f64::NAN)),
            Cell::Num(e.benefit_npv_mean),
            Cell::Num(e.revenue_npv_mean),
            Cell::Num(e.construction_mean),
            Cell::Num(e.p_stop.estimate),
            Cell::Num(e.p_stop.lo),
            Cell::Num(e.p_stop.hi),
            Cell::Year(e.stop_year.median),
            Cell::Num(e.grant_share_total),
            Cell::Num(e.grant_returned_mean),
            Cell::Num(e.gap_npv_kept_mean),
            Cell::Num(e.gap_structural_share),
        ];
        if let Some(c) = e.capital_total {
            row.extend([Cell::Num(c.cost), Cell::Num(c.gap)]);
        }
        if let Some(c) = e.contract_total {
            row.extend(
                [
                    c.obligation,
                    c.operator_loss,
                    c.p_exit.estimate,
                    c.p_exit.lo,
                    c.p_exit.hi,
                    c.termination,
                ]
                .map(Cell::Num),
            );
        }
        if let Some(f) = e.fund_paid_mean {
            row.push(Cell::Num(f));
        }
        for n in &e.funding_needed {
            row.extend(
                [
                    n.topup,
                    n.topup_lo,
                    n.topup_hi,
                    n.reserve,
                    n.reserve_lo,
                    n.reserve_hi,
                ]
                .map(Cell::Num),
            );
        }
        rows.push(row);
    }
    Table {
        file: "horizon.csv",
        header,
        rows,
    }
}

fn finite(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn dist_json(d: &Distribution) -> Value {
    json!({
        "mean": finite(d.mean),
        "se": finite(d.se),
        "p5": finite(d.p5),
        "p50": finite(d.p50),
        "p95": finite(d.p95),
    })
}

/// Horizon figures of one entity under the names of the output contract.
pub fn entity_json(e: &EntityStats) -> Value {
    let mut v = json!({
        "id": e.id,
        "name": e.name,
        "p_any_gap": finite(e.p_any_gap.estimate),
        "p_any_gap_se": finite(e.p_any_gap.se),
        "p_any_gap_lo": finite(e.p_any_gap.lo),
        "p_any_gap_hi": finite(e.p_any_gap.hi),
        "first_year_p_gap_over_50": e.first_year_p_gap_over_50,
        "first_year_p_gap_over_50_lo": e.first_year_p_gap_over_50_lo,
        "first_year_p_gap_over_50_hi": e.first_year_p_gap_over_50_hi,
        "first_gap_year": {
            "years": e.first_gap_year.years,
            "probability": e.first_gap_year.probability,
            "survival": e.first_gap_year.survival,
            "never": finite(e.first_gap_year.never),
            "median": e.first_gap_year.median,
        },
        "lcc_npv": dist_json(&e.lcc_npv),
        "gap_npv": dist_json(&e.gap_npv),
        "gap_npv_cvar95": finite(e.gap_npv_cvar95),
        "opex_ratio_mean": finite(e.opex_ratio_mean),
        "opex_ratio_se": finite(e.opex_ratio_se),
        "grant_share": finite(e.grant_share),
        "grant_share_total": finite(e.grant_share_total),
        "grant_returned_mean": finite(e.grant_returned_mean),
        "gap_npv_kept_mean": finite(e.gap_npv_kept_mean),
        "gap_structural_share": finite(e.gap_structural_share),
        "reserve_fund_total": e.fund_paid_mean.map(finite),
        "bcr": e.bcr.map(finite),
        "benefit_npv_mean": finite(e.benefit_npv_mean),
        "revenue_npv_mean": finite(e.revenue_npv_mean),
        "construction_mean": finite(e.construction_mean),
        "p_stop": finite(e.p_stop.estimate),
        "p_stop_lo": finite(e.p_stop.lo),
        "p_stop_hi": finite(e.p_stop.hi),
        "stop_year": {
            "years": e.stop_year.years,
            "probability": e.stop_year.probability,
            "never": finite(e.stop_year.never),
            "median": e.stop_year.median,
        },
        "state_by_year": {
            "years": e.yearly.iter().map(|y| y.year).collect::<Vec<_>>(),
            "continued": e.yearly.iter().map(|y| finite(y.p_continued.estimate)).collect::<Vec<_>>(),
            "shrunk": e.yearly.iter().map(|y| finite(y.p_shrunk.estimate)).collect::<Vec<_>>(),
            "stopped": e.yearly.iter().map(|y| finite(y.p_stopped.estimate)).collect::<Vec<_>>(),
        },
    });
    if let Some(c) = e.capital_total {
        v["capital_cost_total"] = finite(c.cost);
        v["capital_gap_total"] = finite(c.gap);
    }
    if let Some(c) = e.contract_total {
        v["obligation_total"] = finite(c.obligation);
        v["operator_loss_total"] = finite(c.operator_loss);
        v["p_operator_exit"] = finite(c.p_exit.estimate);
        v["p_operator_exit_lo"] = finite(c.p_exit.lo);
        v["p_operator_exit_hi"] = finite(c.p_exit.hi);
        v["termination_mean"] = finite(c.termination);
    }
    // The funding requirement under the names of horizon.csv's columns.
    for n in &e.funding_needed {
        let p = level_name(n.confidence);
        let fields = [
            ("topup", n.topup),
            ("topup_lo", n.topup_lo),
            ("topup_hi", n.topup_hi),
            ("reserve", n.reserve),
            ("reserve_lo", n.reserve_lo),
            ("reserve_hi", n.reserve_hi),
        ];
        for (what, x) in fields {
            let (kind, end) = what.split_once('_').unwrap_or((what, ""));
            let name = if end.is_empty() {
                format!("{kind}_{p}")
            } else {
                format!("{kind}_{p}_{end}")
            };
            v[name] = finite(x);
        }
    }
    v
}

/// The whole `summary.json` document. Timing and thread count are the only
/// fields that may differ between two runs of the same scenario and seed.
pub fn summary_json(model: &Model, report: &Report, info: &RunInfo) -> Value {
    let services: Vec<Value> = report.entities[..report.entities.len() - 1]
        .iter()
        .map(entity_json)
        .collect();
    json!({
        "fundgap_version": env!("CARGO_PKG_VERSION"),
        "scenario": {
            "name": model.name(),
            "file": info.scenario_file,
            "overrides": info.overrides,
            "description": model.description(),
            "currency": model.currency(),
            "unit": model.unit(),
            "start_year": model.start_year(),
            "end_year": model.end_year(),
            "horizon_years": model.horizon(),
            "discount_rate": model.discount_rate(),
            "discount_basis": model.discount_basis().as_str(),
            "prices": match model.prices() {
                Prices::Current => "current",
                Prices::Constant => "constant",
            },
            "services": model.services().len(),
        },
        "seed": model.seed(),
        "trials": report.trials,
        "confidence": model.confidence(),
        "budget_year": info.budget_year,
        "precision": info.precision,
        "elapsed_seconds": info.elapsed_seconds,
        "threads": info.threads,
        "notes": {
            "intervals": "95% Wilson score intervals; *_se are Monte Carlo standard errors",
            "percentiles": "from a log-linear histogram, within 0.8% of the value",
            "money": format!(
                "{} {}; costs in start-year prices escalated by each trial's inflation, funding as paid; {}NPVs to the start of {} at discount_rate, {}",
                model.currency(),
                model.unit(),
                match model.prices() {
                    Prices::Current => "yearly amounts as paid; ",
                    Prices::Constant => "yearly amounts restated in start-year prices (each trial's own price index); ",
                },
                model.start_year(),
                match model.discount_basis() {
                    DiscountBasis::Real => "real: each trial's amounts deflated by its own price index",
                    DiscountBasis::Nominal => "nominal",
                }
            ),
        },
        "services": services,
        "portfolio": entity_json(report.portfolio()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_cannot_be_formulas_but_numbers_stay_numbers() {
        assert_eq!(text_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(text_cell("+1 (555)"), "'+1 (555)");
        assert_eq!(text_cell("@cmd"), "'@cmd");
        assert_eq!(text_cell("\tx"), "'\tx");
        assert_eq!(text_cell("-x"), "'-x");
        assert_eq!(text_cell("-0.25"), "-0.25");
        assert_eq!(text_cell("+3"), "+3");
        assert_eq!(text_cell("스마트 주차"), "스마트 주차");
    }

    #[test]
    fn yearly_contract_columns_come_first() {
        let contract = "service,year,p_gap,p_gap_lo,p_gap_hi,cost_mean,cost_p5,cost_p50,cost_p95,funding_mean,funding_p5,funding_p50,funding_p95,gap_mean,gap_p50,gap_p95";
        assert!(YEARLY_COLUMNS.join(",").starts_with(contract));
    }
}
