//! How much of a result rests on assumptions: the share of an output's
//! explained variance that comes from inputs marked as assumptions, and
//! from inputs that state neither a source nor an assumption.

use serde::Serialize;

use crate::model::Provenance;

/// Shares of an output's explained variance by the provenance of the
/// inputs that explain it; they add up to 1, or are all 0 when the inputs
/// explain nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ProvenanceShares {
    /// From inputs that cite a source.
    pub sourced: f64,
    /// From inputs marked as assumptions.
    pub assumption: f64,
    /// From inputs that state neither.
    pub unstated: f64,
}

impl ProvenanceShares {
    /// The shares of `weights`, each input's part of the explained
    /// variance (a negative estimate counts as none).
    pub fn of<'a>(weights: impl IntoIterator<Item = (f64, &'a Provenance)>) -> ProvenanceShares {
        let mut s = ProvenanceShares::default();
        for (w, p) in weights {
            let w = if w.is_finite() { w.max(0.0) } else { 0.0 };
            match p {
                Provenance::Source(_) => s.sourced += w,
                Provenance::Assumption(_) => s.assumption += w,
                Provenance::Unstated => s.unstated += w,
            }
        }
        let total = s.sourced + s.assumption + s.unstated;
        if total > 0.0 {
            s.sourced /= total;
            s.assumption /= total;
            s.unstated /= total;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_normalised_and_ignore_negative_estimates() {
        let (a, s, u) = (
            Provenance::Assumption("r".into()),
            Provenance::Source(vec!["K".into()]),
            Provenance::Unstated,
        );
        let got = ProvenanceShares::of([(0.3, &a), (0.1, &s), (-0.05, &u), (0.0, &u)]);
        assert!((got.assumption - 0.75).abs() < 1e-12 && (got.sourced - 0.25).abs() < 1e-12);
        assert_eq!(got.unstated, 0.0);
        assert_eq!(ProvenanceShares::of([]), ProvenanceShares::default());
    }
}
