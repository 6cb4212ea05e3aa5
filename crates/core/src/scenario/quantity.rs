//! Reading uncertain quantities (a number or a distribution table), and
//! the small rules shared by every kind of line: exactly one of two keys,
//! a `kind` among known kinds, unique names.

use std::collections::HashMap;

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::error::Said;
use crate::model::{Dist, DistError, Domain, Quantity};
use crate::names::{did_you_mean, slug, suggest};

use super::reader::*;
use super::schema::*;

impl Checker {
    /// A quantity: a number or a `{ dist = ... }` table, within `domain`.
    pub(super) fn quantity(
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
                        Said::both(
                            format!(
                                "`{key}` (a number {}, or a distribution)",
                                domain.describe()
                            ),
                            format!("`{key}` ({} 또는 분포)", domain.describe_ko()),
                        ),
                    );
                }
                return default.map(|x| Quantity {
                    dist: Dist::constant(x),
                    domain,
                });
            }
        };
        let span = v.span();
        let in_domain = |x: f64| x >= domain.lo && x <= domain.hi;
        let q = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => {
                let x = as_f64(v.get_ref())?;
                if !x.is_finite() || !in_domain(x) {
                    let what = Said::both(
                        format!("a number {}", domain.describe()),
                        domain.describe_ko(),
                    );
                    let hint = percent_hint(x, |y| in_domain(y) && domain.hi <= 1.0);
                    let x = x.to_string();
                    self.err(&span, &path, expected_found(what, (&x, &x)).then(hint));
                    return None;
                }
                Some(Quantity {
                    dist: Dist::constant(x),
                    domain,
                })
            }
            DeValue::Table(t) => self.distribution(&path, span.clone(), t, domain),
            other => {
                let hint = match other {
                    DeValue::String(t) => written_percent(key, t, &self.unit, in_domain),
                    _ => Said::empty(),
                };
                let what = Said::both(
                    "a number or a distribution such as { dist = \"pert\", min = 1, mode = 2, max = 4 }",
                    "수 또는 { dist = \"pert\", min = 1, mode = 2, max = 4 } 같은 분포",
                );
                self.err(
                    &span,
                    &path,
                    expected_found(what, type_names(other)).then(hint),
                );
                None
            }
        }?;
        self.within_reach(&span, &path, q)
    }

    /// Refuses a quantity whose typical values are so large that products
    /// and sums over the horizon would overflow for certain (a run would
    /// stop at its first trial anyway; `check` says so first).
    fn within_reach(&mut self, span: &Range<usize>, path: &str, q: Quantity) -> Option<Quantity> {
        let d = q.dist();
        let (lo, hi) = d.support();
        let reach = if d.is_bounded() || q.is_fixed() {
            lo.abs().max(hi.abs())
        } else {
            d.mean().abs().max(d.quantile(0.99).abs())
        };
        if reach <= LARGEST_INPUT {
            return Some(q);
        }
        self.err(
            span,
            path,
            Said::both(
                format!(
                    "values reach {reach:e}; beyond {LARGEST_INPUT:e} they overflow 64-bit \
                     arithmetic once multiplied and added up over the horizon (is the unit right?)"
                ),
                format!(
                    "값이 {reach:e}에 이릅니다; {LARGEST_INPUT:e}를 넘으면 곱하고 기간에 걸쳐 \
                     더할 때 64비트 계산이 넘칩니다 (단위가 맞나요?)"
                ),
            ),
        );
        None
    }

    /// A `{ dist = "...", ... }` table: the named distribution, checked
    /// against its own rules and then against the key's domain.
    // Long by design: each check of a distribution table in the order its
    // problems are reported.
    fn distribution(
        &mut self,
        path: &str,
        span: Range<usize>,
        t: &DeTable<'_>,
        domain: Domain,
    ) -> Option<Quantity> {
        let path = path.to_string();
        let in_domain = |x: f64| x >= domain.lo && x <= domain.hi;
        let dv = View {
            path: path.clone(),
            span: span.clone(),
            table: t,
        };
        let names: Vec<&str> = DIST_KEYS.iter().map(|(n, _)| *n).collect();
        let Some(dist_name) = self.string(&dv, "dist", false) else {
            if !dv.has("dist") {
                let names = names.join(", ");
                self.err(
                    &span,
                    &path,
                    Said::both(
                        format!("a distribution table needs `dist`, one of: {names}"),
                        format!("분포 표에는 `dist`가 있어야 합니다: {names} 중 하나"),
                    ),
                );
            }
            return None;
        };
        let Some((_, keys)) = DIST_KEYS.iter().find(|(n, _)| *n == dist_name) else {
            let hint = did_you_mean(&dist_name, &names);
            let dspan = dv.get("dist").map(|d| d.span()).unwrap_or(span.clone());
            let ko_hint = suggest(&dist_name, &names)
                .map(|s| format!(" — \"{s}\"의 오타인가요?"))
                .unwrap_or_default();
            let names = names.join(", ");
            self.err(
                &dspan,
                &format!("{path}.dist"),
                Said::both(
                    format!(
                        "unknown distribution \"{dist_name}\"{hint} (expected one of: {names})"
                    ),
                    format!(
                        "알 수 없는 분포 \"{dist_name}\"{ko_hint} ({names} 중 하나여야 합니다)"
                    ),
                ),
            );
            return None;
        };
        let keys: Vec<&str> = keys.iter().chain(PROVENANCE_KEYS).copied().collect();
        self.unknown_keys(&dv, &keys, None);
        let built = self.dist_params(&dv, &dist_name)?;
        let dist = match built {
            Ok(d) => d,
            Err(expected) => {
                self.err(
                    &span,
                    &path,
                    Said::both(
                        format!("invalid {dist_name} distribution: expected {expected}"),
                        format!(
                            "{dist_name} 분포가 올바르지 않습니다: {}",
                            expected.korean()
                        ),
                    ),
                );
                return None;
            }
        };
        let (lo, hi) = dist.support();
        let bounded = dist.is_bounded();
        let ok = if bounded {
            in_domain(lo) && in_domain(hi)
        } else {
            in_domain(dist.mean())
        };
        if !ok {
            let (what, ko) = if bounded {
                ("its range", "범위가")
            } else {
                ("its mean", "평균이")
            };
            let shown = Quantity {
                dist: dist.clone(),
                domain,
            }
            .describe();
            self.err(
                &span,
                &path,
                Said::both(
                    format!(
                        "expected values {}; {what} is outside ({shown})",
                        domain.describe()
                    ),
                    format!(
                        "값은 {}여야 하는데 분포의 {ko} 이를 벗어납니다 ({shown})",
                        domain.describe_ko()
                    ),
                ),
            );
            return None;
        }
        Some(Quantity { dist, domain })
    }

    /// The parameters of distribution `name` from its table, built into a
    /// `Dist`; `None` if a parameter is missing or not a number (already
    /// reported), `Some(Err(expected))` if the parameters do not fit.
    fn dist_params(&mut self, dv: &View<'_, '_>, name: &str) -> Option<Result<Dist, DistError>> {
        let num = |c: &mut Checker, k: &str| c.number(dv, k, Range64::ANY, None);
        let opt = |c: &mut Checker, k: &str, d: f64| c.number(dv, k, Range64::ANY, Some(d));
        let built = match name {
            "uniform" => {
                let (a, b) = (num(self, "min"), num(self, "max"));
                Dist::uniform(a?, b?)
            }
            "triangular" | "pert" => {
                let (a, m, b) = (num(self, "min"), num(self, "mode"), num(self, "max"));
                let (a, m, b) = (a?, m?, b?);
                if name == "pert" {
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
            "discrete" => {
                let values = self.numbers(dv, "values", true);
                let weights = self.numbers(dv, "weights", false);
                let (values, weights) = (values??, weights?);
                Dist::discrete(&values, weights.as_deref())
            }
            _ => {
                let (m, s) = (num(self, "mean"), num(self, "sd"));
                Dist::lognormal(m?, s?)
            }
        };
        Some(built)
    }

    /// An array of numbers (`Some(None)` when absent and not required).
    fn numbers(
        &mut self,
        dv: &View<'_, '_>,
        key: &str,
        required: bool,
    ) -> Option<Option<Vec<f64>>> {
        let Some(v) = dv.get(key) else {
            if required {
                self.missing(
                    dv,
                    key,
                    Said::both(
                        format!("`{key}`, an array of numbers such as [0, 0.5, 1]"),
                        format!("`{key}` ([0, 0.5, 1] 같은 수의 배열)"),
                    ),
                );
                return None;
            }
            return Some(None);
        };
        let items = match v.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .map(|it| as_f64(it.get_ref()))
                .collect::<Option<Vec<f64>>>(),
            _ => None,
        };
        if items.is_none() {
            self.err(
                &v.span(),
                &dv.key_path(key),
                Said::both(
                    "expected an array of numbers, such as [0, 0.5, 1]",
                    "[0, 0.5, 1] 같은 수의 배열이 와야 합니다",
                ),
            );
        }
        items.map(Some)
    }

    /// Exactly one of two alternative quantities, each with its domain,
    /// e.g. `amount` or `share_of_cost`; returns whether it was the first,
    /// and its value.
    pub(super) fn one_of(
        &mut self,
        view: &View<'_, '_>,
        a: (&str, &str, Domain),
        b: (&str, &str, Domain),
    ) -> Option<(bool, Quantity)> {
        match (view.has(a.0), view.has(b.0)) {
            (true, false) => self.quantity(view, a.0, a.2, None).map(|q| (true, q)),
            (false, true) => self.quantity(view, b.0, b.2, None).map(|q| (false, q)),
            (both, _) => {
                // Where one of the two came from an override, the problem
                // is the override's: the file alone was fine.
                let set_here = [a.0, b.0].into_iter().find_map(|k| {
                    let span = view.get(k)?.span();
                    (span.start >= crate::scenario::overrides::OVERRIDE_SPAN).then_some((k, span))
                });
                if let (true, Some((key, span))) = (both, set_here) {
                    let other = if key == a.0 { b.0 } else { a.0 };
                    self.err(
                        &span,
                        &view.key_path(key),
                        Said::both(
                            format!(
                                "give either `{}` or `{}`, not both: the scenario already has `{other}` on this line, and an override cannot remove a key (set `{other}` instead, or change the file)",
                                a.0, b.0
                            ),
                            format!(
                                "`{}`와 `{}` 중 하나만 쓸 수 있는데 시나리오의 이 항목에 이미 `{other}`{} 있습니다; 덮어쓰기로 키를 지울 수는 없으므로 `{other}`{} 바꾸거나 파일을 고치세요",
                                a.0,
                                b.0,
                                crate::format::particle(other, "이", "가"),
                                crate::format::particle(other, "을", "를")
                            ),
                        ),
                    );
                    return None;
                }
                let msg = if both {
                    Said::both(
                        format!("give either `{}` or `{}`, not both", a.0, b.0),
                        format!("`{}`와 `{}` 중 하나만 쓰세요", a.0, b.0),
                    )
                } else {
                    Said::from(format!(
                        "missing required key: `{}` ({}) or `{}` ({})",
                        a.0, a.1, b.0, b.1
                    ))
                };
                self.err(&view.span, &view.key_path(a.0), msg);
                None
            }
        }
    }

    /// The `kind` of a kinded table, checked against `kinds`.
    pub(super) fn kind(
        &mut self,
        view: &View<'_, '_>,
        kinds: &[(&str, &[&str])],
    ) -> Option<String> {
        let names: Vec<&str> = kinds.iter().map(|(k, _)| *k).collect();
        let kind = self.string(view, "kind", false);
        match kind {
            None => {
                if !view.has("kind") {
                    let names = names.join(", ");
                    self.missing(
                        view,
                        "kind",
                        Said::both(
                            format!("`kind`, one of: {names}"),
                            format!("`kind` ({names} 중 하나)"),
                        ),
                    );
                }
                None
            }
            Some(k) if names.contains(&k.as_str()) => Some(k),
            Some(k) => {
                let close = suggest(&k, &names);
                let hint = close
                    .map(|s| format!("did you mean \"{s}\"? "))
                    .unwrap_or_default();
                let ko_hint = close
                    .map(|s| format!("\"{s}\"의 오타인가요? "))
                    .unwrap_or_default();
                let names = names.join(", ");
                self.err_key(
                    view,
                    "kind",
                    Said::both(
                        format!("unknown kind \"{k}\"; {hint}expected one of: {names}"),
                        format!("알 수 없는 kind \"{k}\"; {ko_hint}{names} 중 하나여야 합니다"),
                    ),
                );
                None
            }
        }
    }

    /// A name that must be unique within its list.
    pub(super) fn unique_name(
        &mut self,
        view: &View<'_, '_>,
        seen: &mut HashMap<String, String>,
        what: &str,
    ) -> Option<String> {
        let name = self.string(view, "name", true)?;
        let span = view
            .get("name")
            .map(|v| v.span())
            .unwrap_or(view.span.clone());
        if name.trim().is_empty() {
            self.err(&span, &view.key_path("name"), "expected a non-empty name");
            return None;
        }
        let key = slug(&name);
        if let Some(earlier) = seen.get(&key) {
            let why = if what == "variant" {
                "variant names must be unique: `compare` reports each by its name".to_string()
            } else if *earlier == name {
                format!(
                    "{what} names must be unique within a service (the name keys the line's random stream and its --set path)"
                )
            } else {
                format!(
                    "it is the same as \"{earlier}\" once written as a key (`{key}`: lower case, other characters as `-`), \
                     which keys the line's random stream and its --set path; rename one"
                )
            };
            self.err(
                &span,
                &view.key_path("name"),
                format!("duplicate {what} name \"{name}\": {why}"),
            );
            return None;
        }
        seen.insert(key, name.clone());
        Some(name)
    }
}
