//! `report.xlsx`: a run's results as an Excel workbook an analyst can
//! restyle — a summary sheet in the report's language, the full yearly
//! and horizon tables (the same rows as the CSV files), native Excel
//! charts, and a sheet that records how the run was made.
//!
//! The workbook's bytes depend on the results only: its creation date is
//! fixed and the run's elapsed time is left to `summary.json`, so the same
//! scenario and seed write the same file.

use std::path::PathBuf;

use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormat3ColorScale, DocProperties, ExcelDateTime, Format,
    FormatAlign, Workbook, Worksheet, XlsxError,
};

use fundgap::analysis::stress::StressResult;

use fundgap::error::{Error, Result};
use fundgap::model::{Language, Model};
use fundgap::stats::Report;

use super::lang::{Money, MoneyOf, Words, criterion_name, entity_name, rating_word};
use crate::files::{Cell, RunInfo, Table, horizon_table, yearly_table};
use crate::terminal::prices_note;
use fundgap::analysis::evaluate::{CRITERIA, Evaluation, Rating};

/// The workbook's file name.
pub const FILE: &str = "report.xlsx";

fn xerr(e: XlsxError) -> Error {
    Error::Write {
        path: PathBuf::from(FILE),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Excel number format of a raw table's column, from its name.
fn column_format(name: &str) -> &'static str {
    let share = name.starts_with("p_") || name.contains("share") || name == "survival";
    if share {
        "0.0%"
    } else if name.ends_with("year") {
        "0"
    } else {
        "#,##0.00"
    }
}

/// Writes `t` into `ws` as a table: bold frozen header, typed cells, one
/// number format per column, widths to fit the header.
fn write_table(ws: &mut Worksheet, t: &Table) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let formats: Vec<Format> = t
        .header
        .iter()
        .map(|h| Format::new().set_num_format(column_format(h)))
        .collect();
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, (h.len() as f64 + 2.0).max(10.0))?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, (cell, f)) in row.iter().zip(&formats).enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Cell::Num(x) if x.is_finite() => {
                    ws.write_number_with_format(r, c, *x, f)?;
                }
                Cell::Year(Some(y)) => {
                    ws.write_number(r, c, *y)?;
                }
                Cell::Num(_) | Cell::Year(None) => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The summary sheet: one row per service and the portfolio, the figures
