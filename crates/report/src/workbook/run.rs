//! A run's workbook: the summary in the report's language (with the
//! funding requirement and the books), native charts over the yearly
//! sheet, the yearly, horizon and 5-year plan tables, and how the run was
//! made.

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, Worksheet, XlsxError};

use fundgap::error::Result;
use fundgap::model::{Language, Model};
use fundgap::stats::Report;

use super::{Headings, TABLE_FIRST_ROW, about_sheet, workbook, write_table, xerr};
use crate::files::{RunInfo, Table, horizon_table, yearly_table};
use crate::lang::{Money, MoneyOf, Words, entity_name};
use crate::terminal::prices_note;

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
        ws.write_string(r, SUMMARY_NAME_COL, entity_name(&e.id, &e.name, w.0))?;
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
    // The funding requirement at each level, then the books where any
    // service keeps them: (heading, figure, whether money).
    type Get<'r> = Box<dyn Fn(&fundgap::stats::EntityStats) -> Option<f64> + 'r>;
    let mut more: Vec<(String, Get, bool)> = Vec::new();
    for (i, n) in report.entities[0].funding_needed.iter().enumerate() {
        let p = format!(
            "P{}",
            crate::files::level_name(n.confidence).trim_start_matches('p')
        );
        let topup = w.t(
            "top-up a year (start-year prices)",
            "연간 추가 예산 (기준연도 가격)",
        );
        let reserve = w.t("extra opening reserve", "추가 적립금");
        more.push((
            format!("{p} {topup}"),
            Box::new(move |e| Some(e.funding_needed.get(i)?.topup)),
            true,
        ));
        more.push((
            format!("{p} {reserve}"),
            Box::new(move |e| Some(e.funding_needed.get(i)?.reserve)),
            true,
        ));
    }
    if report.entities.iter().any(|e| e.capital_total.is_some()) {
        more.push((
            w.t("capital spending over the horizon", "기간 중 자본적 지출")
                .into(),
            Box::new(|e| e.capital_total.map(|c| c.cost)),
            true,
        ));
        more.push((
            w.t("of it unfunded", "그중 미확보").into(),
            Box::new(|e| e.capital_total.map(|c| c.gap)),
            true,
        ));
    }
    if report.entities.iter().any(|e| e.contract_total.is_some()) {
        more.push((
            w.t("owed to operators under contract", "계약상 시 부담")
                .into(),
            Box::new(|e| e.contract_total.map(|c| c.obligation)),
            true,
        ));
        more.push((
            w.t("operators' losses", "운영사 손실").into(),
            Box::new(|e| e.contract_total.map(|c| c.operator_loss)),
            true,
        ));
        more.push((
            w.t("P(operator leaves)", "운영사 이탈 확률").into(),
            Box::new(|e| e.contract_total.map(|c| c.p_exit.estimate)),
            false,
        ));
        more.push((
            w.t(
                "expected termination payment (해지시지급금)",
                "해지시지급금 기대값",
            )
            .into(),
            Box::new(|e| e.contract_total.map(|c| c.termination)),
            true,
        ));
    }
    for (i, (what, get, is_money)) in more.iter().enumerate() {
        let c = head.len() as u16 + i as u16;
        let head = match is_money {
            true => format!("{what} ({m})"),
            false => what.clone(),
        };
        ws.write_string_with_format(2, c, head, &bold)?;
        ws.set_column_width(c, 14.0)?;
        for (r, e) in report.entities.iter().enumerate() {
            if let Some(x) = get(e).filter(|x| x.is_finite()) {
                let (x, f) = if *is_money {
                    (per(x), &amount)
                } else {
                    (x, &pct)
                };
                ws.write_number_with_format(SUMMARY_FIRST_ROW + r as u32, c, x, f)?;
            }
        }
    }
    ws.write_string(1, 0, format!("{}: {m}", w.t("Money", "금액 단위")))?;
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
    let top = TABLE_FIRST_ROW;
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
        let first = top + i as u32 * h;
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
    let first = top + portfolio * h;
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
            w.t("money in the scenario file", "시나리오 파일의 금액 단위"),
            format!("{} {}", model.currency(), model.unit()),
        ),
        (
            w.t("money in this workbook", "이 통합문서의 금액 단위"),
            Money::of_report(model, report, w.0).label().to_string(),
        ),
        (
            w.t("discount rate", "할인율"),
            format!(
                "{}% ({})",
                model.discount_rate() * 100.0,
                match (model.discount_basis(), w.ko()) {
                    (fundgap::model::DiscountBasis::Real, true) => "실질",
                    (fundgap::model::DiscountBasis::Nominal, true) => "명목",
                    (b, false) => b.as_str(),
                }
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
        let money = Money::of_report(model, report, lang);
        let h = Headings { w, money: &money };
        write_table(wb.add_worksheet().set_name(yearly_name)?, &yearly, &h)?;
        write_table(
            wb.add_worksheet().set_name(w.t("horizon", "기간 합계"))?,
            &horizon,
            &h,
        )?;
        write_table(
            wb.add_worksheet()
                .set_name(w.t("5-year plan", "중기재정계획"))?,
            &crate::files::plan::plan_table(model, report, info.budget_year),
            &h,
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
