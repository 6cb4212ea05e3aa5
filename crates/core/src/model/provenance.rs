//! Where each uncertain input comes from: a source of the scenario's
//! `[sources]` table, an assumption with its reason, or nothing stated.
//! Kept beside the model rather than in its quantities, so the engine and
//! the analyses that fix or replace quantities never carry it.

use std::collections::BTreeMap;

/// The provenance of one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// Cited: keys of the scenario's `[sources]` table (for a take-over
    /// decision, the `[KEY]`s its own `source` text names, or that text).
    Source(Vec<String>),
    /// A number chosen by the scenario's author, with the reason.
    Assumption(String),
    /// Neither stated.
    Unstated,
}

const UNSTATED: Provenance = Provenance::Unstated;

impl Provenance {
    /// How a table's column shows it: `source:KEY` (keys joined by `+`),
    /// `assumption` or `unstated`.
    pub fn label(&self) -> String {
        match self {
            Provenance::Source(keys) => format!("source:{}", keys.join("+")),
            Provenance::Assumption(_) => "assumption".to_string(),
            Provenance::Unstated => "unstated".to_string(),
        }
    }

    /// Whether a source or an assumption is stated.
    pub fn is_stated(&self) -> bool {
        !matches!(self, Provenance::Unstated)
    }

    /// Whether the input rests on an assumption.
    pub fn is_assumption(&self) -> bool {
        matches!(self, Provenance::Assumption(_))
    }

    /// A take-over decision's provenance from its required `source` text:
    /// an assumption when the text starts with "assumption" (the rest is
    /// the reason), otherwise sourced by the `[KEY]`s it names, or by the
    /// text itself when it names none.
    pub(crate) fn of_decision(text: &str) -> Provenance {
        let t = text.trim();
        if let Some(rest) = t
            .get(..10)
            .filter(|head| head.eq_ignore_ascii_case("assumption"))
            .and_then(|_| t.get(10..))
        {
            return Provenance::Assumption(rest.trim_start_matches([':', ' ']).to_string());
        }
        let keys: Vec<String> = t
            .split('[')
            .skip(1)
            .filter_map(|s| s.split_once(']').map(|(k, _)| k))
            .filter(|k| {
                !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            })
            .map(str::to_string)
            .collect();
        Provenance::Source(if keys.is_empty() {
            vec![t.to_string()]
        } else {
            keys
        })
    }
}

/// Every stated provenance of a scenario, and its `[sources]` table.
#[derive(Debug, Clone, Default)]
pub struct Provenances {
    /// `[sources]`: key and citation, by key.
    pub(crate) sources: Vec<(String, String)>,
    /// What a table states for all its inputs, by the `--set` path of the
    /// table (`economy`, `service.x`, `service.x.risk.fire`, ...).
    pub(crate) tables: BTreeMap<String, Provenance>,
    /// What one input states for itself (in its distribution table), by
    /// its `--set` path; it overrides its table's.
    pub(crate) inputs: BTreeMap<String, Provenance>,
}

impl Provenances {
    /// The provenance of the input at `path`: its own, else its table's.
    pub fn of(&self, path: &str) -> &Provenance {
        if let Some(p) = self.inputs.get(path) {
            return p;
        }
        path.rsplit_once('.')
            .and_then(|(table, _)| self.tables.get(table))
            .unwrap_or(&UNSTATED)
    }
}

/// The per-trial keys that are rates of an event (a risk, a withdrawal,
/// an exit): fixed or not, a non-zero one must say where it comes from.
const RATE_KEYS: [&str; 4] = [
    "annual_probability",
    "withdrawal_hazard",
    "exit_hazard",
    "downturn_exit_hazard",
];

/// An input whose provenance a scenario should state: every uncertain
/// input, and every non-zero rate even when it is a fixed number.
#[derive(Debug, Clone)]
pub struct StatedInput<'a> {
    /// Its `--set` path (`economy.inflation`, `service.x.risk.y.cost`).
    pub path: String,
    /// Its value as `check` describes it.
    pub value: String,
    /// Whether it varies from trial to trial (or year to year).
    pub uncertain: bool,
    /// Where it comes from.
    pub provenance: &'a Provenance,
}

impl super::Model {
    /// The inputs whose provenance the scenario should state, in the
    /// order of [`super::Model::inputs`] after the economy's: inflation
    /// (drawn every year) and the downturn's chance first.
    pub fn stated_inputs(&self) -> Vec<StatedInput<'_>> {
        let mut out = Vec::new();
        let economy = &self.economy;
        let rate = |v: f64| v != 0.0;
        let infl = &economy.inflation;
        if !infl.is_fixed() || rate(infl.mean()) {
            out.push((
                "economy.inflation".to_string(),
                infl.describe(),
                !infl.is_fixed(),
            ));
        }
        if let Some(d) = economy.downturn.filter(|d| rate(d.annual_probability)) {
            let path = "economy.downturn.annual_probability".to_string();
            out.push((path, d.annual_probability.to_string(), false));
        }
        for (input, q) in self.inputs() {
            let key = input.path.rsplit('.').next().unwrap_or_default();
            if !q.is_fixed() || (RATE_KEYS.contains(&key) && rate(q.mean())) {
                out.push((input.path, q.describe(), !q.is_fixed()));
            }
        }
        out.into_iter()
            .map(|(path, value, uncertain)| StatedInput {
                provenance: self.provenance.of(&path),
                path,
                value,
                uncertain,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_text_is_read_for_its_keys() {
        let p = Provenance::of_decision("[BT] the prior, 0.28 from [LH]; see [a b]");
        assert_eq!(p, Provenance::Source(vec!["BT".into(), "LH".into()]));
        let p = Provenance::of_decision("Assumption: nobody knows");
        assert_eq!(p, Provenance::Assumption("nobody knows".into()));
        let p = Provenance::of_decision("council minutes 2024");
        assert_eq!(p.label(), "source:council minutes 2024");
    }
}
