//! Overrides of scenario keys: `--set PATH=VALUE` and `[[variant]]` tables.
//!
//! An override edits the parsed document *before* validation, so an
//! overridden value gets exactly the checks and messages of a value written
//! in the file. Paths name tables by their natural identity:
//!
//! * `scenario.trials`, `economy.inflation.mean`,
//!   `economy.downturn.annual_probability`
//! * `service.<id>.<key>`, e.g. `service.smart-parking.opex_ratio`
//! * `service.<id>.<funding|cost|risk|benefit>.<name>.<key>`, where `<name>`
//!   is the line's name or its slug (`city-budget` for "City budget")
//! * a last segment below a distribution table sets one of its parameters:
//!   `service.smart-parking.opex_ratio.mean`
//! * `*` in place of a service id or a line name stands for every one at
//!   that level: `service.*.opex_ratio`, `service.*.funding.*.to`,
//!   `service.cctv.funding.*.downturn_multiplier`. It is the same as one
//!   override per element, in file order; a `*` that matches nothing is an
//!   error naming what exists. Overrides apply in the order given, so an
//!   explicit path after a wildcard wins for its element, and a wildcard
//!   after it replaces it.
//!
//! A value is a TOML literal (`0.2`, `true`, `"text"`,
//! `{ dist = "normal", mean = 0.2, sd = 0.05 }`); text that is not valid
//! TOML is taken as a string.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::error::{Diagnostic, Said, ScenarioError};
use crate::names::{did_you_mean, slug, suggest};

/// Spans at or above this offset mark values that came from an override;
/// `OVERRIDE_SPAN + k` is the k-th override of the current application.
pub const OVERRIDE_SPAN: usize = usize::MAX / 2;

/// One `PATH=VALUE` override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The key path, e.g. `service.cctv.opex_ratio`.
    pub path: String,
    /// The value as typed (TOML syntax).
    pub value: String,
    /// The command-line flag it came from, for messages (`--set`,
    /// `--sweep`).
    pub flag: &'static str,
}

/// `PATH=VALUE`, as [`Override::parse`] reads it back.
impl std::fmt::Display for Override {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

impl Override {
    /// Parses `PATH=VALUE` (the command-line form).
    pub fn parse(arg: &str) -> Result<Override, String> {
        let (path, value) = arg.split_once('=').ok_or_else(|| {
            format!("expected PATH=VALUE (e.g. service.parking.opex_ratio=0.2), found `{arg}`")
        })?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(|s| s.is_empty()) {
            return Err(format!(
                "`{path}` is not a key path such as economy.inflation.mean"
            ));
        }
        Ok(Override {
            path: path.to_string(),
            value: value.trim().to_string(),
            flag: "--set",
        })
    }

    /// One value of a `--sweep PATH=v1,v2,...` axis.
    pub fn sweep(path: &str, value: &str) -> Override {
        Override {
            path: path.to_string(),
            value: value.to_string(),
            flag: "--sweep",
        }
    }

    /// How the override is named in messages.
    pub fn label(&self) -> String {
        format!("{} {}={}", self.flag, self.path, self.value)
    }
}

/// Gives a parsed value (and everything inside it) the marker span.
fn respan<'i>(v: Spanned<DeValue<'i>>, span: usize) -> Spanned<DeValue<'i>> {
    let r = span..span;
    let value = match v.into_inner() {
        DeValue::Table(t) => {
            let mut out = DeTable::new();
            for (k, v) in t {
                out.insert(Spanned::new(r.clone(), k.into_inner()), respan(v, span));
            }
            DeValue::Table(out)
        }
        DeValue::Array(a) => {
            let mut out = DeArray::new();
            for v in a.iter() {
                out.push(respan(v.clone(), span));
            }
            DeValue::Array(out)
        }
        other => other,
    };
    Spanned::new(r, value)
}

/// Parses an override's value text as TOML, falling back to a string.
pub fn parse_value(text: &str, span: usize) -> Spanned<DeValue<'_>> {
    match DeValue::parse(text) {
        Ok(v) => respan(v, span),
        Err(_) => Spanned::new(span..span, DeValue::String(Cow::Borrowed(text))),
    }
}

/// Where an override failed, before validation.
fn problem(label: &str, path: &str, message: impl Into<Said>) -> Diagnostic {
    Diagnostic::new(label, (0, 0), path, message.into())
}

