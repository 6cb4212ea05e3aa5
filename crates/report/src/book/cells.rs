//! A cell's content as TOML text: numbers, percents and numbers typed as
//! text, TRUE/FALSE, lists, dates; and a header's key and unit.

use calamine::Data;

use super::layout::{from_korean, won_per_unit};

pub(super) fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A header's key and declared unit: `opex_ratio`, `운영비 비율`,
/// `opex_ratio | 운영비 비율`, `amount [억원]`, `amount (백만원)`, and a
/// unit on either half of a two-language header (`amount [억원] | 금액`,
/// `amount | 금액 [억원]`).
pub(super) fn parse_header(text: &str) -> Result<(String, Option<f64>), String> {
    let mut unit: Option<(f64, &str)> = None;
    let mut key = None;
    for part in text.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, declared) = without_unit(part);
        if let Some(w) = declared {
            match unit {
                Some((u, first)) if u != w.0 => {
                    return Err(format!(
                        "header \"{text}\" declares two units, [{first}] and [{}]: keep one",
                        w.1
                    ));
                }
                _ => unit = Some(w),
            }
        }
        if key.is_some() {
            continue;
        }
        let ascii = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
        if ascii && !name.is_empty() {
            key = Some(name.to_string());
        } else if let Some(k) = from_korean(name) {
            key = Some(k);
        }
    }
    match key {
        Some(k) => Ok((k, unit.map(|u| u.0))),
        None => Err(format!(
            "header \"{text}\" names no key: write the key (`opex_ratio`), its Korean name (운영비 비율) or both (`opex_ratio | 운영비 비율`)"
        )),
    }
}

/// A header part without its trailing unit (`amount [억원]`, `금액 (천원)`),
/// and the unit in won with its text, if it declares one: brackets that
/// hold something else (`주기(년)`) are part of the name.
fn without_unit(part: &str) -> (&str, Option<(f64, &str)>) {
    for (open, close) in [('[', ']'), ('(', ')')] {
        if part.ends_with(close)
            && let Some(at) = part.rfind(open)
        {
            let inside = &part[at + 1..part.len() - 1];
            if let Some(w) = won_per_unit(inside) {
                return (part[..at].trim_end(), Some((w, inside.trim())));
            }
        }
    }
    (part, None)
}

