//! The report's language: words in English or Korean, and money in the
//! units a Korean budget office writes (억 원, 백만 원).
//!
//! Each text is written where it is used, both languages side by side
//! (`w.t("service", "서비스")`), so a label cannot go missing in one of
//! them and a reader of the code sees both.

use unicode_width::UnicodeWidthStr;

use fundgap::format::thousands;
use fundgap::model::{Language, Model};
use fundgap::stats::EntityStats;

/// Chooses between the English and the Korean text of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words(pub Language);

impl Words {
    /// `en` or `ko`, in this language.
    pub fn t(self, en: &'static str, ko: &'static str) -> &'static str {
        match self.0 {
            Language::En => en,
            Language::Ko => ko,
        }
    }

    /// Whether the language is Korean.
    pub fn ko(self) -> bool {
        self.0 == Language::Ko
    }
}

/// Won per scenario unit, where the scenario's money is in won and its
/// unit is one fundgap knows (English or Korean names).
fn won_per_unit(currency: &str, unit: &str) -> Option<f64> {
    if !currency.eq_ignore_ascii_case("KRW") {
        return None;
    }
    let unit: String = unit.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match unit.to_lowercase().as_str() {
        "won" | "원" | "" => 1.0,
        "thousand" | "천원" => 1e3,
        "million" | "백만원" => 1e6,
        "hundredmillion" | "억원" => 1e8,
        "billion" | "십억원" => 1e9,
        _ => return None,
    })
}

/// How amounts are written: the unit's label, and what to divide a
/// scenario amount by.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    label: String,
    divisor: f64,
    decimals: usize,
}

impl Money {
    /// The money of `model` in `lang`, for amounts up to about `largest`
    /// (in the scenario's unit). In Korean, won amounts are written in 억
    /// 원 (or 백만 원 when every amount is below 1억), as Korean budget
    /// documents do; otherwise in the scenario's own currency and unit.
    pub fn new(model: &Model, lang: Language, largest: f64) -> Self {
        Money::for_units(model.currency(), model.unit(), lang, largest)
    }

    /// [`Money::new`] for amounts in `currency` and `unit` (an analysis's
    /// result, which records them instead of a model).
    pub fn for_units(currency: &str, unit: &str, lang: Language, largest: f64) -> Self {
        let plain = Money {
            label: format!("{currency} {unit}"),
            divisor: 1.0,
            decimals: 0,
        };
        let (Language::Ko, Some(won)) = (lang, won_per_unit(currency, unit)) else {
            return plain;
        };
        let largest_won = largest.abs() * won;
        let (label, per) = if largest_won >= 1e8 {
            ("억 원", 1e8)
        } else {
            ("백만 원", 1e6)
        };
        let divisor = per / won;
        // Whole units once the numbers are large enough to read so.
        let decimals = if largest / divisor >= 100.0 { 0 } else { 1 };
        Money {
            label: label.to_string(),
            divisor,
            decimals,
        }
    }

    /// The money of a run's tables: sized by the largest gap NPV figure
    /// they show (a mean or P95, of any service or the portfolio).
    pub fn of_report(model: &Model, report: &fundgap::stats::Report, lang: Language) -> Self {
        Money::new(model, lang, largest_gap(&report.entities))
    }

    /// The money of a comparison's figures, sized by its largest gap NPV.
    pub fn of_comparison(r: &fundgap::analysis::compare::CompareResult, lang: Language) -> Self {
        let largest = largest_gap(r.variants.iter().map(|v| &v.stats));
        Money::for_units(&r.currency, &r.unit, lang, largest)
    }

    /// The unit, e.g. "억 원" or "KRW million".
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What an amount in the scenario's unit is divided by to be in this
    /// money.
    pub fn divisor(&self) -> f64 {
        self.divisor
    }

    /// The Excel number format that writes amounts as [`Money::fmt`] does.
    pub fn excel_format(&self) -> &'static str {
        if self.decimals == 0 {
            "#,##0"
        } else {
            "#,##0.0"
        }
    }

    /// A signed amount, e.g. "+12" or "-3.4".
    pub fn signed(&self, x: f64) -> String {
        let s = self.fmt(x);
        if x >= 0.0 { format!("+{s}") } else { s }
    }

    /// An amount in the scenario's unit, written in this money.
    pub fn fmt(&self, x: f64) -> String {
        thousands(x / self.divisor, self.decimals)
    }
}

/// The largest gap NPV a table shows of these entities (a mean or a P95):
/// what sizes its money.
fn largest_gap<'a>(entities: impl IntoIterator<Item = &'a EntityStats>) -> f64 {
    entities
        .into_iter()
        .map(|e| e.gap_npv.p95.abs().max(e.gap_npv.mean.abs()))
        .fold(0.0, f64::max)
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

#[cfg(test)]
mod tests {
    use super::*;

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