/// of the terminal table, money in the report's unit.
fn summary(
    ws: &mut Worksheet,
    model: &Model,
    report: &Report,
    w: Words,
) -> std::result::Result<(), XlsxError> {
    let money = Money::of_report(model, report, w.0);
    let m = money.label();
    let head = [
        w.t("service", "서비스").to_string(),
        w.t("name", "이름").to_string(),
        w.t("P(any gap)", "부족 확률").to_string(),
        w.t("95% CI low", "95% 신뢰구간 하한").to_string(),
        w.t("95% CI high", "95% 신뢰구간 상한").to_string(),
        w.t("first year P(gap) > 50%", "부족 확률 50% 초과 첫 해")
            .to_string(),
        format!("{} ({m})", w.t("gap NPV mean", "부족액 현가 평균")),
        format!("{} ({m})", w.t("gap NPV P95", "부족액 현가 P95")),
        format!("{} ({m})", w.t("gap NPV CVaR95", "부족액 현가 CVaR95")),
        w.t("grant share", "보조금 비중").to_string(),
        w.t("opex ratio", "운영비율").to_string(),
        w.t("P(stopped)", "중단 확률").to_string(),
        format!(
            "{} ({m})",
            w.t("grant returned unspent", "보조금 집행잔액 반납")
        ),
        format!(
            "{} ({m})",
            w.t("gap NPV if kept running", "계속 운영 시 부족액 현가")
        ),
    ];
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let pct = Format::new().set_num_format("0.0%");
    let amount = Format::new().set_num_format(money.excel_format());
    let ratio = Format::new().set_num_format("0.000");
    ws.write_string(0, 0, format!("{}{}", model.name(), prices_note(model, w.0)))?;
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, if c < 2 { 24.0 } else { 14.0 })?;
    }
    ws.set_row_height(2, 45)?;
    let per = |x: f64| x / money.divisor();
    for (i, e) in report.entities.iter().enumerate() {
        let r = SUMMARY_FIRST_ROW + i as u32;
        ws.write_string(r, 0, &e.id)?;
        ws.write_string(r, SUMMARY_NAME_COL, &e.name)?;
        ws.write_number_with_format(r, 2, e.p_any_gap.estimate, &pct)?;
        ws.write_number_with_format(r, 3, e.p_any_gap.lo, &pct)?;
        ws.write_number_with_format(r, 4, e.p_any_gap.hi, &pct)?;
        if let Some(y) = e.first_year_p_gap_over_50 {
            ws.write_number(r, 5, y)?;
        } else {
            ws.write_string(r, 5, w.t("never", "없음"))?;
        }
        for (c, x) in [
            (6, e.gap_npv.mean),
            (7, e.gap_npv.p95),
            (8, e.gap_npv_cvar95),
        ] {
            if x.is_finite() {
                ws.write_number_with_format(r, c, per(x), &amount)?;
            }
        }
        ws.write_number_with_format(r, 9, e.grant_share, &pct)?;
        if e.opex_ratio_mean.is_finite() {
            ws.write_number_with_format(r, 10, e.opex_ratio_mean, &ratio)?;
        }
        ws.write_number_with_format(r, 11, e.p_stop.estimate, &pct)?;
        ws.write_number_with_format(r, 12, per(e.grant_returned_mean), &amount)?;
        ws.write_number_with_format(r, 13, per(e.gap_npv_kept_mean), &amount)?;
    }
    ws.set_freeze_panes(3, 1)?;
    Ok(())
}

/// The summary sheet's first entity row and its column of names.
const SUMMARY_FIRST_ROW: u32 = 3;
const SUMMARY_NAME_COL: u16 = 1;

/// Native charts over the yearly sheet: P(gap) per year of each service,
/// and the portfolio's cost and funding percentiles.
fn charts(
    ws: &mut Worksheet,
    summary: &str,
    yearly: &str,
    t: &Table,
    report: &Report,
    w: Words,
) -> std::result::Result<(), XlsxError> {
    let col = |name: &str| t.header.iter().position(|h| h == name).unwrap_or(0) as u16;
    let h = report.entities.first().map_or(0, |e| e.yearly.len()) as u32;
    let year = col("year");
    let mut p = Chart::new(ChartType::Line);
    p.title()
        .set_name(w.t("P(gap) per year", "연도별 재원 부족 확률"));
    p.y_axis()
        .set_num_format("0%")
        .set_name(w.t("P(gap)", "부족 확률"));
    p.x_axis().set_name(w.t("Year", "연도"));
    for i in 0..report.entities.len() {
        let first = 1 + i as u32 * h;
        // The name by reference to the summary sheet's cell, never as
        // text: a name such as `=HYPERLINK(..)` or `Sheet!A1` passed as
        // text is read as a formula or a reference to another workbook.
        p.add_series()
            .set_name((summary, SUMMARY_FIRST_ROW + i as u32, SUMMARY_NAME_COL))
            .set_categories((yearly, first, year, first + h - 1, year))
            .set_values((yearly, first, col("p_gap"), first + h - 1, col("p_gap")));
    }
    p.set_width(900).set_height(480);
    ws.insert_chart(1, 1, &p)?;

    let portfolio = report.entities.len().saturating_sub(1) as u32;
    let first = 1 + portfolio * h;
    let mut fan = Chart::new(ChartType::Line);
    fan.title().set_name(w.t(
        "Portfolio cost and funding per year (P5, median, P95)",
        "전체 연도별 비용과 재원 (P5, 중앙값, P95)",
    ));
    fan.x_axis().set_name(w.t("Year", "연도"));
    for (name, en, ko) in [
        ("cost_p5", "cost P5", "비용 P5"),
        ("cost_p50", "cost median", "비용 중앙값"),
        ("cost_p95", "cost P95", "비용 P95"),
        ("funding_p5", "funding P5", "재원 P5"),
        ("funding_p50", "funding median", "재원 중앙값"),
        ("funding_p95", "funding P95", "재원 P95"),
    ] {
        let c = col(name);
        fan.add_series()
            .set_name(w.t(en, ko))
            .set_categories((yearly, first, year, first + h - 1, year))
            .set_values((yearly, first, c, first + h - 1, c));
    }
    fan.set_width(900).set_height(480);
    ws.insert_chart(27, 1, &fan)?;
    Ok(())
}

