//! The files of the analyses: `stress.csv`, `compare.csv`,
//! `sensitivity.csv`, `evaluation.csv` and `evaluation.md` (the
//! back-test's are in [`super::backtest`]). (Their JSON is the analyses'
//! results serialised as they are.)

use fundgap::analysis::compare::CompareResult;
use fundgap::analysis::evaluate::{CRITERIA, Evaluation, Rating};
use fundgap::analysis::sensitivity::Sensitivity;
use fundgap::analysis::stress::StressResult;
use fundgap::format::{markdown_text, thousands};

use crate::files::run::{finish_csv, num, text_cell};
use crate::lang::{
    Money, MoneyOf, SharesBasis, Words, criterion_name, entity_name, provenance_sentence,
    rating_word,
};
use fundgap::model::Language;

/// `stress.csv`: one row per cell.
pub fn stress_csv(r: &StressResult) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "x_key",
        "x_value",
        "y_key",
        "y_value",
        "entity",
        "p_any_gap",
        "p_any_gap_lo",
        "p_any_gap_hi",
        "p_any_gap_se",
        "gap_npv_mean",
        "gap_npv_se",
        "gap_npv_p95",
        "gap_npv_cvar95",
        "first_year_p_gap_over_50",
        "first_year_p_gap_over_50_lo",
        "first_year_p_gap_over_50_hi",
        "p_stopped",
        "p_stopped_lo",
        "p_stopped_hi",
        "confidence",
        "topup",
        "topup_lo",
        "topup_hi",
        "stops_sooner",
    ])?;
    let f = num;
    let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
    let sooner: Vec<(usize, usize)> = r.stops_sooner().iter().map(|c| (c.x, c.y)).collect();
    for c in &r.cells {
        let need = |g: fn(&fundgap::stats::FundingNeed) -> f64| c.need.as_ref().map(g).map(f);
        w.write_record([
            text_cell(&r.x.key),
            text_cell(&r.x.labels[c.x]),
            text_cell(&r.y.key),
            text_cell(&r.y.labels[c.y]),
            text_cell(&r.entity),
            f(c.p_any_gap.estimate),
            f(c.p_any_gap.lo),
            f(c.p_any_gap.hi),
            f(c.p_any_gap.se),
            f(c.gap_npv_mean),
            f(c.gap_npv_se),
            f(c.gap_npv_p95),
            f(c.gap_npv_cvar95),
            year(c.first_year_p_gap_over_50),
            year(c.first_year_p_gap_over_50_lo),
            year(c.first_year_p_gap_over_50_hi),
            f(c.p_stopped.estimate),
            f(c.p_stopped.lo),
            f(c.p_stopped.hi),
            need(|n| n.confidence).unwrap_or_default(),
            need(|n| n.topup).unwrap_or_default(),
            need(|n| n.topup_lo).unwrap_or_default(),
            need(|n| n.topup_hi).unwrap_or_default(),
            sooner.contains(&(c.x, c.y)).to_string(),
        ])?;
    }
    finish_csv(w)
}

/// compare.csv's columns for variants that contract a service out.
const CONTRACT_COLUMNS: [&str; 5] = [
    "operator_loss_total",
    "p_operator_exit",
    "p_operator_exit_lo",
    "p_operator_exit_hi",
    "termination_mean",
];

