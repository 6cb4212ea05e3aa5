//! The page of a stress grid: every cell's figures, the notes that say
//! which to read (and where a cut only stops the service sooner), the
//! earliest safe withdrawal year, the heatmap.

use std::fmt::Write;

use fundgap::analysis::stress::StressResult;
use fundgap::format::thousands;
use fundgap::model::Language;

use super::{command_end, esc, figures, korean_entity, page_head, plain_table};
use crate::lang::{Money, MoneyOf, Words};
use crate::terminal::stress::{safe_years, stress_cells, stress_notes};

/// The report of a stress grid, as HTML text. `charts` are its charts as
/// SVG files (name, bytes); `command` is how it was made.
pub fn stress_html(
    r: &StressResult,
    target: f64,
    lang: Language,
    charts: &[(String, Vec<u8>)],
    command: &str,
) -> String {
    let w = Words(lang);
    let money = Money::of_stress(r, lang);
    let (head, rows) = stress_cells(r, lang, &money);
    let notes = stress_notes(r, lang, &money);
    let text: String = notes.concat() + &r.entity + &head.concat();
    let title = match w.ko() {
        false => format!("{}: stress test of {}", r.scenario, r.entity),
        true => format!(
            "{}: {} 스트레스 테스트",
            r.scenario,
            korean_entity(&r.entity)
        ),
    };
    let trials = thousands(r.trials as f64, 0);
    let facts = match w.ko() {
        false => format!(
            "{} cells, {trials} trials each on the same random numbers (seed {}); money in {}",
            r.cells.len(),
            r.seed,
            money.label()
        ),
        true => format!(
            "{}개 조건, 조건마다 같은 난수로 시행 {trials}회 (시드 {}); 금액 단위 {}",
            r.cells.len(),
            r.seed,
            money.label()
        ),
    };
    let mut h = page_head(&title, None, &facts, lang, &text);
    let _ = writeln!(h, "<h2>{}</h2>", w.t("Every cell", "조건별 결과"));
    plain_table(&mut h, &head, &rows);
    for n in &notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(n));
    }
    let safe = safe_years(r, target, lang);
    if let Some((first, rest)) = safe.split_first() {
        let _ = writeln!(
            h,
            "<h2>{}</h2>\n<p>{}</p>\n<ul>",
            esc(w.t(
                "Earliest safe withdrawal year",
                "가장 이른 안전한 삭감 시작 연도"
            )),
            esc(first)
        );
        for l in rest {
            let _ = writeln!(h, "<li>{}</li>", esc(l.trim()));
        }
        h.push_str("</ul>\n");
    }
    figures(&mut h, lang, charts);
    command_end(&mut h, command, lang);
    h
}
