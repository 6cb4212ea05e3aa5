//! What a stress grid prints, and the cells and notes its page shows too:
//! one row per cell (P(any gap), the mean gap NPV, P(stopped), the funding
//! requirement), the notes that say which figures to read, and the
//! earliest safe withdrawal year.

use std::fmt::Write;

use fundgap::analysis::stress::{CellResult, StressResult, year_ranges};
use fundgap::format::{percent, thousands};
use fundgap::model::Language;

use super::run::{aligned, share};
use crate::lang::{Money, MoneyOf, Words};

/// An axis's key as a reader names it.
pub fn axis_name(key: &str, w: Words) -> String {
    match key {
        "cut" => w.t("cut", "삭감률").to_string(),
        "withdrawal_year" => w.t("withdrawal year", "삭감 시작 연도").to_string(),
        k => k.to_string(),
    }
}

/// The requirement's column heading, e.g. "P90 top-up a year [95% CI]".
pub(crate) fn need_head(q: f64, w: Words) -> String {
    let p = format!("P{}", crate::files::level_name(q).trim_start_matches('p'));
    match w.ko() {
        false => format!("{p} top-up a year [95% CI]"),
        true => format!("{p} 연간 추가 예산 [95% 신뢰구간]"),
    }
}

/// The marker of a cell whose cut lowers the gap by stopping the service.
pub const STOP_MARK: &str = "!";

/// The grid as a table: a header, then one row per cell (in the order of
/// the y axis, then the x axis). A cell in [`StressResult::stops_sooner`]
/// has its mean gap NPV marked with [`STOP_MARK`].
pub fn stress_cells(
    r: &StressResult,
    lang: Language,
    money: &Money,
) -> (Vec<String>, Vec<Vec<String>>) {
    let w = Words(lang);
    let mut head = vec![axis_name(&r.x.key, w)];
    if !r.y.key.is_empty() {
        head.push(axis_name(&r.y.key, w));
    }
    head.extend([
        w.t("P(any gap) [95% CI]", "부족 확률 [95% 신뢰구간]")
            .to_string(),
        w.t("gap NPV mean ± SE", "부족액 현가 평균 ± 표준오차")
            .to_string(),
        w.t("P(stopped) [95% CI]", "중단·축소 확률 [95% 신뢰구간]")
            .to_string(),
    ]);
    if let Some(q) = r.confidence {
        head.push(need_head(q, w));
    }
    let marked: Vec<(usize, usize)> = r.stops_sooner().iter().map(|c| (c.x, c.y)).collect();
    let mut cells: Vec<&CellResult> = r.cells.iter().collect();
    cells.sort_by_key(|c| (c.y, c.x));
    let rows = cells
        .into_iter()
        .map(|c| {
            let mut row = vec![r.x.labels[c.x].clone()];
            if !r.y.key.is_empty() {
                row.push(r.y.labels[c.y].clone());
            }
            let mark = if marked.contains(&(c.x, c.y)) {
                format!(" {STOP_MARK}")
            } else {
                String::new()
            };
            row.extend([
                share(&c.p_any_gap),
                format!("{}{mark}", money.with_error(c.gap_npv_mean, c.gap_npv_se)),
                share(&c.p_stopped),
            ]);
            if let Some(n) = c.need {
                row.push(money.with_interval(n.topup, n.topup_lo, n.topup_hi));
            }
            row
        })
        .collect();
    (head, rows)
}

