//! What a comparison prints, and the tables its page shows too: every
//! variant with its rank and funding requirement, the differences against
//! the baseline, and every pair.

use std::fmt::Write;

use fundgap::analysis::compare::{CompareResult, Difference, Differences, Rank};
use fundgap::format::{percent, thousands};
use fundgap::model::Language;

use super::run::{aligned, share};
use super::stress::need_head;
use crate::lang::{Money, MoneyOf, Words, columns, pad};

/// A signed difference with its interval, e.g. `-12.3 pts [-13.0, -11.6]`.
fn signed_points(d: &Difference, w: Words) -> String {
    format!(
        "{:+.1} {} [{:+.1}, {:+.1}]",
        d.mean * 100.0,
        w.t("pts", "%p"),
        d.lo * 100.0,
        d.hi * 100.0
    )
}

fn signed_money(d: &Difference, money: &Money) -> String {
    money.signed_interval(d.mean, d.lo, d.hi)
}

/// Whether a difference is noise, in words.
fn verdict(x: &Difference, w: Words) -> &'static str {
    if x.exact() && x.mean == 0.0 {
        w.t("the same in every trial", "모든 시행에서 같음")
    } else if x.exact() {
        w.t(
            "the same difference in every trial",
            "모든 시행에서 같은 차이",
        )
    } else if x.distinguishable() {
        w.t("distinguishable", "유의한 차이")
    } else {
        w.t("within noise", "잡음 범위")
    }
}

/// A rank and the ranks its intervals allow: "2 (1–3)".
pub fn rank_text(r: &Rank) -> String {
    if r.best == r.worst {
        r.rank.to_string()
    } else {
        format!("{} ({}–{})", r.rank, r.best, r.worst)
    }
}

/// The variants as a table: a header, then one row per variant in the
/// order given.
pub fn compare_cells(
    r: &CompareResult,
    lang: Language,
    money: &Money,
) -> (Vec<String>, Vec<Vec<String>>) {
    let w = Words(lang);
    let mut head: Vec<String> = [
        w.t("variant", "대안"),
        w.t("P(any gap) [95% CI]", "부족 확률 [95% 신뢰구간]"),
        w.t("vs baseline (paired 95% CI)", "기준 대비 (대응 95% 구간)"),
        w.t("gap NPV mean", "부족액 현가 평균"),
        w.t("rank (possible)", "순위 (가능 범위)"),
        w.t("gap NPV P95", "부족액 현가 P95"),
        w.t("LCC NPV", "생애주기비용 현가"),
        w.t("grants", "보조금 비중"),
        w.t("BCR", "B/C"),
    ]
    .map(str::to_string)
    .to_vec();
    if let Some(q) = r.confidence {
        head.push(need_head(q, w));
    }
    let stops = r.variants.iter().any(|v| v.stats.p_stop.estimate > 0.0);
    if stops {
        head.push(
            w.t("P(stopped) [95% CI]", "중단·축소 확률 [95% 신뢰구간]")
                .to_string(),
        );
    }
    let sooner = r.stops_sooner();
    let contracted = r.variants.iter().any(|v| v.stats.contract_total.is_some());
    if contracted {
        head.push(w.t("operators' loss", "운영사 손실").to_string());
        head.push(
            w.t(
                "P(operator leaves) [95% CI]",
                "운영사 이탈 확률 [95% 신뢰구간]",
            )
            .to_string(),
        );
    }
    let rows = r
        .variants
        .iter()
        .map(|v| {
            let s = &v.stats;
            let diff = match &v.vs_baseline {
                Some(d) => signed_points(&d.p_any_gap, w),
                None => w.t("baseline", "기준").to_string(),
            };
            // `!` as stress marks a cell: lower only because it stops.
            let mark = match sooner.iter().any(|x| x.name == v.name) {
                true => " !",
                false => "",
            };
            let mut row = vec![
                v.name.clone(),
                share(&s.p_any_gap),
                diff,
                format!("{}{mark}", money.fmt(s.gap_npv.mean)),
                rank_text(&v.rank),
                money.fmt(s.gap_npv.p95),
                money.fmt(s.lcc_npv.mean),
                percent(s.grant_share, 0),
                s.bcr
                    .map(|b| format!("{b:.2}"))
                    .unwrap_or_else(|| "-".into()),
            ];
            if let Some(n) = s.funding_needed.first() {
                row.push(money.with_interval(n.topup, n.topup_lo, n.topup_hi));
            }
            if stops {
                row.push(share(&s.p_stop));
            }
            if contracted {
                match s.contract_total {
                    Some(c) => row.extend([money.fmt(c.operator_loss), share(&c.p_exit)]),
                    None => row.extend(["-".to_string(), "-".to_string()]),
                }
            }
            row
        })
        .collect();
    (head, rows)
}

