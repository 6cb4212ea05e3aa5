//! What a run prints on the terminal (the analyses' tables are in
//! `analysis_table.rs`).

use std::fmt::Write;

use fundgap::format::{percent, percent_interval, thousands};
use fundgap::model::{DiscountBasis, Language, Model, Prices};

use crate::lang::{Money, MoneyOf, Words, columns, entity_label, pad};
use fundgap::stats::{Proportion, Report};

/// A proportion with its interval: "12.3% [11.9%–12.7%]".
pub(crate) fn share(p: &Proportion) -> String {
    percent_interval(p.estimate, p.lo, p.hi, 1)
}
/// One line of a terminal table: the first cell left-aligned, the rest
/// right-aligned, each padded to its width in terminal columns, two spaces
/// apart.
pub fn columns_line(cells: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, (c, n)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(&pad(c, *n, i > 0));
    }
    line
}

/// A header and rows as lines, each column as wide as its widest cell.
pub fn aligned(out: &mut String, head: &[String], rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            rows.iter()
                .map(|r| columns(&r[c]))
                .chain([columns(&head[c])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let _ = writeln!(out, "{}", columns_line(head, &widths));
    for r in rows {
        let _ = writeln!(out, "{}", columns_line(r, &widths));
    }
}

/// The run's facts in one line: trials, seed, years, money, discounting.
pub fn run_facts(model: &Model, report: &Report, lang: Language, money: &Money) -> String {
    let w = Words(lang);
    let basis = match model.discount_basis() {
        DiscountBasis::Real => w.t("real", "실질"),
        DiscountBasis::Nominal => w.t("nominal", "명목"),
    };
    let (seed, unit) = (model.seed(), money.label());
    let trials = thousands(report.trials as f64, 0);
    let years = format!("{}–{}", model.start_year(), model.end_year());
    let prices = prices_note(model, lang);
    let rate = format!("{:.1}", model.discount_rate() * 100.0);
    if w.ko() {
        format!(
            "{trials}회 시행, 시드 {seed}, {years}년, 금액 단위 {unit}{prices}, 할인율 {rate}% ({basis})"
        )
    } else {
        format!(
            "{trials} trials, seed {seed}, {years}, money in {unit}{prices}, NPV at {rate}% {basis}"
        )
    }
}

/// The first year in which P(gap) exceeds 50%, or the years it may be
/// when Monte Carlo error leaves it open: from the first year whose 95%
/// interval reaches above 50% to the first whose interval lies wholly
/// above ("–never" when none does).
pub fn first_over_half(e: &fundgap::stats::EntityStats, w: Words) -> String {
    let never = w.t("never", "없음");
    match (e.first_year_p_gap_over_50_lo, e.first_year_p_gap_over_50_hi) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) => format!("{a}–{never}"),
        (None, _) => never.to_string(),
    }
}

