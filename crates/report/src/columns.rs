//! What a table's columns mean to a reader. The CSV files keep their
//! column names (English, stable, what programs read); the workbook and
//! the page show each as a heading in the report's language, and need to
//! know which columns hold money (converted to the report's unit and
//! labelled with it), shares, years or won per resident.
//!
//! A name is read from its parts — a base (`gap_npv`, `p_stopped`,
//! `capital_cost`), a statistic (`_mean`, `_p90`, `_cvar95`), an interval
//! end (`_lo`, `_hi`, `_se`), a `diff_` prefix — so the few dozen bases
//! below name every column fundgap writes; `tests` holds every table to
//! it, so a new column without a heading fails a test.

use crate::lang::Words;

/// What a column's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An amount in the scenario's unit.
    Money,
    /// Won (or the scenario's unit where its money is not won) per resident.
    PerResident,
    /// A probability or share, 0 to 1.
    Share,
    /// A calendar year.
    Year,
    /// Any other number (ratios, indices, counts).
    Number,
    /// Text.
    Text,
}

/// A column as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The heading, without the unit.
    pub label: String,
    /// What its values are.
    pub kind: Kind,
}

/// Bases whose values are amounts: (name, English, Korean).
const MONEY: &[(&str, &str, &str)] = &[
    ("cost", "cost", "비용"),
    ("funding", "funding", "재원"),
    ("gap", "gap", "부족액"),
    ("gap_npv", "gap NPV", "부족액 현가"),
    (
        "gap_npv_kept",
        "gap NPV had it kept running",
        "계속 운영 시 부족액 현가",
    ),
    ("lcc_npv", "life-cycle cost NPV", "생애주기비용 현가"),
    ("reserve_used", "reserve used", "적립금 사용"),
    ("grant", "grants", "보조금"),
    ("budget", "local budget", "지방비 예산"),
    ("fees", "fees", "이용료 수입"),
    ("contract", "private contracts", "민간 계약"),
    ("reserve", "reserve draws", "적립금 인출"),
    (
        "contingency",
        "shortfall absorbed (below materiality)",
        "흡수된 소액 부족",
    ),
    ("structural", "structural gap", "구조적 부족액"),
    ("transient", "transient gap", "일시적 부족액"),
    ("benefit_npv", "benefit NPV", "편익 현가"),
    ("revenue_npv", "revenue NPV", "수입 현가"),
    ("construction", "construction cost", "구축비"),
    (
        "grant_returned",
        "grant returned unspent",
        "보조금 집행잔액 반납",
    ),
    ("capital_cost", "capital spending", "자본적 지출"),
    (
        "capital_gap",
        "unfunded capital spending",
        "자본적 지출 미확보액",
    ),
    (
        "obligation",
        "owed to the operator under contract",
        "계약상 시 부담",
    ),
    ("operator_loss", "operator's loss", "운영사 손실"),
    ("termination", "termination payment", "해지시지급금"),
    (
        "operator_loss_total",
        "operators' loss over the horizon",
        "기간 중 운영사 손실",
    ),
    ("national", "national grants (국비)", "국비"),
    ("provincial", "the province's grants (시·도비)", "시·도비"),
    ("local", "local budget (지방비)", "지방비"),
    ("own_revenue", "own revenue (fees)", "자체수입(이용료)"),
    ("private", "private money", "민간 재원"),
    ("operating", "operating cost", "운영비"),
    ("capital", "capital spending", "자본적 지출"),
    ("general_account", "general account (일반회계)", "일반회계"),
    ("swing", "gap NPV swing", "부족액 현가 변화폭"),
    (
        "topup",
        "top-up a year at the confidence level (start-year prices)",
        "신뢰 수준의 연간 추가 예산 (기준연도 가격)",
    ),
    (
        "gap_npv_at_medians",
        "gap NPV at the medians",
        "중앙값에서의 부족액 현가",
    ),
    (
        "gap_npv_at_p10",
        "gap NPV at the input's P10",
        "입력 P10에서의 부족액 현가",
    ),
    (
        "gap_npv_at_p90",
        "gap NPV at the input's P90",
        "입력 P90에서의 부족액 현가",
    ),
];

