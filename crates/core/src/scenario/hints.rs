//! What a scenario's author most likely meant where a number was written
//! the way people write it in a budget document: a share as a percentage
//! ("15%", 4.5 for 4.5%), an amount in Korean units ("5억", "3천만 원") or
//! with thousands separators ("1,000"). Each hint names the number the
//! scenario takes instead; none changes what is accepted.

use super::schema::is_amount_key;
use crate::error::Said;

/// The scenario's money unit: won per unit where the currency is won and
/// the unit one fundgap knows, and the unit's name ("KRW million").
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ScenarioUnit {
    pub(super) won: Option<f64>,
    pub(super) name: String,
    /// Its name in Korean ("백만 원"), or the English one where fundgap
    /// has no Korean name for it.
    pub(super) korean: String,
}

impl ScenarioUnit {
    pub(super) fn of(currency: &str, unit: &str) -> Self {
        let name = format!("{currency} {unit}");
        ScenarioUnit {
            won: crate::format::won_per_unit(currency, unit),
            korean: crate::format::korean_unit(currency, unit)
                .map(str::to_string)
                .unwrap_or_else(|| name.clone()),
            name,
        }
    }
}

/// A hint for a share or rate written as a percentage (4.5 for 4.5%),
/// when the fraction would have been accepted; empty otherwise.
pub(super) fn percent_hint(x: f64, accepts: impl Fn(f64) -> bool) -> Said {
    let y = x / 100.0;
    match (2.0..=100.0).contains(&x) && accepts(y) {
        true => Said::both(
            format!(" — did you mean {y}? (a share or rate is a fraction: {x}% is {y})"),
            format!(" — {y}의 뜻이었나요? (비율은 소수로 씁니다: {x}%는 {y})"),
        ),
        false => Said::empty(),
    }
}

/// A hint for text given to `key`, which takes a number: for an amount,
/// the number in the scenario's unit that text such as "5억" or
/// "1,000" stands for; for a number written with a percent sign ("15%"),
/// the fraction, when it would have been accepted; empty otherwise.
pub(super) fn written_percent(
    key: &str,
    text: &str,
    unit: &ScenarioUnit,
    accepts: impl Fn(f64) -> bool,
) -> Said {
    if is_amount_key(key) {
        return written_amount(text, unit);
    }
    let Some(n) = text
        .trim()
        .strip_suffix('%')
        .and_then(|n| n.trim().parse::<f64>().ok())
    else {
        return Said::empty();
    };
    let y = n / 100.0;
    match accepts(y) {
        true => Said::both(
            format!(" — did you mean {y}? (write the fraction as a number, not \"{text}\")"),
            format!(" — {y}의 뜻이었나요? (\"{text}\"가 아니라 소수를 수로 쓰세요)"),
        ),
        false => Said::empty(),
    }
}

/// The hint for an amount written as text.
fn written_amount(text: &str, unit: &ScenarioUnit) -> Said {
    let (name, ko) = (&unit.name, &unit.korean);
    if let Some(won) = written_won(text) {
        return match unit.won {
            Some(per) => {
                let n = tidy(won / per);
                Said::both(
                    format!(
                        " — did you mean {n}? (amounts are plain numbers in the scenario's unit, {name}: \"{text}\" is {n})"
                    ),
                    format!(
                        " — {n}의 뜻이었나요? (금액은 시나리오의 단위({ko})로 숫자만 씁니다: \"{text}\"{} {n})",
                        crate::format::particle(text, "은", "는")
                    ),
                )
            }
            None => Said::both(
                format!(
                    " (amounts are plain numbers in the scenario's unit, {name}, not won written as text)"
                ),
                format!(" (금액은 원을 글로 쓰지 않고 시나리오의 단위({ko})로 숫자만 씁니다)"),
            ),
        };
    }
    if let Some(n) = number(text.trim()) {
        let n = tidy(n);
        return Said::both(
            format!(
                " — did you mean {n}? (write numbers without thousands separators, or with underscores: 1_000)"
            ),
            format!(" — {n}의 뜻이었나요? (숫자는 천 단위 쉼표 없이, 또는 밑줄로 씁니다: 1_000)"),
        );
    }
    if text.trim().ends_with('%') {
        return Said::both(
            " (this key takes an amount of money, not a percentage)",
            " (이 키에는 백분율이 아니라 금액을 씁니다)",
        );
    }
    Said::both(
        format!(" (this key takes an amount of money, a plain number in {name})"),
        format!(" (이 키에는 금액을 {ko} 단위의 숫자로 씁니다)"),
    )
}

/// `x` without the binary fraction's noise in its last digits (2.3억 in
/// millions is 230, not 229.99999999999997): amounts are suggested to
/// nine decimals at most.
fn tidy(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r.is_finite() { r } else { x }
}

