//! Scenario files: parsing, validation, and compilation into a [`Model`].
//!
//! The TOML is parsed into toml's spanned document tree and walked key by
//! key, so every problem can be reported with its file, line, column and key
//! path, and all problems of a file are reported together instead of one
//! per run. Unknown keys are rejected with the nearest known key suggested
//! (a typo in a hazard name must not silently fall back to a default).
//!
//! The accepted keys, their units and defaults are documented in
//! `scenarios/README.md`; this module is the single place that enforces
//! them.

mod books;
mod compile;
mod correlation;
mod hints;
mod lines;
mod overrides;
mod plan;
mod provenance;
mod quantity;
mod reader;
mod schema;

pub use overrides::Override;
use reader::*;
pub use schema::{CANVAS_KEYS, MAX_HORIZON, is_amount_key};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, Said, ScenarioError};
use crate::model::{Language, Model, Variant};
use overrides::{OVERRIDE_SPAN, apply, apply_all};

/// The scenario that ships with fundgap and runs when none is named.
pub const BUILTIN_BASELINE: &str = include_str!("../../../../scenarios/ucity-baseline.toml");
/// File name of the built-in scenario.
pub const BUILTIN_BASELINE_NAME: &str = "ucity-baseline.toml";

/// Parses and compiles scenario text; `label` names it in messages.
pub fn parse_str(text: &str, label: &str) -> Result<Model, ScenarioError> {
    parse_with(text, label, &[])
}

/// Parses scenario text, applies command-line overrides, and compiles it.
pub fn parse_with(text: &str, label: &str, overrides: &[Override]) -> Result<Model, ScenarioError> {
    let mut doc = parse_document(text, label)?;
    apply_all(&mut doc, overrides, OVERRIDE_SPAN).map_err(|e| of_scenario(e, label, text))?;
    let labels: Vec<String> = overrides.iter().map(Override::label).collect();
    compile_with(&doc, text, label, &labels)
}

/// The scenario's `[[variant]]`s compiled into models, baseline first: the
/// first variant is the baseline. Command-line overrides apply to all.
pub fn variant_models(
    text: &str,
    label: &str,
    overrides: &[Override],
) -> Result<Vec<(Variant, Model)>, ScenarioError> {
    let mut doc = parse_document(text, label)?;
    apply_all(&mut doc, overrides, OVERRIDE_SPAN).map_err(|e| of_scenario(e, label, text))?;
    let labels: Vec<String> = overrides.iter().map(Override::label).collect();
    let base = compile_with(&doc, text, label, &labels)?;
    let mut out = Vec::new();
    let mut diagnostics = Vec::new();
    // Every entry is a table: the base compiled, so [[variant]] is valid.
    for (v, t) in base.variants.iter().zip(variant_tables(&doc)) {
        let mut vdoc = doc.clone();
        if let Some(DeValue::Table(sets)) = t.get("set").map(|s| s.get_ref()) {
            for (path, value) in sets.iter() {
                let span = value.span().start;
                if let Err(mut d) = apply(&mut vdoc, path.get_ref(), value.clone(), span, label) {
                    let (line, column) = LineIndex::new(text).locate(path.span().start);
                    d.line = line;
                    d.column = column;
                    d.path = format!("variant \"{}\" set.\"{}\"", v.name, path.get_ref());
                    diagnostics.push(d);
                }
            }
        }
        let vlabel = format!("{label} (variant \"{}\")", v.name);
        match compile_with(&vdoc, text, &vlabel, &labels) {
            Ok(m) => out.push((v.clone(), m)),
            Err(e) => diagnostics.extend(e.diagnostics),
        }
    }
    if diagnostics.is_empty() {
        Ok(out)
    } else {
        Err(of_scenario(ScenarioError::new(diagnostics), label, text))
    }
}