/// How the run was made, and the command that makes it again.
fn provenance(
    ws: &mut Worksheet,
    model: &Model,
    report: &Report,
    info: &RunInfo,
    w: Words,
) -> std::result::Result<(), XlsxError> {
    let again = info.command("run", model, report.trials, w.0);
    let rows: Vec<(&str, String)> = vec![
        (
            w.t("fundgap version", "fundgap 버전"),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        (w.t("scenario", "시나리오"), model.name().to_string()),
        (
            w.t("scenario file", "시나리오 파일"),
            info.scenario_file.clone(),
        ),
        (w.t("trials", "시행 횟수"), report.trials.to_string()),
        (w.t("seed", "시드"), model.seed().to_string()),
        (
            w.t("years", "분석 기간"),
            format!("{}–{}", model.start_year(), model.end_year()),
        ),
        (
            w.t("money", "금액"),
            format!("{} {}", model.currency(), model.unit()),
        ),
        (
            w.t("discount rate", "할인율"),
            format!(
                "{}% ({})",
                model.discount_rate() * 100.0,
                model.discount_basis().as_str()
            ),
        ),
        (
            w.t("--set overrides", "--set 변경"),
            if info.overrides.is_empty() {
                w.t("none", "없음").to_string()
            } else {
                info.overrides.join(", ")
            },
        ),
        (w.t("to reproduce", "재현 명령"), again),
    ];
    about_sheet(ws, &rows)
}

/// The workbook of a run, as bytes.
pub fn run_workbook(
    model: &Model,
    report: &Report,
    info: &RunInfo,
    lang: Language,
) -> Result<Vec<u8>> {
    let w = Words(lang);
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut wb = workbook(model.name())?;
        let yearly = yearly_table(report);
        let horizon = horizon_table(report);
        let yearly_name = w.t("yearly", "연도별");
        let summary_name = w.t("summary", "요약");
        summary(wb.add_worksheet().set_name(summary_name)?, model, report, w)?;
        charts(
            wb.add_worksheet().set_name(w.t("charts", "차트"))?,
            summary_name,
            yearly_name,
            &yearly,
            report,
            w,
        )?;
        write_table(wb.add_worksheet().set_name(yearly_name)?, &yearly)?;
        write_table(
            wb.add_worksheet().set_name(w.t("horizon", "기간 합계"))?,
            &horizon,
        )?;
        write_table(
            wb.add_worksheet()
                .set_name(w.t("5-year plan", "중기재정계획"))?,
            &crate::files::plan::plan_table(model, report, info.budget_year),
        )?;
        provenance(
            wb.add_worksheet().set_name(w.t("run", "실행 정보"))?,
            model,
            report,
            info,
            w,
        )?;
        wb.save_to_buffer()
    };
    build().map_err(xerr)
}

