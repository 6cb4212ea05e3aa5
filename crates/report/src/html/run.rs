//! The page of a run: the result table, the stops, the funding a service
//! needed, the charts.

use std::fmt::Write;

use fundgap::model::{Language, Model};
use fundgap::stats::Report;

use super::{esc, figures, page_end, page_start, plain_table, section, table};
use crate::columns::{Kind, column};
use crate::files::plan::plan_table;
use crate::files::{Cell, RunInfo};
use crate::lang::{Money, MoneyOf, Words, entity_name};
use crate::terminal::{
    books_summary, funding_cells, funding_note, gap_kinds, result_cells, stop_cells,
};

/// The result table and what its columns mean.
pub(super) fn results(h: &mut String, model: &Model, report: &Report, lang: Language) {
    let w = Words(lang);
    let money = Money::of_report(model, report, lang);
    let _ = writeln!(h, "<h2>{}</h2>", w.t("Results", "결과"));
    let (head, cells) = result_cells(report, lang, &money);
    table(h, &head, &cells);
    let _ = writeln!(
        h,
        "<p class=\"note\">{} {}</p>",
        esc(w.t(
            "P(any gap): share of trials in which the service runs short of money in at least one year; the interval is its 95% Wilson interval (Monte Carlo uncertainty). P(gap)>50%: the first year in which more than half of the trials have a gap, or a range of years where P(gap) is within Monte Carlo error of 50%. Gap NPV: discounted sum of yearly gaps.",
            "부족 확률: 분석 기간 중 한 해라도 재원이 부족한 시행의 비율이며, 괄호는 95% Wilson 신뢰구간(몬테카를로 불확실성)입니다. 부족 50% 초과: 절반 넘는 시행에서 부족이 생기는 첫 해이며, 부족 확률이 몬테카를로 오차 안에서 50%와 구별되지 않으면 연도 범위입니다. 부족액 현가: 연도별 부족액의 현재가치 합.",
        )),
        esc(&format!("{}: {}", w.t("Money", "금액 단위"), money.label()))
    );
    for line in gap_kinds(model, report, w, &money).lines() {
        let _ = writeln!(h, "<p>{}</p>", esc(line));
    }
    let books = books_summary(model, report, w, &money);
    if !books.is_empty() {
        let _ = writeln!(
            h,
            "<h2>{}</h2>",
            w.t(
                "Capital, contracts and what the city may owe",
                "자본적 지출, 계약과 시의 부담"
            )
        );
        h.push_str("<ul>\n");
        for line in books.lines() {
            let _ = writeln!(h, "<li>{}</li>", esc(line));
        }
        h.push_str("</ul>\n");
    }
}

