//! The workbook's layout: which sheet holds which tables of a scenario,
//! the Korean names of keys for headers, which keys hold text, and the
//! money units an amount column may be entered in.

/// How a sheet's rows make tables of the scenario.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    /// A single table (`[scenario]`): a row per key, the key in the first
    /// column, its value or distribution in the next ones.
    Settings,
    /// An array of tables at the root (`[[service]]`): a row per table, a
    /// column per key.
    Rows,
    /// An array of tables inside a service (`[[service.cost]]`): a row per
    /// line, its service named by id in the `service` column.
    Lines,
    /// A single table inside a service (`[service.plan]`): at most a row
    /// per service, named by id in the `service` column.
    Single,
    /// A variant's `set` table: a row per changed key, its variant named
    /// in the `variant` column.
    Sets,
}

/// One sheet of a scenario workbook.
#[derive(Clone, Copy, Debug)]
pub struct Sheet {
    /// The sheet's name (cells are told as `name!D7`).
    pub name: &'static str,
    /// The name a Korean workbook may give it instead.
    pub korean: &'static str,
    /// The TOML table path its rows are (`service.cost`).
    pub path: &'static str,
    pub shape: Shape,
}

const fn sheet(
    name: &'static str,
    korean: &'static str,
    path: &'static str,
    shape: Shape,
) -> Sheet {
    Sheet {
        name,
        korean,
        path,
        shape,
    }
}

/// Every sheet a scenario workbook may have, in the order the TOML text
/// read from it is written (a service's own tables after it).
pub const SHEETS: &[Sheet] = &[
    sheet("scenario", "시나리오", "scenario", Shape::Settings),
    sheet("economy", "경제", "economy", Shape::Settings),
    sheet("evaluation", "평가기준", "evaluation", Shape::Settings),
    sheet("sources", "출처", "sources", Shape::Settings),
    sheet("services", "서비스", "service", Shape::Rows),
    sheet("plans", "계획", "service.plan", Shape::Single),
    sheet("canvas", "캔버스", "service.canvas", Shape::Single),
    sheet("delivery", "운영방식", "service.delivery", Shape::Single),
    sheet("capital", "자본계정", "service.capital", Shape::Single),
    sheet("decisions", "결정", "service.decision", Shape::Single),
    sheet("outcomes", "실제결과", "service.outcome", Shape::Single),
    sheet("costs", "비용", "service.cost", Shape::Lines),
    sheet("funding", "재원", "service.funding", Shape::Lines),
    sheet("risks", "위험", "service.risk", Shape::Lines),
    sheet("benefits", "편익", "service.benefit", Shape::Lines),
    sheet("correlations", "상관관계", "correlation", Shape::Rows),
    sheet("programmes", "사업계획", "programme", Shape::Rows),
    sheet("variants", "변형", "variant", Shape::Rows),
    sheet("variant_sets", "변형값", "variant.set", Shape::Sets),
];

/// Sheets a reader skips: the instructions, and any sheet whose name
/// starts with `_` (a user's notes).
pub fn ignored_sheet(name: &str) -> bool {
    let n = name.trim();
    n.starts_with('_') || matches!(n, "instructions" | "안내" | "README")
}

/// The columns of a settings sheet (and of `variant_sets`) after the key:
/// the value, or a distribution's parameters, and the provenance.
pub const VALUE_COLUMNS: &[&str] = &[
    "value",
    "dist",
    "min",
    "mode",
    "max",
    "mean",
    "sd",
    "values",
    "weights",
    "source",
    "assumption",
];

/// The column of a settings sheet whose unit the row's amounts are in.
pub const UNIT_COLUMN: &str = "unit";

/// Keys whose values are text: a cell under them is kept as typed, so an
/// id `2030` stays text and a source `Y17` is never read as a number.
const TEXT_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "nature",
    "operator",
    "kind",
    "dist",
    "source",
    "assumption",
    "note",
    "reason",
    "strength",
    "cluster",
    "funded_by",
    "follows",
    "unmatched",
    "payer",
    "after_exit",
    "agreement",
    "currency",
    "unit",
    "discount_basis",
    "prices",
    "lang",
    "government",
    "sampling",
    "account",
    "improves_on",
    "improvement",
    "free_plan",
    "forecast",
    "recorded",
    "service",
    "variant",
    "key",
];

/// Whether the key `path` (dotted; its last part decides) holds text.
pub fn is_text_key(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    TEXT_KEYS.contains(&last) || fundgap::scenario::CANVAS_KEYS.contains(&last)
}