/// The result table's header and its rows (each service, then the
/// portfolio), as text cells: what the terminal and the HTML report show.
pub fn result_cells(
    report: &Report,
    lang: Language,
    money: &Money,
) -> ([&'static str; 7], Vec<[String; 7]>) {
    let w = Words(lang);
    let head = [
        w.t("service", "서비스"),
        w.t("P(any gap) [95% CI]", "부족 확률 [95% 신뢰구간]"),
        w.t("P(gap)>50%", "부족 50% 초과"),
        w.t("gap NPV mean", "부족액 현가 평균"),
        w.t("gap NPV P95", "부족액 현가 P95"),
        w.t("grants", "보조금 비중"),
        w.t("opex", "운영비율"),
    ];
    let rows = report
        .entities
        .iter()
        .map(|e| {
            // In Korean the service's own name (usually Hangul) identifies it.
            let label = entity_label(&e.id, &e.name, w.0);
            let ci = share(&e.p_any_gap);
            [
                label,
                ci,
                first_over_half(e, w),
                money.fmt(e.gap_npv.mean),
                money.fmt(e.gap_npv.p95),
                percent(e.grant_share, 0),
                // No construction cost: no ratio to show.
                if e.opex_ratio_mean.is_finite() {
                    format!("{:.3}", e.opex_ratio_mean)
                } else {
                    "—".to_string()
                },
            ]
        })
        .collect();
    (head, rows)
}

/// The compact result table: one row per service and the portfolio, in
/// `lang`.
pub fn results(model: &Model, report: &Report, lang: Language) -> String {
    let w = Words(lang);
    let mut out = String::new();
    let money = Money::of_report(model, report, lang);
    let _ = writeln!(
        out,
        "{} — {}",
        model.name(),
        run_facts(model, report, lang, &money)
    );
    let (head, cells) = result_cells(report, lang, &money);
    let first = cells
        .iter()
        .map(|c| columns(&c[0]))
        .max()
        .unwrap_or(9)
        .max(columns(head[0]))
        .max(9);
    let widths: Vec<usize> = [first, 22, 10, 12, 12, 7, 6]
        .iter()
        .zip(head)
        .map(|(n, h)| (*n).max(columns(h)))
        .collect();
    let row = |cells: [String; 7]| columns_line(&cells, &widths);
    let _ = writeln!(out, "{}", row(head.map(str::to_string)));
    let rule = "-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1));
    let _ = writeln!(out, "{rule}");
    for (i, c) in cells.into_iter().enumerate() {
        if i == report.entities.len() - 1 {
            let _ = writeln!(out, "{rule}");
        }
        let _ = writeln!(out, "{}", row(c));
    }
    let _ = writeln!(
        out,
        "{}",
        w.t(
            "P(gap)>50%: first year in which more than half of the trials have a gap; a range of years where P(gap) is within Monte Carlo error of 50% (more trials settle it). grants: share of money received from grants. opex: realised operating cost per year / construction cost.",
            "부족 확률: 분석 기간 중 한 해라도 재원이 부족한 시행의 비율. 부족 50% 초과: 절반 넘는 시행에서 부족이 생기는 첫 해이며, 부족 확률이 몬테카를로 오차 안에서 50%와 구별되지 않으면 연도 범위로 표시(시행을 늘리면 좁혀짐). 부족액 현가: 연도별 부족액의 현재가치 합. 보조금 비중: 받은 재원 중 보조금의 비중. 운영비율: 연평균 운영비 / 구축비."
        )
    );
    out.push_str(&gap_kinds(model, report, w, &money));
    out.push_str(&stop_chances(model, report, w, &money));
    out.push_str(&books_summary(model, report, w, &money));
    out.push_str(&funding_needed(model, report, lang));
    out
}

/// The money of the funding-requirement table's top-ups and reserves,
/// each sized by its own largest figure (a year's top-up is far smaller
/// than a reserve for the whole horizon), but never in a larger unit than
/// the report's own: a run whose figures are in 백만 원 keeps 백만 원 here
/// too rather than switch to 억 원 for one table.
pub fn funding_money(model: &Model, report: &Report, lang: Language) -> (Money, Money) {
    let needs = || report.entities.iter().flat_map(|e| &e.funding_needed);
    let largest = |x: &dyn Fn(&fundgap::stats::FundingNeed) -> f64| {
        needs().map(x).filter(|x| x.is_finite()).fold(0.0, f64::max)
    };
    let report_money = Money::of_report(model, report, lang);
    let fit = |own: Money| match own.divisor() > report_money.divisor() {
        true => report_money.clone(),
        false => own,
    };
    (
        fit(Money::new(model, lang, largest(&|n| n.topup_hi))),
        fit(Money::new(model, lang, largest(&|n| n.reserve_hi))),
    )
}

/// The funding requirement as a table: a header and one row per entity
/// (label, then for each confidence level the top-up and the reserve,
/// each with its interval). None when the run did not compute it.
pub fn funding_cells(
    model: &Model,
    report: &Report,
    lang: Language,
) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let levels = &report.entities.first()?.funding_needed;
    if levels.is_empty() {
        return None;
    }
    let w = Words(lang);
    let (topups, reserves) = funding_money(model, report, lang);
    let mut head = vec![w.t("service", "서비스").to_string()];
    for n in levels {
        let p = format!(
            "P{}",
            crate::files::level_name(n.confidence).trim_start_matches('p')
        );
        head.push(match w.ko() {
            false => format!("{p} top-up a year, {} [95% CI]", topups.label()),
            true => format!("{p} 연간 추가 예산, {} [95% 신뢰구간]", topups.label()),
        });
        head.push(match w.ko() {
            false => format!("{p} extra reserve, {} [95% CI]", reserves.label()),
            true => format!("{p} 추가 적립금, {} [95% 신뢰구간]", reserves.label()),
        });
    }
    let rows = report
        .entities
        .iter()
        .map(|e| {
            let mut row = vec![entity_label(&e.id, &e.name, lang)];
            for n in &e.funding_needed {
                for (money, x, lo, hi) in [
                    (&topups, n.topup, n.topup_lo, n.topup_hi),
                    (&reserves, n.reserve, n.reserve_lo, n.reserve_hi),
                ] {
                    row.push(money.with_interval(x, lo, hi));
                }
            }
            row
        })
        .collect();
    Some((head, rows))
}

