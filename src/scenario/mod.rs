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

pub mod overrides;

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, Error, ScenarioError};
use crate::model::dist::{Dist, Domain, Quantity, Volatility};
use crate::model::rng::StreamKey;
use crate::model::{
    Benefit, CostKind, CostLine, Downturn, Economy, FundingKind, GrantSize, Model, Nature,
    RenewalSize, Risk, Service, Stream, StreamKind, THRESHOLD_KEYS, Thresholds, Variant,
};
use crate::names::{slug, suggest};
use crate::scenario::overrides::{OVERRIDE_SPAN, Override, apply, apply_all};

/// Longest horizon accepted, in years.
pub const MAX_HORIZON: i64 = 200;

/// The scenario that ships with fundgap and runs when none is named.
pub const BUILTIN_BASELINE: &str = include_str!("../../scenarios/ucity-baseline.toml");
/// File name of the built-in scenario.
pub const BUILTIN_BASELINE_NAME: &str = "ucity-baseline.toml";

/// Kinds of a kinded table with the keys each accepts.
type KindKeys<'a> = &'a [(&'a str, &'a [&'a str])];

const ROOT_KEYS: &[&str] = &["scenario", "economy", "service", "variant", "evaluation"];
const VARIANT_KEYS: &[&str] = &["name", "description", "set"];
const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "currency",
    "unit",
    "start_year",
    "horizon_years",
    "discount_rate",
    "trials",
    "seed",
];
const ECONOMY_KEYS: &[&str] = &["inflation", "downturn"];
const DOWNTURN_KEYS: &[&str] = &["annual_probability", "mean_duration_years"];
const SERVICE_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "nature",
    "operator",
    "owners",
    "construction_cost",
    "opens",
    "opex_ratio",
    "volatility",
    "carry_surplus",
    "cost",
    "risk",
    "funding",
    "benefit",
    "canvas",
];
/// Business Model Canvas blocks plus social and environmental entries.
pub const CANVAS_KEYS: &[&str] = &[
    "key_partners",
    "key_activities",
    "key_resources",
    "value_proposition",
    "customer_relationships",
    "channels",
    "customer_segments",
    "cost_structure",
    "revenue_streams",
    "social_cost",
    "social_benefit",
    "environmental_cost",
    "environmental_benefit",
];
const RISK_KEYS: &[&str] = &[
    "name",
    "description",
    "annual_probability",
    "cost",
    "opex_multiplier",
    "duration_years",
];
const BENEFIT_KEYS: &[&str] = &[
    "name",
    "description",
    "kind",
    "annual",
    "growth",
    "from",
    "to",
];

/// Keys of each kind of cost line.
const COST_KINDS: &[(&str, &[&str])] = &[
    (
        "renewal",
        &[
            "kind",
            "name",
            "description",
            "share_of_construction",
            "amount",
            "every_years",
        ],
    ),
    (
        "annual",
        &[
            "kind",
            "name",
            "description",
            "amount",
            "growth",
            "volatility",
            "from",
            "to",
        ],
    ),
    (
        "one_off",
        &["kind", "name", "description", "amount", "year"],
    ),
];

const STREAM_COMMON: &[&str] = &[
    "kind",
    "name",
    "description",
    "from",
    "to",
    "downturn_multiplier",
];
/// Keys of each kind of funding stream, on top of [`STREAM_COMMON`] (a
/// reserve takes only `kind`, `name`, `description`, `balance`).
const STREAM_KINDS: &[(&str, &[&str])] = &[
    ("grant", &["amount", "share_of_cost", "withdrawal_hazard"]),
    ("budget", &["amount", "growth", "volatility"]),
    (
        "fees",
        &[
            "saturation_users",
            "midpoint_years",
            "steepness",
            "price",
            "price_growth",
            "volatility",
        ],
    ),
    (
        "contract",
        &["amount", "growth", "exit_hazard", "downturn_exit_hazard"],
    ),
    ("reserve", &["balance"]),
];

const DIST_KEYS: &[(&str, &[&str])] = &[
    ("uniform", &["dist", "min", "max"]),
    ("triangular", &["dist", "min", "mode", "max"]),
    ("pert", &["dist", "min", "mode", "max"]),
    ("normal", &["dist", "mean", "sd", "min", "max"]),
    ("lognormal", &["dist", "mean", "sd"]),
];

/// Reads and compiles a scenario file.
pub fn load(path: &Path) -> Result<Model, Error> {
    let (text, label) = read_source(Some(path))?;
    Ok(parse_str(&text, &label)?)
}

/// Parses and compiles scenario text; `label` names it in messages.
pub fn parse_str(text: &str, label: &str) -> Result<Model, ScenarioError> {
    parse_with(text, label, &[])
}

/// Parses scenario text, applies command-line overrides, and compiles it.
pub fn parse_with(text: &str, label: &str, overrides: &[Override]) -> Result<Model, ScenarioError> {
    let mut doc = parse_document(text, label)?;
    apply_all(&mut doc, overrides, OVERRIDE_SPAN)?;
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
    apply_all(&mut doc, overrides, OVERRIDE_SPAN)?;
    let labels: Vec<String> = overrides.iter().map(Override::label).collect();
    let base = compile_with(&doc, text, label, &labels)?;
    let mut out = Vec::new();
    let entries: Vec<Spanned<DeValue<'_>>> = match doc.get_ref().get("variant").map(|v| v.get_ref())
    {
        Some(DeValue::Array(a)) => a.iter().cloned().collect(),
        _ => Vec::new(),
    };
    let mut diagnostics = Vec::new();
    for (v, entry) in base.variants.iter().zip(entries) {
        let mut vdoc = doc.clone();
        if let DeValue::Table(t) = entry.get_ref()
            && let Some(DeValue::Table(sets)) = t.get("set").map(|s| s.get_ref())
        {
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
        Err(ScenarioError { diagnostics })
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
    let diagnostics = errors
        .iter()
        .map(|e| {
            let (line, column) = e.span().map(|s| lines.locate(s.start)).unwrap_or((0, 0));
            Diagnostic {
                file: label.to_string(),
                line,
                column,
                path: String::new(),
                message: format!("TOML syntax error: {}", e.message().trim()),
            }
        })
        .collect();
    Err(ScenarioError { diagnostics })
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
        c.diags.push(Diagnostic {
            file: label.to_string(),
            line: 0,
            column: 0,
            path: String::new(),
            message: "the scenario could not be compiled".to_string(),
        });
    }
    c.diags.sort_by_key(|d| (d.line == 0, d.line, d.column));
    c.diags.dedup();
    Err(ScenarioError {
        diagnostics: c.diags,
    })
}

/// Byte offset to (line, column), both 1-based.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        (line, offset - self.starts[line - 1] + 1)
    }
}