/// One of fundgap's CSV tables as a sheet: numbers as numbers (formatted
/// by column name), text as text (without the CSV's formula guard: an
/// Excel string is never a formula), header frozen.
fn csv_sheet(ws: &mut Worksheet, csv: &[u8]) -> std::result::Result<(), XlsxError> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv);
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let mut formats = Vec::new();
    for (r, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| XlsxError::CustomError(e.to_string()))?;
        for (c, cell) in rec.iter().enumerate() {
            let (r, col) = (r as u32, c as u16);
            if r == 0 {
                ws.write_string_with_format(0, col, cell, &bold)?;
                ws.set_column_width(col, (cell.chars().count() as f64 + 2.0).max(10.0))?;
                formats.push(Format::new().set_num_format(column_format(cell)));
            } else if let Ok(x) = cell.parse::<f64>() {
                match formats.get(c) {
                    Some(f) => ws.write_number_with_format(r, col, x, f)?,
                    None => ws.write_number(r, col, x)?,
                };
            } else if !cell.is_empty() {
                let guarded = cell.starts_with('\'')
                    && cell[1..].starts_with(['=', '+', '-', '@', '\t', '\r']);
                ws.write_string(r, col, fitted(if guarded { &cell[1..] } else { cell }))?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A sheet of (what, value) rows: how an analysis was made.
fn about_sheet(ws: &mut Worksheet, rows: &[(&str, String)]) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 90)?;
    for (r, (k, v)) in rows.iter().enumerate() {
        ws.write_string_with_format(r as u32, 0, *k, &bold)?;
        ws.write_string(r as u32, 1, fitted(v))?;
    }
    Ok(())
}

/// Most characters an Excel cell holds.
const CELL_CHARS: usize = 32_767;

/// `text` cut to what a cell holds (a command line of many --set flags
/// can be longer), marked with an ellipsis where it was cut.
fn fitted(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut cut: String = text.chars().take(CELL_CHARS - 1).collect();
    cut.push('…');
    std::borrow::Cow::Owned(cut)
}

/// A new workbook with fixed properties (the same analysis writes the same
/// bytes).
fn workbook(title: &str) -> std::result::Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("fundgap")
            .set_creation_datetime(&date),
    );
    Ok(wb)
}

/// The workbook of an analysis (compare): each of its CSV tables as a
/// sheet, then how it was made.
pub fn tables_workbook(
    title: &str,
    sheets: &[(&str, &[u8])],
    about: &[(&str, String)],
    lang: Language,
) -> Result<Vec<u8>> {
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut wb = workbook(title)?;
        for (name, csv) in sheets {
            csv_sheet(wb.add_worksheet().set_name(*name)?, csv)?;
        }
        let run = Words(lang).t("run", "실행 정보");
        about_sheet(wb.add_worksheet().set_name(run)?, about)?;
        wb.save_to_buffer()
    };
    build().map_err(xerr)
}

