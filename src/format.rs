//! Formatting for people: thousands separators and percentages, shared by
//! the terminal tables and the charts; and text made safe for a terminal.

/// `x` with `decimals` decimals and a comma every three digits:
/// `1234567.891` -> `1,234,567.9` (with 1 decimal).
pub fn thousands(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "-".to_string();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let negative = x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative { format!("-{out}") } else { out }
}

/// A probability as a percentage with `decimals` decimals: `0.1234` -> `12.3%`.
pub fn percent(p: f64, decimals: usize) -> String {
    if p.is_finite() {
        format!("{:.*}%", decimals, p * 100.0)
    } else {
        "-".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(thousands(1_234_567.891, 1), "1,234,567.9");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(1000.0, 0), "1,000");
        assert_eq!(thousands(-12_345.0, 0), "-12,345");
        assert_eq!(thousands(-0.01, 0), "0");
        assert_eq!(thousands(f64::NAN, 0), "-");
        assert_eq!(percent(0.1234, 1), "12.3%");
    }
}

/// `text` with every control character but newline and tab escaped
/// (`\u{1b}`), so a name in a scenario file cannot move the cursor,
/// recolour or clear a terminal when it is printed.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod safe_tests {
    use super::terminal_safe;

    #[test]
    fn control_characters_are_escaped_and_text_kept() {
        assert_eq!(
            terminal_safe("plain 한글\ttab\nline"),
            "plain 한글\ttab\nline"
        );
        assert_eq!(terminal_safe("a\u{1b}[2Jb\r"), "a\\u{1b}[2Jb\\u{d}");
    }
}