/// Bases whose values are probabilities or shares.
const SHARES: &[(&str, &str, &str)] = &[
    ("p_gap", "P(gap)", "부족 확률"),
    ("p_any_gap", "P(any gap)", "기간 중 부족 확률"),
    (
        "p_shortfall",
        "P(shortfall, incl. absorbed)",
        "부족(소액 포함) 확률",
    ),
    ("p_continued", "P(running as planned)", "계속 운영 확률"),
    ("p_shrunk", "P(shrunk)", "축소 확률"),
    ("p_stopped", "P(stopped)", "중단 확률"),
    ("p_stop", "P(stops over the horizon)", "기간 중 중단 확률"),
    ("p_structural", "P(structural gap)", "구조적 부족 확률"),
    ("p_capital_gap", "P(capital gap)", "자본 재원 부족 확률"),
    ("p_operator_loss", "P(operator loss)", "운영사 손실 확률"),
    (
        "p_obligation",
        "P(the city owes the operator)",
        "계약상 시 부담 발생 확률",
    ),
    ("p_exit", "P(operator leaves)", "운영사 이탈 확률"),
    (
        "p_operator_exit",
        "P(an operator leaves)",
        "운영사 이탈 확률",
    ),
    (
        "grant_share",
        "grant share of money received",
        "보조금 비중",
    ),
    (
        "grant_share_total",
        "grant share incl. construction",
        "보조금 비중 (구축비 포함)",
    ),
    (
        "gap_structural_share",
        "structural share of the gap",
        "부족액 중 구조적 비중",
    ),
    ("survival", "P(no gap yet)", "아직 부족 없음 확률"),
    (
        "local_share_of_account",
        "local budget / general account",
        "지방비 / 일반회계",
    ),
    (
        "gap_p90_share_of_account",
        "gap P90 / general account",
        "부족액 P90 / 일반회계",
    ),
    ("base_rate", "base rate", "기저 확률"),
    ("coverage", "coverage", "포괄률"),
    ("density", "density", "밀도"),
    ("support", "support", "지지도"),
];

/// Other named columns: (name, English, Korean, kind).
const OTHER: &[(&str, &str, &str, Kind)] = &[
    ("service", "service", "서비스", Kind::Text),
    ("entity", "service", "서비스", Kind::Text),
    ("name", "name", "이름", Kind::Text),
    ("year", "year", "연도", Kind::Year),
    (
        "first_year_p_gap_over_50",
        "first year P(gap) > 50%",
        "부족 확률 50% 초과 첫 해",
        Kind::Year,
    ),
    (
        "first_year_p_gap_over_50_lo",
        "first year P(gap) > 50%, earliest within Monte Carlo error",
        "부족 확률 50% 초과 첫 해, 몬테카를로 오차 범위에서 가장 이른 해",
        Kind::Year,
    ),
    (
        "first_year_p_gap_over_50_hi",
        "first year P(gap) > 50%, latest within Monte Carlo error (empty: past the horizon)",
        "부족 확률 50% 초과 첫 해, 몬테카를로 오차 범위에서 가장 늦은 해 (빈칸: 기간 안에 없음)",
        Kind::Year,
    ),
    (
        "median_first_gap_year",
        "median first gap year",
        "첫 부족 연도 중앙값",
        Kind::Year,
    ),
    (
        "median_stop_year",
        "median stop year",
        "중단 연도 중앙값",
        Kind::Year,
    ),
    ("opex_ratio", "opex ratio", "운영비율", Kind::Number),
    (
        "opex_ratio_mean",
        "opex ratio mean",
        "운영비율 평균",
        Kind::Number,
    ),
    (
        "bcr",
        "benefit-cost ratio",
        "편익/비용 비율 (B/C)",
        Kind::Number,
    ),
    ("variant", "variant", "대안", Kind::Text),
    ("description", "description", "설명", Kind::Text),
    ("x_key", "x axis key", "가로축 항목", Kind::Text),
    ("x_value", "x axis value", "가로축 값", Kind::Text),
    ("y_key", "y axis key", "세로축 항목", Kind::Text),
    ("y_value", "y axis value", "세로축 값", Kind::Text),
    (
        "distinguishable",
        "distinguishable (95%)",
        "구별됨 (95%)",
        Kind::Text,
    ),
    ("input", "input", "입력", Kind::Text),
    ("provenance", "provenance", "근거", Kind::Text),
    (
        "rank_corr_gap_npv",
        "rank correlation with gap NPV",
        "부족액 현가와의 순위상관",
        Kind::Number,
    ),
    (
        "rank_corr_any_gap",
        "rank correlation with any gap",
        "부족 여부와의 순위상관",
        Kind::Number,
    ),
    ("low", "low", "하한", Kind::Number),
    ("high", "high", "상한", Kind::Number),
    ("output", "output", "결과 지표", Kind::Text),
    ("first", "first-order index", "1차 지수", Kind::Number),
    ("total", "total-order index", "총 지수", Kind::Number),
    ("criterion", "criterion", "평가 기준", Kind::Text),
    ("rating", "rating", "등급", Kind::Text),
    ("value", "value", "값", Kind::Number),
    ("reason", "reason", "사유", Kind::Text),
    ("overall", "overall", "종합", Kind::Text),
    ("trials", "trials", "시행 횟수", Kind::Number),
    ("confidence", "confidence level", "신뢰 수준", Kind::Share),
    (
        "stops_sooner",
        "the cut only stops it sooner",
        "삭감이 중단만 앞당김",
        Kind::Text,
    ),
    (
        "lower_by_stopping",
        "gap lower while more trials stop",
        "중단이 늘어 부족액이 낮아짐",
        Kind::Text,
    ),
    ("is_baseline", "baseline", "기준안", Kind::Text),
    ("minus", "minus variant", "빼는 대안", Kind::Text),
    (
        "rank_gap_npv",
        "rank by gap NPV",
        "부족액 현가 순위",
        Kind::Number,
    ),
    (
        "rank_best",
        "best rank the intervals allow",
        "가능한 최고 순위",
        Kind::Number,
    ),
    (
        "rank_worst",
        "worst rank the intervals allow",
        "가능한 최저 순위",
        Kind::Number,
    ),
];

