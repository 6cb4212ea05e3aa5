//! The report's language: words in English or Korean, and money in the
//! units a Korean budget office writes (억 원, 백만 원).
//!
//! Each text is written where it is used, both languages side by side
//! (`w.t("service", "서비스")`), so a label cannot go missing in one of
//! them and a reader of the code sees both.

use unicode_width::UnicodeWidthStr;

pub use fundgap::format::Money;
use fundgap::model::{FundingKind, Language, Model};
use fundgap::stats::largest_gap;

/// Chooses between the English and the Korean text of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words(pub Language);

impl Words {
    /// `en` or `ko`, in this language.
    pub fn t(self, en: &'static str, ko: &'static str) -> &'static str {
        self.0.t(en, ko)
    }

    /// Whether the language is Korean.
    pub fn ko(self) -> bool {
        self.0 == Language::Ko
    }
}

/// An entity's name as a reader sees it: its own name, and in Korean the
/// portfolio's as 전체 (포트폴리오).
pub fn entity_name(id: &str, name: &str, lang: Language) -> String {
    match lang {
        Language::Ko if id == "portfolio" => "전체 (포트폴리오)".to_string(),
        // A result saved before it carried its entity's name.
        _ if name.is_empty() => id.to_string(),
        _ => name.to_string(),
    }
}

/// A kind of funding stream as a reader names it, in the report's
/// language: one name per kind wherever one is shown.
pub(crate) fn funding_kind(kind: FundingKind, w: Words) -> &'static str {
    match kind {
        FundingKind::Grant => w.t("grant", "보조금"),
        FundingKind::Budget => w.t("budget", "예산"),
        FundingKind::Fees => w.t("fees", "이용료"),
        FundingKind::Contract => w.t("contract", "민간 계약"),
        FundingKind::Reserve => w.t("reserve", "적립금"),
    }
}

/// An entity's label in a terminal table: its id in English (short and
/// typed on the command line), its name in Korean (usually Hangul).
pub fn entity_label(id: &str, name: &str, lang: Language) -> String {
    match lang {
        Language::En => id.to_string(),
        Language::Ko => entity_name(id, name, lang),
    }
}

/// An uncertain input (its `--set` path) in Korean words, for a reader
/// who does not read key paths: "운영비 비율", "재원 city-budget 금액",
/// "위험 staff-rotation 비용", each key named as the scenario workbook's
/// headers name it (`book::layout`), so that the words a budget officer
/// typed a value under are the words the report gives it. A service's own
/// inputs are named without it (`own` is the service the table or chart
/// is about); another service's keep its id in brackets. A path these
/// words do not know is returned as it is.
pub fn input_words(path: &str, own: &str) -> String {
    let Some(rest) = path.strip_prefix("service.") else {
        return path.to_string();
    };
    let Some((service, rest)) = rest.split_once('.') else {
        return path.to_string();
    };
    let key = |k: &str| -> Option<String> {
        match k {
            // The take-over decision's draw has no header: it is drawn,
            // never typed.
            "decision" => Some("인수 결정".to_string()),
            k if !k.contains('.') => crate::book::layout::korean(k),
            _ => None,
        }
    };
    let words = match rest.split('.').collect::<Vec<_>>()[..] {
        [k] => key(k),
        [line, name, k] => {
            let what = match line {
                "cost" => "비용",
                "risk" => "위험",
                "funding" => "재원",
                "benefit" => "편익",
                _ => return path.to_string(),
            };
            key(k).map(|k| format!("{what} {name} {k}"))
        }
        _ => None,
    };
    match words {
        Some(w) if service == own => w,
        Some(w) => format!("[{service}] {w}"),
        None => path.to_string(),
    }
}

/// An input as a Korean table cell shows it: its words, then the `--set`
/// path to paste ("운영비 비율 (service.x.opex_ratio)"); a path without
/// words alone.
pub fn input_named(path: &str, own: &str) -> String {
    let words = input_words(path, own);
    match words == path {
        true => words,
        false => format!("{words} ({path})"),
    }
}

/// A scorecard criterion's name as a heading: (short, for a table
/// column; long, for a sentence). Unknown keys are shown as they are.
pub fn criterion_name(key: &str, w: Words) -> (&str, &str) {
    match key {
        "differentiation" => (
            w.t("better", "차별성"),
            w.t(
                "differentiation from existing services",
                "기존 서비스와의 차별성",
            ),
        ),
        "operating_agreement" => (
            w.t("agreement", "운영 협약"),
            w.t("agreement on who runs it", "운영 주체 협약"),
        ),
        "free_service" => (
            w.t("if free", "무료 대책"),
            w.t(
                "plan for a service seen as free",
                "무료로 인식되는 서비스의 재원 계획",
            ),
        ),
        "dedicated_staff" => (
            w.t("staff", "전담 인력"),
            w.t("dedicated staff", "전담 인력"),
        ),
        "funding_sustainability" => (
            w.t("funding", "재원"),
            w.t("funding sustainability", "재원 지속성"),
        ),
        "grant_dependency" => (
            w.t("grants", "보조금"),
            w.t("grant dependency", "보조금 의존도"),
        ),
        "revenue_diversity" => (
            w.t("diverse", "다양성"),
            w.t("revenue diversity", "재원 다양성"),
        ),
        "value" => (w.t("value", "가치"), w.t("value", "가치")),
        other => (other, other),
    }
}

