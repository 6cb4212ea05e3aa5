//! The page of a sensitivity analysis: what drives each service's gap —
//! the tornado's swings with the rank correlations, the Sobol indices with
//! their bootstrap intervals, or both — how to read them, the charts and
//! how to make the page again.

use std::fmt::Write;

use fundgap::analysis::provenance::ProvenanceShares;
use fundgap::analysis::sensitivity::Sensitivity;
use fundgap::analysis::sobol::Sobol;
use fundgap::format::{percent, thousands};
use fundgap::model::Language;

use super::{Made, analysis_end, analysis_facts, esc, note_line, page_head, rows_table};
use crate::lang::{Money, MoneyOf, SharesBasis, Words, entity_name, provenance_sentence};

/// Inputs shown per service: a page has room for more than the
/// terminal's five; sensitivity.csv and sobol.csv hold every one.
const TOP: usize = 10;

/// `x [lo, hi]` with two decimals (signed when `signed`); `x` alone where
/// its interval is unknown (NaN).
fn with_interval(x: f64, lo: f64, hi: f64, signed: bool) -> String {
    match (lo.is_finite() && hi.is_finite(), signed) {
        (false, true) => format!("{x:+.2}"),
        (false, false) => format!("{x:.2}"),
        (true, true) => format!("{x:+.2} [{lo:+.2}, {hi:+.2}]"),
        (true, false) => format!("{x:.2} [{lo:.2}, {hi:.2}]"),
    }
}

/// Where an input comes from, in the page's language.
fn source_word(provenance: &str, w: Words) -> String {
    match provenance {
        "assumption" => w.t("assumption", "가정").to_string(),
        "unstated" => w.t("unstated", "출처 없음").to_string(),
        p => p.strip_prefix("source:").unwrap_or(p).to_string(),
    }
}

/// How much of `id`'s explained variance rests on assumptions, where its
/// inputs say.
fn provenance(
    h: &mut String,
    entity: (&str, &str),
    shares: &ProvenanceShares,
    basis: SharesBasis,
    w: Words,
) {
    if let Some(line) = provenance_sentence(entity, shares, basis, w) {
        let _ = writeln!(h, "<p>{}</p>", esc(&line));
    }
}