/// `compare.csv`: one row per variant, differences against the baseline
/// (`is_baseline` marks it), its rank by mean gap NPV with the ranks the
/// paired intervals allow, and its funding requirement; where a variant
/// contracts a service out, what its operators bear and the chance one
/// leaves (as horizon.csv has them), which its city's gap leaves out.
pub fn compare_csv(r: &CompareResult) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let contracted = r.variants.iter().any(|v| v.stats.contract_total.is_some());
    let sooner = r.stops_sooner();
    let mut header = vec![
        "variant",
        "description",
        "entity",
        "p_any_gap",
        "p_any_gap_lo",
        "p_any_gap_hi",
        "gap_npv_mean",
        "gap_npv_p95",
        "gap_npv_cvar95",
        "lcc_npv_mean",
        "grant_share",
        "bcr",
        "diff_p_any_gap",
        "diff_p_any_gap_lo",
        "diff_p_any_gap_hi",
        "diff_gap_npv",
        "diff_gap_npv_lo",
        "diff_gap_npv_hi",
        "diff_gap_npv_unpaired_lo",
        "diff_gap_npv_unpaired_hi",
        "diff_lcc_npv",
        "diff_lcc_npv_lo",
        "diff_lcc_npv_hi",
        "distinguishable",
        "is_baseline",
        "rank_gap_npv",
        "rank_best",
        "rank_worst",
        "confidence",
        "topup",
        "topup_lo",
        "topup_hi",
        "p_stop",
        "p_stop_lo",
        "p_stop_hi",
        "lower_by_stopping",
    ];
    if contracted {
        header.extend(CONTRACT_COLUMNS);
    }
    w.write_record(&header)?;
    let f = num;
    for v in &r.variants {
        let s = &v.stats;
        let mut row = vec![
            text_cell(&v.name),
            text_cell(v.description.as_deref().unwrap_or_default()),
            text_cell(&r.entity),
            f(s.p_any_gap.estimate),
            f(s.p_any_gap.lo),
            f(s.p_any_gap.hi),
            f(s.gap_npv.mean),
            f(s.gap_npv.p95),
            f(s.gap_npv_cvar95),
            f(s.lcc_npv.mean),
            f(s.grant_share),
            s.bcr.map(f).unwrap_or_default(),
        ];
        match &v.vs_baseline {
            Some(d) => row.extend([
                f(d.p_any_gap.mean),
                f(d.p_any_gap.lo),
                f(d.p_any_gap.hi),
                f(d.gap_npv.mean),
                f(d.gap_npv.lo),
                f(d.gap_npv.hi),
                f(d.gap_npv.unpaired_lo),
                f(d.gap_npv.unpaired_hi),
                f(d.lcc_npv.mean),
                f(d.lcc_npv.lo),
                f(d.lcc_npv.hi),
                (d.p_any_gap.distinguishable() || d.gap_npv.distinguishable()).to_string(),
            ]),
            None => row.extend(std::iter::repeat_n(String::new(), 12)),
        }
        let need = s.funding_needed.first();
        let need = |g: fn(&fundgap::stats::FundingNeed) -> f64| need.map(g).map(f);
        row.extend([
            (v.name == r.baseline).to_string(),
            v.rank.rank.to_string(),
            v.rank.best.to_string(),
            v.rank.worst.to_string(),
            need(|n| n.confidence).unwrap_or_default(),
            need(|n| n.topup).unwrap_or_default(),
            need(|n| n.topup_lo).unwrap_or_default(),
            need(|n| n.topup_hi).unwrap_or_default(),
            f(s.p_stop.estimate),
            f(s.p_stop.lo),
            f(s.p_stop.hi),
            sooner.iter().any(|x| x.name == v.name).to_string(),
        ]);
        if contracted {
            match s.contract_total {
                Some(c) => row.extend([
                    f(c.operator_loss),
                    f(c.p_exit.estimate),
                    f(c.p_exit.lo),
                    f(c.p_exit.hi),
                    f(c.termination),
                ]),
                None => row.extend(std::iter::repeat_n(String::new(), CONTRACT_COLUMNS.len())),
            }
        }
        w.write_record(&row)?;
    }
    finish_csv(w)
}

/// `compare-pairs.csv`: one row per pair of variants, `variant` minus
/// `minus` on the same trials (the other way round is its negative).
pub fn compare_pairs_csv(r: &CompareResult) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = vec!["variant".to_string(), "minus".into(), "entity".into()];
    for k in ["p_any_gap", "gap_npv", "lcc_npv"] {
        for x in ["", "_se", "_lo", "_hi", "_unpaired_lo", "_unpaired_hi"] {
            head.push(format!("diff_{k}{x}"));
        }
    }
    head.push("distinguishable".into());
    w.write_record(&head)?;
    let f = num;
    for p in &r.pairs {
        let d = &p.differences;
        let mut row = vec![
            text_cell(&p.variant),
            text_cell(&p.minus),
            text_cell(&r.entity),
        ];
        for x in [&d.p_any_gap, &d.gap_npv, &d.lcc_npv] {
            row.extend([x.mean, x.se, x.lo, x.hi, x.unpaired_lo, x.unpaired_hi].map(f));
        }
        row.push((d.p_any_gap.distinguishable() || d.gap_npv.distinguishable()).to_string());
        w.write_record(&row)?;
    }
    finish_csv(w)
}