/// A rating as a word: green/amber/red, 양호/주의/위험.
pub fn rating_word(r: fundgap::analysis::evaluate::Rating, w: Words) -> &'static str {
    use fundgap::analysis::evaluate::Rating;
    match r {
        Rating::Green => w.t("green", "양호"),
        Rating::Amber => w.t("amber", "주의"),
        Rating::Red => w.t("red", "위험"),
    }
}

/// Where amounts are written in a model's or an analysis's money: the
/// constructors that know the report's [`Language`] and what sizes the
/// unit (the library's [`Money`] knows only currencies and units).
pub trait MoneyOf: Sized {
    /// The money of `model` in `lang`, for amounts up to about `largest`
    /// (in the scenario's unit).
    fn new(model: &Model, lang: Language, largest: f64) -> Self;
    /// The money of a run's tables: sized by the largest gap NPV figure
    /// they show (a mean or P95, of any service or the portfolio).
    fn of_report(model: &Model, report: &fundgap::stats::Report, lang: Language) -> Self;
    /// The money of a comparison's figures, sized by its largest gap NPV.
    fn of_comparison(r: &fundgap::analysis::compare::CompareResult, lang: Language) -> Self;
    /// The money of a sensitivity analysis, sized by the largest mean gap
    /// NPV its one-at-a-time runs found.
    fn of_sensitivity(s: &fundgap::analysis::sensitivity::Sensitivity, lang: Language) -> Self;
    /// The money of a stress grid's figures, sized by its largest mean gap
    /// NPV or funding requirement.
    fn of_stress(r: &fundgap::analysis::stress::StressResult, lang: Language) -> Self;
}

impl MoneyOf for Money {
    fn new(model: &Model, lang: Language, largest: f64) -> Self {
        Money::for_units(
            model.currency(),
            model.unit(),
            lang == Language::Ko,
            largest,
        )
    }

    fn of_report(model: &Model, report: &fundgap::stats::Report, lang: Language) -> Self {
        Money::new(model, lang, largest_gap(&report.entities))
    }

    fn of_comparison(r: &fundgap::analysis::compare::CompareResult, lang: Language) -> Self {
        let largest = largest_gap(r.variants.iter().map(|v| &v.stats));
        Money::for_units(&r.currency, &r.unit, lang == Language::Ko, largest)
    }

    fn of_sensitivity(s: &fundgap::analysis::sensitivity::Sensitivity, lang: Language) -> Self {
        let largest = s
            .entities
            .iter()
            .flat_map(|e| {
                let ends = e
                    .inputs
                    .iter()
                    .flat_map(|i| [i.gap_npv_at_p10, i.gap_npv_at_p90]);
                ends.chain([e.gap_npv_at_medians])
            })
            .filter(|x| x.is_finite())
            .fold(0.0, |m: f64, x| m.max(x.abs()));
        Money::for_units(&s.currency, &s.unit, lang == Language::Ko, largest)
    }

    fn of_stress(r: &fundgap::analysis::stress::StressResult, lang: Language) -> Self {
        let largest = r
            .cells
            .iter()
            .flat_map(|c| [c.gap_npv_mean, c.need.map_or(0.0, |n| n.topup_hi)])
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        Money::for_units(&r.currency, &r.unit, lang == Language::Ko, largest)
    }
}

/// How an analysis reached its shares of explained variance by
/// provenance, for the sentence that reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharesBasis {
    /// Squared rank correlations with the gap NPV (the tornado's sample).
    RankCorrelation,
    /// Sobol first-order indices.
    FirstOrder,
}

/// The sentence that says how much of the entity's (id and name) gap NPV
/// rests on assumptions (and on inputs that state nothing); None when its
/// inputs explain none of it.
pub fn provenance_sentence(
    (id, name): (&str, &str),
    shares: &fundgap::analysis::provenance::ProvenanceShares,
    basis: SharesBasis,
    w: Words,
) -> Option<String> {
    use fundgap::format::percent;
    if shares.sourced + shares.assumption + shares.unstated <= 0.0 {
        return None;
    }
    let (a, u) = (percent(shares.assumption, 0), percent(shares.unstated, 0));
    let entity = entity_label(id, name, w.0);
    let how = match (basis, w.ko()) {
        (SharesBasis::RankCorrelation, false) => {
            "from squared rank correlations: an approximation that ignores correlation between inputs"
        }
        (SharesBasis::RankCorrelation, true) => "순위상관 제곱 기준: 입력 간 상관을 무시한 근사",
        (SharesBasis::FirstOrder, false) => "from first-order indices: interactions left out",
        (SharesBasis::FirstOrder, true) => "1차 지수 기준: 상호작용 제외",
    };
    Some(match w.ko() {
        false => format!(
            "{a} of the {entity} gap NPV's explained variance comes from inputs marked as assumptions, {u} from unstated ones ({how})"
        ),
        true => format!(
            "{entity} 부족액 현가의 설명된 분산 중 {a}는 가정으로 표시된 입력, {u}는 출처·가정을 밝히지 않은 입력에서 나옴 ({how})"
        ),
    })
}