/// Korean names of keys, for headers; a header may be either name.
pub const KOREAN: &[(&str, &str)] = &[
    ("id", "식별자"),
    ("name", "이름"),
    ("description", "설명"),
    ("kind", "종류"),
    ("value", "값"),
    ("key", "항목"),
    ("unit", "단위"),
    ("service", "서비스"),
    ("variant", "변형"),
    ("dist", "분포"),
    ("min", "최소"),
    ("mode", "최빈"),
    ("max", "최대"),
    ("mean", "평균"),
    ("sd", "표준편차"),
    ("values", "값 목록"),
    ("weights", "가중치"),
    ("source", "출처"),
    ("assumption", "가정"),
    ("note", "비고"),
    ("nature", "성격"),
    ("operator", "운영주체"),
    ("owners", "소유자"),
    ("construction_cost", "구축비"),
    ("construction_grant_share", "구축비 국비 비율"),
    ("opens", "개시 연도"),
    ("opex_ratio", "운영비 비율"),
    ("volatility", "변동성"),
    ("carry_surplus", "잉여 이월"),
    ("labour_share", "인건비 비중"),
    ("uses_reserve_fund", "기금 사용"),
    ("materiality_share", "중요성 비율"),
    ("materiality_amount", "중요성 금액"),
    ("stop_after_gap_years", "중단까지 부족 연수"),
    ("stop_below_funding_share", "중단 재원 비율"),
    ("after_stop_share", "중단 후 비용 비율"),
    ("account", "회계"),
    ("amount", "금액"),
    ("growth", "증가율"),
    ("from", "시작 연도"),
    ("to", "종료 연도"),
    ("year", "연도"),
    ("every_years", "주기(년)"),
    ("share_of_construction", "구축비 대비 비율"),
    ("funded_by", "재원 구분"),
    ("annual_probability", "연간 확률"),
    ("cost", "비용"),
    ("opex_multiplier", "운영비 배수"),
    ("duration_years", "지속 연수"),
    ("annual", "연간 편익"),
    ("share_of_cost", "비용 대비 비율"),
    ("withdrawal_hazard", "중단 위험"),
    ("match_share", "매칭 비율"),
    ("unmatched", "미매칭 시"),
    ("payer", "지급 주체"),
    ("cap", "상한"),
    ("clawback_charge", "제재부가금 배수"),
    ("follows", "기준"),
    ("policy", "정책 비율"),
    ("supplementary", "추경 확률"),
    ("supplementary_cap", "추경 상한"),
    ("saturation_users", "포화 이용자"),
    ("midpoint_years", "중간점 연수"),
    ("steepness", "기울기"),
    ("price", "요금"),
    ("price_growth", "요금 증가율"),
    ("exit_hazard", "철수 위험"),
    ("downturn_exit_hazard", "불황 철수 위험"),
    ("downturn_multiplier", "불황 배수"),
    ("balance", "잔액"),
    ("currency", "통화"),
    ("start_year", "분석 시작 연도"),
    ("horizon_years", "분석 기간(년)"),
    ("discount_rate", "할인율"),
    ("discount_basis", "할인 기준"),
    ("prices", "가격 기준"),
    ("lang", "언어"),
    ("government", "지자체 유형"),
    ("sampling", "표본 추출"),
    ("reserve_fund", "재정안정화기금"),
    ("trials", "시행 횟수"),
    ("seed", "시드"),
    ("inflation", "물가상승률"),
    ("wage_growth", "임금상승률"),
    ("downturn", "경기침체"),
    ("inputs", "입력"),
    ("rank", "순위상관"),
    ("matrix", "행렬"),
    ("total", "총액"),
    ("national", "국비"),
    ("stop", "중단 확률"),
    ("shrink", "축소 확률"),
    ("shrink_to", "축소 비율"),
    ("stopped", "중단됨"),
    ("by", "연도까지"),
    ("reason", "사유"),
    ("payment", "지급액"),
    ("guarantee", "보장"),
    ("investment", "투자비"),
];

/// The Korean name of a dotted key (`opex_ratio.mean`: 운영비 비율 · 평균).
pub fn korean(path: &str) -> Option<String> {
    let parts: Option<Vec<&str>> = path
        .split('.')
        .map(|p| KOREAN.iter().find(|(k, _)| *k == p).map(|(_, v)| *v))
        .collect();
    parts.map(|p| p.join(" · "))
}

/// The key a Korean header names, if any.
pub fn from_korean(header: &str) -> Option<String> {
    let parts: Option<Vec<&str>> = header
        .split('·')
        .map(|p| {
            let p = p.trim();
            KOREAN.iter().find(|(_, v)| *v == p).map(|(k, _)| *k)
        })
        .collect();
    parts.map(|p| p.join("."))
}

/// The header of a column: the key, and its Korean name when it has one.
pub fn header(path: &str) -> String {
    match korean(path) {
        Some(k) => format!("{path} | {k}"),
        None => path.to_string(),
    }
}

/// Won per unit of a money unit's name (English or Korean), if known.
pub fn won_per_unit(unit: &str) -> Option<f64> {
    let u: String = unit.chars().filter(|c| !c.is_whitespace()).collect();
    let u = u.to_lowercase();
    Some(match u.as_str() {
        "won" | "원" | "krw" => 1.0,
        "thousand" | "천원" | "천" => 1e3,
        "million" | "백만원" | "백만" => 1e6,
        "억원" | "억" => 1e8,
        "billion" | "십억원" | "십억" => 1e9,
        _ => return None,
    })
}

/// The money units a header may declare (for messages).
pub const UNITS: &str = "원, 천원, 백만원, 억원, 십억원 (won, thousand, million, billion)";

/// Column letters of a 0-based column (0 → A, 26 → AA).
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_excel_does() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn korean_headers_name_their_keys() {
        assert_eq!(
            korean("opex_ratio.mean").as_deref(),
            Some("운영비 비율 · 평균")
        );
        assert_eq!(
            from_korean("운영비 비율 · 평균").as_deref(),
            Some("opex_ratio.mean")
        );
        assert_eq!(header("opex_ratio"), "opex_ratio | 운영비 비율");
        let mut seen = std::collections::BTreeSet::new();
        for (_, k) in KOREAN {
            assert!(seen.insert(*k), "{k} names two keys");
        }
    }
}