/// The evaluation's workbook: the scorecard as a grid of coloured ratings
/// (every reason in the sheet's last column), the tables behind it as CSV
/// sheets (`sheets`), then how it was made.
pub fn evaluation_workbook(
    ev: &Evaluation,
    sheets: &[(&str, &[u8])],
    about: &[(&str, String)],
    lang: Language,
) -> Result<Vec<u8>> {
    let w = Words(lang);
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut wb = workbook(&ev.scenario)?;
        let ws = wb.add_worksheet().set_name(w.t("scorecard", "평가표"))?;
        let bold = Format::new()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_text_wrap();
        let fill = |r: Rating| {
            let colour = match r {
                Rating::Green => 0xD8F0D8,
                Rating::Amber => 0xFFE2B0,
                Rating::Red => 0xF6C4C0,
            };
            Format::new()
                .set_background_color(colour)
                .set_align(FormatAlign::Center)
        };
        let heads: Vec<&str> = [w.t("service", "서비스"), w.t("overall", "종합")]
            .into_iter()
            .chain(CRITERIA.iter().map(|k| criterion_name(k, w).1))
            .chain([w.t("reasons (amber and red)", "사유 (주의·위험)")])
            .collect();
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        ws.set_column_width(0, 22)?;
        ws.set_column_width_pixels(1, 70)?;
        for c in 0..CRITERIA.len() as u16 {
            ws.set_column_width_pixels(2 + c, 90)?;
        }
        let last = 2 + CRITERIA.len() as u16;
        ws.set_column_width(last, 120)?;
        for (r, card) in ev.scorecards.iter().enumerate() {
            let row = 1 + r as u32;
            ws.write_string(row, 0, entity_name(&card.id, &card.name, lang))?;
            let ratings =
                std::iter::once(card.overall).chain(CRITERIA.iter().map(|k| card.score(k).rating));
            for (c, rating) in ratings.enumerate() {
                ws.write_string_with_format(
                    row,
                    1 + c as u16,
                    rating_word(rating, w),
                    &fill(rating),
                )?;
            }
            let reasons: Vec<String> = card
                .scores
                .iter()
                .filter(|s| s.rating != Rating::Green)
                .map(|s| format!("{}: {}", criterion_name(s.criterion, w).1, s.reason))
                .collect();
            ws.write_string(row, last, reasons.join("\n"))?;
        }
        ws.set_freeze_panes(1, 1)?;
        for (name, csv) in sheets {
            csv_sheet(wb.add_worksheet().set_name(*name)?, csv)?;
        }
        let run = w.t("run", "실행 정보");
        about_sheet(wb.add_worksheet().set_name(run)?, about)?;
        wb.save_to_buffer()
    };
    build().map_err(xerr)
}

/// The stress test's workbook: the grid of P(any gap) with a colour scale
/// (Excel's own conditional formatting, restylable), every cell's figures,
/// and how the test was made.
pub fn stress_workbook(
    r: &StressResult,
    csv: &[u8],
    about: &[(&str, String)],
    lang: Language,
) -> Result<Vec<u8>> {
    let w = Words(lang);
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut wb = workbook(&r.scenario)?;
        let ws = wb.add_worksheet().set_name(w.t("heatmap", "히트맵"))?;
        let bold = Format::new().set_bold().set_align(FormatAlign::Center);
        let pct = Format::new().set_num_format("0.0%");
        let title = match w.ko() {
            true => format!("{}: {}의 부족 확률", r.scenario, r.entity),
            false => format!("{}: P(any gap) of {}", r.scenario, r.entity),
        };
        ws.write_string(0, 0, title)?;
        ws.write_string_with_format(1, 0, format!("{} \\ {}", r.y.key, r.x.key), &bold)?;
        ws.set_column_width(0, 24)?;
        for (i, l) in r.x.labels.iter().enumerate() {
            ws.write_string_with_format(1, 1 + i as u16, l, &bold)?;
        }
        // Rows top-down from the last y label, as the chart draws them.
        let ny = r.y.labels.len().max(1);
        for (j, l) in r.y.labels.iter().enumerate() {
            ws.write_string_with_format(2 + (ny - 1 - j) as u32, 0, l, &bold)?;
        }
        for c in &r.cells {
            let row = 2 + (ny - 1 - c.y) as u32;
            ws.write_number_with_format(row, 1 + c.x as u16, c.p_any_gap.estimate, &pct)?;
        }
        let last_col = r.x.labels.len().max(1) as u16;
        let scale = ConditionalFormat3ColorScale::new()
            .set_minimum_color("#440154")
            .set_midpoint_color("#21918C")
            .set_maximum_color("#FDE725");
        ws.add_conditional_format(2, 1, 1 + ny as u32, last_col, &scale)?;
        ws.set_freeze_panes(2, 1)?;
        csv_sheet(wb.add_worksheet().set_name(w.t("cells", "칸별 결과"))?, csv)?;
        about_sheet(wb.add_worksheet().set_name(w.t("run", "실행 정보"))?, about)?;
        wb.save_to_buffer()
    };
    build().map_err(xerr)
}