/// The tornado: each service's largest swings and rank correlations.
fn tornado(h: &mut String, t: &Sensitivity, lang: Language) {
    let w = Words(lang);
    let money = Money::of_sensitivity(t, lang);
    let _ = writeln!(
        h,
        "<h2>{}</h2>",
        esc(w.t(
            "What drives the gap: tornado and rank correlations",
            "부족을 좌우하는 입력: 토네이도와 순위상관",
        ))
    );
    let unit = money.label();
    let head = [
        w.t("input (--set path)", "입력 (--set 경로)").to_string(),
        format!(
            "{} ({unit})",
            w.t("swing of mean gap NPV", "평균 부족액 현가 변화폭")
        ),
        format!("{} ({unit})", w.t("at P10", "P10일 때")),
        format!("{} ({unit})", w.t("at P90", "P90일 때")),
        w.t(
            "rank corr. with gap NPV [95%]",
            "부족액 현가와 순위상관 [95%]",
        )
        .to_string(),
        w.t("rank corr. with any gap", "부족 여부와 순위상관")
            .to_string(),
        w.t("source", "출처").to_string(),
    ];
    for e in &t.entities {
        let _ = writeln!(
            h,
            "<h3>{} — {} {} {}</h3>",
            esc(&entity_name(&e.id, &e.name, lang)),
            esc(w.t(
                "all inputs at medians: gap NPV",
                "모든 입력이 중앙값일 때 부족액 현가"
            )),
            esc(&money.fmt(e.gap_npv_at_medians)),
            esc(unit)
        );
        let rows: Vec<Vec<String>> = e
            .inputs
            .iter()
            .take(TOP)
            .map(|i| {
                let corr = with_interval(
                    i.rank_corr_gap_npv,
                    i.rank_corr_gap_npv_lo,
                    i.rank_corr_gap_npv_hi,
                    true,
                );
                vec![
                    input_cell(&i.input, &e.id, w),
                    money.fmt(i.swing),
                    money.fmt(i.gap_npv_at_p10),
                    money.fmt(i.gap_npv_at_p90),
                    corr,
                    with_interval(
                        i.rank_corr_any_gap,
                        i.rank_corr_any_gap_lo,
                        i.rank_corr_any_gap_hi,
                        true,
                    ),
                    source_word(&i.provenance, w),
                ]
            })
            .collect();
        if rows.is_empty() {
            let _ = writeln!(
                h,
                "<p>{}</p>",
                esc(w.t(
                    "No uncertain input moves it.",
                    "움직이는 불확실 입력이 없습니다."
                ))
            );
            continue;
        }
        rows_table(h, &head, &rows, false);
        let basis = SharesBasis::RankCorrelation;
        provenance(h, (&e.id, &e.name), &e.variance_by_provenance, basis, w);
    }
    let note = if w.ko() {
        format!(
            "읽는 법: 변화폭은 다른 입력을 모두 중앙값에 두고 그 입력만 P10에서 P90으로 옮겼을 때 평균 부족액 현가가 바뀌는 양입니다(각 {}회 시행). 순위상관은 시행 {}회에서 입력과 부족액 현가가 함께 움직이는 정도(-1~+1)이며, 괄호는 Fisher z 변환에 의한 95% 구간(몬테카를로 불확실성)입니다. 구간이 0을 포함하면 이 표본으로는 영향이 있다고 말할 수 없습니다. 경로를 --set에 붙여 넣으면 그 입력을 바꿔 다시 실행할 수 있습니다.",
            thousands(t.oat_trials as f64, 0),
            thousands(t.sample as f64, 0)
        )
    } else {
        format!(
            "How to read this: the swing is how much the mean gap NPV moves when the input alone goes from its P10 to its P90, every other input at its median ({} trials each). The rank correlation says how closely the input and the gap NPV move together over {} trials (-1 to +1); the brackets are its 95% interval by Fisher's z (Monte Carlo uncertainty): where it holds 0, this sample cannot tell the input matters. Each input is a --set path: paste it to re-run with another value.",
            thousands(t.oat_trials as f64, 0),
            thousands(t.sample as f64, 0)
        )
    };
    note_line(h, &note);
}

/// The Sobol indices of each service's gap NPV, with their intervals.
fn sobol(h: &mut String, s: &Sobol, made: &Made, lang: Language) {
    let w = Words(lang);
    let sd = |v: f64| if v > 0.0 { v.sqrt() } else { 0.0 };
    let largest = s
        .entities
        .iter()
        .map(|e| sd(e.gap_npv_variance))
        .fold(0.0, f64::max);
    let money = Money::new(made.model, lang, largest);
    let _ = writeln!(
        h,
        "<h2>{}</h2>",
        esc(w.t("Sobol indices of the gap NPV", "부족액 현가의 Sobol 지수"))
    );
    let head = [
        w.t("input (--set path)", "입력 (--set 경로)"),
        w.t("first-order S [95%]", "1차 지수 S [95%]"),
        w.t("total ST [95%]", "총 지수 ST [95%]"),
        w.t("source", "출처"),
    ];
    for e in &s.entities {
        let _ = writeln!(
            h,
            "<h3>{} — {} {} {}, {} {}</h3>",
            esc(&entity_name(&e.id, &e.name, lang)),
            esc(w.t("standard deviation of gap NPV", "부족액 현가 표준편차")),
            esc(&money.fmt(sd(e.gap_npv_variance))),
            esc(money.label()),
            esc(w.t("P(any gap)", "부족 확률")),
            esc(&percent(e.p_any_gap, 1))
        );
        if e.gap_npv_variance <= 0.0 {
            let _ = writeln!(
                h,
                "<p>{}</p>",
                esc(w.t(
                    "The gap NPV does not vary: nothing to explain.",
                    "부족액 현가가 변하지 않아 설명할 것이 없습니다."
                ))
            );
            continue;
        }
        let rows: Vec<Vec<String>> = e
            .gap_npv
            .iter()
            .take(TOP)
            .map(|i| {
                vec![
                    input_cell(&i.input, &e.id, w),
                    with_interval(i.first, i.first_lo, i.first_hi, false),
                    with_interval(i.total, i.total_lo, i.total_hi, false),
                    source_word(&i.provenance, w),
                ]
            })
            .collect();
        rows_table(h, &head, &rows, false);
        let basis = SharesBasis::FirstOrder;
        provenance(
            h,
            (&e.id, &e.name),
            &e.gap_npv_variance_by_provenance,
            basis,
            w,
        );
    }
    let note = if w.ko() {
        format!(
            "읽는 법: 1차 지수 S는 부족액 현가의 분산 중 그 입력 하나로 설명되는 몫, 총 지수 ST는 다른 입력과의 상호작용까지 포함한 몫입니다(0~1). ST가 0에 가까운 입력은 고정해도 결과가 거의 바뀌지 않습니다. 괄호는 부트스트랩 95% 구간이며, 구간이 넓거나 0~1 밖으로 나가면 --sobol-trials를 늘리십시오(이번 실행: 행렬 {}행, 시행 {}회).",
            thousands(s.base as f64, 0),
            thousands(s.trials as f64, 0)
        )
    } else {
        format!(
            "How to read this: the first-order index S is the share of the gap NPV's variance the input explains alone; the total index ST adds its interactions with other inputs (both 0 to 1). An input whose ST is near 0 could be fixed without changing the result. The brackets are bootstrap 95% intervals; where they are wide or reach outside 0..1, raise --sobol-trials (this run: {} rows per matrix, {} trials).",
            thousands(s.base as f64, 0),
            thousands(s.trials as f64, 0)
        )
    };
    note_line(h, &note);
}

