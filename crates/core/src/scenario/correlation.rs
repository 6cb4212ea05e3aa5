//! The `[[correlation]]` tables: which per-trial inputs move together, and
//! the Cholesky factor the engine's copula draws them with.

use std::collections::HashMap;

use toml::de::DeValue;

use crate::model::{Correlation, Model};

use super::reader::*;
use super::schema::*;

impl Checker {
    /// The `[[correlation]]` tables: inputs named by their `--set` paths
    /// (uncertain per-trial inputs, each in one table at most), a `rank`
    /// correlation for two or a `matrix` for any number, checked symmetric,
    /// with a unit diagonal, in [-1, 1] and positive definite.
    // Long by design: one check after another, each with its own message.
    pub(super) fn correlations(
        &mut self,
        root: &View<'_, '_>,
        model: &Model,
    ) -> Option<Vec<Correlation>> {
        let inputs = model.inputs();
        let paths: Vec<&str> = inputs.iter().map(|(i, _)| i.path.as_str()).collect();
        let mut used = HashMap::new();
        let mut out = Vec::new();
        let mut ok = true;
        for cv in self.tables(root, "correlation") {
            self.unknown_keys(&cv, CORRELATION_KEYS, None);
            let path = cv.path.clone();
            let Some(list) = cv.get("inputs") else {
                self.missing(
                    &cv,
                    "inputs",
                    "`inputs` (an array of `--set` paths of per-trial inputs)",
                );
                ok = false;
                continue;
            };
            let span = list.span();
            let names: Vec<String> = match list.get_ref() {
                DeValue::Array(items) => items
                    .iter()
                    .filter_map(|v| match v.get_ref() {
                        DeValue::String(s) => {
                            use unicode_normalization::UnicodeNormalization;
                            Some(s.trim().nfc().collect())
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if names.len() < 2 {
                self.err(&span, &format!("{path}.inputs"), "expected an array of at least two `--set` paths of per-trial inputs, e.g. [\"service.cctv.construction_cost\", \"service.cctv.opex_ratio\"]");
                ok = false;
                continue;
            }
            let mut idx = Vec::new();
            for n in &names {
                match paths.iter().position(|p| p == n) {
                    Some(k) if inputs[k].1.is_fixed() => {
                        self.err(&span, &format!("{path}.inputs"), format!("`{n}` is a fixed number, not drawn: give it a distribution to correlate it"));
                        ok = false;
                    }
                    Some(k) => {
                        if let Some(other) = used.insert(k, path.clone()) {
                            self.err(&span, &format!("{path}.inputs"), format!("`{n}` is already correlated in {other}: put every input that moves together in one table, with a matrix"));
                            ok = false;
                        }
                        idx.push(k);
                    }
                    None => {
                        let hint = crate::names::suggest(n, &paths)
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_else(|| {
                                "; `fundgap sensitivity` lists every input's path".to_string()
                            });
                        self.err(
                            &span,
                            &format!("{path}.inputs"),
                            format!("`{n}` is not a per-trial input of this scenario{hint}"),
                        );
                        ok = false;
                    }
                }
            }
            let n = names.len();
            let rank = cv.get("rank").map(|v| (v.span(), as_f64(v.get_ref())));
            let matrix = cv.get("matrix").map(|v| {
                let rows: Option<Vec<Vec<f64>>> = match v.get_ref() {
                    DeValue::Array(rows) => rows
                        .iter()
                        .map(|r| match r.get_ref() {
                            DeValue::Array(xs) => xs.iter().map(|x| as_f64(x.get_ref())).collect(),
                            _ => None,
                        })
                        .collect(),
                    _ => None,
                };
                (v.span(), rows)
            });
            let m: Vec<Vec<f64>> = match (rank, matrix) {
                (Some((s, Some(r))), None) if n == 2 => {
                    if !(-1.0..=1.0).contains(&r) {
                        self.err(
                            &s,
                            &format!("{path}.rank"),
                            format!("{r} is not a correlation: expected a number in [-1, 1]"),
                        );
                        ok = false;
                        continue;
                    }
                    vec![vec![1.0, r], vec![r, 1.0]]
                }
                (Some((s, _)), None) => {
                    self.err(&s, &format!("{path}.rank"), "`rank` takes a number in [-1, 1] and two inputs; for three or more give `matrix`");
                    ok = false;
                    continue;
                }
                (None, Some((s, Some(rows)))) => {
                    let square = rows.len() == n && rows.iter().all(|r| r.len() == n);
                    if !square {
                        self.err(&s, &format!("{path}.matrix"), format!("expected a {n} x {n} matrix of numbers, one row per input in the order of `inputs`"));
                        ok = false;
                        continue;
                    }
                    rows
                }
                (None, Some((s, None))) => {
                    self.err(
                        &s,
                        &format!("{path}.matrix"),
                        format!("expected a {n} x {n} array of arrays of numbers"),
                    );
                    ok = false;
                    continue;
                }
                (Some((s, _)), Some(_)) => {
                    self.err(&s, &path, "give `rank` (two inputs) or `matrix`, not both");
                    ok = false;
                    continue;
                }
                (None, None) => {
                    self.missing(&cv, "rank", "`rank` (two inputs) or `matrix` (any number)");
                    ok = false;
                    continue;
                }
            };
            let bad = (0..n).find_map(|i| {
                (0..n).find_map(|j| {
                    let x = m[i][j];
                    if i == j && x != 1.0 {
                        Some(format!(
                            "the diagonal must be 1 (row {}, column {} is {x})",
                            i + 1,
                            j + 1
                        ))
                    } else if !(-1.0..=1.0).contains(&x) {
                        Some(format!(
                            "{x} (row {}, column {}) is not in [-1, 1]",
                            i + 1,
                            j + 1
                        ))
                    } else if x != m[j][i] {
                        Some(format!(
                            "not symmetric: row {}, column {} is {x} but row {}, column {} is {}",
                            i + 1,
                            j + 1,
                            j + 1,
                            i + 1,
                            m[j][i]
                        ))
                    } else {
                        None
                    }
                })
            });
            let span = cv
                .get("matrix")
                .or(cv.get("rank"))
                .map(|v| v.span())
                .unwrap_or(cv.span.clone());
            if let Some(why) = bad {
                self.err(&span, &path, format!("correlation matrix: {why}"));
                ok = false;
                continue;
            }
            // Spearman r to the normals' Pearson 2 sin(pi r / 6).
            let pearson: Vec<f64> = m
                .iter()
                .flatten()
                .map(|r| 2.0 * (std::f64::consts::PI * r / 6.0).sin())
                .collect();
            let Some(cholesky) = cholesky(&pearson, n) else {
                self.err(&span, &path, "correlation matrix is not positive definite: some of these correlations contradict each other (e.g. a with b and b with c high, a with c low); loosen them");
                ok = false;
                continue;
            };
            if idx.len() == n {
                out.push(Correlation {
                    inputs: idx,
                    cholesky,
                });
            }
        }
        ok.then_some(out)
    }
}

/// The lower-triangular Cholesky factor of the `n x n` matrix `a`
/// (row-major), or None when it is not positive definite.
fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - s;
                if d <= 1e-12 {
                    return None;
                }
                l[i * n + j] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    Some(l)
}