/// What the funding requirement means, in one sentence.
pub fn funding_note(lang: Language) -> &'static str {
    Words(lang).t(
        "Either alone would have kept the service, run as planned, gap-free in that share of trials: a constant top-up every year from its first year of cost (start-year prices), or a larger reserve at the start. As planned means before any decision or stop rule ends it: for a service the city stops, it is what keeping it would have needed. The portfolio's is that share of each trial's total over its services, not the sum of the services' figures (it can be smaller or larger).",
        "둘 중 하나만으로, 계획대로 운영할 때 그 비율의 시행에서 부족이 없었을 금액입니다: 비용이 처음 드는 해부터 매년 같은 추가 예산(기준연도 가격), 또는 시작 시점의 추가 적립금. 계획대로란 중단 결정이나 중단 규칙을 적용하기 전을 뜻하므로, 시가 중단하는 서비스는 계속 운영했다면 필요했을 금액입니다. 전체는 시행마다 서비스별 금액을 더한 값에서 구한 같은 비율의 금액으로, 서비스별 금액의 합과 다를 수 있습니다(더 작을 수도 클 수도 있습니다).",
    )
}

/// The funding requirement, for the terminal.
fn funding_needed(model: &Model, report: &Report, lang: Language) -> String {
    let Some((head, rows)) = funding_cells(model, report, lang) else {
        return String::new();
    };
    let w = Words(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} ({}):",
        w.t(
            "Funding that would have kept each service gap-free",
            "재원 부족을 막는 데 필요했던 추가 재원",
        ),
        w.t("start-year prices", "기준연도 가격"),
    );
    aligned(&mut out, &head, &rows);
    let _ = writeln!(out, "{}", funding_note(lang));
    out
}

/// Each service's capital spending and contract, over the horizon (in
/// nominal money: sums of the yearly means).
pub fn books_summary(model: &Model, report: &Report, w: Words, money: &Money) -> String {
    let mut out = String::new();
    let peak = |e: &fundgap::stats::EntityStats,
                p: &dyn Fn(&fundgap::stats::YearStats) -> Option<f64>| {
        e.yearly
            .iter()
            .filter_map(|y| Some((y.year, p(y)?)))
            .fold((0, 0.0), |a, b| if b.1 > a.1 { b } else { a })
    };
    for e in &report.entities {
        let back = money.fmt(e.grant_returned_mean);
        if e.grant_returned_mean > 0.0 && back != money.fmt(0.0) {
            let _ = if w.ko() {
                writeln!(
                    out,
                    "{}: 쓰지 않은 보조금 평균 {back} {} 반납 (적립하지 않음)",
                    entity_label(&e.id, &e.name, Language::Ko),
                    money.label()
                )
            } else {
                writeln!(
                    out,
                    "{}: {back} {} of grant money returned unspent on average (never kept in a reserve)",
                    e.id,
                    money.label()
                )
            };
        }
        if let Some(c) = e.capital_total.filter(|c| c.cost > 0.0) {
            let (year, p) = peak(e, &|y| y.capital.map(|c| c.p_gap.estimate));
            let (cost, gap) = (money.fmt(c.cost), money.fmt(c.gap));
            let peak = match (p > 0.0, w.ko()) {
                (false, _) => String::new(),
                (true, false) => format!(" (P(capital gap) peaks at {} in {year})", percent(p, 1)),
                (true, true) => format!(" (자본 재원 부족 확률 최고 {}, {year}년)", percent(p, 1)),
            };
            let _ = if w.ko() {
                writeln!(
                    out,
                    "{}: 기간 중 자본적 지출 {cost}, 그중 평균 {gap} 미확보{peak}",
                    entity_label(&e.id, &e.name, Language::Ko)
                )
            } else {
                writeln!(
                    out,
                    "{}: capital spending {cost} over the horizon, {gap} of it unfunded on average{peak}",
                    e.id
                )
            };
        }
        let contracted = match model.services().iter().find(|s| s.id == e.id) {
            Some(s) => s.delivery.is_some(),
            None => e.contract_total.is_some(),
        };
        if let Some(c) = e.contract_total.filter(|_| contracted) {
            let (year, p) = peak(e, &|y| y.contract.map(|c| c.p_operator_loss.estimate));
            let (owed, loss) = (money.fmt(c.obligation), money.fmt(c.operator_loss));
            // The peak only where an operator ever loses: otherwise there
            // is no year to name.
            let peak = match (p > 0.0, w.ko()) {
                (false, _) => String::new(),
                (true, false) => format!(
                    " (P(an operator loss) peaks at {} in {year})",
                    percent(p, 1)
                ),
                (true, true) => format!(" (운영사 손실 확률 최고 {}, {year}년)", percent(p, 1)),
            };
            let _ = if w.ko() {
                writeln!(
                    out,
                    "{}: 계약상 시 부담 {owed}, 운영사 손실 {loss}{peak}",
                    entity_label(&e.id, &e.name, Language::Ko)
                )
            } else {
                writeln!(
                    out,
                    "{}: contracts make the city owe {owed} over the horizon; operators bear losses of {loss}{peak}",
                    e.id
                )
            };
            if c.p_exit.estimate > 0.0 {
                out.push_str(&exit_line(model, e, &c, w, money));
            }
        }
    }
    out
}