/// `s` padded with spaces to `width` terminal columns (Hangul takes two),
/// on the left (`right = true`, for numbers) or the right.
pub fn pad(s: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(s.width()));
    if right {
        fill + s
    } else {
        s.to_string() + &fill
    }
}

/// Terminal columns `s` takes.
pub fn columns(s: &str) -> usize {
    s.width()
}

/// Whether this process's command speaks Korean: the language its
/// refusals (an output folder it will not replace, a file open in Excel)
/// are written in, set by the shell once the command's language is known.
static KOREAN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes `lang` the language this process's refusals are told in.
pub fn speak(lang: Language) {
    KOREAN.store(lang == Language::Ko, std::sync::atomic::Ordering::Relaxed);
}

/// The language set by [`speak`] (English until then).
pub fn spoken() -> Language {
    match KOREAN.load(std::sync::atomic::Ordering::Relaxed) {
        true => Language::Ko,
        false => Language::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_read_in_korean_words() {
        let own = "operations-centre";
        let at = |p: &str| input_words(&format!("service.{own}.{p}"), own);
        // The words of the scenario workbook's headers.
        assert_eq!(at("opex_ratio"), "운영비 비율");
        assert_eq!(at("construction_cost"), "구축비");
        assert_eq!(at("funding.city-budget.amount"), "재원 city-budget 금액");
        assert_eq!(at("risk.staff-rotation.cost"), "위험 staff-rotation 비용");
        assert_eq!(
            at("cost.server-and-display-refresh.every_years"),
            "비용 server-and-display-refresh 주기(년)"
        );
        assert_eq!(
            at("funding.grant.share_of_cost"),
            "재원 grant 비용 대비 비율"
        );
        assert_eq!(at("decision"), "인수 결정");
        // Another service's input keeps its id; what it does not know stays.
        assert_eq!(
            input_words("service.cctv.opex_ratio", own),
            "[cctv] 운영비 비율"
        );
        assert_eq!(
            at("funding.x.novel_key"),
            format!("service.{own}.funding.x.novel_key")
        );
        assert_eq!(input_words("economy.inflation", own), "economy.inflation");
        // A cell holds the words and the path, or the path alone.
        assert_eq!(
            input_named(&format!("service.{own}.opex_ratio"), own),
            format!("운영비 비율 (service.{own}.opex_ratio)")
        );
        assert_eq!(input_named("economy.inflation", own), "economy.inflation");
        // Every key a per-trial quantity can have is named.
        for k in [
            "construction_cost",
            "opex_ratio",
            "decision",
            "amount",
            "annual",
            "share_of_construction",
            "every_years",
            "annual_probability",
            "cost",
            "balance",
            "withdrawal_hazard",
            "exit_hazard",
            "downturn_exit_hazard",
            "saturation_users",
            "price",
            "midpoint_years",
            "steepness",
            "share_of_cost",
        ] {
            let path = format!("service.{own}.funding.x.{k}");
            assert_ne!(input_words(&path, own), path, "{k}");
        }
    }

    fn model(currency: &str, unit: &str) -> Model {
        let text = format!(
            "[scenario]\nname = \"m\"\ncurrency = \"{currency}\"\nunit = \"{unit}\"\nstart_year = 2025\nhorizon_years = 5\n\n[[service]]\nid = \"a\"\nconstruction_cost = 100\nopex_ratio = 0.1\n"
        );
        fundgap::scenario::parse_str(&text, "m.toml").unwrap()
    }

    #[test]
    fn korean_money_is_in_eok_won() {
        let m = model("KRW", "million");
        // 343,958.6 million won = 3,439.6억 원.
        let money = Money::new(&m, Language::Ko, 343_958.6);
        assert_eq!(money.label(), "억 원");
        assert_eq!(money.fmt(343_958.6), "3,440");
        // Small amounts: 백만 원, one decimal below 100.
        let small = Money::new(&m, Language::Ko, 50.0);
        assert_eq!(small.label(), "백만 원");
        assert_eq!(small.fmt(42.25), "42.2");
        // In won: 343,958,598,019 won = 3,440억 원.
        let won = model("KRW", "won");
        assert_eq!(
            Money::new(&won, Language::Ko, 3.4e11).fmt(343_958_598_019.0),
            "3,440"
        );
        // English, or another currency: the scenario's own unit.
        assert_eq!(
            Money::new(&m, Language::En, 343_958.6).label(),
            "KRW million"
        );
        let usd = model("USD", "thousand");
        assert_eq!(Money::new(&usd, Language::Ko, 5e6).label(), "USD thousand");
    }

    #[test]
    fn padding_counts_hangul_as_two_columns() {
        assert_eq!(pad("서비스", 8, false), "서비스  ");
        assert_eq!(pad("12", 4, true), "  12");
        assert_eq!(columns("부족액"), 6);
    }
}
