//! The validating reader: a [`Checker`] walks the spanned TOML tree and
//! reads typed values (strings, numbers, years, windows), recording every
//! problem with its file position and key path instead of stopping at the
//! first.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, Said};
use crate::names::suggest;
use crate::scenario::overrides::OVERRIDE_SPAN;

pub(super) use super::hints::{ScenarioUnit, percent_hint, written_percent};
use super::schema::*;

/// Byte offset to (line, column), both 1-based.
pub(super) struct LineIndex {
    pub(super) starts: Vec<usize>,
}

impl LineIndex {
    pub(super) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub(super) fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        (line, offset - self.starts[line - 1] + 1)
    }
}

/// A table of the document under validation, with its key path.
pub(super) struct View<'d, 'i> {
    pub(super) path: String,
    pub(super) span: Range<usize>,
    pub(super) table: &'d DeTable<'i>,
}

pub(super) type Value<'d, 'i> = &'d Spanned<DeValue<'i>>;

impl<'d, 'i> View<'d, 'i> {
    pub(super) fn get(&self, key: &str) -> Option<Value<'d, 'i>> {
        self.table.get(key)
    }

    pub(super) fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }
}

pub(super) fn type_name(v: &DeValue<'_>) -> &'static str {
    type_names(v).0
}

/// What kind of TOML value `v` is, in English and in Korean.
pub(super) fn type_names(v: &DeValue<'_>) -> (&'static str, &'static str) {
    match v {
        DeValue::String(_) => ("a string", "문자열"),
        DeValue::Integer(_) => ("an integer", "정수"),
        DeValue::Float(_) => ("a float", "실수"),
        DeValue::Boolean(_) => ("a boolean", "참/거짓 값"),
        DeValue::Datetime(_) => ("a date", "날짜"),
        DeValue::Array(_) => ("an array", "배열"),
        DeValue::Table(_) => ("a table", "표"),
    }
}

pub(super) fn as_f64(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|x| x as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    }
}

pub(super) fn as_i64(v: &DeValue<'_>) -> Option<i64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        DeValue::Float(f) => {
            let x = f.as_str().parse::<f64>().ok()?;
            (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64)
        }
        _ => None,
    }
}

pub(super) struct Checker {
    pub(super) file: String,
    pub(super) lines: LineIndex,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) override_labels: Vec<String>,
    /// The scenario's money unit, once read: won per unit (where known)
    /// and its name, for hints on amounts written as text.
    pub(super) unit: ScenarioUnit,
}

impl Checker {
    /// A problem with `key` of `view`, located at its value (or at the
    /// table, where the key is missing).
    pub(super) fn err_key(&mut self, view: &View<'_, '_>, key: &str, message: impl Into<Said>) {
        let span = view.get(key).map(|v| v.span()).unwrap_or(view.span.clone());
        self.err(&span, &view.key_path(key), message);
    }

    pub(super) fn err(&mut self, span: &Range<usize>, path: &str, message: impl Into<Said>) {
        let (file, line, column) = if span.start >= OVERRIDE_SPAN {
            let label = self.override_labels.get(span.start - OVERRIDE_SPAN);
            (label.cloned().unwrap_or_else(|| "--set".into()), 0, 0)
        } else {
            let (l, c) = self.lines.locate(span.start);
            (self.file.clone(), l, c)
        };
        self.diags
            .push(Diagnostic::new(&file, (line, column), path, message.into()));
    }

    /// Rejects keys of `view` that are not in `allowed`. `other_kinds`
    /// lists, for kinded tables, which other kinds a stray key belongs to.
    pub(super) fn unknown_keys(
        &mut self,
        view: &View<'_, '_>,
        allowed: &[&str],
        other: Option<(&str, KindKeys)>,
    ) {
        for (k, v) in view.table.iter() {
            let key: &str = k.get_ref();
            if allowed.contains(&key) {
                continue;
            }
            let path = view.key_path(key);
            let mut msg = Said::both(
                format!("unknown key `{key}`"),
                format!("알 수 없는 키 `{key}`"),
            );
            let belongs: Vec<&str> = other
                .map(|(_, kinds)| {
                    kinds
                        .iter()
                        .filter(|(_, keys)| keys.contains(&key))
                        .map(|(kind, _)| *kind)
                        .collect()
                })
                .unwrap_or_default();
            if let (Some((this_kind, _)), false) = (other, belongs.is_empty()) {
                let kinds = belongs
                    .iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                msg = Said::both(
                    format!(
                        "`{key}` is not a key of kind = \"{this_kind}\" (it belongs to kind {kinds})"
                    ),
                    format!(
                        "`{key}`: kind = \"{this_kind}\"에는 없는 키입니다 (kind {kinds}의 키)"
                    ),
                );
            } else if let Some(s) = suggest(key, allowed) {
                msg = msg.then(Said::both(
                    format!("; did you mean `{s}`?"),
                    format!("; `{s}`의 오타인가요?"),
                ));
            } else {
                let all = allowed.join(", ");
                msg = msg.then(Said::both(
                    format!("; expected one of: {all}"),
                    format!("; 쓸 수 있는 키: {all}"),
                ));
            }
            let span = if k.span().is_empty() {
                v.span()
            } else {
                k.span()
            };
            self.err(&span, &path, msg);
        }
    }

