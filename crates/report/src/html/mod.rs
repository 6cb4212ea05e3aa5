//! `report.html`: a result (a run, an evaluation scorecard first, a stress
//! grid, a comparison) in one
//! self-contained file a researcher can attach or print — the scenario,
//! the result table, every chart inline as SVG, and how to reproduce it. No scripts and no network: styles are
//! inline, and when the report shows Hangul the chart font is embedded
//! (a browser without a Korean font would draw boxes). Wide on screen (tables of several confidence levels stay on one line); prints to A4 landscape.

mod compare;
mod discover;
mod evaluation;
mod run;
mod sensitivity;
mod stress;

use std::fmt::Write;

use fundgap::model::{Language, Model};
use fundgap::stats::Report;

use crate::charts::{hangul_font, has_hangul};
use crate::files::RunInfo;
use crate::lang::{Money, MoneyOf, Words};
use crate::terminal::run_facts;

pub use compare::compare_html;
pub use discover::discover_html;
pub use evaluation::evaluation_html;
pub use run::run_html;
pub use sensitivity::sensitivity_html;
pub use stress::stress_html;

/// Where an analysis's page comes from: the scenario it read, the run's
/// record (`--set`s) and the command line that makes it again.
pub struct Made<'a> {
    pub model: &'a Model,
    pub info: &'a RunInfo,
    /// The command as typed, without where it wrote or how it ran.
    pub command: String,
}

/// The facts line of an analysis's page: the scenario's services, years
/// and seed, then `what` (the analysis's own sizes and money).
pub(crate) fn analysis_facts(made: &Made, lang: Language, what: &str) -> String {
    let m = made.model;
    let (n, seed) = (m.services().len(), m.seed());
    let years = format!("{}–{}", m.start_year(), m.end_year());
    if Words(lang).ko() {
        format!("서비스 {n}개, {years}년, 시드 {seed}; {what}")
    } else {
        format!("{n} service(s), {years}, seed {seed}; {what}")
    }
}

/// A note (plain text, escaped here) in the page's small print.
pub(crate) fn note_line(h: &mut String, note: &str) {
    let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(note));
}

/// The end of an analysis's page: its charts, then how to make it again.
pub(crate) fn analysis_end(
    mut h: String,
    made: &Made,
    lang: Language,
    charts: &[(String, Vec<u8>)],
) -> String {
    figures(&mut h, lang, charts);
    page_end(&mut h, &made.command, made.info, lang);
    h
}

/// An analysis's entity as a Korean title names it: the portfolio as
/// 전체, a service by its id.
pub(crate) fn korean_entity(id: &str) -> String {
    crate::lang::entity_name(id, id, Language::Ko)
}

/// The report's file name.
pub const FILE: &str = "report.html";

