//! The page of a run: the result table, the stops, the funding a service
//! needed, the charts.

use std::fmt::Write;

use fundgap::model::{Language, Model};
use fundgap::stats::Report;

use super::{esc, figures, page_end, page_start, section, table};
use crate::files::RunInfo;
use crate::lang::{Money, MoneyOf, Words};
use crate::terminal::{funding_cells, funding_note, gap_kinds, result_cells, stop_cells};

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
            "P(any gap): share of trials in which the service runs short of money in at least one year; the interval is its 95% Wilson interval (Monte Carlo uncertainty). Gap NPV: discounted sum of yearly gaps.",
            "부족 확률: 분석 기간 중 한 해라도 재원이 부족한 시행의 비율이며, 괄호는 95% Wilson 신뢰구간(몬테카를로 불확실성)입니다. 부족액 현가: 연도별 부족액의 현재가치 합.",
        )),
        esc(&format!("{}: {}", w.t("Money", "금액 단위"), money.label()))
    );
    for line in gap_kinds(model, report, w, &money).lines() {
        let _ = writeln!(h, "<p>{}</p>", esc(line));
    }
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
    figures(&mut h, lang, charts);
    page_end(
        &mut h,
        &info.command("run", model, report.trials, lang),
        info,
        lang,
    );
    h
}