/// The overrides that make the scenario `text` its `[[variant]]` named
/// `name`: that variant's `set`, each key and value as written (in the
/// table's key order, which matters not: one table sets a key once), as
/// `--set` would give them (so a run of one variant records, and can
/// be made again from, plain overrides). Refuses a name no variant has,
/// naming those there are.
pub fn variant_overrides(
    text: &str,
    label: &str,
    name: &str,
) -> Result<Vec<Override>, crate::error::Error> {
    let doc = parse_document(text, label)?;
    let variants = variant_tables(&doc);
    let Some(chosen) = variants
        .iter()
        .find(|t| variant_name(t).as_deref() == Some(name))
    else {
        let names: Vec<String> = variants.iter().filter_map(|t| variant_name(t)).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let there = match names.is_empty() {
            true => format!("{label} has no [[variant]] tables"),
            false => format!(
                "{label}'s variants are {}{}",
                names.join(", "),
                crate::names::did_you_mean(name, &refs)
            ),
        };
        return Err(crate::error::Error::Usage(format!(
            "no variant named \"{name}\": {there}"
        )));
    };
    let Some(DeValue::Table(sets)) = chosen.get("set").map(|s| s.get_ref()) else {
        return Ok(Vec::new());
    };
    Ok(sets
        .iter()
        .map(|(path, value)| Override {
            path: path.get_ref().to_string(),
            value: text
                .get(value.span())
                .unwrap_or_default()
                .trim()
                .to_string(),
            // A problem with one is placed at the variant, which the
            // user typed, not at a --set they did not.
            flag: "--variant",
        })
        .collect())
}

/// The names of the scenario's `[[variant]]`s, in order (read leniently:
/// none where the file cannot be read).
pub fn variant_names(text: &str) -> Vec<String> {
    let (doc, _) = DeTable::parse_recoverable(text);
    variant_tables(&doc)
        .iter()
        .filter_map(|t| variant_name(t))
        .collect()
}

fn variant_tables<'d, 'i>(doc: &'d Spanned<DeTable<'i>>) -> Vec<&'d DeTable<'i>> {
    match doc.get_ref().get("variant").map(|v| v.get_ref()) {
        Some(DeValue::Array(a)) => a
            .iter()
            .filter_map(|v| match v.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn variant_name(t: &DeTable<'_>) -> Option<String> {
    match t.get("name").map(|n| n.get_ref()) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

/// Parses TOML text into the spanned tree, reporting syntax errors.
pub fn parse_document<'i>(
    text: &'i str,
    label: &str,
) -> Result<Spanned<DeTable<'i>>, ScenarioError> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let doc: Spanned<DeTable<'i>> = doc;
    if errors.is_empty() {
        return Ok(doc);
    }
    let lines = LineIndex::new(text);
    // A table written `[service]` a second time, where `[[service]]` was
    // meant: said once, at the header, and the duplicate keys inside it
    // that follow from it are not listed again.
    let mut repeated: Option<usize> = None;
    let mut diagnostics = Vec::new();
    for e in &errors {
        let (line, column) = e.span().map(|s| lines.locate(s.start)).unwrap_or((0, 0));
        let mut message = format!("TOML syntax error: {}", e.message().trim());
        let header = text
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::trim_start)
            .filter(|l| l.starts_with('[') && !l.starts_with("[["));
        if message.ends_with("duplicate key") {
            let key = e.span().and_then(|s| key_at(text, s.start));
            // The whole header's name (the span points at its last part).
            let table = header
                .and_then(|h| h.strip_prefix('['))
                .and_then(|h| h.split(']').next())
                .map(|h| h.split('.').map(str::trim).collect::<Vec<_>>().join("."));
            match (key, table) {
                (Some(_), Some(table)) if ARRAY_TABLES.contains(&table.as_str()) => {
                    message = format!(
                        "`[{table}]` appears twice: each one is its own table, written with double \
                         brackets: `[[{table}]]`"
                    );
                    repeated = Some(line);
                }
                (Some(key), _) => {
                    // Inside the repeated table (no header since it).
                    let inside = repeated.is_some_and(|at| {
                        line > at
                            && text
                                .lines()
                                .skip(at)
                                .take(line.saturating_sub(at + 1))
                                .all(|l| !l.trim_start().starts_with('['))
                    });
                    if inside && header.is_none() {
                        continue;
                    }
                    message.push_str(&format!(
                        " `{key}`: each key may be set once in a table (remove one, or put the other in its own table)"
                    ));
                }
                (None, _) => {}
            }
        }
        if header.is_some() && !message.contains("appears twice") {
            repeated = None;
        }
        diagnostics.push(Diagnostic::new(label, (line, column), "", message.into()));
    }
    Err(of_scenario(ScenarioError::new(diagnostics), label, text))
}

/// The tables a scenario writes as arrays (`[[...]]`), one per item.
const ARRAY_TABLES: [&str; 9] = [
    "service",
    "service.cost",
    "service.risk",
    "service.funding",
    "service.benefit",
    "correlation",
    "variant",
    "programme",
    "account",
];

/// The key written at byte `at` of `text` (bare, or quoted), if any.
fn key_at(text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?.trim_start_matches([' ', '\t', '[']);
    let key = if let Some(quoted) = rest.strip_prefix('"') {
        quoted.split('"').next()?
    } else {
        rest.split(|c: char| !(c.is_alphanumeric() || "-_.".contains(c)))
            .next()?
    };
    let key: String = key.chars().take(80).collect();
    (!key.is_empty()).then_some(key)
}

/// Validates a parsed document and compiles it into a [`Model`].
pub fn compile(
    doc: &Spanned<DeTable<'_>>,
    text: &str,
    label: &str,
) -> Result<Model, ScenarioError> {
    compile_with(doc, text, label, &[])
}

/// [`compile`], naming values that came from overrides by `override_labels`.
fn compile_with(
    doc: &Spanned<DeTable<'_>>,
    text: &str,
    label: &str,
    override_labels: &[String],
) -> Result<Model, ScenarioError> {
    let mut c = Checker {
        file: label.to_string(),
        lines: LineIndex::new(text),
        diags: Vec::new(),
        override_labels: override_labels.to_vec(),
        // Set from `[scenario]` before any amount is read.
        unit: hints::ScenarioUnit::of("KRW", "million"),
    };
    let root = View {
        path: String::new(),
        span: 0..0,
        table: doc.get_ref(),
    };
    let model = c.model(&root);
    if c.diags.is_empty() {
        if let Some(m) = model {
            return Ok(m);
        }
        c.diags.push(Diagnostic::new(
            label,
            (0, 0),
            "",
            Said::both(
                "the scenario could not be compiled",
                "시나리오를 모델로 옮기지 못했습니다",
            ),
        ));
    }
    c.diags.sort_by_key(|d| (d.line == 0, d.line, d.column));
    c.diags.dedup();
    Err(of_scenario(ScenarioError::new(c.diags), label, text))
}

/// `e` as the problems of the scenario `label`, told in the language its
/// `text` asks for.
fn of_scenario(e: ScenarioError, label: &str, text: &str) -> ScenarioError {
    e.of_file(label).in_korean(told_in(text) == Language::Ko)
}

/// The language a scenario's text asks its reports in (`[scenario]
/// lang`), read leniently so that a file with problems elsewhere is
/// still told them in its language; English where it says nothing.
pub fn told_in(text: &str) -> Language {
    let (doc, _) = DeTable::parse_recoverable(text);
    let lang = doc
        .get_ref()
        .get("scenario")
        .and_then(|s| match s.get_ref() {
            DeValue::Table(t) => t.get("lang"),
            _ => None,
        })
        .and_then(|l| match l.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => None,
        });
    match lang.as_deref() {
        Some("ko") => Language::Ko,
        _ => Language::En,
    }
}

