//! Formatting for people: thousands separators and percentages, shared by
//! the terminal tables and the charts; money in the units of a Korean
//! budget document; and text made safe for a terminal.

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
///
/// Only a certainty reads `100%` and only an impossibility `0%`: a share
/// that rounds to either but is not it reads `>99.9%` or `<0.1%`, so that
/// "1,999 of 2,000 trials" is never reported as all of them.
pub fn percent(p: f64, decimals: usize) -> String {
    if !p.is_finite() {
        return "-".to_string();
    }
    let text = format!("{:.*}", decimals, p * 100.0);
    let step = format!("{:.*}", decimals, 0.1f64.powi(decimals as i32));
    if p < 1.0 && text == format!("{:.*}", decimals, 100.0) {
        let below = format!("{:.*}", decimals, 100.0 - 0.1f64.powi(decimals as i32));
        format!(">{below}%")
    } else if p > 0.0 && text == format!("{:.*}", decimals, 0.0) {
        format!("<{step}%")
    } else {
        format!("{text}%")
    }
}

/// A duration in words: "40 s", "12 min", "3.4 hours", "5.2 days", or
/// in Korean (`ko`) "40초", "12분", "3.4시간", "5.2일"; under a second
/// reads "under 1 s" ("1초 미만").
pub fn duration(seconds: f64, ko: bool) -> String {
    let (x, en, kr) = if seconds.is_nan() || seconds < 1.0 {
        return if ko { "1초 미만" } else { "under 1 s" }.to_string();
    } else if seconds < 90.0 {
        (format!("{seconds:.0}"), " s", "초")
    } else if seconds < 90.0 * 60.0 {
        (format!("{:.0}", seconds / 60.0), " min", "분")
    } else if seconds < 48.0 * 3600.0 {
        (format!("{:.1}", seconds / 3600.0), " hours", "시간")
    } else {
        (format!("{:.1}", seconds / 86_400.0), " days", "일")
    };
    format!("{x}{}", if ko { kr } else { en })
}

/// A probability with its 95% interval: `12.3% [11.9%–12.7%]`. The
/// estimate reads as [`percent`]; a bound is rounded as usual except that
/// it never crosses to the edge it does not reach: a lower bound below 1
/// that would read 100% reads one step less, an upper bound above 0 that
/// would read 0% one step more, so the printed interval still holds it.
pub fn percent_interval(p: f64, lo: f64, hi: f64, decimals: usize) -> String {
    let plain = |x: f64| format!("{:.*}", decimals, x * 100.0);
    let step = 0.1f64.powi(decimals as i32);
    let lo_text = if lo.is_finite() && lo < 1.0 && plain(lo) == plain(1.0) {
        format!("{:.*}", decimals, 100.0 - step)
    } else {
        plain(lo)
    };
    let hi_text = if hi.is_finite() && hi > 0.0 && plain(hi) == plain(0.0) {
        format!("{:.*}", decimals, step)
    } else {
        plain(hi)
    };
    let bound = |x: f64, text: String| match x.is_finite() {
        true => format!("{text}%"),
        false => "-".to_string(),
    };
    format!(
        "{} [{}–{}]",
        percent(p, decimals),
        bound(lo, lo_text),
        bound(hi, hi_text)
    )
}

/// The Korean particle that follows `word`: `after_consonant` (이, 을, 은)
/// where its last syllable ends in a consonant, else `after_vowel` (가,
/// 를, 는). A last digit counts as read (일, 삼, 육 …); a word whose end
/// cannot be told (Latin letters, symbols) gets both, "이(가)".
pub fn particle(word: &str, after_consonant: &'static str, after_vowel: &'static str) -> String {
    match final_consonant(word) {
        Some(Some(_)) => after_consonant.to_string(),
        Some(None) => after_vowel.to_string(),
        None => format!("{after_consonant}({after_vowel})"),
    }
}

