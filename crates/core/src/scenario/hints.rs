//! What a scenario's author most likely meant where a number was written
//! the way people write it in a budget document: a share as a percentage
//! ("15%", 4.5 for 4.5%), an amount in Korean units ("5억", "3천만 원") or
//! with thousands separators ("1,000"). Each hint names the number the
//! scenario takes instead; none changes what is accepted.

use super::schema::is_amount_key;

/// The scenario's money unit: won per unit where the currency is won and
/// the unit one fundgap knows, and the unit's name ("KRW million").
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Money {
    pub(super) won: Option<f64>,
    pub(super) name: String,
}

impl Default for Money {
    /// fundgap's default unit (a scenario that names none): KRW million.
    fn default() -> Self {
        Money {
            won: Some(1e6),
            name: "KRW million".into(),
        }
    }
}

impl Money {
    pub(super) fn of(currency: &str, unit: &str) -> Self {
        Money {
            won: crate::format::won_per_unit(currency, unit),
            name: format!("{currency} {unit}"),
        }
    }
}

/// A hint for a share or rate written as a percentage (4.5 for 4.5%),
/// when the fraction would have been accepted; empty otherwise.
pub(super) fn percent_hint(x: f64, accepts: impl Fn(f64) -> bool) -> String {
    let y = x / 100.0;
    match (2.0..=100.0).contains(&x) && accepts(y) {
        true => format!(" — did you mean {y}? (a share or rate is a fraction: {x}% is {y})"),
        false => String::new(),
    }
}

/// A hint for text given to `key`, which takes a number: for an amount,
/// the number in the scenario's unit `money` that text such as "5억" or
/// "1,000" stands for; for a number written with a percent sign ("15%"),
/// the fraction, when it would have been accepted; empty otherwise.
pub(super) fn written_percent(
    key: &str,
    text: &str,
    money: &Money,
    accepts: impl Fn(f64) -> bool,
) -> String {
    if is_amount_key(key) {
        return written_amount(text, money);
    }
    let Some(n) = text
        .trim()
        .strip_suffix('%')
        .and_then(|n| n.trim().parse::<f64>().ok())
    else {
        return String::new();
    };
    let y = n / 100.0;
    match accepts(y) {
        true => format!(" — did you mean {y}? (write the fraction as a number, not \"{text}\")"),
        false => String::new(),
    }
}

/// The hint for an amount written as text.
fn written_amount(text: &str, money: &Money) -> String {
    let unit = &money.name;
    if let Some(won) = written_won(text) {
        return match money.won {
            Some(per) => {
                let n = won / per;
                format!(
                    " — did you mean {n}? (amounts are plain numbers in the scenario's unit, {unit}: \"{text}\" is {n})"
                )
            }
            None => format!(
                " (amounts are plain numbers in the scenario's unit, {unit}, not won written as text)"
            ),
        };
    }
    let plain: String = text.trim().chars().filter(|c| *c != ',').collect();
    if let Ok(n) = plain.parse::<f64>() {
        return format!(
            " — did you mean {n}? (write numbers without thousands separators, or with underscores: 1_000)"
        );
    }
    if text.trim().ends_with('%') {
        return " (this key takes an amount of money, not a percentage)".into();
    }
    format!(" (this key takes an amount of money, a plain number in {unit})")
}

/// Won written as text the way Korean documents write money ("5억",
/// "5억 원", "3천만원", "1억 5천만", "500백만", "1,000원", "2조"): each
/// number times the unit characters after it, summed. None where the text
/// names no won (a bare number is in the scenario's unit, not in won).
pub(super) fn written_won(text: &str) -> Option<f64> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let (t, said_won) = match t.strip_suffix('원') {
        Some(rest) => (rest.to_string(), true),
        None => (t, false),
    };
    let digit = |c: char| c.is_ascii_digit() || c == '.';
    let unit = |c: char| match c {
        '십' => Some(1e1),
        '백' => Some(1e2),
        '천' => Some(1e3),
        '만' => Some(1e4),
        '억' => Some(1e8),
        '조' => Some(1e12),
        _ => None,
    };
    let mut total = 0.0;
    let mut named_unit = false;
    let mut rest = t.as_str();
    while !rest.is_empty() {
        let end = rest.find(|c: char| !digit(c)).unwrap_or(rest.len());
        let number: f64 = rest[..end].parse().ok()?;
        rest = &rest[end..];
        let mut factor = 1.0;
        while let Some(f) = rest.chars().next().and_then(unit) {
            factor *= f;
            named_unit = true;
            rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
        }
        total += number * factor;
    }
    (named_unit || said_won).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_amounts_are_read_as_won() {
        for (text, won) in [
            ("5억", 5e8),
            ("5억 원", 5e8),
            ("3천만원", 3e7),
            ("1억 5천만", 1.5e8),
            ("500백만", 5e8),
            ("1,000원", 1e3),
            ("2조", 2e12),
            ("0.5억", 5e7),
        ] {
            assert_eq!(written_won(text), Some(won), "{text}");
        }
        for text in ["1,000", "500", "abc", "억", "5억x", ""] {
            assert_eq!(written_won(text), None, "{text}");
        }
    }

    #[test]
    fn an_amount_written_as_text_is_told_in_the_scenarios_unit() {
        let million = Money::of("KRW", "million");
        let hint = written_percent("amount", "5억", &million, |_| true);
        assert!(hint.contains("did you mean 500?"), "{hint}");
        assert!(hint.contains("KRW million"), "{hint}");
        let eok = Money::of("KRW", "억원");
        let hint = written_percent("amount", "5억", &eok, |_| true);
        assert!(hint.contains("did you mean 5?"), "{hint}");
        let hint = written_percent("amount", "1,000", &million, |_| true);
        assert!(hint.contains("did you mean 1000?"), "{hint}");
        let usd = Money::of("USD", "thousand");
        let hint = written_percent("amount", "5억", &usd, |_| true);
        assert!(hint.contains("not won written as text"), "{hint}");
        let hint = written_percent("amount", "15%", &million, |_| true);
        assert!(hint.contains("not a percentage"), "{hint}");
    }

    #[test]
    fn a_share_written_with_a_percent_sign_is_told_as_a_fraction() {
        let m = Money::default();
        let hint = written_percent("match_share", "15%", &m, |y| (0.0..=1.0).contains(&y));
        assert!(hint.contains("did you mean 0.15?"), "{hint}");
        assert_eq!(written_percent("match_share", "150%", &m, |y| y <= 1.0), "");
    }
}