/// Every pair as a table: `variant` minus `minus`, P(any gap) and gap NPV
/// with their paired intervals and whether each is noise.
pub fn pair_cells(
    r: &CompareResult,
    lang: Language,
    money: &Money,
) -> (Vec<String>, Vec<Vec<String>>) {
    let w = Words(lang);
    let head = [
        w.t("variant", "대안"),
        w.t("minus", "빼는 대안"),
        w.t(
            "P(any gap) (paired 95% CI)",
            "부족 확률 차이 (대응 95% 구간)",
        ),
        w.t("", ""),
        w.t(
            "gap NPV (paired 95% CI)",
            "부족액 현가 차이 (대응 95% 구간)",
        ),
        w.t("", ""),
    ]
    .map(str::to_string)
    .to_vec();
    let rows = r
        .pairs
        .iter()
        .map(|p| {
            let d: &Differences = &p.differences;
            vec![
                p.variant.clone(),
                p.minus.clone(),
                signed_points(&d.p_any_gap, w),
                verdict(&d.p_any_gap, w).to_string(),
                signed_money(&d.gap_npv, money),
                verdict(&d.gap_npv, w).to_string(),
            ]
        })
        .collect();
    (head, rows)
}

/// What the ranks and the requirement mean, one sentence each.
pub fn compare_notes(r: &CompareResult, lang: Language, money: &Money) -> Vec<String> {
    let w = Words(lang);
    let mut notes = vec![match w.ko() {
        false => format!(
            "Money in {}. Rank: by mean gap NPV (1: the lowest); in brackets, the ranks the paired intervals leave possible, all variants' at once with 95% confidence (a variant ranks below another only where their difference excludes zero, each pair's interval widened so that every pair holds together).",
            money.label()
        ),
        true => format!(
            "금액 단위 {}. 순위: 부족액 현가 평균 기준(1: 가장 낮음); 괄호는 대응 구간이 허용하는 순위 범위로, 모든 대안에 대해 동시에 95% 신뢰수준입니다(차이의 구간이 0을 포함하지 않을 때만 순위가 갈림; 모든 쌍이 함께 성립하도록 각 구간을 넓힘).",
            money.label()
        ),
    }];
    if let Some(b) = r.baseline_variant() {
        for v in r.stops_sooner() {
            let (p, pb) = (
                percent(v.stats.p_stop.estimate, 1),
                percent(b.stats.p_stop.estimate, 1),
            );
            notes.push(match w.ko() {
                false => format!(
                    "! {}: its gap NPV is below {}'s while more trials stop or cut the service (P(stopped) {p} against {pb}): the difference may be a shorter service, not a cheaper one (the top-up, reckoned as planned, is free of this).",
                    v.name, b.name
                ),
                true => format!(
                    "! {}: 부족액 현가가 {}보다 낮지만 서비스를 중단·축소하는 시행도 더 많습니다 (중단·축소 확률 {p}, 기준 {pb}): 더 싸게 운영해서가 아니라 더 짧게 운영해서 생긴 차이일 수 있습니다 (계획대로 운영할 때로 계산하는 추가 예산에는 이런 치우침이 없습니다).",
                    v.name, b.name
                ),
            });
        }
    }
    if r.variants.iter().any(|v| v.stats.contract_total.is_some()) {
        notes.push(w.t(
            "Operators' loss: what contracted operators bear over the horizon (nominal), which the city's gap leaves out; a variant that ranks well by handing cost to an operator likely to leave (P(operator leaves)) may get that cost back when it does.",
            "운영사 손실: 계약한 운영사가 기간 중 떠안는 손실(명목)로, 시의 부족액에는 들지 않습니다; 비용을 운영사에 넘겨 순위가 높은 대안도 운영사가 떠날 가능성(운영사 이탈 확률)이 크면 떠날 때 그 비용이 시로 돌아올 수 있습니다.",
        ).to_string());
    }
    // An operator that loses money and never leaves is, most likely, one
    // the scenario gives no rule to leave by: its losses hold the city's
    // gap down in every trial.
    for v in &r.variants {
        let Some(c) = v.stats.contract_total else {
            continue;
        };
        if c.operator_loss > 0.0 && c.p_exit.estimate == 0.0 {
            let loss = money.with_unit(c.operator_loss);
            notes.push(match w.ko() {
                false => format!(
                    "{}: its operators lose {loss} over the horizon on average and leave in no trial: without a rule to leave by (`exit_after_loss_years` in the service's [delivery]), an operator bears any loss for the whole contract, and the city's gap looks that much smaller.",
                    v.name
                ),
                true => format!(
                    "{}: 운영사가 기간 중 평균 {loss}을 잃지만 어느 시행에서도 떠나지 않습니다: 떠나는 규칙(서비스 [delivery]의 `exit_after_loss_years`)이 없으면 운영사가 계약 기간 내내 어떤 손실이든 떠안는 것으로 계산되어, 시의 부족액이 그만큼 작게 보입니다.",
                    v.name
                ),
            });
        }
    }
    if let Some(q) = r.confidence {
        let q = percent(q, 0);
        notes.push(match w.ko() {
            false => format!("Top-up: the constant yearly amount (start-year prices) that would have kept {} gap-free in {q} of trials in that variant, as `run --confidence` reports it, for the services run as planned (a service the city stops counts at what keeping it would have needed).", r.entity),
            true => format!("추가 예산: 그 대안에서 시행의 {q}에서 {}의 부족을 없앴을 매년 같은 금액(기준연도 가격)으로, `run --confidence`와 같은 값입니다(계획대로 운영할 때의 금액이므로, 시가 중단하는 서비스는 계속 운영했다면 필요했을 금액으로 셉니다).", crate::lang::entity_name(&r.entity, &r.entity, Language::Ko)),
        });
    }
    notes
}