/// "으로" or "로" after `word`: 로 after a vowel and after ㄹ (서울로,
/// 7로), 으로 after any other consonant (6으로); both where its end
/// cannot be told.
pub fn particle_ro(word: &str) -> String {
    match final_consonant(word) {
        Some(Some(c)) if c != 'ㄹ' => "으로".to_string(),
        Some(_) => "로".to_string(),
        None => "(으)로".to_string(),
    }
}

/// The final consonant of `word`'s last syllable as read: None inside
/// when it ends in a vowel, None outside when its end cannot be told. A
/// closing quote or bracket is skipped, and a trailing parenthetical
/// ("공유 주차 (3만 면)") too: a particle follows the word before it.
fn final_consonant(word: &str) -> Option<Option<char>> {
    let mut w = word.trim_end();
    if w.ends_with(')')
        && let Some(open) = w.rfind('(')
        && open > 0
    {
        w = w[..open].trim_end();
    }
    let last = w
        .trim_end_matches(['"', '\'', ']', '」', '”', '’'])
        .chars()
        .last()?;
    const FINALS: [char; 28] = [
        ' ', 'ㄱ', 'ㄲ', 'ㄳ', 'ㄴ', 'ㄵ', 'ㄶ', 'ㄷ', 'ㄹ', 'ㄺ', 'ㄻ', 'ㄼ', 'ㄽ', 'ㄾ', 'ㄿ',
        'ㅀ', 'ㅁ', 'ㅂ', 'ㅄ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ',
    ];
    match last {
        '가'..='힣' => {
            let f = FINALS[((last as u32 - '가' as u32) % 28) as usize];
            Some((f != ' ').then_some(f))
        }
        // 영, 일, 삼, 육, 칠, 팔 end in a consonant; 이, 사, 오, 구 do not.
        '0' => Some(Some('ㅇ')),
        '1' | '7' | '8' => Some(Some('ㄹ')),
        '3' => Some(Some('ㅁ')),
        '6' => Some(Some('ㄱ')),
        '2' | '4' | '5' | '9' => Some(None),
        _ => None,
    }
}

/// The Korean name of a won unit ("백만 원"), where the scenario's money
/// is in won and its unit is one fundgap knows.
pub fn korean_unit(currency: &str, unit: &str) -> Option<&'static str> {
    let won = won_per_unit(currency, unit)?;
    [
        (1.0, "원"),
        (1e3, "천 원"),
        (1e6, "백만 원"),
        (1e8, "억 원"),
        (1e9, "십억 원"),
    ]
    .into_iter()
    .find(|&(w, _)| w == won)
    .map(|(_, name)| name)
}

/// Won per scenario unit, where the scenario's money is in won and its
/// unit is one fundgap knows (English or Korean names).
pub fn won_per_unit(currency: &str, unit: &str) -> Option<f64> {
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
/// scenario amount by. Korean reports write won in 억 원 or 백만 원, as
/// Korean budget documents do; every other case keeps the scenario's own
/// currency and unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    label: String,
    divisor: f64,
    decimals: usize,
}

