//! The decisions a budget office takes about a service: which shortfall
//! is material enough to count as a gap ([`Materiality`]) and when a
//! service that has lost its money is stopped or shrunk ([`StopRule`]);
//! and, for a back-test, the decision that was in fact taken
//! ([`Outcome`]).

/// When a yearly shortfall (what funding and the reserve leave uncovered)
/// is a gap: only above both a share of that year's cost and an amount.
/// Smaller shortfalls are absorbed by a contingency (a supplementary budget
/// or reserve fund), whose use is reported; a larger one counts whole. The
/// default, 0 and 0, makes every shortfall a gap.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Materiality {
    /// Share of the year's cost, in [0, 1].
    pub share: f64,
    /// Amount in the scenario's money, >= 0.
    pub amount: f64,
}

impl Materiality {
    /// The largest shortfall absorbed in a year costing `cost`.
    #[inline]
    pub fn threshold(&self, cost: f64) -> f64 {
        let s = self.share * cost;
        if s > self.amount { s } else { self.amount }
    }
}

/// The decision that stops (or shrinks) a service that has lost its money:
/// evaluated at the end of each year; from the next year on, the service's
/// cost, funding and benefits are `after_stop_share` of what they would
/// have been. The default never fires.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StopRule {
    /// Stop after this many consecutive years with a gap (0: never).
    pub after_gap_years: usize,
    /// Stop after a year whose funding and reserve draw cover less than
    /// this share of its cost (0: never).
    pub below_funding_share: f64,
    /// Share of the service that goes on after it stops (0: closed).
    pub after_stop_share: f64,
}

impl StopRule {
    /// Whether either rule can fire.
    pub fn is_set(&self) -> bool {
        self.after_gap_years > 0 || self.below_funding_share > 0.0
    }
}

/// What happened to a service in fact, for a back-test: whether it had
/// been stopped by the end of a year (a decision the stop rule predicts
/// with a probability), and the record that says so.
///
/// Invariant: `by` is a year index before the horizon's last year, so a
/// stop decided at the end of year `by` takes effect within the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Whether the service had been stopped (or shrunk) by the end of
    /// year `by`.
    pub stopped: bool,
    /// Year index of the observation.
    pub by: usize,
    /// Where the outcome is recorded.
    pub source: String,
}

/// The city's decision at a decision point, by default the year after a
/// service's national money ends (지방비 전환): it continues, shrinks to a
/// stated share, or stops, with stated chances (a prior with its source).
/// The decision, not a random budget level, carries the uncertainty of
/// take-over; it is drawn once per trial.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Year index from which the decision takes effect.
    pub year: usize,
    /// Chance the service stops there.
    pub stop: f64,
    /// Chance it shrinks to `shrink_to` of itself.
    pub shrink: f64,
    /// The share that goes on after a shrink.
    pub shrink_to: f64,
    /// Where the chances come from.
    pub source: String,
    /// The trial's draw that decides: uniform on [0, 1); below `stop` it
    /// stops, below `stop + shrink` it shrinks. An uncertain input like
    /// any other (sensitivity analyses rank it).
    pub(crate) draw: super::Quantity,
}

impl Decision {
    /// Chance the service continues as it is.
    pub fn continues(&self) -> f64 {
        (1.0 - self.stop - self.shrink).max(0.0)
    }
}