/// The comparison as printed: the variants, which differences from the
/// baseline are not noise, and every pair.
pub fn compare(r: &CompareResult, lang: Language) -> String {
    let w = Words(lang);
    let money = Money::of_comparison(r, lang);
    let mut out = String::new();
    let (trials, seed, unit) = (thousands(r.trials as f64, 0), r.seed, money.label());
    let _ = if w.ko() {
        writeln!(
            out,
            "{} — {} 비교, 공통 시행 {trials}회 (시드 {seed}); 금액 단위 {unit}",
            r.scenario,
            crate::lang::entity_label(&r.entity, &r.entity_name, lang)
        )
    } else {
        writeln!(
            out,
            "{} — {} compared on {trials} common trials (seed {seed}); money in {unit}",
            r.scenario, r.entity
        )
    };
    let (head, rows) = compare_cells(r, lang, &money);
    aligned(&mut out, &head, &rows);
    let first = r
        .variants
        .iter()
        .map(|v| columns(&v.name))
        .max()
        .unwrap_or(8);
    let base = &r.baseline;
    let _ = if w.ko() {
        writeln!(
            out,
            "{base} 대비 (대응 95% 구간이 0을 포함하지 않는 차이는 잡음이 아님):"
        )
    } else {
        writeln!(
            out,
            "Against {base} (differences whose paired 95% interval excludes zero are not noise):"
        )
    };
    for v in &r.variants {
        let Some(d) = &v.vs_baseline else { continue };
        let narrower = if d.gap_npv.se > 0.0 {
            let k = d.gap_npv.unpaired_se / d.gap_npv.se;
            match w.ko() {
                true => format!("; 대응 구간이 독립 비교보다 {k:.1}배 좁음"),
                false => format!("; paired interval {k:.1}x narrower than unpaired"),
            }
        } else {
            String::new()
        };
        let (gap, npv) = (
            w.t("P(any gap)", "부족 확률"),
            w.t("gap NPV", "부족액 현가"),
        );
        let _ = writeln!(
            out,
            "  {}  {gap} {} ({}); {npv} {} ({}){narrower}",
            pad(&v.name, first, false),
            signed_points(&d.p_any_gap, w),
            verdict(&d.p_any_gap, w),
            signed_money(&d.gap_npv, &money),
            verdict(&d.gap_npv, w),
        );
    }
    if r.pairs.len() > r.variants.len().saturating_sub(1) {
        let _ = writeln!(
            out,
            "{}",
            w.t(
                "Every pair (variant minus the other, on the same trials):",
                "모든 쌍 (같은 시행에서 대안에서 다른 대안을 뺀 값):"
            )
        );
        let (head, rows) = pair_cells(r, lang, &money);
        let mut table = String::new();
        aligned(&mut table, &head, &rows);
        for l in table.lines() {
            let _ = writeln!(out, "  {l}");
        }
    }
    for n in compare_notes(r, lang, &money) {
        let _ = writeln!(out, "{n}");
    }
    out
}