/// The five years of a 중기지방재정계획 from the run's budget year: money
/// by source, cost, capital and the gap, in the report's unit (won per
/// resident, shares of the general account where the scenario states
/// them).
pub(super) fn plan(h: &mut String, model: &Model, report: &Report, info: &RunInfo, lang: Language) {
    let w = Words(lang);
    let money = Money::of_report(model, report, lang);
    let t = plan_table(model, report, info.budget_year);
    let Some(first) = t.rows.first().and_then(|r| match r.get(1) {
        Some(Cell::Year(Some(y))) => Some(*y),
        _ => None,
    }) else {
        return;
    };
    let _ = writeln!(
        h,
        "<h2>{} ({first}–{})</h2>",
        w.t("The 5-year plan (중기지방재정계획)", "중기지방재정계획"),
        first + 4
    );
    let head: Vec<String> = t
        .header
        .iter()
        .map(|c| {
            let col = column(c, w);
            match col.kind {
                Kind::Money => format!("{} ({})", col.label, money.label()),
                Kind::PerResident => format!("{} ({})", col.label, w.t("won", "원")),
                _ => col.label,
            }
        })
        .collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(&t.header)
                .map(|(cell, name)| match cell {
                    Cell::Text(id) => report
                        .entities
                        .iter()
                        .find(|e| e.id == *id)
                        .map_or_else(|| id.clone(), |e| entity_name(&e.id, &e.name, lang)),
                    Cell::Year(y) => y.map(|y| y.to_string()).unwrap_or_default(),
                    Cell::Num(x) => match column(name, w).kind {
                        Kind::Money => money.fmt(*x),
                        Kind::PerResident => fundgap::format::thousands(*x, 0),
                        // A share of the general account is often under 0.1%.
                        Kind::Share if *x != 0.0 && x.abs() < 0.001 => {
                            fundgap::format::percent(*x, 4)
                        }
                        Kind::Share => fundgap::format::percent(*x, 2),
                        _ => fundgap::format::thousands(*x, 2),
                    },
                })
                .collect()
        })
        .collect();
    plain_table(h, &head, &rows);
    let _ = writeln!(
        h,
        "<p class=\"note\">{}</p>",
        esc(w.t(
            "Nominal amounts (current prices), the mean of each source over trials; the operating cost at its median (P50) and 90th percentile (P90), the gap at its mean and P90; unfunded capital is capital spending no money covers (not in the gap). The plan starts at the budget year (--from, by default this year, moved into the horizon); the same table is plan.csv.",
            "명목 금액(경상가격)이며, 재원별 금액은 시행 평균, 운영비는 중앙값(P50)과 90백분위(P90), 부족액은 평균과 P90입니다. 자본적 지출 미확보액은 어떤 재원도 덮지 않는 자본적 지출입니다(부족액에 포함되지 않음). 계획은 예산연도(--from, 기본값은 올해이며 분석 기간 안으로 옮김)부터 시작하며, 같은 표가 plan.csv에 있습니다.",
        ))
    );
}

/// The funding that would have kept each service gap-free, when the run
/// computed it.
pub(super) fn funding(h: &mut String, model: &Model, report: &Report, lang: Language) {
    let w = Words(lang);
    section(
        h,
        w.t(
            "Funding that would have kept each service gap-free",
            "재원 부족을 막는 데 필요했던 추가 재원",
        ),
        funding_cells(model, report, lang),
        &format!(
            "{} {}",
            esc(funding_note(lang)),
            esc(w.t("Start-year prices.", "기준연도 가격."))
        ),
    );
}

/// Which services stop or shrink, when, and what that avoided: only
/// where a stop rule or take-over decision can stop one.
pub(super) fn stops(h: &mut String, model: &Model, report: &Report, lang: Language) {
    let w = Words(lang);
    section(
        h,
        w.t(
            "Stops and shrinks: the stop rule and the take-over decision",
            "중단과 축소: 중단 규칙과 지방비 전환 결정",
        ),
        stop_cells(model, report, lang),
        &esc(w.t(
            "A stopped service costs nothing more and gets no more money; a shrunk one runs on at its stated share. Its gap NPV counts only what it ran short while it ran; the last column is the gap had it been kept running as planned. The yearly chances of each state are in yearly.csv (p_continued, p_shrunk, p_stopped).",
            "중단된 서비스는 더 이상 비용도 재원도 없고, 축소된 서비스는 정해진 비율로 계속 운영됩니다. 부족액 현가는 운영한 기간의 부족만 셉니다. 마지막 열은 계획대로 계속 운영했을 때의 부족액입니다. 연도별 상태 확률은 yearly.csv(p_continued, p_shrunk, p_stopped)에 있습니다.",
        )),
    );
}

/// The report of a run, as HTML text. `charts` are the run's charts as SVG
/// files (name, bytes), in the order they are shown.
pub fn run_html(
    model: &Model,
    report: &Report,
    info: &RunInfo,
    lang: Language,
    charts: &[(String, Vec<u8>)],
) -> String {
    let mut h = page_start(model, report, lang, "");
    results(&mut h, model, report, lang);
    stops(&mut h, model, report, lang);
    funding(&mut h, model, report, lang);
    plan(&mut h, model, report, info, lang);
    figures(&mut h, lang, charts);
    page_end(
        &mut h,
        &info.command("run", model, report.trials, lang),
        info,
        lang,
    );
    h
}
