//! The page of a scenario discovery: for each service, the box of inputs
//! where its gaps concentrate, with the box's coverage and density and
//! their Monte Carlo intervals, how to read them, the trade-off charts and
//! how to make the page again.

use std::fmt::Write;

use fundgap::analysis::discover::{Discoveries, Discovery};
use fundgap::format::{percent, thousands};
use fundgap::model::Language;
use fundgap::stats::Proportion;

use super::{Made, analysis_end, analysis_facts, esc, note_line, page_head, rows_table};
use crate::lang::{Words, entity_name};
use crate::terminal::analyses::discovery as sentences;

/// A share with its 95% Wilson interval: "41% [38–44%]".
fn share(p: Proportion) -> String {
    format!(
        "{} [{}–{}]",
        percent(p.estimate, 0),
        percent(p.lo, 0).trim_end_matches('%'),
        percent(p.hi, 0)
    )
}

/// The chosen box's density and coverage as proportions of the held-out
/// trials they count.
fn box_shares(e: &Discovery) -> Option<(Proportion, Proportion)> {
    let h = e.held_out?;
    Some((
        Proportion::new(h.gaps_in_box, h.in_box),
        Proportion::new(h.gaps_in_box, h.gaps),
    ))
}

/// The boxes, one row per service (and the portfolio).
fn boxes(h: &mut String, d: &Discoveries, lang: Language) {
    let w = Words(lang);
    let _ = writeln!(
        h,
        "<h2>{}</h2>",
        esc(w.t("Where the gaps come from", "재원 부족이 생기는 조건"))
    );
    let head = [
        w.t("service", "서비스"),
        w.t("P(any gap), all trials", "부족 확률 (전체 시행)"),
        w.t("P(gap) in the box [95%]", "조건 안 부족 확률 [95%]"),
        w.t(
            "coverage: share of all gaps [95%]",
            "포괄률: 전체 부족 중 비율 [95%]",
        ),
        w.t("share of trials in the box", "조건 안 시행 비율"),
        w.t("inputs limited", "제한된 입력 수"),
    ];
    let rows: Vec<Vec<String>> = d
        .entities
        .iter()
        .map(|e| {
            let mut row = vec![entity_name(&e.id, &e.name, lang), percent(e.base_rate, 1)];
            match (box_shares(e), e.limits.is_empty()) {
                (Some((density, coverage)), false) => row.extend([
                    share(density),
                    share(coverage),
                    percent(e.chosen.map_or(0.0, |s| s.support), 0),
                    e.limits.len().to_string(),
                ]),
                _ => row.extend(["–", "–", "–", "0"].map(String::from)),
            }
            row
        })
        .collect();
    rows_table(h, &head, &rows, true);
    // The boxes as rules, in the terminal's sentences (its heading aside).
    h.push_str("<ul>\n");
    for line in sentences(d, lang).lines().skip(1) {
        let _ = writeln!(h, "<li>{}</li>", esc(line.trim()));
    }
    h.push_str("</ul>\n");
    let note = if w.ko() {
        format!(
            "읽는 법: PRIM은 시행 {}회에서 부족이 난 시행이 몰려 있는 입력 범위(상자)를 한 번에 {}씩 깎아 가며 찾습니다. 조건 안 부족 확률(밀도)이 전체 부족 확률보다 높을수록 그 조건이 위험 신호이고, 포괄률은 전체 부족 중 그 조건 안에서 생긴 몫입니다(최소 {}). 상자는 짝수 번째 시행으로 찾고, 밀도와 포괄률은 상자를 고르는 데 쓰지 않은 홀수 번째 시행에서 잽니다(그곳에서 전체 부족 확률보다 밀도가 높지 않은 상자는 보고하지 않음). 괄호는 그 시행에서의 95% Wilson 구간입니다. 경계값은 시나리오 파일의 단위이며, 입력은 시나리오 워크북의 항목 이름으로 적었습니다(다른 서비스의 입력은 [서비스 id]를 앞에 붙임; --set 경로는 discovery.csv에 있음).",
            thousands(d.trials as f64, 0),
            percent(d.alpha, 0),
            percent(d.min_coverage, 0)
        )
    } else {
        format!(
            "How to read this: PRIM searches {} trials for the ranges of inputs (a box) where the trials with a gap concentrate, peeling {} of the box at a time. The higher the P(gap) in the box (its density) against the P(any gap) of all trials, the stronger the warning sign; the coverage is the share of all gaps that fall in the box (at least {}). The box is found on the even trials and its density and coverage are measured on the odd ones, which played no part in choosing it (a box no denser there than P(any gap) is not reported); the brackets are 95% Wilson intervals on those trials. Limits are in the scenario file's units, and inputs are --set paths (a service's own without service.<id>.).",
            thousands(d.trials as f64, 0),
            percent(d.alpha, 0),
            percent(d.min_coverage, 0)
        )
    };
    note_line(h, &note);
}

/// The report of a scenario discovery, as HTML text; `charts` are its
/// trade-off charts as SVG files.
pub fn discover_html(
    d: &Discoveries,
    made: &Made,
    lang: Language,
    charts: &[(String, Vec<u8>)],
) -> String {
    let w = Words(lang);
    let what = if w.ko() {
        format!(
            "PRIM 시행 {}회, 입력은 시나리오 단위({} {})",
            thousands(d.trials as f64, 0),
            made.model.currency(),
            made.model.unit()
        )
    } else {
        format!(
            "PRIM over {} trials, inputs in the scenario's units ({} {})",
            thousands(d.trials as f64, 0),
            made.model.currency(),
            made.model.unit()
        )
    };
    let names: String = d.entities.iter().map(|e| e.name.as_str()).collect();
    let title = format!(
        "{} — {}",
        made.model.name(),
        w.t("what leads to a gap", "부족으로 이어지는 조건")
    );
    let facts = analysis_facts(made, lang, &what);
    let mut h = page_head(&title, made.model.description(), &facts, lang, &names);
    boxes(&mut h, d, lang);
    analysis_end(h, made, lang, charts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The intervals count the held-out trials: 100 in the box, 80 of
    /// them with a gap, of 160 gaps.
    #[test]
    fn shares_count_the_held_out_trials() {
        let e = Discovery {
            id: "a".into(),
            name: "A".into(),
            base_rate: 0.2,
            limits: Vec::new(),
            chosen: Some(fundgap::analysis::discover::Step {
                coverage: 0.5,
                density: 0.8,
                support: 0.125,
            }),
            held_out: Some(fundgap::analysis::discover::HeldOut {
                trials: 800,
                gaps: 160,
                in_box: 100,
                gaps_in_box: 80,
            }),
            path: Vec::new(),
        };
        let (density, coverage) = box_shares(&e).unwrap();
        assert_eq!(density.estimate, 0.8);
        assert_eq!(coverage.estimate, 0.5);
        assert!(density.lo < 0.8 && 0.8 < density.hi);
        assert!(share(density).starts_with("80% ["), "{}", share(density));
    }
}