/// The largest scenario file read: thousands of services take a few
/// megabytes; anything larger (or a device that never ends, `/dev/zero`)
/// is refused before it fills memory.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::suggest;
    use crate::scenario::schema::SCENARIO_KEYS;

    /// The mistakes a scenario's author makes most (a misspelt key, a
    /// share written as a percentage, an amount in Korean units, a year
    /// outside the horizon, a misspelt distribution or kind, a missing
    /// key, a reversed range) are told in Korean in a Korean scenario,
    /// each in full, and in English, unchanged, in an English one.
    #[test]
    fn a_korean_scenarios_problems_are_told_in_korean() {
        let text = |lang: &str| {
            format!(
                r#"
[scenario]
name = "t"
lang = "{lang}"
start_year = 2025
horizon_years = 10
seeds = 3

[[service]]
id = "b"
construction_cost = 100

[[service]]
id = "a"
construction_cost = "5억"
opex_ratio = {{ dist = "pertt", min = 0.1, mode = 0.15, max = 0.2 }}
construction_grant_share = 50

[[service.cost]]
kind = "renewall"
name = "x"

[[service.risk]]
name = "outage"
annual_probability = 0.1
cost = {{ dist = "uniform", min = 5, max = 1 }}

[[service.funding]]
kind = "grant"
name = "national"
share_of_cost = 0.5
from = 2020
"#
            )
        };
        let ko = parse_str(&text("ko"), "t.toml").unwrap_err();
        assert!(ko.korean);
        let told = ko.to_string();
        assert!(told.starts_with("t.toml: 시나리오에 문제가"), "{told}");
        for d in &ko.diagnostics {
            assert!(d.korean.is_some(), "not told in Korean: {d}");
        }
        for phrase in [
            "알 수 없는 키 `seeds`; `seed`의 오타인가요?",
            "꼭 써야 하는 키가 없습니다: `opex_ratio` (0 이상인 수 또는 분포)",
            "분석 기간 2025–2034년 안의 연도여야 하는데 2020입니다",
            "0에서 1 사이의 수여야 하는데 50입니다",
            "500의 뜻이었나요? (금액은 시나리오의 단위(백만 원)로 숫자만 씁니다",
            "알 수 없는 분포 \"pertt\" — \"pert\"의 오타인가요?",
            "알 수 없는 kind \"renewall\"; \"renewal\"의 오타인가요?",
            "min <= max여야 하는데 min = 5 > max = 1입니다",
        ] {
            assert!(told.contains(phrase), "{phrase} not in:\n{told}");
        }
        // Korean only where the whole message is: no English word left
        // in a message that was translated.
        for d in &ko.diagnostics {
            let k = d.korean.as_deref().unwrap_or_default();
            for english in ["expected", "found", "missing", "did you mean", "unknown"] {
                assert!(!k.contains(english), "{english} in {k}");
            }
        }
        let en = parse_str(&text("en"), "t.toml").unwrap_err();
        assert!(!en.korean);
        let told = en.to_string();
        assert!(told.starts_with("t.toml is not a valid scenario"), "{told}");
        assert!(
            told.contains("expected a number between 0 and 1, found 50"),
            "{told}"
        );
        // No Korean but the author's own "5억", quoted back.
        let korean = |c: char| ('가'..='힣').contains(&c);
        assert!(!told.replace("5억", "").chars().any(korean), "{told}");
        // The same problems either way; a shell may tell them in English.
        assert_eq!(ko.diagnostics.len(), en.diagnostics.len());
        assert_eq!(ko.in_korean(false).to_string(), told);
    }

    const MINIMAL: &str = r#"