/// A table of the document under validation, with its key path.
struct View<'d, 'i> {
    path: String,
    span: Range<usize>,
    table: &'d DeTable<'i>,
}

type Value<'d, 'i> = &'d Spanned<DeValue<'i>>;

impl<'d, 'i> View<'d, 'i> {
    fn get(&self, key: &str) -> Option<Value<'d, 'i>> {
        self.table.get(key)
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }
}

/// What a number must be, for messages and checks.
#[derive(Clone, Copy)]
struct Range64 {
    lo: f64,
    hi: f64,
    lo_open: bool,
}

impl Range64 {
    const ANY: Range64 = Range64 {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
        lo_open: false,
    };
    const NON_NEG: Range64 = Range64 {
        lo: 0.0,
        hi: f64::INFINITY,
        lo_open: false,
    };
    const PROB: Range64 = Range64 {
        lo: 0.0,
        hi: 1.0,
        lo_open: false,
    };

    fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && (if self.lo_open {
                v > self.lo
            } else {
                v >= self.lo
            })
            && v <= self.hi
    }

    fn describe(&self) -> String {
        let lo = if self.lo_open {
            "greater than"
        } else {
            "at least"
        };
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) if !self.lo_open => {
                format!("a number between {} and {}", self.lo, self.hi)
            }
            (true, true) => format!("a number {lo} {} and at most {}", self.lo, self.hi),
            (true, false) => format!("a number {lo} {}", self.lo),
            (false, true) => format!("a number at most {}", self.hi),
            (false, false) => "a number".to_string(),
        }
    }
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn as_f64(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|x| x as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    }
}

fn as_i64(v: &DeValue<'_>) -> Option<i64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        DeValue::Float(f) => {
            let x = f.as_str().parse::<f64>().ok()?;
            (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64)
        }
        _ => None,
    }
}

struct Checker {
    file: String,
    lines: LineIndex,
    diags: Vec<Diagnostic>,
    override_labels: Vec<String>,
}

impl Checker {
    fn err(&mut self, span: &Range<usize>, path: &str, message: impl Into<String>) {
        let (file, line, column) = if span.start >= OVERRIDE_SPAN {
            let label = self.override_labels.get(span.start - OVERRIDE_SPAN);
            (label.cloned().unwrap_or_else(|| "--set".into()), 0, 0)
        } else {
            let (l, c) = self.lines.locate(span.start);
            (self.file.clone(), l, c)
        };
        self.diags.push(Diagnostic {
            file,
            line,
            column,
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Rejects keys of `view` that are not in `allowed`. `other_kinds`
    /// lists, for kinded tables, which other kinds a stray key belongs to.
    fn unknown_keys(
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
            let mut msg = format!("unknown key `{key}`");
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
                msg = format!(
                    "`{key}` is not a key of kind = \"{this_kind}\" (it belongs to kind {})",
                    belongs
                        .iter()
                        .map(|k| format!("\"{k}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            } else if let Some(s) = suggest(key, allowed) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            } else {
                msg.push_str(&format!("; expected one of: {}", allowed.join(", ")));
            }
            let span = if k.span().is_empty() {
                v.span()
            } else {
                k.span()
            };
            self.err(&span, &path, msg);
        }
    }

    fn missing(&mut self, view: &View<'_, '_>, key: &str, what: &str) {
        self.err(
            &view.span,
            &view.key_path(key),
            format!("missing required key: {what}"),
        );
    }

    fn sub<'d, 'i>(
        &mut self,
        view: &View<'d, 'i>,
        key: &str,
        required: bool,
    ) -> Option<View<'d, 'i>> {
        let v = match view.get(key) {
            Some(v) => v,
            None => {
                if required {
                    self.missing(view, key, &format!("a [{}] table", view.key_path(key)));
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

    fn tables<'d, 'i>(&mut self, view: &View<'d, 'i>, key: &str) -> Vec<View<'d, 'i>> {
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
                        other => self.err(
                            &item.span(),
                            &p,
                            format!("expected a table, found {}", type_name(other)),
                        ),
                    }
                }
                out
            }
            DeValue::Table(_) => {
                self.err(
                    &v.span(),
                    &path,
                    format!("expected an array of tables: write [[{path}]] (double brackets), not [{path}]"),
                );
                Vec::new()
            }
            other => {
                self.err(
                    &v.span(),
                    &path,
                    format!(
                        "expected an array of tables [[{path}]], found {}",
                        type_name(other)
                    ),
                );
                Vec::new()
            }
        }
    }

    fn string(&mut self, view: &View<'_, '_>, key: &str, required: bool) -> Option<String> {
        let v = match view.get(key) {
            Some(v) => v,
            None => {
                if required {
                    self.missing(view, key, &format!("`{key}` (a string)"));
                }
                return None;
            }
        };
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn boolean(&mut self, view: &View<'_, '_>, key: &str, default: bool) -> bool {
        match view.get(key) {
            None => default,
            Some(v) => match v.get_ref() {
                DeValue::Boolean(b) => *b,
                other => {
                    self.err(
                        &v.span(),
                        &view.key_path(key),
                        format!("expected true or false, found {}", type_name(other)),
                    );
                    default
                }
            },
        }
    }

    /// A plain number in `range`; `default` when absent (None = required).
    fn number(
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
                    self.missing(view, key, &format!("`{key}` ({})", range.describe()));
                }
                return default;
            }
        };
        match as_f64(v.get_ref()) {
            Some(x) if range.contains(x) => Some(x),
            Some(x) => {
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    format!("expected {}, found {x}", range.describe()),
                );
                None
            }
            None => {
                let hint = if matches!(v.get_ref(), DeValue::Table(_)) {
                    " (this key takes a fixed number, not a distribution)"
                } else {
                    ""
                };
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    format!(
                        "expected {}, found {}{hint}",
                        range.describe(),
                        type_name(v.get_ref())
                    ),
                );
                None
            }
        }
    }