/// `sensitivity.csv`: one row per entity and input.
pub fn sensitivity_csv(s: &Sensitivity) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "entity",
        "input",
        "provenance",
        "p10",
        "p50",
        "p90",
        "rank_corr_gap_npv",
        "rank_corr_gap_npv_lo",
        "rank_corr_gap_npv_hi",
        "rank_corr_any_gap",
        "rank_corr_any_gap_lo",
        "rank_corr_any_gap_hi",
        "gap_npv_at_p10",
        "gap_npv_at_p90",
        "swing",
        "p_any_gap_at_p10",
        "p_any_gap_at_p10_lo",
        "p_any_gap_at_p10_hi",
        "p_any_gap_at_p90",
        "p_any_gap_at_p90_lo",
        "p_any_gap_at_p90_hi",
    ])?;
    for e in &s.entities {
        for i in &e.inputs {
            let f = |x: f64| x.to_string();
            w.write_record([
                text_cell(&e.id),
                text_cell(&i.input),
                text_cell(&i.provenance),
                f(i.p10),
                f(i.p50),
                f(i.p90),
                f(i.rank_corr_gap_npv),
                f(i.rank_corr_gap_npv_lo),
                f(i.rank_corr_gap_npv_hi),
                f(i.rank_corr_any_gap),
                f(i.rank_corr_any_gap_lo),
                f(i.rank_corr_any_gap_hi),
                f(i.gap_npv_at_p10),
                f(i.gap_npv_at_p90),
                f(i.swing),
                f(i.p_any_gap_at_p10),
                f(i.p_any_gap_at_p10_lo),
                f(i.p_any_gap_at_p10_hi),
                f(i.p_any_gap_at_p90),
                f(i.p_any_gap_at_p90_lo),
                f(i.p_any_gap_at_p90_hi),
            ])?;
        }
    }
    finish_csv(w)
}

/// `discovery.csv`: one row per limit of each entity's box (an entity
/// without one, nothing to explain, gets a row with no input), a take-over
/// decision's limit with the outcomes it admits, and the box's coverage,
/// density and support on the held-out trials.
pub fn discovery_csv(d: &fundgap::analysis::discover::Discoveries) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "entity",
        "name",
        "base_rate",
        "input",
        "low",
        "high",
        "outcome",
        "coverage",
        "coverage_lo",
        "coverage_hi",
        "density",
        "density_lo",
        "density_hi",
        "support",
    ])?;
    for e in &d.entities {
        let (cov, den, sup) = e.chosen.map_or((f64::NAN, f64::NAN, f64::NAN), |s| {
            (s.coverage, s.density, s.support)
        });
        // Wilson intervals from the held-out trials' counts.
        let interval = |k: u64, n: u64| {
            let p = fundgap::stats::Proportion::new(k, n);
            [num(p.lo), num(p.hi)]
        };
        let (cov_ci, den_ci) = e.held_out.map_or(
            (
                [num(f64::NAN), num(f64::NAN)],
                [num(f64::NAN), num(f64::NAN)],
            ),
            |h| {
                (
                    interval(h.gaps_in_box, h.gaps),
                    interval(h.gaps_in_box, h.in_box),
                )
            },
        );
        let [cov_lo, cov_hi] = cov_ci;
        let [den_lo, den_hi] = den_ci;
        let tail = [num(cov), cov_lo, cov_hi, num(den), den_lo, den_hi, num(sup)];
        let head = [text_cell(&e.id), text_cell(&e.name), num(e.base_rate)];
        if e.limits.is_empty() {
            w.write_record(
                head.iter()
                    .chain(&[String::new(), String::new(), String::new(), String::new()])
                    .chain(&tail),
            )?;
        }
        for l in &e.limits {
            let mid = [
                text_cell(&l.input),
                l.low.map(num).unwrap_or_default(),
                l.high.map(num).unwrap_or_default(),
                l.outcome.as_deref().map(text_cell).unwrap_or_default(),
            ];
            w.write_record(head.iter().chain(&mid).chain(&tail))?;
        }
    }
    finish_csv(w)
}

/// `sobol.csv`: one row per entity, output and input, with the first-order
/// and total indices and their 95% intervals.
pub fn sobol_csv(s: &fundgap::analysis::sobol::Sobol) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "entity",
        "output",
        "input",
        "provenance",
        "first",
        "first_lo",
        "first_hi",
        "total",
        "total_lo",
        "total_hi",
    ])?;
    for e in &s.entities {
        for (output, rows) in [("gap_npv", &e.gap_npv), ("any_gap", &e.any_gap)] {
            for i in rows {
                w.write_record([
                    text_cell(&e.id),
                    output.to_string(),
                    text_cell(&i.input),
                    text_cell(&i.provenance),
                    num(i.first),
                    num(i.first_lo),
                    num(i.first_hi),
                    num(i.total),
                    num(i.total_lo),
                    num(i.total_hi),
                ])?;
            }
        }
    }
    finish_csv(w)
}

/// `evaluation.csv`: one row per entity and criterion.
pub fn evaluation_csv(ev: &Evaluation) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "entity",
        "criterion",
        "rating",
        "value",
        "reason",
        "overall",
    ])?;
    for c in &ev.scorecards {
        for s in &c.scores {
            w.write_record([
                text_cell(&c.id).as_str(),
                s.criterion,
                s.rating.as_str(),
                &s.value.map(|v| v.to_string()).unwrap_or_default(),
                &text_cell(&s.reason),
                c.overall.as_str(),
            ])?;
        }
    }
    finish_csv(w)
}