[scenario]
name = "t"
start_year = 2025
horizon_years = 10

[[service]]
id = "a"
construction_cost = 1000
opex_ratio = 0.15

[[service.funding]]
kind = "budget"
name = "city budget"
amount = 150
"#;

    fn errors(text: &str) -> Vec<Diagnostic> {
        parse_str(text, "t.toml")
            .expect_err("should fail")
            .diagnostics
    }

    #[test]
    fn minimal_scenario_compiles_with_defaults() {
        let m = parse_str(MINIMAL, "t.toml").unwrap();
        assert_eq!(m.horizon, 10);
        assert_eq!(m.trials, 10_000);
        assert_eq!(m.discount_rate, 0.045);
        assert_eq!(m.currency, "KRW");
        let s = &m.services[0];
        assert_eq!(s.name, "a");
        assert_eq!(s.opens, 0);
        assert_eq!(s.funding[0].from, 0);
        assert_eq!(s.funding[0].to, 9);
    }

    #[test]
    fn builtin_baseline_compiles() {
        let m = parse_str(BUILTIN_BASELINE, "baseline").unwrap();
        assert!((6..=10).contains(&m.services.len()));
    }

    #[test]
    fn typo_gets_a_suggestion_with_line_and_path() {
        let text = MINIMAL.replace("opex_ratio = 0.15", "opex_ratio = 0.15\nvolatilty = 0.1");
        let d = errors(&text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].path, "service[1].volatilty");
        assert_eq!(d[0].line, 11);
        assert!(
            d[0].message.contains("did you mean `volatility`"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn key_of_another_kind_is_named() {
        let text = MINIMAL.replace("amount = 150", "amount = 150\nwithdrawal_hazard = 0.1");
        let d = errors(&text);
        assert!(
            d[0].message.contains("belongs to kind \"grant\""),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn several_errors_are_reported_together() {
        let text = MINIMAL
            .replace("horizon_years = 10", "horizon_years = 10\ntrials = 0")
            .replace(
                "opex_ratio = 0.15",
                "opex_ratio = { dist = \"triangular\", min = 3, mode = 1, max = 2 }",
            )
            .replace("amount = 150", "amount = -5");
        let d = errors(&text);
        assert_eq!(d.len(), 3, "{d:?}");
        let paths: Vec<&str> = d.iter().map(|d| d.path.as_str()).collect();
        assert!(paths.contains(&"scenario.trials"));
        assert!(paths.contains(&"service[1].opex_ratio"));
        assert!(paths.contains(&"service[1].funding[1].amount"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("horizon", SCENARIO_KEYS), Some("horizon_years"));
        assert_eq!(
            suggest("withdrawl_hazard", &["withdrawal_hazard", "amount"]),
            Some("withdrawal_hazard")
        );
        assert_eq!(suggest("zzz", SCENARIO_KEYS), None);
    }
}