/// A cell as plain text (an id, a key, a unit), if it holds any.
pub(super) fn text_of(d: &Data) -> Option<String> {
    match d {
        Data::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => number(*f),
        Data::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number as TOML writes it: whole numbers as integers (years, counts),
/// others in the shortest form that reads back to the same double.
pub(super) fn number(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    if f.fract() == 0.0 && f.abs() < 9e15 {
        return Some(format!("{}", f as i64));
    }
    Some(format!("{f:?}"))
}

pub(super) fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A list or table written in a cell in TOML (`["SPRi", "Y17"]`,
/// `[1, 2.5]`).
fn toml_value(s: &str) -> Option<toml::Value> {
    let mut doc: toml::Table = toml::from_str(&format!("x = {s}")).ok()?;
    doc.remove("x")
}

/// `v` as one line of TOML.
fn one_line(v: &toml::Value) -> String {
    v.to_string().replace('\n', " ")
}

/// A cell's value as TOML text (`None` for an empty cell): kept as text
/// under a key that holds text; under any other key a number, a percent
/// (`15%` is 0.15; refused where the cell takes an amount, `amount`),
/// a number stored as text (`1,200`), TRUE/FALSE, or a TOML list.
/// `factor` converts an amount from its column's unit.
pub(super) fn value_text(
    d: &Data,
    (text_key, amount): (bool, bool),
    factor: Option<f64>,
) -> Result<Option<String>, String> {
    let scaled = |f: f64| scale(f, factor);
    Ok(Some(match d {
        Data::Empty => return Ok(None),
        Data::Error(e) => return Err(format!("the cell holds the error {e}; put a value in it")),
        Data::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            let list = (s.starts_with('[') && s.ends_with(']'))
                || (!text_key && s.starts_with('{') && s.ends_with('}'));
            if list {
                match toml_value(s) {
                    // A list of amounts (a discrete distribution's
                    // values) in a column with a unit is converted too.
                    Some(v) if !text_key && factor.is_some_and(|k| k != 1.0) => {
                        return scaled_list(&v, factor).map(Some);
                    }
                    Some(v) => return Ok(Some(one_line(&v))),
                    // Text that merely starts with a bracket (a note).
                    None if text_key => return Ok(Some(toml_string(s))),
                    None => {
                        return Err(format!(
                            "\"{s}\" is not a TOML list or table (e.g. [\"A\", \"B\"])"
                        ));
                    }
                }
            }
            if text_key {
                toml_string(s)
            } else if let Some(b) = boolean(s) {
                b.to_string()
            } else if amount && s.ends_with('%') {
                return Err(format!(
                    "\"{s}\" is a percentage, but this cell takes an amount of money: type the amount itself"
                ));
            } else if let Some(f) = number_text(s) {
                scaled(f)?
            } else {
                // The validator says what the key takes, at this cell.
                toml_string(s)
            }
        }
        Data::Float(f) if text_key => number(*f).map(|n| toml_string(&n)).unwrap_or_default(),
        Data::Int(i) if text_key => toml_string(&i.to_string()),
        Data::Float(f) => scaled(*f)?,
        Data::Int(i) => match factor {
            Some(k) if k != 1.0 => scaled(*i as f64)?,
            _ => i.to_string(),
        },
        Data::Bool(b) if text_key => toml_string(&b.to_string()),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let date = excel_date(dt.as_f64());
            if text_key {
                toml_string(&date)
            } else {
                return Err(format!("a date ({date}) where a number was expected"));
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => toml_string(s),
    }))
}

/// `f` converted by `factor` from its column's unit, as TOML writes it.
fn scale(f: f64, factor: Option<f64>) -> Result<String, String> {
    let v = match factor {
        Some(k) if k != 1.0 => {
            // 1.1 억원 is 110 백만원, not 110.00000000000001.
            let x = f * k;
            format!("{x:.14e}").parse::<f64>().unwrap_or(x)
        }
        _ => f,
    };
    number(v).ok_or_else(|| format!("{f} is not a finite number"))
}

/// A TOML list of numbers (`[1, 2.5]`), each converted by `factor`.
fn scaled_list(value: &toml::Value, factor: Option<f64>) -> Result<String, String> {
    let list = one_line(value);
    let toml::Value::Array(items) = value else {
        return Err(format!("{list} is not a list of amounts"));
    };
    let converted = items
        .iter()
        .map(|v| match v {
            toml::Value::Integer(i) => scale(*i as f64, factor),
            toml::Value::Float(f) => scale(*f, factor),
            _ => Err(format!("{list} is not a list of amounts: {v} is no number")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("[{}]", converted.join(", ")))
}

pub(super) fn boolean(s: &str) -> Option<bool> {
    match s.to_lowercase().as_str() {
        "true" | "참" | "예" => Some(true),
        "false" | "거짓" | "아니오" => Some(false),
        _ => None,
    }
}

/// A number typed as text: `1,200`, `0.15`, `15%`, `1 200`.
pub(super) fn number_text(s: &str) -> Option<f64> {
    let (body, scale) = match s.strip_suffix('%') {
        Some(b) => (b, 0.01),
        None => (s, 1.0),
    };
    let clean = ungrouped(body)?;
    let x: f64 = clean.parse().ok()?;
    if !x.is_finite() {
        return None;
    }
    // 15% is 0.15 exactly as typed, not 15 × 0.01.
    Some(if scale == 1.0 {
        x
    } else {
        format!("{x}e-2").parse().unwrap_or(x * scale)
    })
}

/// `body` without its thousands separators (`,`, `_`, a space), where it
/// has them only between groups of three digits of the whole part:
/// `1,200` and `1 200.5` are numbers, `1,5` (a decimal comma) and
/// `7.300,5` are not, rather than silently read as 15 and 7.3005.
fn ungrouped(body: &str) -> Option<String> {
    let sep = |c: char| matches!(c, ',' | '_' | ' ' | '\u{a0}');
    if !body.contains(sep) {
        return Some(body.to_string());
    }
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    if fraction.is_some_and(|f| f.contains(sep)) {
        return None;
    }
    let digits = whole.trim_start_matches(['-', '+']);
    let mut groups = digits.split(sep);
    let first = groups.next()?;
    let ok = (1..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    ok.then(|| body.chars().filter(|&c| !sep(c)).collect())
}

/// An Excel date serial as `YYYY-MM-DD` (days since 1899-12-30).
pub(super) fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64 - 25_569; // to days since 1970-01-01
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_typed_as_text_read_as_typed() {
        assert_eq!(number_text("15%"), Some(0.15));
        assert_eq!(number_text("4.5%"), Some(0.045));
        assert_eq!(number_text("1,200"), Some(1200.0));
        assert_eq!(number_text("1 200.5"), Some(1200.5));
        assert_eq!(number_text("abc"), None);
        // A decimal comma or a misplaced separator is not read as a number.
        assert_eq!(number_text("1,5"), None);
        assert_eq!(number_text("7.300,5"), None);
        assert_eq!(number_text("12,00"), None);
        assert_eq!(number_text("-1,234,567.25"), Some(-1_234_567.25));
        assert_eq!(number_text("inf"), None);
    }

    #[test]
    fn cells_become_toml_values() {
        let v = |d: Data, text: bool, f: Option<f64>| value_text(&d, (text, false), f).unwrap();
        assert_eq!(v(Data::Float(2026.0), false, None).as_deref(), Some("2026"));
        assert_eq!(v(Data::Float(0.16), false, None).as_deref(), Some("0.16"));
        assert_eq!(
            v(Data::Float(2030.0), true, None).as_deref(),
            Some("\"2030\"")
        );
        assert_eq!(
            v(Data::String("15%".into()), false, None).as_deref(),
            Some("0.15")
        );
        assert_eq!(
            v(Data::String("Y17".into()), true, None).as_deref(),
            Some("\"Y17\"")
        );
        // 1.1 억원 into 백만원.
        assert_eq!(
            v(Data::Float(1.1), false, Some(100.0)).as_deref(),
            Some("110")
        );
        assert_eq!(
            v(Data::String("[\"A\", \"B\"]".into()), true, None).as_deref(),
            Some("[\"A\", \"B\"]")
        );
        assert_eq!(v(Data::Empty, false, None), None);
        assert!(value_text(&Data::String("[1, x]".into()), (false, false), None).is_err());
        // A percent where an amount is due is refused, in any unit.
        for f in [None, Some(100.0)] {
            let e = value_text(&Data::String("15%".into()), (false, true), f).unwrap_err();
            assert!(e.contains("percentage") && e.contains("amount"), "{e}");
        }
        assert_eq!(
            v(Data::String("1,200".into()), false, Some(100.0)).as_deref(),
            Some("120000")
        );
        // A discrete distribution's values in 억원 into 백만원.
        assert_eq!(
            v(Data::String("[1, 2.5]".into()), false, Some(100.0)).as_deref(),
            Some("[100, 250]")
        );
    }

    #[test]
    fn headers_name_a_key_and_a_unit() {
        assert_eq!(
            parse_header("amount [억원]").unwrap(),
            ("amount".into(), Some(1e8))
        );
        assert_eq!(
            parse_header("금액 (천원)").unwrap(),
            ("amount".into(), Some(1e3))
        );
        assert_eq!(
            parse_header("opex_ratio | 운영비 비율").unwrap().0,
            "opex_ratio"
        );
        assert_eq!(
            parse_header("주기(년)").unwrap(),
            ("every_years".into(), None)
        );
        assert!(parse_header("무엇").is_err());
        // A unit on either half of a two-language header counts.
        for h in [
            "amount [억원] | 금액",
            "amount (억원) | 금액",
            "amount | 금액 [억원]",
            "amount.mean [억원] | 금액 · 평균",
        ] {
            assert_eq!(parse_header(h).unwrap().1, Some(1e8), "{h}");
        }
        assert_eq!(
            parse_header("amount [억원] | 금액 [억원]").unwrap(),
            ("amount".into(), Some(1e8))
        );
        let two = parse_header("amount [억원] | 금액 (백만원)").unwrap_err();
        assert!(two.contains("two units"), "{two}");
    }

    #[test]
    fn excel_dates_are_calendar_days() {
        assert_eq!(excel_date(44926.0), "2022-12-31");
        assert_eq!(excel_date(25569.0), "1970-01-01");
    }
}