/// A list's name in Korean, for messages (`funding` → 재원).
fn korean_field(field: &str) -> &str {
    match field {
        "service" => "서비스",
        "funding" => "재원",
        "cost" => "비용",
        "risk" => "위험",
        "benefit" => "편익",
        "variant" => "대안",
        other => other,
    }
}

fn as_table_mut<'a, 'i>(v: &'a mut Spanned<DeValue<'i>>) -> Option<&'a mut DeTable<'i>> {
    match v.get_mut() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

/// The identity of an array entry: a service's `id` or a line's `name`.
fn entry_key<'a>(t: &'a DeTable<'_>, key: &str) -> Option<&'a str> {
    match t.get(key).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.as_ref()),
        _ => None,
    }
}

/// Finds the entry of `array` (under `table[field]`) whose `key` is `want`
/// (or whose slug is).
fn find_entry<'a, 'i>(
    table: &'a mut DeTable<'i>,
    field: &str,
    key: &str,
    want: &str,
    label: &str,
    path: &str,
) -> Result<&'a mut DeTable<'i>, Diagnostic> {
    let names: Vec<String> = match table.get(field).map(|v| v.get_ref()) {
        Some(DeValue::Array(a)) => a
            .iter()
            .filter_map(|v| match v.get_ref() {
                DeValue::Table(t) => entry_key(t, key).map(str::to_string),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let index = names
        .iter()
        .position(|n| n == want)
        .or_else(|| names.iter().position(|n| slug(n) == slug(want)));
    let Some(index) = index else {
        // A path names an entry by the slug of its name, so the hint and
        // the list give slugs, ready to type.
        let slugs: Vec<String> = names.iter().map(|n| slug(n)).collect();
        let refs: Vec<&str> = slugs.iter().map(String::as_str).collect();
        let hint = did_you_mean(&slug(want), &refs);
        let close = crate::names::suggest(&slug(want), &refs)
            .map(|s| format!(" — \"{s}\"의 오타인가요?"))
            .unwrap_or_default();
        let (list, ko_list) = if names.is_empty() {
            ("there are none".to_string(), "하나도 없음".to_string())
        } else {
            let all = slugs.join(", ");
            (format!("known: {all}"), format!("있는 것: {all}"))
        };
        let field_ko = korean_field(field);
        return Err(problem(
            label,
            path,
            Said::both(
                format!("no {field} with {key} \"{want}\"{hint} ({list})"),
                format!(
                    "{} \"{want}\"인 {field_ko}{} 없습니다{close} ({ko_list})",
                    if key == "name" { "이름이" } else { "id가" },
                    crate::format::particle(field_ko, "이", "가")
                ),
            ),
        ));
    };
    match table.get_mut(field).map(|v| v.get_mut()) {
        Some(DeValue::Array(a)) => {
            let entries: &mut [Spanned<DeValue<'i>>] = a;
            let mut seen = 0;
            for e in entries.iter_mut() {
                if let DeValue::Table(t) = e.get_mut() {
                    if seen == index {
                        return Ok(t);
                    }
                    seen += 1;
                }
            }
            Err(problem(label, path, format!("no {field} \"{want}\"")))
        }
        _ => Err(problem(label, path, format!("no {field} \"{want}\""))),
    }
}

/// Sets `keys` (a nested key path) in `table` to `value`, creating
/// intermediate tables where none exist.
fn set_nested<'i>(
    table: &mut DeTable<'i>,
    keys: &[&str],
    value: Spanned<DeValue<'i>>,
    span: usize,
    label: &str,
    path: &str,
) -> Result<(), Diagnostic> {
    let (last, parents) = keys
        .split_last()
        .ok_or_else(|| problem(label, path, Said::both("an empty key path", "빈 키 경로")))?;
    let mut t = table;
    for (i, k) in parents.iter().enumerate() {
        if t.get(*k).is_none() {
            t.insert(
                Spanned::new(span..span, Cow::Owned(k.to_string())),
                Spanned::new(span..span, DeValue::Table(DeTable::new())),
            );
        }
        let Some(entry) = t.get_mut(*k) else {
            return Err(problem(label, path, format!("cannot create `{k}`")));
        };
        // A distribution changed by an override is the override's: a
        // problem with it (sd = -1) is reported on the --set, not on the
        // file's line the table came from.
        if matches!(entry.get_ref(), DeValue::Table(d) if d.get("dist").is_some()) {
            let v = std::mem::replace(entry.get_mut(), DeValue::Boolean(false));
            *entry = Spanned::new(span..span, v);
        }
        let is_number = matches!(entry.get_ref(), DeValue::Integer(_) | DeValue::Float(_));
        t = match as_table_mut(entry) {
            Some(inner) => inner,
            None => {
                let whole = parents[..=i].join(".");
                let next = keys[i + 1];
                let msg = if is_number {
                    Said::both(
                        format!(
                            "`{whole}` is a fixed number, so it has no `{next}`; replace it whole, e.g. --set <path>.{whole}={{ dist = \"normal\", mean = 0.2, sd = 0.05 }}"
                        ),
                        format!(
                            "`{whole}`{} 정해진 수라서 `{next}`{} 없습니다; 통째로 바꾸세요. 예: --set <path>.{whole}={{ dist = \"normal\", mean = 0.2, sd = 0.05 }}",
                            crate::format::particle(&whole, "은", "는"),
                            crate::format::particle(next, "이", "가")
                        ),
                    )
                } else {
                    Said::both(
                        format!("`{whole}` is not a table, so it has no `{next}`"),
                        format!(
                            "`{whole}`{} 표가 아니라서 `{next}`{} 없습니다",
                            crate::format::particle(&whole, "은", "는"),
                            crate::format::particle(next, "이", "가")
                        ),
                    )
                };
                return Err(problem(label, path, msg));
            }
        };
    }
    t.insert(
        Spanned::new(span..span, Cow::Owned(last.to_string())),
        value,
    );
    Ok(())
}

/// The wildcard segment: every service, or every line of a list.
pub const WILDCARD: &str = "*";

/// Every entry of `table[field]` (an array of tables) with its identity
/// (`key`), in file order: what a `*` segment stands for. Entries without
/// the key are skipped (validation names them).
fn all_entries<'a, 'i>(
    table: &'a mut DeTable<'i>,
    field: &str,
    key: &str,
) -> Vec<(String, &'a mut DeTable<'i>)> {
    match table.get_mut(field).map(|v| v.get_mut()) {
        Some(DeValue::Array(a)) => {
            let entries: &mut [Spanned<DeValue<'i>>] = a;
            entries
                .iter_mut()
                .filter_map(|e| match e.get_mut() {
                    DeValue::Table(t) => entry_key(t, key).map(str::to_string).map(|n| (n, t)),
                    _ => None,
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The entries a segment names: the one `want` names (see [`find_entry`])
/// or, for `*`, all of them (none is not an error here: the caller says
/// whether the wildcard matched anything at all).
fn entries<'a, 'i>(
    table: &'a mut DeTable<'i>,
    field: &str,
    key: &str,
    want: &str,
    label: &str,
    path: &str,
) -> Result<Vec<(String, &'a mut DeTable<'i>)>, Diagnostic> {
    if want == WILDCARD {
        return Ok(all_entries(table, field, key));
    }
    let t = find_entry(table, field, key, want, label, path)?;
    Ok(vec![(want.to_string(), t)])
}

/// The ids of the services that have at least one `list` line.
fn services_with(root: &DeTable<'_>, list: &str) -> Vec<String> {
    let Some(DeValue::Array(services)) = root.get("service").map(|v| v.get_ref()) else {
        return Vec::new();
    };
    services
        .iter()
        .filter_map(|v| match v.get_ref() {
            DeValue::Table(t) => match t.get(list).map(|l| l.get_ref()) {
                Some(DeValue::Array(lines)) if !lines.is_empty() => {
                    entry_key(t, "id").map(str::to_string)
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The error of a `*` that matched nothing (the diagnostic names the
/// path as written): why, and what exists.
fn matches_nothing(
    label: &str,
    path: &str,
    what: impl Into<Said>,
    existing: &[String],
) -> Diagnostic {
    let (list, ko_list) = if existing.is_empty() {
        (String::new(), String::new())
    } else {
        let all = existing.join(", ");
        (format!(" (there are: {all})"), format!(" (있는 것: {all})"))
    };
    let what = what.into();
    problem(
        label,
        path,
        Said {
            en: format!("the `*` matches nothing: {}{list}", what.en),
            ko: what
                .ko
                .map(|w| format!("`*`에 맞는 것이 없습니다: {w}{ko_list}")),
        },
    )
}

/// Applies one override to the document.
pub fn apply<'i>(
    doc: &mut Spanned<DeTable<'i>>,
    path: &str,
    value: Spanned<DeValue<'i>>,
    span: usize,
    label: &str,
) -> Result<(), Diagnostic> {
    let segs: Vec<&str> = path.split('.').collect();
    let root = doc.get_mut();
    match segs.as_slice() {
        ["scenario" | "economy", rest @ ..] if !rest.is_empty() => {
            let mut keys = vec![segs[0]];
            keys.extend_from_slice(rest);
            set_nested(root, &keys, value, span, label, path)
        }
        ["service", id, rest @ ..] if !rest.is_empty() => {
            let services = entries(root, "service", "id", id, label, path)?;
            if services.is_empty() {
                return Err(matches_nothing(
                    label,
                    path,
                    "the scenario has no [[service]]",
                    &[],
                ));
            }
            match rest {
                [
                    list @ ("funding" | "cost" | "risk" | "benefit"),
                    name,
                    keys @ ..,
                ] if !keys.is_empty() => {
                    let mut lines = Vec::new();
                    for (sid, svc) in services {
                        let at = format!("service.{sid}.{list}.{name}");
                        for (n, line) in entries(svc, list, "name", name, label, &at)? {
                            lines.push((format!("service.{sid}.{list}.{}", slug(&n)), line));
                        }
                    }
                    if lines.is_empty() {
                        let with: Vec<String> = services_with(root, list)
                            .into_iter()
                            .map(|i| format!("service.{i}.{list}.*"))
                            .collect();
                        let field_ko = korean_field(list);
                        let what = match *id {
                            WILDCARD => Said::both(
                                format!("no service has a {list} line"),
                                format!("{field_ko} 항목이 있는 서비스가 없습니다"),
                            ),
                            id => Said::both(
                                format!("service \"{id}\" has no {list} line"),
                                format!("서비스 \"{id}\"에는 {field_ko} 항목이 없습니다"),
                            ),
                        };
                        return Err(matches_nothing(label, path, what, &with));
                    }
                    for (at, line) in lines {
                        let concrete = format!("{at}.{}", keys.join("."));
                        set_nested(line, keys, value.clone(), span, label, &concrete)?;
                    }
                    Ok(())
                }
                [list @ ("funding" | "cost" | "risk" | "benefit"), ..] => Err(problem(
                    label,
                    path,
                    Said::both(
                        format!(
                            "expected service.{id}.{list}.<name>.<key>, e.g. service.{id}.{list}.city-budget.amount"
                        ),
                        format!(
                            "service.{id}.{list}.<이름>.<키> 꼴이어야 합니다. 예: service.{id}.{list}.city-budget.amount"
                        ),
                    ),
                )),
                keys => {
                    for (sid, svc) in services {
                        let concrete = format!("service.{sid}.{}", keys.join("."));
                        set_nested(svc, keys, value.clone(), span, label, &concrete)?;
                    }
                    Ok(())
                }
            }
        }
        [first, ..] => {
            let known = ["scenario", "economy", "service"];
            let close = suggest(first, &known);
            let hint = close
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            let ko_hint = close
                .map(|s| format!("; `{s}`의 오타인가요?"))
                .unwrap_or_default();
            Err(problem(
                label,
                path,
                Said::both(
                    format!(
                        "a path starts with scenario., economy. or service.<id>.{hint} (e.g. service.smart-parking.funding.city-budget.amount)"
                    ),
                    format!(
                        "경로는 scenario., economy. 또는 service.<id>.로 시작합니다{ko_hint} (예: service.smart-parking.funding.city-budget.amount)"
                    ),
                ),
            ))
        }
        [] => Err(problem(
            label,
            path,
            Said::both("an empty key path", "빈 키 경로"),
        )),
    }
}

/// Applies command-line overrides in order; all problems are reported.
pub fn apply_all<'i>(
    doc: &mut Spanned<DeTable<'i>>,
    overrides: &'i [Override],
    first_span: usize,
) -> Result<(), ScenarioError> {
    let mut diagnostics = Vec::new();
    for (k, o) in overrides.iter().enumerate() {
        let span = first_span + k;
        let value = parse_value(&o.value, span);
        if let Err(d) = apply(doc, &o.path, value, span, &o.label()) {
            diagnostics.push(d);
        }
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError::new(diagnostics))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_path_and_value() {
        let o = Override::parse("service.a.opex_ratio = 0.2").unwrap();
        assert_eq!(o.path, "service.a.opex_ratio");
        assert_eq!(o.value, "0.2");
        assert!(Override::parse("no-equals").is_err());
        assert!(Override::parse("a..b=1").is_err());
    }
}