/// `s` with the characters HTML gives meaning to escaped.
pub(crate) fn esc(s: &str) -> String {
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
pub(crate) fn base64(bytes: &[u8]) -> String {
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

pub(crate) const STYLE: &str = "
@page { size: A4 landscape; margin: 12mm; }
body { font-family: 'fundgap-sans', sans-serif; color: #222; max-width: 1400px;
       margin: 12mm auto; padding: 0 6mm; font-size: 10.5pt; line-height: 1.45; }
@media print { body { max-width: none; margin: 0; padding: 0; } }
figure svg { max-width: 1000px; }
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

/// The start of any page, for results with or without a run behind them:
/// the HTML head (with the Korean font embedded when `lang` is Korean or
/// any of `title`, `description`, `facts` or `extra_text` — names the
/// page shows further down — holds Hangul), the `title` heading, the
/// `description` and the `facts` line (all plain text, escaped here).
pub(crate) fn page_head(
    title: &str,
    description: Option<&str>,
    facts: &str,
    lang: Language,
    extra_text: &str,
) -> String {
    let hangul = lang == Language::Ko
        || [title, description.unwrap_or_default(), facts, extra_text]
            .iter()
            .any(|t| has_hangul(t));
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
        esc(title)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(title));
    if let Some(d) = description {
        let _ = writeln!(h, "<p>{}</p>", esc(d));
    }
    let _ = writeln!(h, "<p class=\"facts\">{}</p>", esc(facts));
    h
}

/// The start of a run's page: [`page_head`] with the scenario's name,
/// description and the run's facts (`text`: more the page shows).
pub(crate) fn page_start(model: &Model, report: &Report, lang: Language, text: &str) -> String {
    let money = Money::of_report(model, report, lang);
    let names: String = report.entities.iter().map(|e| e.name.as_str()).collect();
    let facts = run_facts(model, report, lang, &money);
    page_head(
        model.name(),
        model.description(),
        &facts,
        lang,
        &format!("{names}{text}"),
    )
}

/// A table of entities: a label and numbers per row, the last row (the
/// portfolio) set off as a total.
pub(crate) fn table<H: AsRef<str>, R: AsRef<[String]>>(h: &mut String, head: &[H], rows: &[R]) {
    rows_table(h, head, rows, true);
}

/// A table of a label and numbers per row, no row set off.
pub(crate) fn plain_table<H: AsRef<str>, R: AsRef<[String]>>(
    h: &mut String,
    head: &[H],
    rows: &[R],
) {
    rows_table(h, head, rows, false);
}

/// A table of a label and numbers per row, the last row set off as a
/// total when `total`.
pub(crate) fn rows_table<H: AsRef<str>, R: AsRef<[String]>>(
    h: &mut String,
    head: &[H],
    rows: &[R],
    total: bool,
) {
    h.push_str("<table>\n<tr>");
    for c in head {
        let _ = write!(h, "<th>{}</th>", esc(c.as_ref()));
    }
    h.push_str("</tr>\n");
    let last = if total {
        rows.len().checked_sub(1)
    } else {
        None
    };
    for (i, row) in rows.iter().enumerate() {
        let class = if Some(i) == last {
            " class=\"total\""
        } else {
            ""
        };
        let _ = write!(h, "<tr{class}>");
        for (j, c) in row.as_ref().iter().enumerate() {
            let class = if j > 0 { " class=\"n\"" } else { "" };
            let _ = write!(h, "<td{class}>{}</td>", esc(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// A table's header and rows, if it has any.
pub(crate) type Cells = Option<(Vec<String>, Vec<Vec<String>>)>;

/// A section of the page: a heading, a table of entities and a note
/// (already escaped); nothing where there is no table.
pub(crate) fn section(h: &mut String, title: &str, cells: Cells, note: &str) {
    let Some((head, rows)) = cells else {
        return;
    };
    let _ = writeln!(h, "<h2>{}</h2>", esc(title));
    table(h, &head, &rows);
    let _ = writeln!(h, "<p class=\"note\">{note}</p>");
}

/// Every chart, inline.
pub(crate) fn figures(h: &mut String, lang: Language, charts: &[(String, Vec<u8>)]) {
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
pub(crate) fn page_end(h: &mut String, again: &str, info: &RunInfo, lang: Language) {
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

/// How to make an analysis's page again (its command line), and the end
/// of the page.
pub(crate) fn command_end(h: &mut String, command: &str, lang: Language) {
    let w = Words(lang);
    let _ = writeln!(h, "<h2>{}</h2>", w.t("How this was made", "재현 방법"));
    let _ = writeln!(
        h,
        "<p>{} <code>{}</code></p>\n<p class=\"note\">fundgap {}</p>",
        esc(w.t(
            "The same command, scenario file and seed give the same numbers on any machine and thread count:",
            "같은 명령, 시나리오 파일과 시드는 어떤 컴퓨터, 어떤 스레드 수에서도 같은 결과를 냅니다:",
        )),
        esc(command),
        env!("CARGO_PKG_VERSION"),
    );
    h.push_str("</body>\n</html>\n");
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
