//! The page of a comparison: every variant with its rank and funding
//! requirement, every pair's paired differences, the charts.

use std::fmt::Write;

use fundgap::analysis::compare::CompareResult;
use fundgap::format::thousands;
use fundgap::model::Language;

use super::{command_end, esc, figures, korean_entity, page_head, plain_table};
use crate::lang::{Money, MoneyOf, Words};
use crate::terminal::compare::{compare_cells, compare_notes, pair_cells};

/// The report of a comparison, as HTML text. `charts` are its charts as
/// SVG files (name, bytes); `command` is how it was made.
pub fn compare_html(
    r: &CompareResult,
    lang: Language,
    charts: &[(String, Vec<u8>)],
    command: &str,
) -> String {
    let w = Words(lang);
    let money = Money::of_comparison(r, lang);
    let (head, rows) = compare_cells(r, lang, &money);
    let (pair_head, pair_rows) = pair_cells(r, lang, &money);
    let notes = compare_notes(r, lang, &money);
    let names: String = r.variants.iter().map(|v| v.name.as_str()).collect();
    let descriptions: String = r
        .variants
        .iter()
        .filter_map(|v| v.description.as_deref())
        .collect();
    let text = notes.concat() + &names + &descriptions + &head.concat();
    let title = match w.ko() {
        false => format!("{}: variants of {} compared", r.scenario, r.entity),
        true => format!("{}: {} 대안 비교", r.scenario, korean_entity(&r.entity)),
    };
    let trials = thousands(r.trials as f64, 0);
    let facts = match w.ko() {
        false => format!(
            "{} variants on {trials} common trials (seed {}); baseline {}; money in {}",
            r.variants.len(),
            r.seed,
            r.baseline,
            money.label()
        ),
        true => format!(
            "대안 {}개, 공통 시행 {trials}회 (시드 {}); 기준 {}; 금액 단위 {}",
            r.variants.len(),
            r.seed,
            r.baseline,
            money.label()
        ),
    };
    let mut h = page_head(&title, None, &facts, lang, &text);
    if !descriptions.is_empty() {
        h.push_str("<ul>\n");
        for v in &r.variants {
            if let Some(d) = &v.description {
                let _ = writeln!(h, "<li><b>{}</b>: {}</li>", esc(&v.name), esc(d));
            }
        }
        h.push_str("</ul>\n");
    }
    let _ = writeln!(h, "<h2>{}</h2>", w.t("Variants", "대안"));
    plain_table(&mut h, &head, &rows);
    for n in &notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(n));
    }
    let _ = writeln!(
        h,
        "<h2>{}</h2>",
        w.t(
            "Every pair: paired differences on the same trials",
            "모든 쌍: 같은 시행에서의 대응 차이"
        )
    );
    plain_table(&mut h, &pair_head, &pair_rows);
    let _ = writeln!(
        h,
        "<p class=\"note\">{}</p>",
        esc(w.t(
            "Each row is the variant minus the other; the other way round is its negative. A difference whose paired 95% interval excludes zero is not Monte Carlo noise.",
            "각 행은 대안에서 다른 대안을 뺀 값이며, 반대 방향은 부호만 바뀝니다. 대응 95% 구간이 0을 포함하지 않는 차이는 몬테카를로 잡음이 아닙니다.",
        ))
    );
    figures(&mut h, lang, charts);
    command_end(&mut h, command, lang);
    h
}
