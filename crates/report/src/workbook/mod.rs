//! `report.xlsx`: a result as an Excel workbook an analyst can restyle —
//! a run's in `run.rs`; here what every workbook shares (each table as a
//! sheet with headings in the report's language over the CSV's column
//! names, money in the report's unit, a sheet that records how the result
//! was made) and the analyses' workbooks.
//!
//! The workbook's bytes depend on the results only: its creation date is
//! fixed and the run's elapsed time is left to `summary.json`, so the same
//! scenario and seed write the same file.

use std::path::PathBuf;

use rust_xlsxwriter::{
    ConditionalFormat3ColorScale, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook,
    Worksheet, XlsxError,
};

use fundgap::analysis::stress::StressResult;

use fundgap::error::{Error, Result};
use fundgap::model::Language;

use super::lang::{Money, Words, criterion_name, entity_name, rating_word};
use crate::columns::{Kind, column};

mod run;
use crate::files::{Cell, Table};
use fundgap::analysis::evaluate::{CRITERIA, Evaluation, Rating};
pub use run::run_workbook;

/// The workbook's file name.
pub const FILE: &str = "report.xlsx";

fn xerr(e: XlsxError) -> Error {
    Error::Write {
        path: PathBuf::from(FILE),
        source: std::io::Error::other(e.to_string()),
    }
}

/// How a sheet shows a table's columns: headings in the report's
/// language, money in its unit.
#[derive(Debug, Clone, Copy)]
pub struct Headings<'m> {
    /// The language of the headings.
    pub w: Words,
    /// The unit money columns are converted to and labelled with.
    pub money: &'m Money,
}

impl Headings<'_> {
    /// The heading of column `name` (with its unit), the Excel number
    /// format of its values, and the divisor that puts them in that unit.
    fn of(&self, name: &str) -> (String, &'static str, f64) {
        let c = column(name, self.w);
        match c.kind {
            Kind::Money => (
                format!("{} ({})", c.label, self.money.label()),
                self.money.excel_format(),
                self.money.divisor(),
            ),
            Kind::PerResident => (
                format!("{} ({})", c.label, self.w.t("won", "원")),
                "#,##0",
                1.0,
            ),
            Kind::Share => (c.label, "0.0%", 1.0),
            Kind::Year => (c.label, "0", 1.0),
            Kind::Number | Kind::Text => (c.label, "#,##0.00", 1.0),
        }
    }

    /// Writes the header of a table's sheet: the reader's headings (with
    /// units) in row 0 and the CSV's column names, which programs match
    /// on, in row 1; returns each column's number format and divisor.
    fn write(
        &self,
        ws: &mut Worksheet,
        names: &[&str],
    ) -> std::result::Result<Vec<(Format, f64)>, XlsxError> {
        let bold = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center);
        let code = Format::new()
            .set_font_color(0x808080)
            .set_font_size(8)
            .set_align(FormatAlign::Center);
        let mut out = Vec::with_capacity(names.len());
        for (c, name) in names.iter().enumerate() {
            let (label, format, divisor) = self.of(name);
            ws.write_string_with_format(0, c as u16, &label, &bold)?;
            ws.write_string_with_format(1, c as u16, *name, &code)?;
            ws.set_column_width(c as u16, 14.0)?;
            out.push((Format::new().set_num_format(format), divisor));
        }
        ws.set_row_height(0, 45)?;
        ws.set_freeze_panes(TABLE_FIRST_ROW, 0)?;
        Ok(out)
    }
}

/// The first data row of a table's sheet (below the headings and the
/// column names).
const TABLE_FIRST_ROW: u32 = 2;

/// Writes `t` into `ws` as a table: headings and column names frozen,
/// typed cells, money in the report's unit.
fn write_table(ws: &mut Worksheet, t: &Table, h: &Headings) -> std::result::Result<(), XlsxError> {
    let names: Vec<&str> = t.header.iter().map(String::as_str).collect();
    let formats = h.write(ws, &names)?;
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + TABLE_FIRST_ROW;
        for (c, (cell, (f, divisor))) in row.iter().zip(&formats).enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, c, shown(s, h.w).as_ref())?;
                }
                Cell::Num(x) if x.is_finite() => {
                    ws.write_number_with_format(r, c, *x / divisor, f)?;
                }
                Cell::Year(Some(y)) => {
                    ws.write_number(r, c, *y)?;
                }
                Cell::Num(_) | Cell::Year(None) => {}
            }
        }
    }
    Ok(())
}

/// A table's text cell as a reader's sheet shows it: the tables write
/// the portfolio's name and yes-or-no in English, a Korean sheet in
/// Korean.
fn shown(s: &str, w: Words) -> std::borrow::Cow<'_, str> {
    match (w.ko(), s) {
        (true, "true") => "예".into(),
        (true, "false") => "아니오".into(),
        (true, fundgap::stats::PORTFOLIO_NAME) => entity_name("portfolio", s, Language::Ko).into(),
        _ => s.into(),
    }
}