/// A number written with digits, an optional decimal point and commas
/// only between groups of three digits ("1,000.5"); None otherwise.
fn number(text: &str) -> Option<f64> {
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.contains(',') {
        return None;
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    let grouped = whole.contains(',');
    if first.is_empty() || grouped && first.len() > 3 || groups.any(|g| g.len() != 3) {
        return None;
    }
    text.replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// Won written as text the way Korean documents write money ("5억",
/// "5억 원", "3천만원", "1억 5천만", "3억2천5백만", "500백만", "1,000원",
/// "2조"): within each group closed by 조, 억 or 만 (in that order), the
/// numbers times their 천, 백 or 십 (in that order) add up, and the group
/// is multiplied by its closing unit. None where the text names no won (a
/// bare number is in the scenario's unit), or reads two ways ("3억5천":
/// 5천 원 or 5천만 원?), or is no amount at all.
pub(super) fn written_won(text: &str) -> Option<f64> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (t, said_won) = match t.strip_suffix('원') {
        Some(rest) => (rest, true),
        None => (t.as_str(), false),
    };
    let small = |c: char| match c {
        '천' => Some(1e3),
        '백' => Some(1e2),
        '십' => Some(1e1),
        _ => None,
    };
    let big = |c: char| match c {
        '조' => Some(1e12),
        '억' => Some(1e8),
        '만' => Some(1e4),
        _ => None,
    };
    let (mut total, mut group) = (0.0, 0.0);
    let (mut last_big, mut last_small) = (f64::INFINITY, f64::INFINITY);
    let (mut tokens, mut units, mut open) = (0, 0, false);
    let mut rest = t;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(rest.len());
        let n = number(&rest[..end])?;
        rest = &rest[end..];
        tokens += 1;
        let mut next = rest.chars().next();
        let factor = match next.and_then(small) {
            Some(f) if f < last_small => {
                rest = &rest[next.map_or(0, char::len_utf8)..];
                next = rest.chars().next();
                last_small = f;
                units += 1;
                f
            }
            Some(_) => return None,
            None => 1.0,
        };
        group += n * factor;
        open = true;
        match next.and_then(big) {
            Some(b) if b < last_big => {
                rest = &rest[next.map_or(0, char::len_utf8)..];
                total += group * b;
                (group, open, last_big, last_small) = (0.0, false, b, f64::INFINITY);
                units += 1;
            }
            Some(_) => return None,
            // A bare number after another ("5억5", "3천5") reads two
            // ways: won, or the next unit down left out.
            None if factor == 1.0 && tokens > 1 => return None,
            None => {}
        }
    }
    // A last group left open after a 조/억/만 ("3억5천") reads two ways.
    if open && last_big.is_finite() {
        return None;
    }
    let won = total + group;
    (tokens > 0 && (units > 0 || said_won) && won.is_finite()).then_some(won)
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
            ("1천5백만원", 1.5e7),
            ("3억2천5백만", 3.25e8),
            ("500백만", 5e8),
            ("1,000원", 1e3),
            ("5만원", 5e4),
            ("2조", 2e12),
            ("0.5억", 5e7),
            ("1조 2,500억", 1.25e12),
        ] {
            assert_eq!(written_won(text), Some(won), "{text}");
        }
        // Bare numbers (the scenario's unit), text that reads two ways,
        // units out of order, and what is no amount at all.
        for text in [
            "1,000", "500", "abc", "억", "원", "5억x", "", "5억5", "3억5천", "5억만", "5만억",
            "5백천", "1,2,3억", "1.2.3억", "-5억", "5e3억", "억5", "５억",
        ] {
            assert_eq!(written_won(text), None, "{text}");
        }
        let long = format!("{}억", "9".repeat(400));
        assert_eq!(written_won(&long), None);
        assert_eq!(written_won(&"0조".repeat(50)), None);
    }

    #[test]
    fn an_amount_written_as_text_is_told_in_the_scenarios_unit() {
        let million = ScenarioUnit::of("KRW", "million");
        let said = written_percent("amount", "5억", &million, |_| true);
        let (hint, ko) = (said.en, said.ko.unwrap_or_default());
        assert!(hint.contains("did you mean 500?"), "{hint}");
        assert!(hint.contains("KRW million"), "{hint}");
        assert!(ko.contains("500의 뜻이었나요?"), "{ko}");
        assert!(ko.contains("백만 원"), "{ko}");
        let eok = ScenarioUnit::of("KRW", "억원");
        let hint = written_percent("amount", "5억", &eok, |_| true).en;
        assert!(hint.contains("did you mean 5?"), "{hint}");
        let hint = written_percent("amount", "1,000", &million, |_| true).en;
        assert!(hint.contains("did you mean 1000?"), "{hint}");
        // The suggestion is the decimal the text means, not its nearest
        // binary fraction.
        for (text, n) in [("2.3억", "230"), ("1.1억", "110"), ("1천5백만원", "15")] {
            let hint = written_percent("amount", text, &million, |_| true).en;
            assert!(
                hint.contains(&format!("did you mean {n}?")),
                "{text}: {hint}"
            );
        }
        let usd = ScenarioUnit::of("USD", "thousand");
        let hint = written_percent("amount", "5억", &usd, |_| true).en;
        assert!(hint.contains("not won written as text"), "{hint}");
        let hint = written_percent("amount", "15%", &million, |_| true).en;
        assert!(hint.contains("not a percentage"), "{hint}");
    }

    #[test]
    fn a_share_written_with_a_percent_sign_is_told_as_a_fraction() {
        let m = ScenarioUnit::of("KRW", "million");
        let said = written_percent("match_share", "15%", &m, |y| (0.0..=1.0).contains(&y));
        assert!(said.en.contains("did you mean 0.15?"), "{said:?}");
        assert!(said.ko.is_some_and(|ko| ko.contains("0.15의 뜻이었나요?")));
        assert_eq!(
            written_percent("match_share", "150%", &m, |y| y <= 1.0),
            Said::empty()
        );
    }
}
