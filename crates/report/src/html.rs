//! `report.html`: a run (or an evaluation, scorecard first) in one
//! self-contained file a researcher can attach or print — the scenario,
//! the result table, every chart inline as SVG, and how to reproduce it. No scripts and no network: styles are
//! inline, and when the report shows Hangul the chart font is embedded
//! (a browser without a Korean font would draw boxes). Prints to A4.

use std::fmt::Write;

use fundgap::model::{Language, Model};
use fundgap::stats::Report;

use super::charts::{hangul_font, has_hangul};
use super::lang::{
    Money, MoneyOf, SharesBasis, Words, criterion_name, entity_name, provenance_sentence,
    rating_word,
};
use crate::files::RunInfo;
use crate::terminal::{
    funding_cells, funding_note, gap_kinds, result_cells, run_facts, stop_cells,
};
use fundgap::analysis::evaluate::{CRITERIA, Evaluation, Rating};
use fundgap::analysis::sensitivity::Sensitivity;

/// The report's file name.
pub const FILE: &str = "report.html";

/// `s` with the characters HTML gives meaning to escaped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 (RFC 4648), for the embedded font.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(A[(n >> shift & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

const STYLE: &str = "
@page { size: A4; margin: 14mm; }
body { font-family: 'fundgap-sans', sans-serif; color: #222; max-width: 182mm;
       margin: 12mm auto; font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; border-bottom: 1px solid #bbb; }
p.facts { color: #555; margin: 0 0 3mm; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border-bottom: 1px solid #ddd; padding: 1.2mm 1.5mm; }
th { background: #f0f0f0; text-align: center; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 1.5px solid #888; }
figure { margin: 4mm 0; page-break-inside: avoid; break-inside: avoid; }
figure svg { width: 100%; height: auto; }
svg text { font-family: 'fundgap-sans', sans-serif; }
code { font-size: 9pt; background: #f4f4f4; padding: 0.5mm 1mm; word-break: break-all; }
p.note { font-size: 9pt; color: #555; }
h3 { font-size: 11pt; margin: 5mm 0 1mm; }
ul { margin: 0 0 2mm; padding-left: 5mm; }
td.green, span.green { background: #d8f0d8; }
td.amber, span.amber { background: #ffe2b0; }
td.red, span.red { background: #f6c4c0; }
table.card td { text-align: center; white-space: nowrap; }
table.card td:first-child { text-align: left; }
";

/// The start of a page: its head (with the Korean font embedded when
/// `text` or the language needs Hangul) and the scenario's heading.
fn page_start(model: &Model, report: &Report, lang: Language, text: &str) -> String {
    let money = Money::of_report(model, report, lang);
    let names: String = report.entities.iter().map(|e| e.name.as_str()).collect();
    let hangul =
        lang == Language::Ko || has_hangul(&names) || has_hangul(model.name()) || has_hangul(text);
    let font = if hangul {
        format!(
            "@font-face {{ font-family: 'fundgap-sans'; src: url(data:font/ttf;base64,{}) format('truetype'); }}",
            base64(hangul_font())
        )
    } else {
        String::new()
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{font}{STYLE}</style>\n</head>\n<body>\n",
        lang.as_str(),
        esc(model.name())
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(model.name()));
    if let Some(d) = model.description() {
        let _ = writeln!(h, "<p>{}</p>", esc(d));
    }
    let facts = run_facts(model, report, lang, &money);
    let _ = writeln!(h, "<p class=\"facts\">{}</p>", esc(&facts));
    h
}

/// A table of entities: a label and numbers per row, the last row (the
/// portfolio) set off as a total.
fn table<H: AsRef<str>, R: AsRef<[String]>>(h: &mut String, head: &[H], rows: &[R]) {
    h.push_str("<table>\n<tr>");
    for c in head {
        let _ = write!(h, "<th>{}</th>", esc(c.as_ref()));
    }
    h.push_str("</tr>\n");
    let last = rows.len().saturating_sub(1);
    for (i, row) in rows.iter().enumerate() {
        let _ = write!(h, "<tr{}>", if i == last { " class=\"total\"" } else { "" });
        for (j, c) in row.as_ref().iter().enumerate() {
            let class = if j > 0 { " class=\"n\"" } else { "" };
            let _ = write!(h, "<td{class}>{}</td>", esc(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// The result table and what its columns mean.
fn results(h: &mut String, model: &Model, report: &Report, lang: Language) {
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

/// A table's header and rows, if it has any.
type Cells = Option<(Vec<String>, Vec<Vec<String>>)>;

/// A section of the page: a heading, a table of entities and a note
/// (already escaped); nothing where there is no table.
fn section(h: &mut String, title: &str, cells: Cells, note: &str) {
    let Some((head, rows)) = cells else {
        return;
    };
    let _ = writeln!(h, "<h2>{}</h2>", esc(title));
    table(h, &head, &rows);
    let _ = writeln!(h, "<p class=\"note\">{note}</p>");
}

/// The funding that would have kept each service gap-free, when the run
/// computed it.
fn funding(h: &mut String, model: &Model, report: &Report, lang: Language) {
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
fn stops(h: &mut String, model: &Model, report: &Report, lang: Language) {
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

/// Every chart, inline.
fn figures(h: &mut String, lang: Language, charts: &[(String, Vec<u8>)]) {
    if !charts.is_empty() {
        let _ = writeln!(h, "<h2>{}</h2>", Words(lang).t("Charts", "차트"));
    }
    for (name, svg) in charts {
        let svg = String::from_utf8_lossy(svg);
        // An SVG drawn by fundgap: its text is escaped by the backend.
        let body = svg.trim_start_matches(|c| c != '<');
        let _ = writeln!(h, "<figure id=\"{}\">\n{body}\n</figure>", esc(name));
    }
}

/// How to make the same page again, and the end of the page.
fn page_end(h: &mut String, again: &str, info: &RunInfo, lang: Language) {
    let w = Words(lang);
    let _ = writeln!(h, "<h2>{}</h2>", w.t("How this run was made", "재현 방법"));
    let _ = writeln!(
        h,
        "<p>{} <code>{}</code></p>\n<p class=\"note\">fundgap {} · {} {}</p>",
        esc(w.t(
            "The same scenario file and seed give the same numbers on any machine and thread count:",
            "같은 시나리오 파일과 시드는 어떤 컴퓨터, 어떤 스레드 수에서도 같은 결과를 냅니다:",
        )),
        esc(again),
        env!("CARGO_PKG_VERSION"),
        esc(w.t("--set overrides:", "--set 변경:")),
        esc(&if info.overrides.is_empty() {
            w.t("none", "없음").to_string()
        } else {
            info.overrides.join(", ")
        })
    );
    if let Some(p) = &info.precision {
        let trials = fundgap::format::thousands(p.trials as f64, 0);
        let target = format!("{:.2}", p.worst.target * 100.0);
        let note = match (w.ko(), p.reached) {
            (false, true) => format!(
                "Run with --precision: every probability's 95% interval within ±{target} points after {trials} trials."
            ),
            (false, false) => format!(
                "Run with --precision ±{target} points: stopped at --max-trials ({trials} trials) before every interval was that narrow."
            ),
            (true, true) => format!(
                "--precision 실행: 시행 {trials}회에서 모든 확률의 95% 구간이 ±{target}%p 이내가 되었습니다."
            ),
            (true, false) => format!(
                "--precision ±{target}%p 실행: 모든 구간이 그만큼 좁아지기 전에 --max-trials(시행 {trials}회)에서 멈췄습니다."
            ),
        };
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(&note));
    }
    h.push_str("</body>\n</html>\n");
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

/// The report of an evaluation: the scorecard with every reason and the
/// main drivers first, then the run's results and the charts (the run's
/// and the tornadoes).
pub fn evaluation_html(
    model: &Model,
    report: &Report,
    info: &RunInfo,
    lang: Language,
    ev: &Evaluation,
    drivers: Option<&Sensitivity>,
    charts: &[(String, Vec<u8>)],
) -> String {
    let w = Words(lang);
    let reasons: String = ev
        .scorecards
        .iter()
        .flat_map(|c| c.scores.iter().map(|s| s.reason.as_str()))
        .collect();
    let mut h = page_start(model, report, lang, &reasons);
    let _ = writeln!(
        h,
        "<h2>{}</h2>",
        w.t("Planning-stage scorecard", "계획 단계 평가표")
    );
    h.push_str("<table class=\"card\">\n<tr>");
    let heads = [w.t("service", "서비스"), w.t("overall", "종합")]
        .into_iter()
        .chain(CRITERIA.iter().map(|k| criterion_name(k, w).1));
    for c in heads {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr>\n");
    let cell = |h: &mut String, r: Rating| {
        let _ = write!(
            h,
            "<td class=\"{}\">{}</td>",
            r.as_str(),
            esc(rating_word(r, w))
        );
    };
    for c in &ev.scorecards {
        let _ = write!(
            h,
            "<tr><td>{}</td>",
            esc(&entity_name(&c.id, &c.name, lang))
        );
        cell(&mut h, c.overall);
        for k in CRITERIA {
            cell(&mut h, c.score(k).rating);
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    let money = drivers.map(|d| Money::of_sensitivity(d, lang));
    for c in &ev.scorecards {
        let _ = writeln!(
            h,
            "<h3>{} — <span class=\"{}\">{}</span></h3>\n<ul>",
            esc(&entity_name(&c.id, &c.name, lang)),
            c.overall.as_str(),
            esc(rating_word(c.overall, w))
        );
        for s in &c.scores {
            let _ = writeln!(
                h,
                "<li><b>{}</b> (<span class=\"{}\">{}</span>): {}</li>",
                esc(criterion_name(s.criterion, w).1),
                s.rating.as_str(),
                esc(rating_word(s.rating, w)),
                esc(&s.reason)
            );
        }
        if let (Some(d), Some(money)) = (
            drivers.and_then(|d| d.entities.iter().find(|e| e.id == c.id)),
            &money,
        ) && let Some(i) = d.inputs.first().filter(|i| i.swing != 0.0)
        {
            let _ = writeln!(
                h,
                "<li><b>{}</b>: <code>{}</code> ({} {} {})</li>",
                esc(w.t("main driver", "주요 요인")),
                esc(&i.input),
                esc(w.t("gap NPV swing", "부족액 현가 변화폭")),
                esc(&money.fmt(i.swing)),
                esc(money.label())
            );
        }
        let basis = SharesBasis::RankCorrelation;
        if let Some(d) = drivers.and_then(|d| d.entities.iter().find(|e| e.id == c.id))
            && let Some(line) = provenance_sentence(&c.id, &d.variance_by_provenance, basis, w)
        {
            let _ = writeln!(h, "<li>{}</li>", esc(&line));
        }
        h.push_str("</ul>\n");
    }
    results(&mut h, model, report, lang);
    stops(&mut h, model, report, lang);
    figures(&mut h, lang, charts);
    page_end(
        &mut h,
        &info.command("evaluate", model, report.trials, lang),
        info,
        lang,
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
