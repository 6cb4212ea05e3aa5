//! The page of an evaluation: the scorecard with every reason and the main
//! drivers, then the run's results.

use std::fmt::Write;

use fundgap::analysis::evaluate::{CRITERIA, Evaluation, Rating};
use fundgap::analysis::sensitivity::Sensitivity;
use fundgap::model::{Language, Model};
use fundgap::stats::Report;

use super::run::{results, stops};
use super::{esc, figures, page_end, page_start};
use crate::files::RunInfo;
use crate::lang::{
    Money, MoneyOf, SharesBasis, Words, criterion_name, entity_name, provenance_sentence,
    rating_word,
};

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
                "<li><b>{}</b>: {}<code>{}</code> ({} {} {})</li>",
                esc(w.t("main driver", "주요 요인")),
                match w.ko() {
                    true => format!("{} ", esc(&crate::lang::input_words(&i.input, &c.id))),
                    false => String::new(),
                },
                esc(&i.input),
                esc(w.t("gap NPV swing", "부족액 현가 변화폭")),
                esc(&money.fmt(i.swing)),
                esc(money.label())
            );
        }
        let basis = SharesBasis::RankCorrelation;
        if let Some(d) = drivers.and_then(|d| d.entities.iter().find(|e| e.id == c.id))
            && let Some(line) =
                provenance_sentence((&d.id, &d.name), &d.variance_by_provenance, basis, w)
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