    /// A required key that is absent: `what` says what it takes.
    pub(super) fn missing(&mut self, view: &View<'_, '_>, key: &str, what: impl Into<Said>) {
        let what = what.into();
        let said = Said {
            en: format!("missing required key: {}", what.en),
            ko: what.ko.map(|w| format!("꼭 써야 하는 키가 없습니다: {w}")),
        };
        self.err(&view.span, &view.key_path(key), said);
    }

    pub(super) fn sub<'d, 'i>(
        &mut self,
        view: &View<'d, 'i>,
        key: &str,
        required: bool,
    ) -> Option<View<'d, 'i>> {
        let v = match view.get(key) {
            Some(v) => v,
            None => {
                if required {
                    let path = view.key_path(key);
                    self.missing(
                        view,
                        key,
                        Said::both(format!("a [{path}] table"), format!("[{path}] 표")),
                    );
                }
                return None;
            }
        };
        match v.get_ref() {
            DeValue::Table(t) => Some(View {
                path: view.key_path(key),
                span: v.span(),
                table: t,
            }),
            other => {
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    format!("expected a table, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub(super) fn tables<'d, 'i>(&mut self, view: &View<'d, 'i>, key: &str) -> Vec<View<'d, 'i>> {
        let Some(v) = view.get(key) else {
            return Vec::new();
        };
        let path = view.key_path(key);
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{}]", i + 1);
                    match item.get_ref() {
                        DeValue::Table(t) => out.push(View {
                            path: p,
                            span: item.span(),
                            table: t,
                        }),
                        other => {
                            let (en, ko) = type_names(other);
                            self.err(
                                &item.span(),
                                &p,
                                Said::both(
                                    format!("expected a table, found {en}"),
                                    format!("표가 와야 하는데 {ko}입니다"),
                                ),
                            )
                        }
                    }
                }
                out
            }
            DeValue::Table(_) => {
                self.err(
                    &v.span(),
                    &path,
                    Said::both(
                        format!("expected an array of tables: write [[{path}]] (double brackets), not [{path}]"),
                        format!("표의 배열이어야 합니다: [{path}]가 아니라 [[{path}]] (이중 대괄호)로 쓰세요"),
                    ),
                );
                Vec::new()
            }
            other => {
                self.err(
                    &v.span(),
                    &path,
                    Said::both(
                        format!(
                            "expected an array of tables [[{path}]], found {}",
                            type_names(other).0
                        ),
                        format!(
                            "표의 배열 [[{path}]]이(가) 와야 하는데 {}입니다",
                            type_names(other).1
                        ),
                    ),
                );
                Vec::new()
            }
        }
    }

    pub(super) fn string(
        &mut self,
        view: &View<'_, '_>,
        key: &str,
        required: bool,
    ) -> Option<String> {
        let v = match view.get(key) {
            Some(v) => v,
            None => {
                if required {
                    self.missing(
                        view,
                        key,
                        Said::both(format!("`{key}` (a string)"), format!("`{key}` (문자열)")),
                    );
                }
                return None;
            }
        };
        match v.get_ref() {
            DeValue::String(s) => self.text(&v.span(), &view.key_path(key), key, s),
            other => {
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    Said::both(
                        format!("expected a string, found {}", type_names(other).0),
                        format!("문자열이 와야 하는데 {}입니다", type_names(other).1),
                    ),
                );
                None
            }
        }
    }

    /// A string as fundgap keeps it: in Unicode's composed form (NFC:
    /// Hangul typed on macOS arrives decomposed, and would otherwise be
    /// another name that looks the same), without surrounding spaces
    /// (`"parking "` is `"parking"`), and no longer than a name
    /// ([`MAX_NAME_CHARS`], for `name`-like keys) or a text
    /// ([`MAX_TEXT_CHARS`]) may be, so that every output can hold it.
    pub(super) fn text(
        &mut self,
        span: &std::ops::Range<usize>,
        path: &str,
        key: &str,
        raw: &str,
    ) -> Option<String> {
        use unicode_normalization::UnicodeNormalization;
        let s: String = raw.trim().nfc().collect();
        if key == "id" {
            // Ids have their own, tighter rules (compile.rs).
            return Some(s);
        }
        let is_name = matches!(key, "name" | "account" | "operator") || key.ends_with("_name");
        let limit = if is_name {
            MAX_NAME_CHARS
        } else {
            MAX_TEXT_CHARS
        };
        let n = s.chars().count();
        if n > limit {
            self.err(
                span,
                path,
                if is_name {
                    Said::both(
                        format!("expected at most {limit} characters in a name (it heads rows, legends and workbook cells), found {n}"),
                        format!("이름은 {limit}자까지 쓸 수 있는데 {n}자입니다 (이름은 표의 행, 범례, 워크북 칸의 머리가 됩니다)"),
                    )
                } else {
                    Said::both(
                        format!("expected at most {limit} characters of text (every text must fit the reports and workbook cells), found {n}"),
                        format!("글은 {limit}자까지 쓸 수 있는데 {n}자입니다 (모든 글이 보고서와 워크북 칸에 들어가야 합니다)"),
                    )
                },
            );
            return None;
        }
        Some(s)
    }

    pub(super) fn boolean(&mut self, view: &View<'_, '_>, key: &str, default: bool) -> bool {
        match view.get(key) {
            None => default,
            Some(v) => match v.get_ref() {
                DeValue::Boolean(b) => *b,
                other => {
                    self.err(
                        &v.span(),
                        &view.key_path(key),
                        Said::both(
                            format!("expected true or false, found {}", type_names(other).0),
                            format!(
                                "true 또는 false가 와야 하는데 {}입니다",
                                type_names(other).1
                            ),
                        ),
                    );
                    default
                }
            },
        }
    }

    /// One of a few spelled-out values, e.g. `"real"` or `"nominal"`;
    /// `default` when the key is absent.
    pub(super) fn choice<T: Copy>(
        &mut self,
        view: &View<'_, '_>,
        key: &str,
        options: &[(&str, T)],
        default: T,
    ) -> Option<T> {
        let Some(text) = self.string(view, key, false) else {
            return (!view.has(key)).then_some(default);
        };
        if let Some((_, v)) = options.iter().find(|(name, _)| *name == text) {
            return Some(*v);
        }
        let expected: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        self.err_key(
            view,
            key,
            Said::both(
                format!("expected {}, found \"{text}\"", expected.join(" or ")),
                format!(
                    "{} 중 하나여야 하는데 \"{text}\"입니다",
                    expected.join(", ")
                ),
            ),
        );
        None
    }

    /// A plain number in `range`; `default` when absent (None = required).
    pub(super) fn number(
        &mut self,
        view: &View<'_, '_>,
        key: &str,
        range: Range64,
        default: Option<f64>,
    ) -> Option<f64> {
        let v = match view.get(key) {
            Some(v) => v,
            None => {
                if default.is_none() {
                    let what = range.describe();
                    let ko = what.ko.map(|w| format!("`{key}` ({w})"));
                    let en = format!("`{key}` ({})", what.en);
                    self.missing(view, key, Said { en, ko });
                }
                return default;
            }
        };
        match as_f64(v.get_ref()) {
            Some(x) if range.contains(x) => Some(x),
            Some(x) => {
                let hint = percent_hint(x, |y| range.contains(y) && !range.contains(1.5));
                let x = x.to_string();
                let said = expected_found(range.describe(), (&x, &x));
                self.err(&v.span(), &view.key_path(key), said.then(hint));
                None
            }
            None => {
                let hint = match v.get_ref() {
                    DeValue::Table(_) => Said::both(
                        " (this key takes a fixed number, not a distribution)",
                        " (이 키에는 분포가 아니라 정해진 수를 씁니다)",
                    ),
                    DeValue::String(t) => {
                        written_percent(key, t, &self.unit, |y| range.contains(y))
                    }
                    _ => Said::empty(),
                };
                let said = expected_found(range.describe(), type_names(v.get_ref()));
                self.err(&v.span(), &view.key_path(key), said.then(hint));
                None
            }
        }
    }

    pub(super) fn integer(
        &mut self,
        view: &View<'_, '_>,
        key: &str,
        lo: i64,
        hi: i64,
        default: Option<i64>,
    ) -> Option<i64> {
        let v = match view.get(key) {
            Some(v) => v,
            None => {
                if default.is_none() {
                    self.missing(
                        view,
                        key,
                        Said::both(
                            format!("`{key}` (a whole number from {lo} to {hi})"),
                            format!("`{key}` ({lo}에서 {hi}까지의 정수)"),
                        ),
                    );
                }
                return default;
            }
        };
        match as_i64(v.get_ref()) {
            Some(x) if (lo..=hi).contains(&x) => Some(x),
            found => {
                let whole = Said::both(
                    format!("a whole number from {lo} to {hi}"),
                    format!("{lo}에서 {hi}까지의 정수"),
                );
                let x = found.map(|x| x.to_string());
                let found = match &x {
                    Some(x) => (x.as_str(), x.as_str()),
                    None => type_names(v.get_ref()),
                };
                self.err(&v.span(), &view.key_path(key), expected_found(whole, found));
                None
            }
        }
    }

    /// A calendar year inside the horizon, returned as a year index.
    pub(super) fn year(
        &mut self,
        view: &View<'_, '_>,
        key: &str,
        h: &Horizon,
        default: Option<usize>,
    ) -> Option<usize> {
        let v = match view.get(key) {
            Some(v) => v,
            None => {
                if default.is_none() {
                    let (start, end) = (h.start, h.end());
                    self.missing(
                        view,
                        key,
                        Said::both(
                            format!("`{key}` (a calendar year from {start} to {end})"),
                            format!("`{key}` ({start}년에서 {end}년 사이의 연도)"),
                        ),
                    );
                }
                return default;
            }
        };
        match as_i64(v.get_ref()) {
            Some(y) if y >= h.start && y <= h.end() => Some((y - h.start) as usize),
            Some(y) => {
                let (start, end) = (h.start, h.end());
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    Said::both(
                        format!("expected a year inside the horizon {start}..={end} (start_year + horizon_years - 1), found {y}"),
                        format!("분석 기간 {start}–{end}년 안의 연도여야 하는데 {y}입니다 (마지막 해는 start_year + horizon_years - 1)"),
                    ),
                );
                None
            }
            None => {
                let (en, ko) = type_names(v.get_ref());
                let start = h.start;
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    Said::both(
                        format!("expected a calendar year such as {start}, found {en}"),
                        format!("{start} 같은 연도가 와야 하는데 {ko}입니다"),
                    ),
                );
                None
            }
        }
    }

    /// A `from`/`to` window, defaulting to `default_from..=last year`.
    pub(super) fn window(
        &mut self,
        view: &View<'_, '_>,
        h: &Horizon,
        default_from: usize,
    ) -> Option<(usize, usize)> {
        let from = self.year(view, "from", h, Some(default_from));
        let to = self.year(view, "to", h, Some(h.len - 1));
        let (from, to) = (from?, to?);
        if from > to {
            let span = view
                .get("to")
                .or(view.get("from"))
                .map(|v| v.span())
                .unwrap_or(view.span.clone());
            self.err(&span, &view.key_path("to"), {
                let (from, to) = (h.start + from as i64, h.start + to as i64);
                Said::both(
                    format!("expected from <= to, found from = {from} > to = {to}"),
                    format!("from이 to보다 늦을 수 없는데 from = {from}, to = {to}입니다"),
                )
            });
            return None;
        }
        Some((from, to))
    }
}

/// "expected {what}, found {found}", in both languages where `what` has
/// Korean; `found` is what was written, in English and in Korean.
pub(super) fn expected_found(what: Said, (en, ko): (&str, &str)) -> Said {
    Said {
        en: format!("expected {}, found {en}", what.en),
        ko: what.ko.map(|w| {
            format!(
                "{w}{} 하는데 {ko}입니다",
                crate::format::particle(&w, "이어야", "여야")
            )
        }),
    }
}

pub(super) struct Horizon {
    pub(super) start: i64,
    pub(super) len: usize,
}

impl Horizon {
    pub(super) fn end(&self) -> i64 {
        self.start + self.len as i64 - 1
    }
}