/// How likely a contracted operator leaves, what follows, and the
/// termination payment the city then owes (its contingent liability).
fn exit_line(
    model: &Model,
    e: &fundgap::stats::EntityStats,
    c: &fundgap::stats::ContractTotal,
    w: Words,
    money: &Money,
) -> String {
    let p = share(&c.p_exit);
    let term = money.fmt(c.termination);
    let after = model
        .services()
        .iter()
        .find(|s| s.id == e.id)
        .and_then(|s| s.delivery)
        .map(|d| d.after_exit);
    let then = match (after, w.ko()) {
        (Some(fundgap::model::AfterExit::TakeOver), false) => "the city takes the service over",
        (Some(fundgap::model::AfterExit::TakeOver), true) => "시가 서비스를 인수",
        (Some(fundgap::model::AfterExit::Stop), false) => "the service stops",
        (Some(fundgap::model::AfterExit::Stop), true) => "서비스 중단",
        (None, false) => "each contract's rule follows",
        (None, true) => "계약별 규칙에 따름",
    };
    match w.ko() {
        false => format!(
            "{}: the operator leaves in {p} of trials ({then}); expected termination payment (해지시지급금) {term}\n",
            e.id
        ),
        true => format!(
            "{}: 운영사 이탈 확률 {p} ({then}); 해지시지급금 기대값 {term}\n",
            entity_label(&e.id, &e.name, Language::Ko)
        ),
    }
}

/// ", start-year prices" when yearly amounts are restated so.
pub fn prices_note(model: &Model, lang: Language) -> &'static str {
    match model.prices() {
        Prices::Current => "",
        Prices::Constant => Words(lang).t(
            " (yearly amounts in start-year prices)",
            " (연도별 금액은 기준연도 불변가격)",
        ),
    }
}

/// The stops as a table: a header and one row per service that its stop
/// rule or take-over decision can stop, then the portfolio (any of its
/// services). None when nothing can stop.
pub fn stop_cells(
    model: &Model,
    report: &Report,
    lang: Language,
) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let w = Words(lang);
    let money = Money::of_report(model, report, lang);
    let last = report.entities.first()?.yearly.last()?.year;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let services = model.services().iter().map(|s| s.can_stop());
    for (e, shown) in report.entities.iter().zip(services.chain([true])) {
        let Some(y) = e.yearly.last() else { continue };
        if !shown || (rows.is_empty() && e.id == "portfolio") {
            continue;
        }
        rows.push(vec![
            entity_label(&e.id, &e.name, lang),
            share(&e.p_stop),
            percent(y.p_stopped.estimate, 1),
            percent(y.p_shrunk.estimate, 1),
            e.stop_year
                .median
                .map_or_else(|| w.t("none", "없음").to_string(), |y| y.to_string()),
            money.fmt(e.gap_npv.mean),
            money.fmt(e.gap_npv_kept_mean),
        ]);
    }
    if rows.is_empty() {
        return None;
    }
    let head = match w.ko() {
        false => vec![
            "service".to_string(),
            "P(stopped or shrunk) [95% CI]".to_string(),
            format!("{last}: stopped"),
            format!("{last}: shrunk"),
            "median stop year".to_string(),
            format!("gap NPV mean, {}", money.label()),
            "had it run on".to_string(),
        ],
        true => vec![
            "서비스".to_string(),
            "중단·축소 확률 [95% 신뢰구간]".to_string(),
            format!("{last}년 중단"),
            format!("{last}년 축소"),
            "중단 연도 중앙값".to_string(),
            format!("부족액 현가 평균, {}", money.label()),
            "계속 운영했다면".to_string(),
        ],
    };
    Some((head, rows))
}