/// Statistics a base may carry, as suffixes: (suffix, English, Korean).
const STATISTICS: &[(&str, &str, &str)] = &[
    ("_mean", "mean", "평균"),
    ("_cvar95", "CVaR95", "CVaR95"),
    ("_per_resident", "per resident", "주민 1인당"),
];

/// `column`'s reading of `name`; a name it does not know is shown as it
/// is, as a number.
pub fn column(name: &str, w: Words) -> Column {
    read(name, w).unwrap_or_else(|| Column {
        label: name.to_string(),
        kind: Kind::Number,
    })
}

/// Whether `column` knows `name` (every column fundgap writes).
pub fn known(name: &str) -> bool {
    read(name, Words(fundgap::model::Language::En)).is_some()
}

fn read(name: &str, w: Words) -> Option<Column> {
    let pick = |en: &str, ko: &str| if w.ko() { ko } else { en }.to_string();
    if let Some(&(_, en, ko, kind)) = OTHER.iter().find(|(n, ..)| *n == name) {
        return Some(Column {
            label: pick(en, ko),
            kind,
        });
    }
    for (suffix, en, ko) in [
        ("_unpaired_lo", "unpaired 95% CI low", "비대응 95% 하한"),
        ("_unpaired_hi", "unpaired 95% CI high", "비대응 95% 상한"),
        ("_lo", "95% CI low", "95% 하한"),
        ("_hi", "95% CI high", "95% 상한"),
        ("_se", "standard error", "표준오차"),
    ] {
        if let Some(base) = name.strip_suffix(suffix)
            && let Some(c) = read(base, w)
        {
            return Some(Column {
                label: format!("{}, {}", c.label, pick(en, ko)),
                kind: c.kind,
            });
        }
    }
    if let Some(base) = name.strip_prefix("diff_")
        && let Some(c) = read(base, w)
    {
        let label = match w.ko() {
            true => format!("{} 차이", c.label),
            false => format!("difference in {}", c.label),
        };
        return Some(Column { label, ..c });
    }
    if let Some(c) = requirement(name, w) {
        return Some(c);
    }
    let base = |n: &str| {
        let money = MONEY
            .iter()
            .find(|(b, ..)| *b == n)
            .map(|t| (t, Kind::Money));
        money.or_else(|| {
            SHARES
                .iter()
                .find(|(b, ..)| *b == n)
                .map(|t| (t, Kind::Share))
        })
    };
    if let Some((&(_, en, ko), kind)) = base(name) {
        return Some(Column {
            label: pick(en, ko),
            kind,
        });
    }
    for &(suffix, sen, sko) in STATISTICS {
        if let Some((&(_, en, ko), kind)) = name.strip_suffix(suffix).and_then(base) {
            let kind = match suffix {
                "_per_resident" => Kind::PerResident,
                _ => kind,
            };
            return Some(Column {
                label: format!("{} {}", pick(en, ko), pick(sen, sko)),
                kind,
            });
        }
    }
    // A percentile: `cost_p95`, `gap_npv_p5`, `operating_p50_per_resident`.
    let (stem, per_resident) = match name.strip_suffix("_per_resident") {
        Some(s) => (s, true),
        None => (name, false),
    };
    let (b, q) = stem.rsplit_once("_p")?;
    q.parse::<u8>().ok().filter(|q| (1..100).contains(q))?;
    let (&(_, en, ko), kind) = base(b)?;
    let label = format!("{} P{q}", pick(en, ko));
    Some(match per_resident {
        true => Column {
            label: format!("{label} {}", pick("per resident", "주민 1인당")),
            kind: Kind::PerResident,
        },
        false => Column { label, kind },
    })
}

