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
    /// Why it stopped, as the record says (meaningful for a stop).
    pub reason: StopReason,
    /// The cases decided in one budget share a cluster (None: the
    /// scenario's own name).
    pub cluster: Option<String>,
    /// How firmly the record states the outcome.
    pub strength: Strength,
    /// The date the forecast is made as of: inputs must come from
    /// documents dated before it.
    pub forecast: Option<Date>,
    /// The date of the record of the outcome (after `forecast`).
    pub recorded: Option<Date>,
}

/// Why a service stopped, as its record says. A back-test scores only
/// budget decisions as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StopReason {
    /// The city or its council did not fund it, or ended it for its cost
    /// or its use.
    #[default]
    Budget,
    /// It never worked or was not permitted.
    Technical,
    /// The contract left continuation to an operator, who left.
    Contractual,
    /// Anything else (e.g. an industry's opposition).
    Other,
}

impl StopReason {
    /// The names a scenario uses.
    pub const OPTIONS: [(&'static str, StopReason); 4] = [
        ("budget", StopReason::Budget),
        ("technical", StopReason::Technical),
        ("contractual", StopReason::Contractual),
        ("other", StopReason::Other),
    ];
}

/// How firmly the record states an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub enum Strength {
    /// Stated by a dated record after the forecast date.
    #[default]
    A,
    /// Stated, but the horizon is short or the funder unclear.
    B,
    /// Inferred (e.g. a later article that presumes it runs).
    C,
}

impl Strength {
    /// The names a scenario uses.
    pub const OPTIONS: [(&'static str, Strength); 3] =
        [("A", Strength::A), ("B", Strength::B), ("C", Strength::C)];
}

/// A calendar date, as `YYYY-MM-DD`.
///
/// Invariant: a real date of the Gregorian calendar (month 1–12, the day
/// within the month); built only by [`Date::parse`]. Ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// Reads `YYYY-MM-DD` (None for anything else, or a day that does not
    /// exist).
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (year, month, day): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The calendar year.
    pub fn year(&self) -> i32 {
        self.year
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
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