/// The report of a sensitivity analysis (the tornado, the Sobol indices
/// or both), as HTML text; `charts` are its charts as SVG files.
pub fn sensitivity_html(
    tornado_result: Option<&Sensitivity>,
    sobol_result: Option<&Sobol>,
    made: &Made,
    lang: Language,
    charts: &[(String, Vec<u8>)],
) -> String {
    let w = Words(lang);
    let mut what = Vec::new();
    if let Some(t) = tornado_result {
        let money = Money::of_sensitivity(t, lang);
        what.push(if w.ko() {
            format!(
                "순위상관 시행 {}회, 토네이도 각 {}회, 금액 단위 {}",
                thousands(t.sample as f64, 0),
                thousands(t.oat_trials as f64, 0),
                money.label()
            )
        } else {
            format!(
                "rank correlations over {} trials, tornado runs of {} trials, money in {}",
                thousands(t.sample as f64, 0),
                thousands(t.oat_trials as f64, 0),
                money.label()
            )
        });
    }
    if let Some(s) = sobol_result {
        what.push(if w.ko() {
            format!("Sobol 시행 {}회", thousands(s.trials as f64, 0))
        } else {
            format!(
                "Sobol indices over {} trials",
                thousands(s.trials as f64, 0)
            )
        });
    }
    let names: String = tornado_result
        .iter()
        .flat_map(|t| t.entities.iter().map(|e| e.name.as_str()))
        .chain(
            sobol_result
                .iter()
                .flat_map(|s| s.entities.iter().map(|e| e.name.as_str())),
        )
        .collect();
    let title = format!(
        "{} — {}",
        made.model.name(),
        w.t("what drives the gap", "부족을 좌우하는 입력")
    );
    let facts = analysis_facts(made, lang, &what.join("; "));
    let mut h = page_head(&title, made.model.description(), &facts, lang, &names);
    if let Some(t) = tornado_result {
        tornado(&mut h, t, lang);
    }
    if let Some(s) = sobol_result {
        sobol(&mut h, s, made, lang);
    }
    analysis_end(h, made, lang, charts)
}

/// An input's cell: its `--set` path, in Korean after the input in words.
fn input_cell(input: &str, own: &str, w: Words) -> String {
    match w.ko() {
        true => crate::lang::input_named(input, own),
        false => input.to_string(),
    }
}