/// The funding requirement's columns: `topup_p90`, `reserve_p80`.
fn requirement(name: &str, w: Words) -> Option<Column> {
    let (what, q) = name.rsplit_once("_p")?;
    let q: u8 = q.parse().ok().filter(|q| (1..100).contains(q))?;
    let label = match (what, w.ko()) {
        ("topup", false) => format!("P{q} top-up a year (start-year prices)"),
        ("topup", true) => format!("P{q} 연간 추가 예산 (기준연도 가격)"),
        ("reserve", false) => format!("P{q} extra opening reserve"),
        ("reserve", true) => format!("P{q} 추가 적립금"),
        _ => return None,
    };
    Some(Column {
        label,
        kind: Kind::Money,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fundgap::model::Language;

    #[test]
    fn parts_make_headings() {
        let ko = Words(Language::Ko);
        let en = Words(Language::En);
        assert_eq!(column("gap_npv_mean", ko).label, "부족액 현가 평균");
        assert_eq!(column("gap_npv_p95", en).label, "gap NPV P95");
        assert_eq!(column("p_gap_lo", ko).label, "부족 확률, 95% 하한");
        assert_eq!(column("p_gap_lo", ko).kind, Kind::Share);
        assert_eq!(column("topup_p90_hi", ko).kind, Kind::Money);
        assert_eq!(
            column("topup_p90_hi", ko).label,
            "P90 연간 추가 예산 (기준연도 가격), 95% 상한"
        );
        assert_eq!(column("reserve_mean", en).label, "reserve draws mean");
        assert_eq!(column("reserve_p95", en).label, "P95 extra opening reserve");
        assert_eq!(column("diff_gap_npv_lo", en).kind, Kind::Money);
        assert_eq!(
            column("operating_p50_per_resident", ko).kind,
            Kind::PerResident
        );
        assert_eq!(column("local_per_resident", ko).label, "지방비 주민 1인당");
        assert_eq!(column("median_stop_year", ko).kind, Kind::Year);
        assert!(!known("no_such_column"));
        // Every column of the analyses' tables (a run's are checked on a
        // workbook in tests/it/workbook.rs).
        for table in [
            "x_key,x_value,y_key,y_value,entity,p_any_gap,p_any_gap_lo,p_any_gap_hi,p_any_gap_se,gap_npv_mean,gap_npv_se,gap_npv_p95,gap_npv_cvar95,first_year_p_gap_over_50,first_year_p_gap_over_50_lo,first_year_p_gap_over_50_hi,p_stopped,p_stopped_lo,p_stopped_hi,confidence,topup,topup_lo,topup_hi,stops_sooner",
            "variant,description,entity,p_any_gap,p_any_gap_lo,p_any_gap_hi,gap_npv_mean,gap_npv_p95,gap_npv_cvar95,lcc_npv_mean,grant_share,bcr,diff_p_any_gap,diff_p_any_gap_lo,diff_p_any_gap_hi,diff_gap_npv,diff_gap_npv_lo,diff_gap_npv_hi,diff_gap_npv_unpaired_lo,diff_gap_npv_unpaired_hi,diff_lcc_npv,diff_lcc_npv_lo,diff_lcc_npv_hi,distinguishable,is_baseline,rank_gap_npv,rank_best,rank_worst,confidence,topup,topup_lo,topup_hi,p_stop,p_stop_lo,p_stop_hi,lower_by_stopping,operator_loss_total,p_operator_exit,p_operator_exit_lo,p_operator_exit_hi,termination_mean",
            "variant,minus,entity,diff_p_any_gap,diff_p_any_gap_se,diff_p_any_gap_lo,diff_p_any_gap_hi,diff_p_any_gap_unpaired_lo,diff_p_any_gap_unpaired_hi,diff_gap_npv,diff_gap_npv_se,diff_gap_npv_lo,diff_gap_npv_hi,diff_gap_npv_unpaired_lo,diff_gap_npv_unpaired_hi,diff_lcc_npv,diff_lcc_npv_se,diff_lcc_npv_lo,diff_lcc_npv_hi,diff_lcc_npv_unpaired_lo,diff_lcc_npv_unpaired_hi,distinguishable",
        ] {
            for c in table.split(',') {
                assert!(known(c), "no heading for {c}");
            }
        }
        assert_eq!(column("no_such_column", ko).label, "no_such_column");
    }
}