/// One of fundgap's CSV tables as a sheet, as [`write_table`] writes a
/// run's: headings and column names, numbers as numbers, money in the
/// report's unit, text as text (without the CSV's formula guard: an Excel
/// string is never a formula).
fn csv_sheet(ws: &mut Worksheet, csv: &[u8], h: &Headings) -> std::result::Result<(), XlsxError> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv);
    let mut formats = Vec::new();
    // In Korean an input's --set path is read after its words, as the
    // report's tables show it ("운영비 비율 (service.x.opex_ratio)").
    let (mut input, mut entity) = (None, None);
    for (r, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| XlsxError::CustomError(e.to_string()))?;
        if r == 0 {
            formats = h.write(ws, &rec.iter().collect::<Vec<_>>())?;
            input = rec.iter().position(|n| n == "input").filter(|_| h.w.ko());
            entity = rec.iter().position(|n| n == "entity");
            continue;
        }
        let r = r as u32 - 1 + TABLE_FIRST_ROW;
        for (c, cell) in rec.iter().enumerate() {
            let col = c as u16;
            if Some(c) == input && !cell.is_empty() {
                let own = entity.and_then(|e| rec.get(e)).unwrap_or("");
                ws.write_string(r, col, fitted(&crate::lang::input_named(cell, own)))?;
            } else if let Ok(x) = cell.parse::<f64>() {
                match formats.get(c) {
                    Some((f, divisor)) => ws.write_number_with_format(r, col, x / divisor, f)?,
                    None => ws.write_number(r, col, x)?,
                };
            } else if !cell.is_empty() {
                let guarded = cell.starts_with('\'')
                    && cell[1..].starts_with(['=', '+', '-', '@', '\t', '\r']);
                let cell = shown(if guarded { &cell[1..] } else { cell }, h.w);
                ws.write_string(r, col, fitted(&cell))?;
            }
        }
    }
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

/// The last sheet of an analysis's workbook: how it was made, from
/// `about` (the shells' `made_by` rows, keyed in English), labelled in
/// the report's language.
fn made_by_sheet(
    wb: &mut Workbook,
    about: &[(&str, String)],
    w: Words,
) -> std::result::Result<(), XlsxError> {
    let rows: Vec<(&str, String)> = about
        .iter()
        .map(|(key, value)| {
            let label = match *key {
                "fundgap version" => w.t("fundgap version", "fundgap 버전"),
                "command" => w.t("command", "재현 명령"),
                other => other,
            };
            (label, value.clone())
        })
        .collect();
    about_sheet(wb.add_worksheet().set_name(w.t("run", "실행 정보"))?, &rows)
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
    money: &Money,
) -> Result<Vec<u8>> {
    let h = Headings {
        w: Words(lang),
        money,
    };
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut wb = workbook(title)?;
        for (name, csv) in sheets {
            csv_sheet(wb.add_worksheet().set_name(*name)?, csv, &h)?;
        }
        made_by_sheet(&mut wb, about, h.w)?;
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
    money: &Money,
) -> Result<Vec<u8>> {
    let w = Words(lang);
    let h = Headings { w, money };
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
            csv_sheet(wb.add_worksheet().set_name(*name)?, csv, &h)?;
        }
        made_by_sheet(&mut wb, about, w)?;
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
    let largest = r
        .cells
        .iter()
        .map(|c| c.gap_npv_mean.abs())
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max);
    let money = Money::for_units(&r.currency, &r.unit, w.ko(), largest);
    let h = Headings { w, money: &money };
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut wb = workbook(&r.scenario)?;
        let ws = wb.add_worksheet().set_name(w.t("heatmap", "히트맵"))?;
        let bold = Format::new().set_bold().set_align(FormatAlign::Center);
        let pct = Format::new().set_num_format("0.0%");
        let title = match w.ko() {
            true => format!(
                "{}: {}의 부족 확률",
                r.scenario,
                crate::lang::entity_label(&r.entity, &r.entity_name, Language::Ko)
            ),
            false => format!("{}: P(any gap) of {}", r.scenario, r.entity),
        };
        ws.write_string(0, 0, title)?;
        let axes = format!(
            "{} \\ {}",
            crate::terminal::stress::axis_name(&r.y.key, w),
            crate::terminal::stress::axis_name(&r.x.key, w)
        );
        ws.write_string_with_format(1, 0, axes, &bold)?;
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
        csv_sheet(
            wb.add_worksheet().set_name(w.t("cells", "조건별 결과"))?,
            csv,
            &h,
        )?;
        made_by_sheet(&mut wb, about, w)?;
        wb.save_to_buffer()
    };
    build().map_err(xerr)
}
