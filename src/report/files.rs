//! Writers: result tables (CSV) and the run summary (JSON), staged through
//! [`super::staging::Staging`] so a run's outputs appear all at once.

use std::path::PathBuf;

use super::staging::Staging;

use serde_json::{Value, json};

use fundgap::error::{Error, Result};
use fundgap::model::{DiscountBasis, FundingKind, Model, Prices};
use fundgap::stats::{Distribution, EntityStats, Report};

/// Facts about a run that are not results: where, when, how.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The scenario file as given, or the built-in label.
    pub scenario_file: String,
    /// The `--set` overrides applied, as typed (`PATH=VALUE`).
    pub overrides: Vec<String>,
    pub threads: usize,
    pub elapsed_seconds: f64,
}

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

fn opt_year(y: Option<i32>) -> String {
    y.map(|y| y.to_string()).unwrap_or_default()
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
    "p_shortfall",
    "p_shortfall_lo",
    "p_shortfall_hi",
    "contingency_mean",
    "p_stopped",
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
    "operator_loss_mean",
    "p_operator_loss",
    "p_operator_loss_lo",
    "p_operator_loss_hi",
];

/// `yearly.csv`: one row per entity and year.
pub fn yearly_csv(report: &Report) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let cerr = |source| Error::Csv {
        path: PathBuf::from("yearly.csv"),
        source,
    };
    // Capital and contract columns only where the scenario has them, so a
    // scenario without them keeps its file as it was.
    let first = report.entities.first().and_then(|e| e.yearly.first());
    let has_capital = first.is_some_and(|y| y.capital.is_some());
    let has_contract = first.is_some_and(|y| y.contract.is_some());
    let mut header = YEARLY_COLUMNS.to_vec();
    if has_capital {
        header.extend(CAPITAL_COLUMNS);
    }
    if has_contract {
        header.extend(CONTRACT_COLUMNS);
    }
    w.write_record(&header).map_err(cerr)?;
    for e in &report.entities {
        for y in &e.yearly {
            let mut row = vec![
                text_cell(&e.id),
                y.year.to_string(),
                num(y.p_gap.estimate),
                num(y.p_gap.lo),
                num(y.p_gap.hi),
                num(y.cost_mean),
                num(y.cost_p5),
                num(y.cost_p50),
                num(y.cost_p95),
                num(y.funding_mean),
                num(y.funding_p5),
                num(y.funding_p50),
                num(y.funding_p95),
                num(y.gap_mean),
                num(y.gap_p50),
                num(y.gap_p95),
                num(y.p_gap.se),
                num(y.cost_p25),
                num(y.cost_p75),
                num(y.funding_p25),
                num(y.funding_p75),
                num(y.reserve_used_mean),
            ];
            row.extend(
                FundingKind::ALL
                    .iter()
                    .map(|k| num(y.funding_by_kind_mean[*k as usize])),
            );
            row.push(num(y.survival));
            row.extend([
                num(y.p_shortfall.estimate),
                num(y.p_shortfall.lo),
                num(y.p_shortfall.hi),
                num(y.contingency_mean),
                num(y.p_stopped),
            ]);
            if let Some(c) = &y.capital {
                row.extend([
                    num(c.cost_mean),
                    num(c.gap_mean),
                    num(c.p_gap.estimate),
                    num(c.p_gap.lo),
                    num(c.p_gap.hi),
                ]);
            }
            if let Some(c) = &y.contract {
                row.extend([
                    num(c.obligation_mean),
                    num(c.p_obligation.estimate),
                    num(c.operator_loss_mean),
                    num(c.p_operator_loss.estimate),
                    num(c.p_operator_loss.lo),
                    num(c.p_operator_loss.hi),
                ]);
            }
            w.write_record(&row).map_err(cerr)?;
        }
    }
    w.into_inner().map_err(|e| Error::Write {
        path: PathBuf::from("yearly.csv"),
        source: e.into_error(),
    })
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
];

/// `horizon.csv`: one row per entity with the horizon figures.
pub fn horizon_csv(report: &Report) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let cerr = |source| Error::Csv {
        path: PathBuf::from("horizon.csv"),
        source,
    };
    // Capital and contract totals only where the scenario has them.
    let first = report.entities.first();
    let has_capital = first.is_some_and(|e| e.capital_total.is_some());
    let has_contract = first.is_some_and(|e| e.contract_total.is_some());
    let mut header = HORIZON_COLUMNS.to_vec();
    if has_capital {
        header.extend(["capital_cost_total", "capital_gap_total"]);
    }
    if has_contract {
        header.extend(["obligation_total", "operator_loss_total"]);
    }
    w.write_record(&header).map_err(cerr)?;
    for e in &report.entities {
        let mut row = vec![
            text_cell(&e.id),
            text_cell(&e.name),
            num(e.p_any_gap.estimate),
            num(e.p_any_gap.lo),
            num(e.p_any_gap.hi),
            num(e.p_any_gap.se),
            opt_year(e.first_year_p_gap_over_50),
            opt_year(e.first_gap_year.median),
            num(e.lcc_npv.mean),
            num(e.lcc_npv.p5),
            num(e.lcc_npv.p50),
            num(e.lcc_npv.p95),
            num(e.gap_npv.mean),
            num(e.gap_npv.se),
            num(e.gap_npv.p5),
            num(e.gap_npv.p50),
            num(e.gap_npv.p95),
            num(e.gap_npv_cvar95),
            num(e.opex_ratio_mean),
            num(e.grant_share),
            e.bcr.map(num).unwrap_or_default(),
            num(e.benefit_npv_mean),
            num(e.revenue_npv_mean),
            num(e.construction_mean),
            num(e.p_stop.estimate),
            num(e.p_stop.lo),
            num(e.p_stop.hi),
            opt_year(e.stop_year.median),
            num(e.grant_share_total),
        ];
        if let Some(c) = e.capital_total {
            row.extend([num(c.cost), num(c.gap)]);
        }
        if let Some(c) = e.contract_total {
            row.extend([num(c.obligation), num(c.operator_loss)]);
        }
        w.write_record(&row).map_err(cerr)?;
    }
    w.into_inner().map_err(|e| Error::Write {
        path: PathBuf::from("horizon.csv"),
        source: e.into_error(),
    })
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
    });
    if let Some(c) = e.capital_total {
        v["capital_cost_total"] = finite(c.cost);
        v["capital_gap_total"] = finite(c.gap);
    }
    if let Some(c) = e.contract_total {
        v["obligation_total"] = finite(c.obligation);
        v["operator_loss_total"] = finite(c.operator_loss);
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

/// Writes `yearly.csv`, `horizon.csv` and `summary.json` into `staging`.
pub fn write_tables(
    staging: &mut Staging,
    model: &Model,
    report: &Report,
    info: &RunInfo,
) -> Result<()> {
    staging.write("yearly.csv", &yearly_csv(report)?)?;
    staging.write("horizon.csv", &horizon_csv(report)?)?;
    let summary = summary_json(model, report, info);
    let mut text = serde_json::to_vec_pretty(&summary)?;
    text.push(b'\n');
    staging.write("summary.json", &text)?;
    Ok(())
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