impl Money {
    /// The money for amounts in `currency` and `unit`, up to about
    /// `largest` (in that unit). With `korean`, won amounts are written in
    /// 억 원 (or 백만 원 when every amount is below 1억); otherwise, and
    /// for other currencies, in the scenario's own currency and unit.
    pub fn for_units(currency: &str, unit: &str, korean: bool, largest: f64) -> Self {
        let plain = Money {
            label: format!("{currency} {unit}"),
            divisor: 1.0,
            decimals: 0,
        };
        let (true, Some(won)) = (korean, won_per_unit(currency, unit)) else {
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
        self.signed_at(x, self.decimals)
    }

    /// An amount in the scenario's unit, written in this money.
    pub fn fmt(&self, x: f64) -> String {
        self.fmt_at(x, self.decimals)
    }

    /// An amount in this money with `decimals` decimals.
    fn fmt_at(&self, x: f64, decimals: usize) -> String {
        thousands(x / self.divisor, decimals)
    }

    /// A signed amount with `decimals` decimals.
    fn signed_at(&self, x: f64, decimals: usize) -> String {
        let s = self.fmt_at(x, decimals);
        if x >= 0.0 { format!("+{s}") } else { s }
    }

    /// An amount with its interval, all in this money: "6.1 [5.9–6.3]".
    /// An interval that is not a point never reads as one: up to two more
    /// decimals, as its ends need to differ.
    pub fn with_interval(&self, x: f64, lo: f64, hi: f64) -> String {
        let d = self.decimals_apart(lo, hi);
        let f = |v: f64| self.fmt_at(v, d);
        format!("{} [{}–{}]", f(x), f(lo), f(hi))
    }

    /// A signed amount with its interval: "+1.2 [-0.3, +2.7]", with as
    /// many decimals as [`Money::with_interval`] would take.
    pub fn signed_interval(&self, x: f64, lo: f64, hi: f64) -> String {
        let d = self.decimals_apart(lo, hi);
        let f = |v: f64| self.signed_at(v, d);
        format!("{} [{}, {}]", f(x), f(lo), f(hi))
    }

    /// An amount and its standard error: "1.3 ± 0.2"; a standard error
    /// that would read as 0 takes up to two more decimals ("1.30 ± 0.01").
    pub fn with_error(&self, x: f64, se: f64) -> String {
        let d = self.decimals_apart(0.0, se.abs());
        format!("{} ± {}", self.fmt_at(x, d), self.fmt_at(se, d))
    }

    /// This money's decimals, or up to two more where `a` and `b` differ
    /// but would read the same.
    fn decimals_apart(&self, a: f64, b: f64) -> usize {
        let mut d = self.decimals;
        while a != b
            && a.is_finite()
            && b.is_finite()
            && d < self.decimals + 2
            && self.fmt_at(a, d) == self.fmt_at(b, d)
        {
            d += 1;
        }
        d
    }

    /// An amount followed by the unit: "3,440 억 원", "12 KRW million".
    pub fn with_unit(&self, x: f64) -> String {
        format!("{} {}", self.fmt(x), self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_either_language() {
        let (en, ko) = (false, true);
        assert_eq!(duration(0.4, en), "under 1 s");
        assert_eq!(duration(f64::NAN, ko), "1초 미만");
        assert_eq!(duration(40.2, en), "40 s");
        assert_eq!(duration(40.2, ko), "40초");
        assert_eq!(duration(12.0 * 60.0, ko), "12분");
        assert_eq!(duration(3.4 * 3600.0, en), "3.4 hours");
        assert_eq!(duration(5.2 * 86_400.0, ko), "5.2일");
    }

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

    #[test]
    fn an_interval_that_is_not_a_point_never_reads_as_one() {
        let m = Money::for_units("KRW", "million", true, 1000.0);
        assert_eq!(m.label(), "억 원");
        assert_eq!(m.with_interval(1020.0, 1010.0, 1030.0), "10.2 [10.1–10.3]");
        assert_eq!(
            m.with_interval(1020.0, 1018.0, 1022.0),
            "10.20 [10.18–10.22]"
        );
        assert_eq!(m.with_interval(1020.0, 1020.0, 1020.0), "10.2 [10.2–10.2]");
        assert_eq!(
            m.signed_interval(-50.0, -52.0, -48.0),
            "-0.50 [-0.52, -0.48]"
        );
        assert_eq!(m.with_error(130.0, 0.69), "1.30 ± 0.01");
        assert_eq!(m.with_error(130.0, 0.0), "1.3 ± 0.0");
        assert_eq!(m.with_error(130.0, 0.01), "1.300 ± 0.000");
    }

    #[test]
    fn particles_follow_the_last_syllable() {
        assert_eq!(particle("서울시", "이", "가"), "가");
        assert_eq!(particle("공유 주차", "을", "를"), "를");
        assert_eq!(particle("드론 안전망", "은", "는"), "은");
        assert_eq!(particle("\"세종시청\"", "이", "가"), "이");
        assert_eq!(particle("50", "을", "를"), "을");
        assert_eq!(particle("2023–2035", "은", "는"), "는");
        assert_eq!(particle("K-water", "이", "가"), "이(가)");
        assert_eq!(particle("공유 주차 (3만 면)", "이", "가"), "가");
        assert_eq!(particle("드론 (26곳)", "이", "가"), "이");
        assert_eq!(particle_ro("0.00096"), "으로");
        assert_eq!(particle_ro("0.001"), "로");
        assert_eq!(particle_ro("서울"), "로");
        assert_eq!(particle_ro("1,230"), "으로");
        assert_eq!(particle_ro("2"), "로");
    }

    #[test]
    fn only_certainty_reads_a_hundred_percent() {
        assert_eq!(percent(1999.0 / 2000.0, 1), ">99.9%");
        assert_eq!(percent(0.9994, 1), "99.9%");
        assert_eq!(percent(0.9998, 1), ">99.9%");
        assert_eq!(percent(1.0, 1), "100.0%");
        assert_eq!(percent(0.0002, 1), "<0.1%");
        assert_eq!(percent(0.0, 1), "0.0%");
        assert_eq!(percent(0.996, 0), ">99%");
        assert_eq!(percent(0.004, 0), "<1%");
        assert_eq!(percent(0.0004, 1), "<0.1%");
    }

    #[test]
    fn interval_bounds_never_cross_to_an_edge_they_do_not_reach() {
        assert_eq!(
            percent_interval(0.1234, 0.12, 0.127, 1),
            "12.3% [12.0%–12.7%]"
        );
        assert_eq!(
            percent_interval(0.99998, 0.99994, 0.999994, 1),
            ">99.9% [99.9%–100.0%]"
        );
        assert_eq!(
            percent_interval(1.0, 0.99996, 1.0, 1),
            "100.0% [99.9%–100.0%]"
        );
        assert_eq!(
            percent_interval(0.00002, 0.000006, 0.00006, 1),
            "<0.1% [0.0%–0.1%]"
        );
        assert_eq!(percent_interval(0.0, 0.0, 0.00004, 1), "0.0% [0.0%–0.1%]");
        assert_eq!(percent_interval(f64::NAN, 0.0, 1.0, 1), "- [0.0%–100.0%]");
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

/// `text` (a name, or a sentence quoting one) as Markdown text that shows
/// it as written and nothing more: the characters HTML gives meaning to as
/// entities (a Markdown viewer passes raw HTML through, so `<script>` in a
/// name would run; `<http://..>` would be a link), `|` and `\` escaped (a
/// table cell would split, or the next character be escaped), `](` broken
/// (`[x](y)` would be a link or, after `!`, an image), line breaks as
/// spaces (a table row is one line). Brackets alone, as in an interval
/// `[62.1%–70.4%]`, stay as they are.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut after_bracket = false;
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '(' if after_bracket => out.push_str("\\("),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
        after_bracket = c == ']';
    }
    out
}

#[cfg(test)]
mod safe_tests {
    use super::{markdown_text, terminal_safe};

    #[test]
    fn markdown_text_shows_names_as_written_and_runs_nothing() {
        assert_eq!(markdown_text("주차 요금 2024"), "주차 요금 2024");
        assert_eq!(
            markdown_text("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            markdown_text("a | b [x](http://e.x)\nline"),
            "a \\| b [x]\\(http://e.x) line"
        );
        assert!(!markdown_text("<img src=x onerror=alert(1)>").contains('<'));
        assert_eq!(markdown_text("P 66% [62%–70%]"), "P 66% [62%–70%]");
    }

    #[test]
    fn control_characters_are_escaped_and_text_kept() {
        assert_eq!(
            terminal_safe("plain 한글\ttab\nline"),
            "plain 한글\ttab\nline"
        );
        assert_eq!(terminal_safe("a\u{1b}[2Jb\r"), "a\\u{1b}[2Jb\\u{d}");
    }
}