/// What the reader should know to read the grid, one sentence each: the
/// unit, a P(any gap) that says nothing, the cells whose cut only stops
/// the service sooner, the years left out, what the requirement means.
pub fn stress_notes(r: &StressResult, lang: Language, money: &Money) -> Vec<String> {
    let w = Words(lang);
    let mut notes = vec![match w.ko() {
        false => format!(
            "Money in {}; gap NPV: discounted sum of yearly gaps; P(stopped): share of trials in which {} stops or shrinks under its stop rule by the horizon's end{}.",
            money.label(),
            r.entity,
            if r.entity == "portfolio" {
                " (any service)"
            } else {
                ""
            }
        ),
        true => format!(
            "금액 단위 {}; 부족액 현가: 연도별 부족액의 현재가치 합; 중단·축소 확률: 분석 기간 끝까지 {}{} 중단 규칙에 따라 중단되거나 축소된 시행의 비율.",
            money.label(),
            if r.entity == "portfolio" {
                "서비스 중 하나라도".to_string()
            } else {
                crate::lang::entity_label(&r.entity, &r.entity_name, lang)
            },
            if r.entity == "portfolio" {
                String::new()
            } else {
                fundgap::format::particle(&r.entity_name, "이", "가")
            }
        ),
    }];
    if let Some(p) = r.p_any_gap_everywhere() {
        let better = if r.entity == "portfolio" {
            w.t(
                " or report one service with --service",
                " (--service로 서비스 하나만 볼 수도 있습니다)",
            )
        } else {
            ""
        };
        notes.push(match (w.ko(), p == 0.0) {
            (false, true) => format!("P(any gap) is 0% in every cell: no cell opens a gap, so the grid's differences are in the gap NPV mean and P(stopped) columns{better}."),
            (false, false) => format!("P(any gap) is 100% in every cell: every trial has a gap whatever the cell, so read the gap NPV mean and top-up columns instead{better}."),
            (true, true) => format!("모든 조건의 부족 확률이 0%입니다: 어느 조건에서도 부족이 생기지 않으므로 차이는 부족액 현가 평균과 중단·축소 확률 열에 있습니다{better}."),
            (true, false) => format!("모든 조건의 부족 확률이 100%입니다: 조건과 관계없이 모든 시행에 부족이 있으므로 부족액 현가 평균과 추가 예산 열을 보십시오{better}."),
        });
    }
    let sooner = r.stops_sooner();
    if let (Some(c), Some(u)) = (sooner.first(), r.uncut_row()) {
        let b = r.cell(c.x, u).unwrap_or(c);
        let example = format!(
            "{}, {} {}: {} {} → {}, {} {} → {}",
            r.x.labels[c.x],
            w.t("cut", "삭감"),
            r.y.labels[c.y],
            w.t("P(stopped)", "중단·축소 확률"),
            percent(b.p_stopped.estimate, 1),
            percent(c.p_stopped.estimate, 1),
            w.t("gap NPV", "부족액 현가"),
            money.fmt(b.gap_npv_mean),
            money.fmt(c.gap_npv_mean)
        );
        notes.push(match w.ko() {
            false => format!(
                "{STOP_MARK} In {} cell(s) the cut lowers the mean gap NPV only because the service stops sooner: more of the same trials stop than uncut (e.g. {example}). A stopped service has no gap but serves no one; this is not a saving.",
                sooner.len()
            ),
            true => format!(
                "{STOP_MARK} {}개 조건에서 삭감이 부족액 현가 평균을 낮추는 것은 서비스가 더 일찍 중단되기 때문입니다: 같은 시행 중 삭감하지 않았을 때보다 더 많은 시행이 중단됩니다 (예: {example}). 중단된 서비스는 부족이 없지만 아무도 이용하지 못하므로 절감이 아닙니다.",
                sooner.len()
            ),
        });
    }
    if !r.left_out.is_empty() {
        let years = year_ranges(&r.left_out);
        notes.push(match w.ko() {
            false => format!("Withdrawal years {years} are left out: no chosen stream pays in them, so a withdrawal there would repeat another cell (after a stream's window, the uncut one)."),
            true => format!(
                "삭감 시작 연도 {years}{} 제외했습니다: 선택한 재원이 그 해에 지급하지 않으므로 다른 조건과 같은 결과입니다.",
                fundgap::format::particle(&years, "은", "는")
            ),
        });
    }
    if let Some(q) = r.confidence {
        let q = percent(q, 0);
        notes.push(match w.ko() {
            false => format!("Top-up: the constant yearly amount (start-year prices) that would have kept {} gap-free in {q} of trials under the cell's cut, as `run --confidence` reports it, for the services run as planned (a service the city stops counts at what keeping it would have needed); its interval is that quantile's 95% interval.", r.entity),
            true => format!("추가 예산: 그 조건의 삭감 아래에서 시행의 {q}에서 {}의 부족을 없앴을 매년 같은 금액(기준연도 가격)으로, `run --confidence`와 같은 값입니다(계획대로 운영할 때의 금액이므로, 시가 중단하는 서비스는 계속 운영했다면 필요했을 금액으로 셉니다). 괄호는 그 분위수의 95% 구간입니다.", crate::lang::entity_name(&r.entity, &r.entity_name, Language::Ko)),
        });
    }
    notes
}

/// The earliest withdrawal year per cut that keeps P(any gap) below
/// `target`, one line each (a withdrawal grid only).
pub fn safe_years(r: &StressResult, target: f64, lang: Language) -> Vec<String> {
    let w = Words(lang);
    if r.x.key != "withdrawal_year" {
        return Vec::new();
    }
    let mut lines = vec![match w.ko() {
        true => format!(
            "부족 확률을 {} 미만으로 유지하는 가장 이른 삭감 시작 연도 (그 해와 이후 모든 해):",
            percent(target, 0)
        ),
        false => format!(
            "Earliest withdrawal year keeping P(any gap) below {} (that year and every later one):",
            percent(target, 0)
        ),
    }];
    for (yi, safe) in r.earliest_safe(target).into_iter().enumerate() {
        let what = match safe {
            Some(x) => r.x.labels[x].clone(),
            None => w
                .t(
                    "none: even the last year tried exceeds the target",
                    "없음: 시험한 마지막 연도에 중단해도 목표를 넘음",
                )
                .to_string(),
        };
        let cut = w.t("cut", "삭감");
        lines.push(format!("  {cut} {:>4}: {what}", r.y.labels[yi]));
    }
    lines
}

/// The stress grid as printed: the cells' table, the notes and the
/// earliest safe year.
pub fn stress(r: &StressResult, target: f64, lang: Language) -> String {
    let w = Words(lang);
    let money = Money::of_stress(r, lang);
    let mut out = String::new();
    let trials = thousands(r.trials as f64, 0);
    let _ = if w.ko() {
        writeln!(
            out,
            "{} — {}의 조건별 결과 (조건마다 {trials}회 시행, 모든 조건에 같은 난수)",
            r.scenario,
            crate::lang::entity_name(&r.entity, &r.entity_name, lang)
        )
    } else {
        writeln!(
            out,
            "{} — {} per cell ({trials} trials each, same random numbers in every cell)",
            r.scenario, r.entity
        )
    };
    let (head, rows) = stress_cells(r, lang, &money);
    aligned(&mut out, &head, &rows);
    for n in stress_notes(r, lang, &money) {
        let _ = writeln!(out, "{n}");
    }
    for l in safe_years(r, target, lang) {
        let _ = writeln!(out, "{l}");
    }
    out
}