/// A rating with its traffic light, in the evaluation's language.
fn mark(r: Rating, w: Words) -> String {
    let light = match r {
        Rating::Green => "🟢",
        Rating::Amber => "🟠",
        Rating::Red => "🔴",
    };
    format!("{light} {}", rating_word(r, w))
}

/// `evaluation.md`: a report for the committee, in `lang` (the reasons
/// are already in it).
pub fn evaluation_markdown(
    ev: &Evaluation,
    drivers: Option<&Sensitivity>,
    lang: Language,
) -> String {
    use std::fmt::Write;
    let w = Words(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: {}\n",
        w.t("Evaluation", "평가"),
        markdown_text(&ev.scenario)
    );
    let trials = thousands(ev.trials as f64, 0);
    let _ = writeln!(
        out,
        "{}\n",
        match w.ko() {
            false => format!(
                "{trials} trials, seed {}; money in {}. Ratings and thresholds are explained at the end.",
                ev.seed,
                markdown_text(&ev.money.to_string())
            ),
            true => format!(
                "시행 {trials}회, 시드 {}; 금액 단위 {}. 등급과 기준은 끝에 설명합니다.",
                ev.seed,
                markdown_text(&ev.money.to_string())
            ),
        }
    );
    let _ = write!(
        out,
        "| {} | {} |",
        w.t("service", "서비스"),
        w.t("overall", "종합")
    );
    for c in CRITERIA {
        let _ = write!(out, " {} |", criterion_name(c, w).1);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "|---|---|{}", "---|".repeat(CRITERIA.len()));
    for c in &ev.scorecards {
        let name = markdown_text(&entity_name(&c.id, &c.name, lang));
        let _ = write!(out, "| {name} | {} |", mark(c.overall, w));
        for k in CRITERIA {
            let _ = write!(out, " {} |", rating_word(c.score(k).rating, w));
        }
        let _ = writeln!(out);
    }
    let money = drivers.map(|d| Money::of_sensitivity(d, lang));
    for c in &ev.scorecards {
        let name = markdown_text(&entity_name(&c.id, &c.name, lang));
        let _ = writeln!(out, "\n## {name} — {}\n", mark(c.overall, w));
        for s in &c.scores {
            let _ = writeln!(
                out,
                "- **{}** ({}): {}",
                criterion_name(s.criterion, w).1,
                rating_word(s.rating, w),
                markdown_text(&s.reason)
            );
        }
        if let (Some(d), Some(money)) = (
            drivers.and_then(|d| d.entities.iter().find(|e| e.id == c.id)),
            &money,
        ) {
            let top: Vec<String> = d
                .inputs
                .iter()
                .take(3)
                .filter(|i| i.swing != 0.0)
                .map(|i| {
                    format!(
                        "{} ({} {} {}, {} {:.2})",
                        markdown_text(&i.input),
                        w.t("swing", "변화폭"),
                        money.fmt(i.swing),
                        markdown_text(money.label()),
                        w.t("rank correlation", "순위상관"),
                        i.rank_corr_gap_npv
                    )
                })
                .collect();
            if !top.is_empty() {
                let _ = writeln!(
                    out,
                    "- **{}**: {}",
                    w.t("what drives the gap", "부족을 좌우하는 입력"),
                    top.join("; ")
                );
            }
            let basis = SharesBasis::RankCorrelation;
            if let Some(line) =
                provenance_sentence((&d.id, &d.name), &d.variance_by_provenance, basis, w)
            {
                let _ = writeln!(out, "- {}", markdown_text(&line));
            }
        }
    }
    let _ = writeln!(
        out,
        "\n## {}\n",
        w.t("How ratings are set", "등급을 정하는 방법")
    );
    let _ = writeln!(
        out,
        "{}\n",
        w.t(
            "Overall is red when funding sustainability is red or two criteria are red, amber when any criterion is red or two are amber, green otherwise. Thresholds (`[evaluation]` in the scenario):",
            "재원 지속성이 위험이거나 위험 항목이 둘 이상이면 종합 위험, 위험 항목이 하나 있거나 주의 항목이 둘 이상이면 종합 주의, 그 밖에는 양호입니다. 기준값(시나리오의 `[evaluation]`):",
        )
    );
    for (k, v) in &ev.thresholds.0 {
        let _ = writeln!(out, "- `{k}` = {v}");
    }
    out
}