/// How much of the portfolio's gap was structural (foreseeable when the
/// budget was set) and how much transient, and what the reserve fund paid.
pub fn gap_kinds(model: &Model, report: &Report, w: Words, money: &Money) -> String {
    let p = report.portfolio();
    let mut out = String::new();
    if p.yearly.iter().any(|y| y.gap_mean > 0.0) {
        let s = p.gap_structural_share;
        let (s, t) = (percent(s, 0), percent(1.0 - s, 0));
        let _ = writeln!(
            out,
            "{}",
            match w.ko() {
                false => format!(
                    "Of the portfolio's gap, {s} is structural (the year's money was short of what could be foreseen when its budget was set: last year's settled cost, the expected price change and the plan's steps) and {t} transient (in-year overruns)."
                ),
                true => format!(
                    "전체 부족액 중 {s}는 구조적 부족(그해 재원이 예산 편성 때 예측할 수 있었던 비용, 곧 전년도 결산 비용에 예상 물가 변동과 계획된 변화를 반영한 것보다 적음), {t}는 일시적 부족(연중 비용 초과)입니다."
                ),
            }
        );
    }
    if let Some(paid) = p.fund_paid_mean {
        let (paid, cap, unit) = (
            money.fmt(paid),
            money.fmt(model.reserve_fund()),
            money.label(),
        );
        let _ = writeln!(
            out,
            "{}",
            match w.ko() {
                false => format!(
                    "The reserve fund paid {paid} {unit} over the horizon on average (capacity {cap} {unit} a year in start-year prices, drawn in the order services are listed)."
                ),
                true => format!(
                    "예비비는 분석 기간 동안 평균 {paid} {unit}을 지출했습니다 (연간 한도 {cap} {unit}, 기준연도 가격, 서비스 나열 순서대로 사용)."
                ),
            }
        );
    }
    out
}

/// Each service that a decision can stop: how likely it stops, and when.
pub fn stop_chances(model: &Model, report: &Report, w: Words, money: &Money) -> String {
    let mut out = String::new();
    for (s, e) in model.services().iter().zip(&report.entities) {
        if s.can_stop() {
            let p = share(&e.p_stop);
            let median = e
                .stop_year
                .median
                .map_or_else(|| w.t("none", "없음").to_string(), |y| y.to_string());
            let (with, kept) = (money.fmt(e.gap_npv.mean), money.fmt(e.gap_npv_kept_mean));
            // The states of the last year: what a stop or shrink became.
            let Some(y) = e.yearly.last() else { continue };
            let (last, closed, shrunk) = (
                y.year,
                percent(y.p_stopped.estimate, 1),
                percent(y.p_shrunk.estimate, 1),
            );
            let _ = if w.ko() {
                writeln!(
                    out,
                    "{}: {}에 따라 {p}의 시행에서 중단 또는 축소 ({last}년: 중단 {closed}, 축소 {shrunk}; 중단 연도 중앙값: {median}); 부족액 현가 평균 {with}, 계속 운영했다면 {kept}",
                    entity_label(&e.id, &e.name, Language::Ko),
                    match s.decision.is_some() {
                        false => "중단 규칙",
                        true => "중단 규칙 또는 지방비 전환 결정",
                    }
                )
            } else {
                writeln!(
                    out,
                    "{} stops or shrinks under {} in {p} of trials ({last}: {closed} stopped, {shrunk} shrunk; median stop year: {median}); gap NPV mean {with}, {kept} had it been kept running",
                    s.id,
                    match s.decision.is_some() {
                        false => "its rule",
                        true => "its rule or its take-over decision",
                    }
                )
            };
        }
    }
    out
}
