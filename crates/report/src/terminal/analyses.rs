//! What the analyses print on the terminal: the drivers of the gap and
//! the evaluation scorecard (the stress grid's is in `stress.rs`, the
//! comparison's in `compare.rs`).

use std::fmt::Write;

use fundgap::format::{percent, thousands};
use fundgap::model::Language;

use crate::lang::{
    Money, MoneyOf, SharesBasis, Words, columns, entity_label, pad, provenance_sentence,
};

/// A limit's value as a reader wants it: whole numbers with separators
/// when large, a few significant digits when small.
fn limit_value(x: f64) -> String {
    let a = x.abs();
    if a >= 100.0 {
        thousands(x, 0)
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// A box's limits as a rule: "opex_ratio > 0.180 and
/// funding.city-budget.amount < 480" (the entity's own inputs without
/// their `service.<id>.` prefix; in Korean, in words: "운영비율 > 0.180
/// 이고 재원 city-budget 금액 < 480").
pub fn rule(id: &str, limits: &[fundgap::analysis::discover::Limit], lang: Language) -> String {
    let prefix = format!("service.{id}.");
    let parts: Vec<String> = limits
        .iter()
        .map(|l| {
            let own = l.input.strip_prefix(&prefix).unwrap_or(&l.input);
            let words;
            let name = match (lang, &l.outcome) {
                (Language::Ko, None) => {
                    words = crate::lang::input_words(&l.input, id);
                    words.as_str()
                }
                _ => own,
            };
            if let Some(o) = &l.outcome {
                // The decision's draw means nothing to a reader; what the
                // city decided does.
                let w = Words(lang);
                let said: Vec<&str> = o
                    .split("_or_")
                    .map(|o| match o {
                        "stops" => w.t("stops it", "'중단'"),
                        "shrinks" => w.t("shrinks it", "'축소'"),
                        _ => w.t("keeps it as it is", "'유지'"),
                    })
                    .collect();
                return match w.ko() {
                    false => format!("the take-over decision ({name}) {}", said.join(" or ")),
                    true => format!("지방비 전환 결정({name}) 결과가 {}", said.join(" 또는 ")),
                };
            }
            match (l.low, l.high) {
                (Some(lo), Some(hi)) => {
                    format!("{} < {name} < {}", limit_value(lo), limit_value(hi))
                }
                (Some(lo), None) => format!("{name} > {}", limit_value(lo)),
                (None, Some(hi)) => format!("{name} < {}", limit_value(hi)),
                (None, None) => name.to_string(),
            }
        })
        .collect();
    parts.join(Words(lang).t(" and ", " 이고 "))
}

/// What leads each entity to a gap, one sentence each.
pub fn discovery(d: &fundgap::analysis::discover::Discoveries, lang: Language) -> String {
    let w = Words(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}",
        d.scenario,
        match w.ko() {
            false => format!(
                "where gaps come from (PRIM over {} trials: boxes found on half of them, density and coverage measured on the other half; coverage: share of all gaps in the box)",
                thousands(d.trials as f64, 0)
            ),
            true => format!(
                "재원 부족이 생기는 조건 (PRIM, 시행 {}회: 절반으로 조건을 찾고 나머지 절반으로 밀도와 포괄률을 잼; 포괄률: 전체 부족 중 조건 안의 비율)",
                thousands(d.trials as f64, 0)
            ),
        }
    );
    for e in &d.entities {
        let name = entity_label(&e.id, &e.name, lang);
        let base = percent(e.base_rate, 1);
        let line = match (e.chosen, e.limits.is_empty(), w.ko()) {
            (Some(s), false, false) => format!(
                "{name}: a gap in {} of trials where {} (against {base} overall); these trials hold {} of all its gaps",
                percent(s.density, 0),
                rule(&e.id, &e.limits, lang),
                percent(s.coverage, 0)
            ),
            (Some(s), false, true) => format!(
                "{name}: {}일 때 시행의 {}에서 부족 (전체 {base}); 이 시행들에 전체 부족의 {}가 있음",
                rule(&e.id, &e.limits, lang),
                percent(s.density, 0),
                percent(s.coverage, 0)
            ),
            (_, _, false) if e.base_rate == 0.0 => format!("{name}: no gap in any trial"),
            (_, _, true) if e.base_rate == 0.0 => format!("{name}: 어느 시행에서도 부족 없음"),
            (_, _, false) if e.base_rate == 1.0 => {
                format!("{name}: a gap in every trial, whatever the inputs")
            }
            (_, _, true) if e.base_rate == 1.0 => {
                format!("{name}: 입력과 관계없이 모든 시행에서 부족")
            }
            (_, _, false) if e.base_rate >= 0.99 => {
                format!("{name}: a gap in {base} of trials, almost whatever the inputs")
            }
            (_, _, true) if e.base_rate >= 0.99 => {
                format!("{name}: 입력과 거의 관계없이 시행의 {base}에서 부족")
            }
            (_, _, false) => format!(
                "{name}: gaps ({base} of trials) do not concentrate in any box of inputs holding {} of them",
                percent(d.min_coverage, 0)
            ),
            (_, _, true) => format!(
                "{name}: 부족({base})이 전체 부족의 {}를 담는 어떤 입력 조건에도 몰려 있지 않음",
                percent(d.min_coverage, 0)
            ),
        };
        let _ = writeln!(out, "  {line}");
    }
    out
}

/// The top `top` inputs of each entity's gap NPV by total Sobol index.
pub fn sobol(s: &fundgap::analysis::sobol::Sobol, top: usize, lang: Language) -> String {
    let w = Words(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}",
        s.scenario,
        match w.ko() {
            false => format!(
                "Sobol indices of the gap NPV (first-order S: the input alone; total ST: with its interactions; 95% intervals; {} trials)",
                thousands(s.trials as f64, 0)
            ),
            true => format!(
                "부족액 현가의 Sobol 지수 (1차 S: 입력 단독; 총 ST: 상호작용 포함; 95% 구간; 시행 {}회)",
                thousands(s.trials as f64, 0)
            ),
        }
    );
    for e in &s.entities {
        let _ = writeln!(out, "{}", entity_label(&e.id, &e.name, lang));
        if e.gap_npv_variance <= 0.0 {
            let _ = writeln!(
                out,
                "  {}",
                w.t(
                    "(the gap NPV does not vary: nothing to explain)",
                    "(부족액 현가가 변하지 않아 설명할 것이 없음)"
                )
            );
            continue;
        }
        let shown: Vec<_> = e.gap_npv.iter().take(top).collect();
        let names = named_inputs(shown.iter().map(|i| i.input.as_str()), &e.id, lang);
        for (i, name) in shown.iter().zip(&names) {
            let _ = writeln!(
                out,
                "  {}  S {:.2} [{:.2}, {:.2}]   ST {:.2} [{:.2}, {:.2}]",
                name, i.first, i.first_lo, i.first_hi, i.total, i.total_lo, i.total_hi
            );
        }
        let basis = SharesBasis::FirstOrder;
        let shares = &e.gap_npv_variance_by_provenance;
        if let Some(line) = provenance_sentence((&e.id, &e.name), shares, basis, w) {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// Each input's `--set` path padded to a column, in Korean after the
/// input in words ([`crate::lang::input_words`]), also padded: the rows of
/// one entity's table.
fn named_inputs<'a>(
    inputs: impl Iterator<Item = &'a str> + Clone,
    own: &str,
    lang: Language,
) -> Vec<String> {
    let width = inputs.clone().map(columns).max().unwrap_or(0);
    let words: Vec<String> = match lang {
        Language::Ko => inputs
            .clone()
            .map(|i| crate::lang::input_words(i, own))
            .collect(),
        Language::En => Vec::new(),
    };
    let wide = words.iter().map(|w| columns(w)).max().unwrap_or(0);
    inputs
        .enumerate()
        .map(|(k, i)| match words.get(k) {
            Some(w) => format!("{}  {}", pad(w, wide, false), pad(i, width, false)),
            None => pad(i, width, false),
        })
        .collect()
}

/// The top `top` drivers of each entity's gap.
pub fn sensitivity(
    s: &fundgap::analysis::sensitivity::Sensitivity,
    top: usize,
    lang: Language,
) -> String {
    let w = Words(lang);
    let money = Money::of_sensitivity(s, lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        match w.ko() {
            false => format!(
                "{} — what drives the gap (tornado swing of mean gap NPV, P10 -> P90, {}; rank correlation over {} trials)",
                s.scenario,
                money.label(),
                thousands(s.sample as f64, 0)
            ),
            true => format!(
                "{} — 부족을 좌우하는 입력 (토네이도: 입력 P10 -> P90일 때 평균 부족액 현가의 변화, {}; 순위상관은 시행 {}회 기준)",
                s.scenario,
                money.label(),
                thousands(s.sample as f64, 0)
            ),
        }
    );
    for e in &s.entities {
        let _ = writeln!(
            out,
            "{} ({} {})",
            entity_label(&e.id, &e.name, lang),
            w.t(
                "all inputs at medians: gap NPV",
                "모든 입력이 중앙값일 때 부족액 현가"
            ),
            money.fmt(e.gap_npv_at_medians)
        );
        // Full --set paths, so the next question is one copy and paste
        // away; in Korean after the input in words.
        let shown: Vec<_> = e.inputs.iter().take(top).collect();
        let names = named_inputs(shown.iter().map(|i| i.input.as_str()), &e.id, lang);
        for (i, name) in shown.iter().zip(&names) {
            let _ = writeln!(
                out,
                "  {}  {} {:>10}   {} {:+.2}",
                name,
                w.t("swing", "변화폭"),
                money.fmt(i.swing),
                w.t("rank corr", "순위상관"),
                i.rank_corr_gap_npv
            );
        }
        let basis = SharesBasis::RankCorrelation;
        if let Some(line) =
            provenance_sentence((&e.id, &e.name), &e.variance_by_provenance, basis, w)
        {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// The evaluation scorecard.
pub fn scorecard(
    ev: &fundgap::analysis::evaluate::Evaluation,
    drivers: Option<&fundgap::analysis::sensitivity::Sensitivity>,
    lang: Language,
) -> String {
    use fundgap::analysis::evaluate::{CRITERIA, Rating};
    let w = Words(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}",
        ev.scenario,
        match w.ko() {
            false => format!(
                "planning-stage scorecard ({} trials)",
                thousands(ev.trials as f64, 0)
            ),
            true => format!(
                "계획 단계 평가표 (시행 {}회)",
                thousands(ev.trials as f64, 0)
            ),
        }
    );
    let service = w.t("service", "서비스");
    let first = ev
        .scorecards
        .iter()
        .map(|c| columns(&entity_label(&c.id, &c.name, lang)))
        .chain([columns(service)])
        .max()
        .unwrap_or(9);
    // Ratings are shouted when they need attention, in English; Korean
    // has no capitals, so its words stand as they are.
    let word = |r: Rating| match (r, w.ko()) {
        (Rating::Green, _) | (_, true) => crate::lang::rating_word(r, w).to_string(),
        (r, false) => crate::lang::rating_word(r, w).to_uppercase(),
    };
    let heads: Vec<&str> = std::iter::once(w.t("overall", "종합"))
        .chain(CRITERIA.iter().map(|k| crate::lang::criterion_name(k, w).0))
        .collect();
    let cw = heads.iter().map(|h| columns(h)).max().unwrap_or(7).max(7);
    let _ = write!(out, "{}", pad(service, first, false));
    for h in &heads {
        let _ = write!(out, "  {}", pad(h, cw, false));
    }
    let _ = writeln!(out);
    for c in &ev.scorecards {
        let _ = write!(
            out,
            "{}",
            pad(&entity_label(&c.id, &c.name, lang), first, false)
        );
        let ratings = std::iter::once(c.overall).chain(CRITERIA.iter().map(|k| c.score(k).rating));
        for r in ratings {
            let _ = write!(out, "  {}", pad(&word(r), cw, false));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "{}",
        w.t("Reasons (amber and red):", "사유 (주의·위험):")
    );
    for c in &ev.scorecards {
        let name = entity_label(&c.id, &c.name, lang);
        for s in c.scores.iter().filter(|s| s.rating != Rating::Green) {
            let _ = writeln!(
                out,
                "  {} / {}: {}",
                name,
                crate::lang::criterion_name(s.criterion, w).1,
                s.reason
            );
        }
        if let Some(all) = drivers
            && let Some(d) = all.entities.iter().find(|e| e.id == c.id)
            && let Some(i) = d.inputs.first().filter(|i| i.swing != 0.0)
        {
            let money = Money::of_sensitivity(all, lang);
            let prefix = format!("service.{}.", c.id);
            let _ = writeln!(
                out,
                "  {} / {}: {} ({} {} {})",
                name,
                w.t("main driver", "주요 요인"),
                match lang {
                    Language::En => i
                        .input
                        .strip_prefix(&prefix)
                        .unwrap_or(&i.input)
                        .to_string(),
                    Language::Ko => crate::lang::input_words(&i.input, &c.id),
                },
                w.t("gap NPV swing", "부족액 현가 변화폭"),
                money.fmt(i.swing),
                money.label()
            );
        }
        let basis = SharesBasis::RankCorrelation;
        if let Some(d) = drivers.and_then(|all| all.entities.iter().find(|e| e.id == c.id))
            && let Some(line) =
                provenance_sentence((&d.id, &d.name), &d.variance_by_provenance, basis, w)
        {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}