    fn integer(
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
                        &format!("`{key}` (a whole number from {lo} to {hi})"),
                    );
                }
                return default;
            }
        };
        match as_i64(v.get_ref()) {
            Some(x) if (lo..=hi).contains(&x) => Some(x),
            Some(x) => {
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    format!("expected a whole number from {lo} to {hi}, found {x}"),
                );
                None
            }
            None => {
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    format!(
                        "expected a whole number from {lo} to {hi}, found {}",
                        type_name(v.get_ref())
                    ),
                );
                None
            }
        }
    }

    /// A calendar year inside the horizon, returned as a year index.
    fn year(
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
                    self.missing(
                        view,
                        key,
                        &format!("`{key}` (a calendar year from {} to {})", h.start, h.end()),
                    );
                }
                return default;
            }
        };
        match as_i64(v.get_ref()) {
            Some(y) if y >= h.start && y <= h.end() => Some((y - h.start) as usize),
            Some(y) => {
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    format!(
                        "expected a year inside the horizon {}..={} (start_year + horizon_years - 1), found {y}",
                        h.start,
                        h.end()
                    ),
                );
                None
            }
            None => {
                self.err(
                    &v.span(),
                    &view.key_path(key),
                    format!(
                        "expected a calendar year such as {}, found {}",
                        h.start,
                        type_name(v.get_ref())
                    ),
                );
                None
            }
        }
    }

    /// A `from`/`to` window, defaulting to `default_from..=last year`.
    fn window(
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
            self.err(
                &span,
                &view.key_path("to"),
                format!(
                    "expected from <= to, found from = {} > to = {}",
                    h.start + from as i64,
                    h.start + to as i64
                ),
            );
            return None;
        }
        Some((from, to))
    }

    /// A quantity: a number or a `{ dist = ... }` table, within `domain`.
    fn quantity(
        &mut self,
        view: &View<'_, '_>,
        key: &str,
        domain: Domain,
        default: Option<f64>,
    ) -> Option<Quantity> {
        let path = view.key_path(key);
        let v = match view.get(key) {
            Some(v) => v,
            None => {
                if default.is_none() {
                    self.missing(
                        view,
                        key,
                        &format!(
                            "`{key}` (a number {}, or a distribution)",
                            domain.describe()
                        ),
                    );
                }
                return default.map(|x| Quantity {
                    dist: Dist::Fixed(x),
                    domain,
                });
            }
        };
        let span = v.span();
        let in_domain = |x: f64| x >= domain.lo && x <= domain.hi;
        match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => {
                let x = as_f64(v.get_ref())?;
                if !x.is_finite() || !in_domain(x) {
                    self.err(
                        &span,
                        &path,
                        format!("expected a number {}, found {x}", domain.describe()),
                    );
                    return None;
                }
                Some(Quantity {
                    dist: Dist::Fixed(x),
                    domain,
                })
            }
            DeValue::Table(t) => {
                let dv = View {
                    path: path.clone(),
                    span: span.clone(),
                    table: t,
                };
                let names: Vec<&str> = DIST_KEYS.iter().map(|(n, _)| *n).collect();
                let Some(dist_name) = self.string(&dv, "dist", false) else {
                    if !dv.has("dist") {
                        self.err(
                            &span,
                            &path,
                            format!(
                                "a distribution table needs `dist`, one of: {}",
                                names.join(", ")
                            ),
                        );
                    }
                    return None;
                };
                let Some((_, keys)) = DIST_KEYS.iter().find(|(n, _)| *n == dist_name) else {
                    let hint = suggest(&dist_name, &names)
                        .map(|s| format!("; did you mean \"{s}\"?"))
                        .unwrap_or_default();
                    let dspan = dv.get("dist").map(|d| d.span()).unwrap_or(span.clone());
                    self.err(
                        &dspan,
                        &format!("{path}.dist"),
                        format!(
                            "unknown distribution \"{dist_name}\"{hint} (expected one of: {})",
                            names.join(", ")
                        ),
                    );
                    return None;
                };
                self.unknown_keys(&dv, keys, None);
                let num = |c: &mut Checker, k: &str| c.number(&dv, k, Range64::ANY, None);
                let opt =
                    |c: &mut Checker, k: &str, d: f64| c.number(&dv, k, Range64::ANY, Some(d));
                let built = match dist_name.as_str() {
                    "uniform" => {
                        let (a, b) = (num(self, "min"), num(self, "max"));
                        Dist::uniform(a?, b?)
                    }
                    "triangular" | "pert" => {
                        let (a, m, b) = (num(self, "min"), num(self, "mode"), num(self, "max"));
                        let (a, m, b) = (a?, m?, b?);
                        if dist_name == "pert" {
                            Dist::pert(a, m, b)
                        } else {
                            Dist::triangular(a, m, b)
                        }
                    }
                    "normal" => {
                        let (m, s) = (num(self, "mean"), num(self, "sd"));
                        let lo = opt(self, "min", f64::NEG_INFINITY);
                        let hi = opt(self, "max", f64::INFINITY);
                        Dist::normal(m?, s?, lo?, hi?)
                    }
                    _ => {
                        let (m, s) = (num(self, "mean"), num(self, "sd"));
                        Dist::lognormal(m?, s?)
                    }
                };
                let dist = match built {
                    Ok(d) => d,
                    Err(expected) => {
                        self.err(
                            &span,
                            &path,
                            format!("invalid {dist_name} distribution: expected {expected}"),
                        );
                        return None;
                    }
                };
                let (lo, hi) = dist.support();
                let bounded = matches!(
                    dist,
                    Dist::Uniform { .. } | Dist::Triangular { .. } | Dist::Pert { .. }
                );
                let ok = if bounded {
                    in_domain(lo) && in_domain(hi)
                } else {
                    in_domain(dist.mean())
                };
                if !ok {
                    let what = if bounded { "its range" } else { "its mean" };
                    self.err(
                        &span,
                        &path,
                        format!(
                            "expected values {}; {what} is outside ({})",
                            domain.describe(),
                            Quantity {
                                dist: dist.clone(),
                                domain
                            }
                            .describe()
                        ),
                    );
                    return None;
                }
                Some(Quantity { dist, domain })
            }
            other => {
                self.err(
                    &span,
                    &path,
                    format!(
                        "expected a number or a distribution such as {{ dist = \"pert\", min = 1, mode = 2, max = 4 }}, found {}",
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    /// Exactly one of two alternative non-negative quantities, e.g. `amount`
    /// or `share_of_cost`; returns whether it was the first, and its value.
    fn one_of(
        &mut self,
        view: &View<'_, '_>,
        a: (&str, &str),
        b: (&str, &str),
    ) -> Option<(bool, Quantity)> {
        match (view.has(a.0), view.has(b.0)) {
            (true, false) => self
                .quantity(view, a.0, Domain::NON_NEGATIVE, None)
                .map(|q| (true, q)),
            (false, true) => self
                .quantity(view, b.0, Domain::NON_NEGATIVE, None)
                .map(|q| (false, q)),
            (both, _) => {
                let msg = if both {
                    format!("give either `{}` or `{}`, not both", a.0, b.0)
                } else {
                    format!(
                        "missing required key: `{}` ({}) or `{}` ({})",
                        a.0, a.1, b.0, b.1
                    )
                };
                self.err(&view.span, &view.key_path(a.0), msg);
                None
            }
        }
    }

    /// The `kind` of a kinded table, checked against `kinds`.
    fn kind(&mut self, view: &View<'_, '_>, kinds: &[(&str, &[&str])]) -> Option<String> {
        let names: Vec<&str> = kinds.iter().map(|(k, _)| *k).collect();
        let kind = self.string(view, "kind", false);
        match kind {
            None => {
                if !view.has("kind") {
                    self.missing(
                        view,
                        "kind",
                        &format!("`kind`, one of: {}", names.join(", ")),
                    );
                }
                None
            }
            Some(k) if names.contains(&k.as_str()) => Some(k),
            Some(k) => {
                let hint = suggest(&k, &names)
                    .map(|s| format!("did you mean \"{s}\"? "))
                    .unwrap_or_default();
                let span = view
                    .get("kind")
                    .map(|v| v.span())
                    .unwrap_or(view.span.clone());
                self.err(
                    &span,
                    &view.key_path("kind"),
                    format!(
                        "unknown kind \"{k}\"; {hint}expected one of: {}",
                        names.join(", ")
                    ),
                );
                None
            }
        }
    }

    /// A name that must be unique within its list.
    fn unique_name(
        &mut self,
        view: &View<'_, '_>,
        seen: &mut HashSet<String>,
        what: &str,
    ) -> Option<String> {
        let name = self.string(view, "name", true)?;
        if name.trim().is_empty() {
            let span = view
                .get("name")
                .map(|v| v.span())
                .unwrap_or(view.span.clone());
            self.err(&span, &view.key_path("name"), "expected a non-empty name");
            return None;
        }
        if !seen.insert(slug(&name)) {
            let span = view
                .get("name")
                .map(|v| v.span())
                .unwrap_or(view.span.clone());
            self.err(
                &span,
                &view.key_path("name"),
                format!("duplicate {what} name \"{name}\": names must be unique within a service (they key its random stream)"),
            );
            return None;
        }
        Some(name)
    }

    fn model(&mut self, root: &View<'_, '_>) -> Option<Model> {
        self.unknown_keys(root, ROOT_KEYS, None);
        let sc = self.sub(root, "scenario", true);
        let sc = sc?;
        self.unknown_keys(&sc, SCENARIO_KEYS, None);
        let name = self.string(&sc, "name", true);
        let description = self.string(&sc, "description", false);
        let currency = self
            .string(&sc, "currency", false)
            .unwrap_or_else(|| "KRW".into());
        let unit = self
            .string(&sc, "unit", false)
            .unwrap_or_else(|| "million".into());
        let start = self.integer(&sc, "start_year", 1900, 2500, None);
        let horizon = self.integer(&sc, "horizon_years", 1, MAX_HORIZON, None);
        let discount_rate = self.number(
            &sc,
            "discount_rate",
            Range64 {
                lo: -1.0,
                hi: 1.0,
                lo_open: true,
            },
            Some(0.045),
        );
        let trials = self.integer(&sc, "trials", 1, i64::MAX, Some(10_000));
        let seed = self.integer(&sc, "seed", 0, i64::MAX, Some(0));

        let h = Horizon {
            start: start?,
            len: horizon? as usize,
        };

        let economy = self.economy(root);
        let services = self.services(root, &h);
        let variants = self.variants(root);
        let evaluation = self.evaluation(root);
        Some(Model {
            name: name?,
            description,
            currency,
            unit,
            start_year: h.start as i32,
            horizon: h.len,
            discount_rate: discount_rate?,
            trials: trials? as u64,
            seed: seed? as u64,
            economy: economy?,
            services: services?,
            variants: variants?,
            evaluation: evaluation?,
        })
    }

    fn evaluation(&mut self, root: &View<'_, '_>) -> Option<Thresholds> {
        let mut t = Thresholds::default();
        let Some(ev) = self.sub(root, "evaluation", false) else {
            return (!root.has("evaluation")).then_some(t);
        };
        self.unknown_keys(&ev, THRESHOLD_KEYS, None);
        let mut ok = true;
        for key in THRESHOLD_KEYS {
            if ev.has(key) {
                match self.number(&ev, key, Range64::ANY, None) {
                    Some(v) => {
                        t.set(key, v);
                    }
                    None => ok = false,
                }
            }
        }
        let pairs = [
            ("p_any_gap", t.p_any_gap_amber, t.p_any_gap_red, true),
            ("grant_share", t.grant_share_amber, t.grant_share_red, true),
            ("cliff", t.cliff_amber, t.cliff_red, true),
            ("hhi", t.hhi_amber, t.hhi_red, true),
            ("bcr", t.bcr_amber, t.bcr_red, false),
            ("fnpv", t.fnpv_amber, t.fnpv_red, false),
            ("canvas", t.canvas_amber, t.canvas_red, false),
        ];
        for (name, amber, red, rising) in pairs {
            let bad = if rising { red < amber } else { red > amber };
            if bad {
                let span = ev
                    .get(&format!("{name}_red"))
                    .map(|v| v.span())
                    .unwrap_or(ev.span.clone());
                let rel = if rising { ">=" } else { "<=" };
                self.err(
                    &span,
                    &ev.key_path(&format!("{name}_red")),
                    format!("expected {name}_red {rel} {name}_amber (red is the worse end), found {red} and {amber}"),
                );
                ok = false;
            }
        }
        ok.then_some(t)
    }

    fn variants(&mut self, root: &View<'_, '_>) -> Option<Vec<Variant>> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut ok = true;
        for vv in self.tables(root, "variant") {
            self.unknown_keys(&vv, VARIANT_KEYS, None);
            let name = self.unique_name(&vv, &mut seen, "variant");
            let description = self.string(&vv, "description", false);
            let sets = match self.sub(&vv, "set", false) {
                Some(t) => t.table.keys().map(|k| k.get_ref().to_string()).collect(),
                None if vv.has("set") => {
                    ok = false;
                    Vec::new()
                }
                None => Vec::new(),
            };
            match name {
                Some(name) => out.push(Variant {
                    name,
                    description,
                    sets,
                }),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn economy(&mut self, root: &View<'_, '_>) -> Option<Economy> {
        let key_inflation = StreamKey::new("", "economy", "inflation");
        let key_downturn = StreamKey::new("", "economy", "downturn");
        let Some(ev) = self.sub(root, "economy", false) else {
            return (!root.has("economy")).then_some(Economy {
                inflation: Quantity {
                    dist: Dist::Fixed(0.0),
                    domain: INFLATION_DOMAIN,
                },
                downturn: None,
                key_inflation,
                key_downturn,
            });
        };
        self.unknown_keys(&ev, ECONOMY_KEYS, None);
        let inflation = self.quantity(&ev, "inflation", INFLATION_DOMAIN, Some(0.0));
        let downturn = match self.sub(&ev, "downturn", false) {
            None => (!ev.has("downturn")).then_some(None),
            Some(dv) => {
                self.unknown_keys(&dv, DOWNTURN_KEYS, None);
                let p = self.number(&dv, "annual_probability", Range64::PROB, None);
                let d = self.number(
                    &dv,
                    "mean_duration_years",
                    Range64 {
                        lo: 1.0,
                        hi: f64::INFINITY,
                        lo_open: false,
                    },
                    None,
                );
                match (p, d) {
                    (Some(annual_probability), Some(mean_duration_years)) => Some(Some(Downturn {
                        annual_probability,
                        mean_duration_years,
                    })),
                    _ => None,
                }
            }
        };
        Some(Economy {
            inflation: inflation?,
            downturn: downturn?,
            key_inflation,
            key_downturn,
        })
    }

    fn services(&mut self, root: &View<'_, '_>, h: &Horizon) -> Option<Vec<Service>> {
        if !root.has("service") {
            self.err(
                &(0..0),
                "service",
                "missing required key: at least one [[service]] table",
            );
            return None;
        }
        let views = self.tables(root, "service");
        let mut ids = HashSet::new();
        let mut out = Vec::new();
        let mut ok = true;
        for sv in &views {
            match self.service(sv, h, &mut ids) {
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        (ok && !out.is_empty()).then_some(out)
    }

    fn service(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        ids: &mut HashSet<String>,
    ) -> Option<Service> {
        self.unknown_keys(sv, SERVICE_KEYS, None);
        let id = self.string(sv, "id", true);
        if let Some(id) = &id {
            let span = sv.get("id").map(|v| v.span()).unwrap_or(sv.span.clone());
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                self.err(
                    &span,
                    &sv.key_path("id"),
                    format!("expected an id of letters, digits, '-' and '_' (it names output rows and files), found \"{id}\""),
                );
            } else if !ids.insert(id.clone()) {
                self.err(
                    &span,
                    &sv.key_path("id"),
                    format!("duplicate service id \"{id}\": ids must be unique"),
                );
            } else if id == "portfolio" {
                self.err(
                    &span,
                    &sv.key_path("id"),
                    "the id \"portfolio\" is reserved for the total of all services",
                );
            }
        }
        let name = self.string(sv, "name", false);
        self.string(sv, "description", false);
        let nature = match self.string(sv, "nature", false).as_deref() {
            None | Some("public") => Some(Nature::Public),
            Some("private") => Some(Nature::Private),
            Some("mixed") => Some(Nature::Mixed),
            Some(other) => {
                let span = sv
                    .get("nature")
                    .map(|v| v.span())
                    .unwrap_or(sv.span.clone());
                self.err(
                    &span,
                    &sv.key_path("nature"),
                    format!("expected \"public\", \"private\" or \"mixed\", found \"{other}\""),
                );
                None
            }
        };
        let operator = self.string(sv, "operator", false);
        let owners = self.string_list(sv, "owners");
        let construction_cost = self.quantity(sv, "construction_cost", Domain::NON_NEGATIVE, None);
        let opens = self.year(sv, "opens", h, Some(0));
        let opex_ratio = self.quantity(sv, "opex_ratio", Domain::NON_NEGATIVE, None);
        let volatility = self.number(sv, "volatility", Range64::NON_NEG, Some(0.0));
        let carry_surplus = self.boolean(sv, "carry_surplus", false);
        let canvas = self.canvas(sv);

        let id = id?;
        let opens = opens?;
        let costs = self.cost_lines(sv, h, &id, opens);
        let risks = self.risks(sv, &id);
        let funding = self.funding(sv, h, &id, opens);
        let benefits = self.benefits(sv, h, &id, opens);
        Some(Service {
            key: StreamKey::new(&id, "service", "base"),
            name: name.unwrap_or_else(|| id.clone()),
            id,
            nature: nature?,
            operator,
            owners: owners?,
            construction_cost: construction_cost?,
            opens,
            opex_ratio: opex_ratio?,
            volatility: Volatility::new(volatility?),
            carry_surplus,
            costs: costs?,
            risks: risks?,
            funding: funding?,
            benefits: benefits?,
            canvas: canvas?,
        })
    }

    fn string_list(&mut self, view: &View<'_, '_>, key: &str) -> Option<Vec<String>> {
        let Some(v) = view.get(key) else {
            return Some(Vec::new());
        };
        let bad = |c: &mut Checker| {
            c.err(
                &v.span(),
                &view.key_path(key),
                "expected an array of strings, such as [\"City\", \"Operator Ltd\"]",
            );
            None
        };
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for it in items.iter() {
                    match it.get_ref() {
                        DeValue::String(s) => out.push(s.to_string()),
                        _ => return bad(self),
                    }
                }
                Some(out)
            }
            _ => bad(self),
        }
    }

    fn canvas(&mut self, sv: &View<'_, '_>) -> Option<Vec<(String, String)>> {
        let Some(cv) = self.sub(sv, "canvas", false) else {
            return (!sv.has("canvas")).then(Vec::new);
        };
        self.unknown_keys(&cv, CANVAS_KEYS, None);
        let mut out = Vec::new();
        for key in CANVAS_KEYS {
            if let Some(s) = self.string(&cv, key, false) {
                out.push((key.to_string(), s));
            }
        }
        Some(out)
    }

    /// Parses every `[[service.<key>]]` table with `one`, which gets the
    /// line's (unique) name and returns the line, or None once it has
    /// reported the line's problems.
    fn lines<T>(
        &mut self,
        sv: &View<'_, '_>,
        key: &str,
        what: &str,
        mut one: impl FnMut(&mut Checker, &View<'_, '_>, Option<String>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut ok = true;
        for v in self.tables(sv, key) {
            let name = self.unique_name(&v, &mut seen, what);
            match one(self, &v, name) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn cost_lines(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        id: &str,
        opens: usize,
    ) -> Option<Vec<CostLine>> {
        self.lines(sv, "cost", "cost line", |c, cv, name| {
            let kind = c.kind(cv, COST_KINDS);
            let kind = kind?;
            let keys = COST_KINDS
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, keys)| *keys)
                .unwrap_or(&[]);
            c.unknown_keys(cv, keys, Some((&kind, COST_KINDS)));
            let line = match kind.as_str() {
                "renewal" => {
                    let size = c
                        .one_of(
                            cv,
                            ("share_of_construction", "share of construction cost"),
                            ("amount", "in start-year money"),
                        )
                        .map(|(first, q)| {
                            if first {
                                RenewalSize::ShareOfConstruction(q)
                            } else {
                                RenewalSize::Amount(q)
                            }
                        });
                    let every = c.quantity(cv, "every_years", Domain::AT_LEAST_ONE, None);
                    size.zip(every)
                        .map(|(size, every_years)| CostKind::Renewal { size, every_years })
                }
                "annual" => {
                    let amount = c.quantity(cv, "amount", Domain::NON_NEGATIVE, None);
                    let growth = c.number(cv, "growth", GROWTH_RANGE, Some(0.0));
                    let volatility = c.number(cv, "volatility", Range64::NON_NEG, Some(0.0));
                    let window = c.window(cv, h, opens);
                    match (amount, growth, volatility, window) {
                        (Some(amount), Some(growth), Some(vol), Some((from, to))) => {
                            let volatility = Volatility::new(vol);
                            Some(CostKind::Annual {
                                amount,
                                growth,
                                volatility,
                                from,
                                to,
                            })
                        }
                        _ => None,
                    }
                }
                _ => {
                    let amount = c.quantity(cv, "amount", Domain::NON_NEGATIVE, None);
                    let year = c.year(cv, "year", h, None);
                    amount
                        .zip(year)
                        .map(|(amount, year)| CostKind::OneOff { amount, year })
                }
            };
            match (name, line) {
                (Some(name), Some(kind)) => Some(CostLine {
                    key: StreamKey::new(id, "cost", &slug(&name)),
                    name,
                    kind,
                }),
                _ => None,
            }
        })
    }

    fn risks(&mut self, sv: &View<'_, '_>, id: &str) -> Option<Vec<Risk>> {
        self.lines(sv, "risk", "risk", |c, rv, name| {
            c.unknown_keys(rv, RISK_KEYS, None);
            let p = c.quantity(rv, "annual_probability", Domain::PROBABILITY, None);
            let cost = c.quantity(rv, "cost", Domain::NON_NEGATIVE, Some(0.0));
            let mult = c.number(rv, "opex_multiplier", Range64::NON_NEG, Some(1.0));
            let dur = c.integer(rv, "duration_years", 0, MAX_HORIZON, Some(1));
            match (name, p, cost, mult, dur) {
                (
                    Some(name),
                    Some(annual_probability),
                    Some(cost),
                    Some(opex_multiplier),
                    Some(d),
                ) => Some(Risk {
                    key: StreamKey::new(id, "risk", &slug(&name)),
                    name,
                    annual_probability,
                    cost,
                    opex_multiplier,
                    duration_years: d as usize,
                }),
                _ => None,
            }
        })
    }

    fn funding(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        id: &str,
        opens: usize,
    ) -> Option<Vec<Stream>> {
        self.lines(sv, "funding", "funding stream", |c, fv, name| {
            let kind = c.kind(fv, STREAM_KINDS);
            let kind = kind.and_then(|k| FundingKind::parse(&k))?;
            let own = STREAM_KINDS
                .iter()
                .find(|(k, _)| *k == kind.as_str())
                .map(|(_, keys)| *keys)
                .unwrap_or(&[]);
            let allowed: Vec<&str> = if kind == FundingKind::Reserve {
                ["kind", "name", "description"]
                    .iter()
                    .chain(own)
                    .copied()
                    .collect()
            } else {
                STREAM_COMMON.iter().chain(own).copied().collect()
            };
            c.unknown_keys(fv, &allowed, Some((kind.as_str(), STREAM_KINDS)));
            let window = if kind == FundingKind::Reserve {
                Some((0, h.len - 1))
            } else {
                c.window(fv, h, opens)
            };
            let dm = c.number(fv, "downturn_multiplier", Range64::NON_NEG, Some(1.0));
            let sk = match kind {
                FundingKind::Grant => {
                    let size = c
                        .one_of(
                            fv,
                            ("amount", "per year"),
                            ("share_of_cost", "share of the year's cost"),
                        )
                        .map(|(first, q)| {
                            if first {
                                GrantSize::Amount(q)
                            } else {
                                GrantSize::ShareOfCost(q)
                            }
                        });
                    let hz = c.quantity(fv, "withdrawal_hazard", Domain::PROBABILITY, Some(0.0));
                    size.zip(hz)
                        .map(|(size, withdrawal_hazard)| StreamKind::Grant {
                            size,
                            withdrawal_hazard,
                        })
                }
                FundingKind::Budget => {
                    let amount = c.quantity(fv, "amount", Domain::NON_NEGATIVE, None);
                    let growth = c.number(fv, "growth", GROWTH_RANGE, Some(0.0));
                    let vol = c.number(fv, "volatility", Range64::NON_NEG, Some(0.0));
                    match (amount, growth, vol) {
                        (Some(amount), Some(growth), Some(vol)) => {
                            let volatility = Volatility::new(vol);
                            Some(StreamKind::Budget {
                                amount,
                                growth,
                                volatility,
                            })
                        }
                        _ => None,
                    }
                }
                FundingKind::Fees => {
                    let users = c.quantity(fv, "saturation_users", Domain::NON_NEGATIVE, None);
                    let mid = c.quantity(fv, "midpoint_years", Domain::ANY, Some(0.0));
                    let steep = c.quantity(fv, "steepness", Domain::NON_NEGATIVE, Some(1.0));
                    let price = c.quantity(fv, "price", Domain::NON_NEGATIVE, None);
                    let pg = c.number(fv, "price_growth", GROWTH_RANGE, Some(0.0));
                    let vol = c.number(fv, "volatility", Range64::NON_NEG, Some(0.0));
                    match (users, mid, steep, price, pg, vol) {
                        (
                            Some(saturation_users),
                            Some(midpoint_years),
                            Some(steepness),
                            Some(price),
                            Some(price_growth),
                            Some(vol),
                        ) => Some(StreamKind::Fees {
                            saturation_users,
                            midpoint_years,
                            steepness,
                            price,
                            price_growth,
                            volatility: Volatility::new(vol),
                        }),
                        _ => None,
                    }
                }
                FundingKind::Contract => {
                    let amount = c.quantity(fv, "amount", Domain::NON_NEGATIVE, None);
                    let growth = c.number(fv, "growth", GROWTH_RANGE, Some(0.0));
                    let exit = c.quantity(fv, "exit_hazard", Domain::PROBABILITY, Some(0.0));
                    let down_exit = if fv.has("downturn_exit_hazard") {
                        c.quantity(fv, "downturn_exit_hazard", Domain::PROBABILITY, None)
                    } else {
                        exit.clone()
                    };
                    match (amount, growth, exit, down_exit) {
                        (
                            Some(amount),
                            Some(growth),
                            Some(exit_hazard),
                            Some(downturn_exit_hazard),
                        ) => Some(StreamKind::Contract {
                            amount,
                            growth,
                            exit_hazard,
                            downturn_exit_hazard,
                        }),
                        _ => None,
                    }
                }
                FundingKind::Reserve => c
                    .quantity(fv, "balance", Domain::NON_NEGATIVE, None)
                    .map(|balance| StreamKind::Reserve { balance }),
            };
            match (name, sk, window, dm) {
                (Some(name), Some(kind), Some((from, to)), Some(downturn_multiplier)) => {
                    Some(Stream {
                        key: StreamKey::new(id, "funding", &slug(&name)),
                        name,
                        kind,
                        from,
                        to,
                        downturn_multiplier,
                        cut: None,
                    })
                }
                _ => None,
            }
        })
    }

    fn benefits(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        id: &str,
        opens: usize,
    ) -> Option<Vec<Benefit>> {
        self.lines(sv, "benefit", "benefit", |c, bv, name| {
            c.unknown_keys(bv, BENEFIT_KEYS, None);
            let mut kind_ok = true;
            if let Some(k) = c.string(bv, "kind", false)
                && k != "social"
                && k != "environmental"
            {
                let span = bv.get("kind").map(|v| v.span()).unwrap_or(bv.span.clone());
                c.err(
                    &span,
                    &bv.key_path("kind"),
                    format!("expected \"social\" or \"environmental\", found \"{k}\""),
                );
                kind_ok = false;
            }
            let annual = c.quantity(bv, "annual", Domain::NON_NEGATIVE, None);
            let growth = c.number(bv, "growth", GROWTH_RANGE, Some(0.0));
            let window = c.window(bv, h, opens);
            match (name, annual, growth, window) {
                (Some(name), Some(annual), Some(growth), Some((from, to))) if kind_ok => {
                    Some(Benefit {
                        key: StreamKey::new(id, "benefit", &slug(&name)),
                        name,
                        annual,
                        growth,
                        from,
                        to,
                    })
                }
                _ => None,
            }
        })
    }
}

const INFLATION_DOMAIN: Domain = Domain { lo: -0.5, hi: 1.0 };
const GROWTH_RANGE: Range64 = Range64 {
    lo: -1.0,
    hi: 1.0,
    lo_open: false,
};

struct Horizon {
    start: i64,
    len: usize,
}

impl Horizon {
    fn end(&self) -> i64 {
        self.start + self.len as i64 - 1
    }
}

/// A scenario's text together with its display label.
pub fn read_source(path: Option<&Path>) -> Result<(Cow<'static, str>, String), Error> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|source| Error::Read {
                path: p.to_path_buf(),
                source,
            })?;
            Ok((Cow::Owned(text), p.display().to_string()))
        }
        None => Ok((
            Cow::Borrowed(BUILTIN_BASELINE),
            format!("<built-in {BUILTIN_BASELINE_NAME}>"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
